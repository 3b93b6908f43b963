"""Evidence entries read from the compiled database, matched to medicine lists, and turned
into one structured view shared by the CLI, the API, the web page, monographs and the site.

The meta-analyses were computed when the database was compiled (:mod:`.meta`); here they
are only read, so pages never import statsmodels. Each entry's view (with its forest
plots) is built once per process and kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from rxcombo.evidence.model import EvidenceEntry
from rxcombo.evidence.plot import forest_svg, outcome_name, svg_filename
from rxcombo.evidence.present import certainty_reasons, number_needed, plain, professional
from rxcombo.evidence.results import EntryAnalysis

if TYPE_CHECKING:
    from rxcombo.knowledge.database import Catalog
    from rxcombo.engine.checker import CheckResult, Engine

ROLE_WORDS = {
    "augmentation": "added to a medicine that has not worked well enough",
    "co-initiation": "started together",
    "fixed-dose": "a fixed-dose product",
    "side-effect-treatment": "to treat a side effect of the other medicine",
    "switch-comparison": "compared with switching",
    "other": "combined",
}
DESIGN_WORDS = {
    "randomised-double-blind": "randomised, double-blind", "randomised-single-blind": "randomised, single-blind",
    "randomised-open": "randomised, open-label", "non-randomised": "non-randomised", "observational": "observational",
}


def no_entry_message(names: Sequence[str]) -> str:
    """The one line shown when no entry matches: never a claim that the combination does not work."""
    return (f"No evidence entry for {' + '.join(names)} in the rxcombo knowledge base yet: "
            "this says nothing about whether the combination works.")


@dataclass(frozen=True)
class EvidenceItem:
    """One entry as stored: the validated entry, its computed analysis and its file."""

    entry: EvidenceEntry
    analysis: EntryAnalysis
    file: str


class EvidenceLibrary:
    """The entries of one compiled database."""

    def __init__(self, catalog: "Catalog"):
        self.catalog = catalog
        self._views: dict[str, dict[str, Any]] = {}

    @cached_property
    def items(self) -> dict[str, EvidenceItem]:
        rows = getattr(self.catalog, "evidence", {})
        return {eid: EvidenceItem(EvidenceEntry.model_validate(row["entry"]), EntryAnalysis.from_dict(row["analysis"]), row["file"])
                for eid, row in rows.items()}

    def _partner_in_classes(self, entry: EvidenceEntry, ids: Sequence[str]) -> bool:
        """For an entry naming classes, whether a medicine of the list besides the entry's own is
        in one of them, classes including their ancestors (true for an entry naming none)."""
        wanted = set(entry.combination.with_one_of_classes)
        if not wanted:
            return True
        others = [m for m in ids if m not in entry.combination.medicines and m in self.catalog.medicine_names]
        return any(wanted & set(self.catalog.profile(m).classes) for m in others)

    @cached_property
    def _by_medicines(self) -> list[tuple[frozenset[str], EvidenceItem]]:
        return [(frozenset(item.entry.combination.medicines), item) for item in self.items.values()]

    def matching(self, ids: Sequence[str]) -> list[EvidenceItem]:
        """Entries for the list: those whose medicines are all in it and, if they name classes,
        with another medicine of the list in one of them; trials of these medicines first, then
        class-level evidence."""
        listed = frozenset(ids)  # the cheap test first: every page of a site build asks
        found = [item for medicines, item in self._by_medicines if medicines <= listed and self._partner_in_classes(item.entry, ids)]
        return sorted(found, key=lambda item: (item.entry.evidence_level != "combination", item.entry.id))

    def combination_label(self, entry: EvidenceEntry) -> str:
        """"Buspirone + an SSRI antidepressant": the entry's medicines and classes in words."""
        names = [self.catalog.medicine_names.get(m, m) for m in entry.combination.medicines]
        classes = [self.catalog.classes.get(c, {}).get("plain") or self.catalog.classes.get(c, {}).get("name", c)
                   for c in entry.combination.with_one_of_classes]
        label = " + ".join(names)
        return label + (" + " + " or ".join(classes) if classes else "")

    def warm(self) -> None:
        """Build every entry's view now (before a site build forks its workers)."""
        for entry_id in self.items:
            self.view(entry_id)

    def view(self, entry_id: str) -> dict[str, Any]:
        """Everything a page shows for one entry (forest plots included), built once."""
        if entry_id not in self._views:
            self._views[entry_id] = self._build_view(self.items[entry_id])
        return self._views[entry_id]

    def _build_view(self, item: EvidenceItem) -> dict[str, Any]:
        entry, analysis = item.entry, item.analysis
        label = self.combination_label(entry)
        controls = {s.arm(s.comparison.control).label for s in entry.studies}
        control = _in_sentence(next(iter(controls))) if len(controls) == 1 else "the comparison treatments"
        # class-level trials used other medicines: say what was studied, not the page's combination
        studied = {s.arm(s.comparison.intervention).label for s in entry.studies}
        if entry.evidence_level == "class":
            subject = _in_sentence(next(iter(studied))) if len(studied) == 1 else "the combinations studied"
        else:
            subject = _in_sentence(label) if len(label) < 70 else "the combination"
        sources = {key: {"key": key, **s.model_dump(mode="json", exclude_none=True)} for key, s in entry.sources.items()}
        outcomes = []
        for result in analysis.outcomes:
            certainty = entry.certainty_for(result.outcome)
            nn = number_needed(result)
            outcomes.append({
                "outcome": result.outcome,
                "name": outcome_name(result.outcome),
                "analysis": result.to_dict(),
                "certainty": certainty.model_dump(mode="json", exclude_none=True) if certainty else None,
                "certainty_reasons": certainty_reasons(certainty),
                "number_needed": {"kind": nn.kind, "value": nn.value, "risk_difference": nn.risk_difference} if nn else None,
                "plain": plain(result, certainty, subject, control),
                "professional": professional(result, certainty),
                "sources": [s.source for s in entry.studies if any(e.study == s.id for e in result.studies)],
                "svg_file": svg_filename(entry.id, result.outcome),
                "svg": forest_svg(result, _in_sentence(label), uid=f"fp-{entry.id}-{result.outcome}",
                                  title=f"Forest plot: {outcome_name(result.outcome)}, {entry.title}"),
            })
        studies = [{
            "id": s.id, "label": next((e.label for o in analysis.outcomes for e in o.studies if e.study == s.id), s.id),
            "source": s.source, "design": s.design, "design_words": DESIGN_WORDS[s.design], "population": s.population,
            "duration_weeks": s.duration_weeks,
            "arms": [{"id": a.id, "label": a.label, "analysed": a.analysed, "randomised": a.randomised,
                      "drugs": [d.model_dump(mode="json", exclude_none=True) for d in a.drugs]} for a in s.arms],
            "comparison": s.comparison.model_dump(mode="json"), "risk_of_bias": s.risk_of_bias.model_dump(mode="json"),
            "note": s.note,
        } for s in entry.studies]
        return {
            "id": entry.id, "title": entry.title, "file": item.file, "combination": entry.combination.model_dump(mode="json"),
            "combination_label": label, "indication": entry.indication, "role": entry.role, "role_words": ROLE_WORDS[entry.role],
            "evidence_level": entry.evidence_level, "caveat": entry.caveat, "no_trials": entry.no_trials,
            "why_combined": {"text": entry.why_combined.text, "sources": list(entry.why_combined.sources)},
            "guidelines": [g.model_dump(mode="json", exclude_none=True) for g in entry.guidelines],
            "outcomes": outcomes, "studies": studies,
            "dose_evidence": [d.model_dump(mode="json") for d in entry.dose_evidence],
            "published_pooled": [p.model_dump(mode="json", exclude_none=True) for p in entry.published_pooled],
            "sources": sources,
        }


def _in_sentence(label: str) -> str:
    """"Buspirone + an SSRI antidepressant" -> "buspirone + an SSRI antidepressant"."""
    return " + ".join(part[:1].lower() + part[1:] if part[1:2].islower() else part for part in label.split(" + "))


@lru_cache(maxsize=8)
def library_for(catalog: "Catalog") -> EvidenceLibrary:
    """One library per open database (kept for the life of the process)."""
    return EvidenceLibrary(catalog)


def evidence_report(engine: "Engine", ids: Sequence[str], result: "CheckResult | None" = None) -> dict[str, Any]:
    """The evidence for a list of medicine ids, with the harm side: the engine's headline for
    the same list (``result``, when the caller has checked it already) and where to see the full check."""
    catalog = engine.catalog
    ids = list(dict.fromkeys(ids))
    names = [catalog.medicine_names[i] for i in ids]
    library = library_for(catalog)
    entries = [library.view(item.entry.id) for item in library.matching(ids)]
    result = result if result is not None else engine.check_ids(ids)
    return {
        "medicines": [{"id": i, "name": n} for i, n in zip(ids, names)],
        "slug": "+".join(ids),
        "title": " + ".join(names),
        "found": bool(entries),
        "message": None if entries else no_entry_message(names),
        "entries": entries,
        "harm": {"headline": result.headline, "highest_severity": result.highest_severity,
                 "check": "/check?drugs=" + quote(",".join(ids), safe=","),
                 "pairs": [{"drugs": list(p.drugs), "names": list(p.names), "severity": p.severity, "action": p.action}
                           for p in result.pairs]},
        "disclaimer": "Information only, not medical advice. Evidence of benefit never removes the interaction risks above.",
    }


def entry_report(engine: "Engine", entry_id: str, check_link: str | None = None) -> dict[str, Any]:
    """One entry on its own page (the static site). The harm side is the engine's headline when
    the entry names its medicines exactly; a class-level entry depends on the medicine chosen."""
    library = library_for(engine.catalog)
    view = library.view(entry_id)
    entry = library.items[entry_id].entry
    ids = list(entry.combination.medicines)
    if entry.combination.with_one_of_classes or len(ids) < 2:
        harm: dict[str, Any] = {"headline": f"The interactions depend on which medicine of the class is taken with "
                                            f"{' and '.join(library.catalog.medicine_names[i] for i in ids)}: check your own list",
                                "highest_severity": None, "check": check_link, "pairs": []}
    else:
        result = engine.check_ids(ids)
        harm = {"headline": result.headline, "highest_severity": result.highest_severity, "check": check_link,
                "pairs": [{"drugs": list(p.drugs), "names": list(p.names), "severity": p.severity, "action": p.action}
                          for p in result.pairs]}
    return {"medicines": [{"id": i, "name": library.catalog.medicine_names[i]} for i in ids], "slug": entry_id,
            "title": view["combination_label"], "found": True, "message": None, "entries": [view], "harm": harm,
            "disclaimer": "Information only, not medical advice. Evidence of benefit never removes the interaction risks."}
