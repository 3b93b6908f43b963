"""How complete the knowledge base is: for every engine-relevant property, how many records
state a value, state an absence (``none``) with a source, or leave it unknown.

Read from the compiled database (the same profiles the engine uses), so the report counts
exactly what the engine can see.
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from typing import Any

from rxcombo.engine.assessment import label
from rxcombo.knowledge.database import Catalog

# The enzyme and transporter roles counted (the ones FDA's table and most labels address).
PK_TARGETS = ("CYP1A2", "CYP2B6", "CYP2C8", "CYP2C9", "CYP2C19", "CYP2D6", "CYP3A4",
              "P-gp", "BCRP", "OATP1B1", "OATP1B3", "OCT2", "MATE1", "OAT1", "OAT3")
PK_ROLES = ("substrate", "inhibits", "induces")
OTHER = ("narrow_therapeutic_index", "half_life", "max_daily", "label_interactions")
# Label facts that pages answer questions from ("Can I take it during pregnancy?", "What if I
# miss a dose?", "How should I store it?") and the dose adjustments; half-life and the daily
# maximum are counted with the engine properties above. A dotted name is a field in a section.
PAGE_FACTS = ("pregnancy", "lactation", "missed_dose", "storage", "dosing.renal", "dosing.hepatic")


def property_keys() -> tuple[str, ...]:
    from rxcombo.knowledge.models import RISK_NAMES

    return tuple(RISK_NAMES) + tuple(f"{role}:{t}" for role in PK_ROLES for t in PK_TARGETS) + OTHER


@dataclass(frozen=True, slots=True)
class RecordCompleteness:
    id: str
    stated: tuple[str, ...]
    none: tuple[str, ...]
    unknown: tuple[str, ...]
    reviewed: bool
    own_label: bool  # cites a label whose title names it (foods and minerals often cite partners' labels)
    labels_by_search_url: tuple[str, ...] = ()  # keys of label sources cited by a search page
    facts: tuple[str, ...] = ()  # the PAGE_FACTS the record states


def _state(catalog: Catalog, mid: str, record: dict[str, Any], key: str) -> str:
    profile = catalog.profile(mid)
    if key in profile.absent:
        return "none"
    if key == "anticholinergic" and key in profile.risks:
        return "none" if profile.risks[key].value == 0 else "value"
    if key == "narrow_therapeutic_index":
        prop = profile.narrow_therapeutic_index
        return "unknown" if prop is None else "value" if prop.value else "none"
    if key == "half_life":
        return "value" if record.get("pharmacokinetics", {}).get("half_life") else "unknown"
    if key == "max_daily":
        return "value" if profile.max_daily is not None else "unknown"
    if key == "label_interactions":
        return "value" if profile.label_interactions else "unknown"
    return "value" if profile.knows(key) else "unknown"


def _cites_own_label(record: dict[str, Any]) -> bool:
    """A medicine or supplement citing a label whose title names it (by name, synonym, salt or
    brand). A record that cites only other medicines' labels (calcium citing ciprofloxacin's
    chelation statement) has no label of its own to read interactions from."""
    if record.get("kind", "medicine") not in ("medicine", "supplement"):
        return False
    names = [record["name"], record["id"].replace("-", " "), *record.get("synonyms", []), *record.get("salts", []),
             *(brand for brands in (record.get("brands") or {}).values() for brand in brands)]
    wanted = [n.casefold() for n in names if len(n) > 2]
    return any(source.get("kind") == "label" and any(n in source.get("title", "").casefold() for n in wanted)
               for source in (record.get("sources") or {}).values())


# A label cited by a search page ("dailymed/search.cfm?query=...") names no document: the issue
# asks for the specific one (a DailyMed set id, an EMC product page).
SEARCH_URL = re.compile(r"/search\.cfm|/search\?|[?&]query=", re.IGNORECASE)


def _labels_by_search_url(record: dict[str, Any]) -> tuple[str, ...]:
    """The keys of a record's label sources whose address is a search page, not a document."""
    return tuple(key for key, source in (record.get("sources") or {}).items()
                 if source.get("kind") == "label" and SEARCH_URL.search(str(source.get("url") or "")))


def has_field(record: dict[str, Any], name: str) -> bool:
    """Whether a record states a field; a dotted name is a field in a section ("dosing.renal")."""
    section, _, part = name.partition(".")
    value = record.get(section)
    if part:
        value = (value or {}).get(part)
    return bool(value)


def record_completeness(catalog: Catalog) -> list[RecordCompleteness]:
    keys = property_keys()
    out = []
    for med in catalog.medicines():
        record = catalog.record(med["id"])
        states: dict[str, list[str]] = {"value": [], "none": [], "unknown": []}
        for key in keys:
            states[_state(catalog, med["id"], record, key)].append(key)
        out.append(RecordCompleteness(med["id"], tuple(states["value"]), tuple(states["none"]),
                                      tuple(states["unknown"]), bool(record.get("review")), _cites_own_label(record),
                                      _labels_by_search_url(record),
                                      tuple(name for name in PAGE_FACTS if has_field(record, name))))
    return out


def completeness_report(catalog: Catalog) -> dict[str, Any]:
    """Per property: stated / none / unknown counts; per record: what it lacks; then the summary."""
    records = record_completeness(catalog)
    keys = property_keys()
    per_property = []
    for key in keys:
        stated = sum(key in r.stated for r in records)
        none = sum(key in r.none for r in records)
        per_property.append({"property": key, "label": label(key) if key not in OTHER else key.replace("_", " "),
                             "stated": stated, "none": none, "unknown": len(records) - stated - none})
    total_cells = len(keys) * len(records) or 1
    stated_cells = sum(len(r.stated) for r in records)
    none_cells = sum(len(r.none) for r in records)
    reviewed = sum(r.reviewed for r in records)
    labelled = [r for r in records if r.own_label]
    labels_not_read = [r.id for r in labelled if "label_interactions" in r.unknown]
    by_search = {r.id: list(r.labels_by_search_url) for r in records if r.labels_by_search_url}
    return {
        "properties": per_property,
        "records": [{"id": r.id, "stated": len(r.stated), "none": len(r.none), "unknown": list(r.unknown),
                     "reviewed": r.reviewed} for r in records],
        "summary": {
            "records": len(records),
            "properties_per_record": len(keys),
            "stated_share": round(stated_cells / total_cells, 4),
            "none_share": round(none_cells / total_cells, 4),
            "unknown_share": round(1 - (stated_cells + none_cells) / total_cells, 4),
            "reviewed": reviewed,
            "reviewed_share": round(reviewed / (len(records) or 1), 4),
            "with_label": len(labelled),
            "label_interactions_recorded": len(labelled) - len(labels_not_read),
            "label_sources_by_search_url": sum(len(keys) for keys in by_search.values()),
            "records_citing_a_label_by_search_url": len(by_search),
        },
        "page_facts": {name: sum(name in r.facts for r in records) for name in PAGE_FACTS},
        "label_interactions_not_recorded": labels_not_read,
        "labels_cited_by_search_url": by_search,
    }
