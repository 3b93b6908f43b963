"""The finding: one statement about medicines taken together.

The same object feeds the CLI, the JSON API, the pages and CDS Hooks cards.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from rxcombo.engine.profile import SourceRef

SEVERITIES = ("contraindicated", "major", "moderate", "minor")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


@dataclass(frozen=True, slots=True)
class Finding:
    drugs: tuple[str, ...]
    severity: str
    type: str
    title: str
    mechanism: str
    effect: str
    management: str
    monitor: str | None
    summary: str
    documentation: str
    rule: str  # the rule id, or "pair:<entry>" for a curated entry
    sources: tuple[SourceRef, ...]
    basis: tuple[str, ...] = ()  # the record facts that made the rule fire, e.g. "paroxetine: serotonergic=high"
    refines: tuple[str, ...] = ()  # for curated entries: the rule findings they replace
    names: tuple[str, ...] = field(default=())
    params: tuple[tuple[str, str], ...] = ()  # the rule text's parameters (enzyme, class...), for other renderers

    def sort_key(self) -> tuple[int, str, tuple[str, ...]]:
        return (SEVERITY_RANK[self.severity], self.rule, self.drugs)

    def __reduce__(self) -> tuple[type["Finding"], tuple[Any, ...]]:
        """Pickled as its fields and rebuilt by the constructor: half the time of the generic
        state of a slotted class (a site build ships some 50,000 pairs' findings between processes)."""
        return (Finding, tuple(getattr(self, name) for name in _FIELDS))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "drugs": list(self.drugs),
            "names": list(self.names),
            "severity": self.severity,
            "type": self.type,
            "title": self.title,
            "mechanism": self.mechanism,
            "effect": self.effect,
            "management": self.management,
            "monitor": self.monitor,
            "summary": self.summary,
            "documentation": self.documentation,
            "rule": self.rule,
            "basis": list(self.basis),
            "sources": [s.to_dict() for s in self.sources],
        }
        if self.refines:
            out["refines"] = list(self.refines)
        return out


_FIELDS = tuple(f.name for f in fields(Finding))


def dedupe_sources(refs: list[SourceRef]) -> tuple[SourceRef, ...]:
    seen: dict[tuple[str, str | None], SourceRef] = {}
    for ref in refs:
        seen.setdefault((ref.key, ref.section), ref)
    return tuple(seen.values())
