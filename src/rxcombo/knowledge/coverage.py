"""How much of a composition catalogue (the seed site's compositions.csv) the knowledge base covers.

A composition resolves completely when each of its ingredient strings names exactly one
medicine of the knowledge base. The nervous-system subset is every composition with at
least one ingredient that is a nervous-system medicine: either recognised (its class is
marked ``nervous_system`` in classes.yaml) or, when not recognised, a name matching the
nervous-system names below, so that a missing medicine is counted, not hidden.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rxcombo.engine.checker import Engine
from rxcombo.errors import InputError, RxcomboError
from rxcombo.knowledge.completeness import has_field

# Names and INN stems of nervous-system medicines (antidepressants, anxiolytics, hypnotics,
# antipsychotics, antiepileptics, anticholinergic antiparkinson agents, opioids, ADHD and
# wakefulness medicines). Used only to recognise a nervous-system ingredient that the
# knowledge base does not know yet.
NERVOUS_SYSTEM_NAMES = re.compile(
    r"azepam|azolam|zepam\b|clobazam|chlordiazepoxide|clorazepate|etizolam|brotizolam|"
    r"triptyline|ipramine|dosulepin|dothiepin|doxepin|amoxapine|maprotiline|lofepramine|melitracen|mianserin|"
    r"tianeptine|amineptine|nitroxazepine|oxetine|citalopram|fluvoxamine|clovoxamine|sertraline|venlafaxine|"
    r"milnacipran|vilazodone|vortioxetine|phenelzine|tranylcypromine|isocarboxazid|moclobemide|selegiline|"
    r"mirtazapine|bupropion|trazodone|nefazodone|agomelatine|reboxetine|esketamine|zuranolone|brexanolone|"
    r"promazine|perazine|phenazine|thioridazine|mesoridazine|pipotiazine|periciazine|levomepromazine|"
    r"methotrimeprazine|flupen[t]?h?ixol|zuclopenthixol|sulpiride|clozapine|olanzapine|quetiapine|asenapine|"
    r"loxapine|zotepine|risperidone|paliperidone|ziprasidone|lurasidone|iloperidone|piprazole|cariprazine|"
    r"pimozide|lumateperone|pimavanserin|sertindole|haloperidol|benperidol|bromperidol|trifluperidol|droperidol|"
    r"dixyrazine|barbital|primidone|phenytoin|ethotoin|carbazepine|valpro|lamotrigine|topiramate|zonisamide|"
    r"lacosamide|levetiracetam|brivaracetam|gabapentin|pregabalin|ethosuximide|felbamate|cenobamate|rufinamide|"
    r"perampanel|tiagabine|vigabatrin|stiripentol|lithium|zolpidem|zopiclone|zaleplon|suvorexant|lemborexant|"
    r"daridorexant|ramelteon|tasimelteon|melatonin|buspirone|hydroxyzine|meprobamate|trihexyphenidyl|benzhexol|"
    r"benztropine|procyclidine|biperiden|ethopropazine|morphine|codeine|tramadol|tapentadol|oxycodone|"
    r"hydrocodone|hydromorphone|oxymorphone|fentanil|fentanyl|methadone|buprenorphine|meperidine|pethidine|"
    r"ketobemidone|nalbuphine|butorphanol|pentazocine|ethoheptazine|dextropropoxyphene|levorphanol|heroin|"
    r"methylphenidate|amphetamine|amfetamine|atomoxetine|viloxazine|guanfacine|clonidine|modafinil",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Composition:
    title: str
    ingredients: tuple[str, ...]


@dataclass
class Tally:
    """Counts for one set of compositions (the whole catalogue or a subset)."""

    compositions: int = 0
    complete: int = 0
    unresolved: Counter[str] = field(default_factory=Counter)
    ambiguous: Counter[str] = field(default_factory=Counter)

    @property
    def percent(self) -> float:
        return 100.0 * self.complete / self.compositions if self.compositions else 0.0

    def to_dict(self, top: int) -> dict[str, Any]:
        return {
            "compositions": self.compositions,
            "complete": self.complete,
            "percent_complete": round(self.percent, 2),
            "unresolved_ingredients": [{"name": n, "count": c} for n, c in self.unresolved.most_common(top)],
            "unresolved_distinct": len(self.unresolved),
            "ambiguous_ingredients": [{"name": n, "count": c} for n, c in self.ambiguous.most_common(top)],
        }


@dataclass
class CoverageReport:
    catalogue: Tally
    nervous_system: Tally
    nervous_system_unresolved: Counter[str]  # nervous-system ingredients the knowledge base lacks

    def to_dict(self, top: int = 50) -> dict[str, Any]:
        return {
            "catalogue": self.catalogue.to_dict(top),
            "nervous_system": self.nervous_system.to_dict(top),
            "nervous_system_ingredients_unresolved": [
                {"name": n, "count": c} for n, c in self.nervous_system_unresolved.most_common()
            ],
        }

    def summary(self) -> str:
        ns, cat = self.nervous_system, self.catalogue
        return (
            f"nervous-system compositions: {ns.complete}/{ns.compositions} complete ({ns.percent:.1f}%), "
            f"{len(self.nervous_system_unresolved)} nervous-system ingredients unresolved; "
            f"whole catalogue: {cat.complete}/{cat.compositions} ({cat.percent:.1f}%)"
        )


def read_catalogue(path: Path) -> list[Composition]:
    """Read a compositions CSV with ``title`` and ``ingredients`` (";"-separated) columns."""
    try:
        with Path(path).open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = {"title", "ingredients"} - set(reader.fieldnames or [])
            if missing:
                raise InputError(f"{path}: the catalogue needs the columns {sorted(missing)}")
            return [
                Composition(row["title"], tuple(i.strip() for i in row["ingredients"].split(";") if i.strip()))
                for row in reader
            ]
    except OSError as exc:
        raise InputError(f"cannot read the catalogue {path}: {exc.strerror}") from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable CSV file ({exc})") from exc


def classify_ingredient(engine: Engine, name: str) -> tuple[str, str | None]:
    """("resolved", id) | ("ambiguous", None) | ("unresolved", None) for one ingredient string.

    An ingredient is one medicine: several parts ("Paracetamol/Acetaminophen") must all name
    the same one; parts naming different medicines make the string ambiguous."""
    try:
        resolved, unresolved = engine.resolver.resolve_one(name, suggestions=False)
    except RxcomboError:
        return "unresolved", None
    ids = {r.id for r in resolved}
    if any(u.ambiguous for u in unresolved) or len(ids) > 1:
        return "ambiguous", None
    if unresolved or not ids:
        return "unresolved", None
    return "resolved", ids.pop()


def coverage(engine: Engine, compositions: Iterable[Composition]) -> CoverageReport:
    ns_classes = engine.catalog.nervous_system_classes
    catalogue, nervous, ns_missing = Tally(), Tally(), Counter[str]()
    seen: dict[str, tuple[str, str | None]] = {}
    for comp in compositions:
        statuses = []
        is_ns = False
        for ingredient in comp.ingredients:
            if ingredient not in seen:
                seen[ingredient] = classify_ingredient(engine, ingredient)
            status, mid = seen[ingredient]
            statuses.append((ingredient, status))
            if status == "resolved" and mid is not None:
                if any(c in ns_classes for c in engine.catalog.profile(mid).classes):
                    is_ns = True
            elif NERVOUS_SYSTEM_NAMES.search(ingredient):
                is_ns = True
                ns_missing[ingredient] += 1
        tallies = (catalogue, nervous) if is_ns else (catalogue,)
        for tally in tallies:
            tally.compositions += 1
            if all(status == "resolved" for _, status in statuses):
                tally.complete += 1
            for ingredient, status in statuses:
                if status == "unresolved":
                    tally.unresolved[ingredient] += 1
                elif status == "ambiguous":
                    tally.ambiguous[ingredient] += 1
    return CoverageReport(catalogue, nervous, ns_missing)


# ---------------------------------------------------------------- the medicines people take

@dataclass(frozen=True)
class ListedProduct:
    """One entry of a ranked list of prescribed products (ClinCalc's top 300)."""

    rank: int
    name: str
    ingredients: tuple[str, ...]


@dataclass
class ListCoverage:
    """How a ranked product list resolves: complete, a named ambiguity, or missing ingredients."""

    products: int = 0
    complete: int = 0
    ambiguous: list[tuple[int, str, str]] = field(default_factory=list)  # (rank, name, reason)
    missing: dict[str, int] = field(default_factory=dict)  # ingredient -> best rank
    incomplete: list[tuple[int, str]] = field(default_factory=list)
    # The records the resolved products name, and which of them lack each monograph field.
    records: set[str] = field(default_factory=set)
    monograph: MonographGaps = field(default_factory=lambda: MonographGaps(frozenset(), {}))

    def to_dict(self) -> dict[str, Any]:
        return {
            "products": self.products,
            "complete": self.complete,
            "named_ambiguities": [{"rank": r, "name": n, "reason": why} for r, n, why in self.ambiguous],
            "incomplete_products": [{"rank": r, "name": n} for r, n in self.incomplete],
            "missing_ingredients": [{"name": n, "rank": r} for n, r in sorted(self.missing.items(), key=lambda x: (x[1], x[0]))],
            "monograph_fields": self.monograph.to_dict(),
        }

    def summary(self) -> str:
        return (f"top-300 products: {self.complete}/{self.products} resolve completely, {len(self.ambiguous)} are named "
                f"ambiguities, {len(self.incomplete)} incomplete ({len(self.missing)} ingredients missing); "
                f"{self.monograph.complete}/{len(self.monograph.records)} of their records carry every monograph field")


def read_top300(path: Path) -> list[ListedProduct]:
    """Read ClinCalc's list (columns rank, name, ingredients separated by ';')."""
    try:
        with Path(path).open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = {"rank", "name", "ingredients"} - set(reader.fieldnames or [])
            if missing:
                raise InputError(f"{path}: the list needs the columns {sorted(missing)}")
            return [ListedProduct(int(row["rank"]), row["name"], tuple(i.strip() for i in row["ingredients"].split(";") if i.strip()))
                    for row in reader]
    except OSError as exc:
        raise InputError(f"cannot read the list {path}: {exc.strerror}") from exc
    except (csv.Error, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path}: not a readable list ({exc})") from exc


def _ambiguity(engine: Engine, name: str) -> str | None:
    try:
        _resolved, unresolved = engine.resolver.resolve_one(name, suggestions=False)
    except RxcomboError:
        return None
    return next((u.ambiguous for u in unresolved if u.ambiguous), None)


# The fields a top-300 medicine's page needs (issue: "their pages are complete"); a dotted name
# is a field inside a section.
MONOGRAPH_FIELDS = ("indications", "dosing.adult", "adverse_effects", "contraindications", "pregnancy", "lactation")


@dataclass(frozen=True)
class MonographGaps:
    """For a set of records (the top-300 medicines, the nervous-system medicines), which lack
    each monograph field: their pages show those sections as missing."""

    records: frozenset[str]
    lacking: dict[str, list[str]]

    @property
    def complete(self) -> int:
        return len(self.records - {mid for ids in self.lacking.values() for mid in ids})

    def to_dict(self) -> dict[str, Any]:
        return {"records": len(self.records), "complete": self.complete, "lacking": dict(self.lacking)}


def monograph_gaps(engine: Engine, ids: Iterable[str]) -> MonographGaps:
    records = frozenset(ids)
    return MonographGaps(records, {name: sorted(mid for mid in records if not has_field(engine.catalog.record(mid), name))
                                   for name in MONOGRAPH_FIELDS})


def nervous_system_records(engine: Engine) -> list[str]:
    """Medicines of a nervous-system class (antidepressants, antipsychotics, opioids...): the
    issue asks that their pages be complete as the top-300 medicines' are."""
    classes = engine.catalog.nervous_system_classes
    return sorted(med["id"] for med in engine.catalog.medicines()
                  if med["kind"] == "medicine" and classes.intersection(engine.catalog.profile(med["id"]).classes))


def top300_coverage(engine: Engine, products: Iterable[ListedProduct]) -> ListCoverage:
    """A product is complete when every ingredient resolves; a pooled entry ("Calcium",
    "Magnesium Salts") counts as a named ambiguity when the knowledge base reports it as one."""
    out = ListCoverage()
    for product in products:
        out.products += 1
        why = _ambiguity(engine, product.name)
        if why is not None:
            out.ambiguous.append((product.rank, product.name, why))
            continue
        classified = [(i, classify_ingredient(engine, i)) for i in product.ingredients]
        statuses = [(i, status) for i, (status, _mid) in classified]
        out.records.update(mid for _i, (status, mid) in classified if status == "resolved" and mid)
        if all(status == "resolved" for _, status in statuses):
            out.complete += 1
            continue
        out.incomplete.append((product.rank, product.name))
        for ingredient, status in statuses:
            if status != "resolved":
                out.missing.setdefault(ingredient, product.rank)
    out.monograph = monograph_gaps(engine, out.records)
    return out


def fda_table_coverage(engine: Engine, names: Iterable[str]) -> dict[str, Any]:
    """How many rows of FDA's table (by the name FDA prints, without footnote markers) resolve: a
    row naming a combination ("lopinavir and ritonavir") resolves when every part does; a name the
    knowledge base reports as ambiguous (an enantiomer, "oral contraceptives") is counted apart."""
    names = list(names)
    ambiguous, missing = [], []
    for name in names:
        try:
            resolved, unresolved = engine.resolver.resolve_one(name, suggestions=False)
        except RxcomboError:
            missing.append(name)
            continue
        if any(u.ambiguous for u in unresolved):
            ambiguous.append(name)
        elif unresolved or not resolved:
            missing.append(name)
    done = len(names) - len(ambiguous) - len(missing)
    return {"rows": len(names), "resolved": done, "named_ambiguities": ambiguous, "unresolved": missing,
            "summary": f"FDA table: {done}/{len(names)} rows resolve, {len(ambiguous)} named ambiguities"}
