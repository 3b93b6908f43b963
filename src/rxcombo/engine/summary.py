"""What a person reads first: the findings grouped by pair of medicines, and a one-line answer.

Pure functions over a check result; the JSON contract keeps every finding in ``interactions``
and adds ``pairs`` (one entry per pair, worst severity first) and ``headline``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rxcombo.engine.findings import SEVERITY_RANK, Finding

if TYPE_CHECKING:
    from rxcombo.engine.checker import CheckResult

# How severities are counted in the one-line answer.
HEADLINE_WORDS = {"contraindicated": "serious", "major": "serious", "moderate": "moderate", "minor": "minor"}


@dataclass(frozen=True, slots=True)
class PairSummary:
    """One pair of medicines: its worst severity, a one-line action and its findings."""

    drugs: tuple[str, ...]  # ids, in the order of the names
    names: tuple[str, ...]  # alphabetical, so that a pair always reads the same way
    severity: str
    action: str
    findings: tuple[int, ...]  # positions in the result's ``interactions``

    def to_dict(self, interactions: tuple[Finding, ...]) -> dict[str, Any]:
        return {"drugs": list(self.drugs), "names": list(self.names), "severity": self.severity,
                "action": self.action, "findings": list(self.findings),
                "rules": [interactions[i].rule for i in self.findings]}


def _first_sentence(text: str) -> str:
    head, dot, _rest = text.partition(". ")
    return head + "." if dot else text


def group_by_pair(interactions: tuple[Finding, ...]) -> tuple[PairSummary, ...]:
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, f in enumerate(interactions):
        groups.setdefault(tuple(sorted(f.drugs)), []).append(i)
    out = []
    for indices in groups.values():
        worst = min((interactions[i] for i in indices), key=Finding.sort_key)
        names, drugs = zip(*sorted(zip(worst.names, worst.drugs))) if worst.names else ((), worst.drugs)
        out.append(PairSummary(tuple(drugs), tuple(names), worst.severity, _first_sentence(worst.management),
                               tuple(sorted(indices, key=lambda i: interactions[i].sort_key()))))
    return tuple(sorted(out, key=lambda p: (SEVERITY_RANK[p.severity], p.names)))


def headline(result: "CheckResult", pairs: tuple[PairSummary, ...]) -> str:
    counts: dict[str, int] = {}
    for pair in pairs:
        word = HEADLINE_WORDS[pair.severity]
        counts[word] = counts.get(word, 0) + 1
    checked = len(result.resolution.ids)
    parts = [f"{n} {word}" for word, n in ((w, counts.get(w, 0)) for w in ("serious", "moderate", "minor")) if n]
    if parts:
        joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        total = sum(counts.values())
        text = f"{joined} interaction{'s' if total > 1 else ''} among {checked} medicines"
    elif checked >= 2:
        text = f"No interactions found among {checked} medicines (this does not prove the combination is safe)"
    else:
        text = f"{checked} medicine{'s' if checked != 1 else ''} recognised; add another to check them together"
    extras = []
    if result.same_ingredient:
        extras.append(f"{len(result.same_ingredient)} ingredient{'s' if len(result.same_ingredient) > 1 else ''} taken twice")
    if result.cumulative:
        extras.append(f"{len(result.cumulative)} whole-list warning{'s' if len(result.cumulative) > 1 else ''}")
    missing = len(result.resolution.unresolved)
    if missing:
        extras.append(f"{missing} name{'s' if missing > 1 else ''} not checked")
    if result.not_assessed:
        extras.append(f"some effects not assessed for {len(result.not_assessed)} medicine{'s' if len(result.not_assessed) > 1 else ''}")
    return "; ".join([text] + extras)
