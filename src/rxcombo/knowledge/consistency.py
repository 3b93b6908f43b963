"""Checks across records that a schema alone cannot express.

Each check is a function from the knowledge base to a list of problems, so
that ``kb validate`` can report all of them at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from rxcombo.errors import Problem
from rxcombo.evidence.checks import check_evidence
from rxcombo.knowledge.models import RISK_NAMES, Medicine, citation_key
from rxcombo.engine.names import normalize

if TYPE_CHECKING:
    from rxcombo.knowledge.loader import KnowledgeBase


def iter_citations(obj: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Yield ``(field path, citation)`` for every citation inside a record."""
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            if name in ("source_defs",) or (name == "sources" and isinstance(getattr(obj, name), dict)):
                continue
            value = getattr(obj, name)
            sub = f"{path}.{name}" if path else name
            if name == "sources" and isinstance(value, list):
                for i, cite in enumerate(value):
                    yield f"{sub}.{i}", cite
            else:
                yield from iter_citations(value, sub)
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from iter_citations(item, f"{path}.{i}")
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from iter_citations(item, f"{path}.{key}")


def all_names(medicine: Medicine) -> list[str]:
    """Every name a record answers to: generic, synonyms, salts and brands."""
    names = [medicine.name, medicine.id.replace("-", " "), *medicine.synonyms, *medicine.salts]
    for brands in medicine.brands.values():
        names += brands
    return names


def class_ancestry(kb: "KnowledgeBase", class_id: str) -> list[str]:
    seen: list[str] = []
    current: str | None = class_id
    while current and current not in seen and current in kb.classes:
        seen.append(current)
        current = kb.classes[current].parent
    return seen


def check_consistency(kb: "KnowledgeBase") -> list[Problem]:
    problems: list[Problem] = []
    problems += _check_classes(kb)
    problems += _check_citations(kb)
    problems += _check_names(kb)
    problems += _check_aliases(kb)
    problems += _check_class_properties(kb)
    problems += _check_pairs(kb)
    problems += _check_label_interactions(kb)
    problems += _check_fda_table(kb)
    problems += _check_stated_absences(kb)
    problems += _check_products(kb)
    problems += _check_reviews(kb)
    problems += _check_guidelines(kb)
    problems += check_evidence(kb)
    if kb.imported is not None:
        for mid in kb.imported.medicines:
            if mid not in kb.medicines:
                problems.append(Problem("imported/unii.yaml", f"medicines.{mid}", "no such medicine; run kb import-names again"))
    return problems


def _check_classes(kb: "KnowledgeBase") -> list[Problem]:
    problems = []
    for cid, cls in kb.classes.items():
        if cls.parent and cls.parent not in kb.classes:
            problems.append(Problem("classes.yaml", f"{cid}.parent", f"unknown class {cls.parent!r}"))
    for mid, med in kb.medicines.items():
        for i, cid in enumerate(med.classes):
            if cid not in kb.classes:
                problems.append(Problem(kb.files[mid], f"classes.{i}", f"unknown class {cid!r} (declare it in classes.yaml)"))
    return problems


def _check_citations(kb: "KnowledgeBase") -> list[Problem]:
    problems = []
    for mid, med in kb.medicines.items():
        clash = set(med.sources) & set(kb.sources)
        for key in sorted(clash):
            problems.append(Problem(kb.files[mid], f"sources.{key}", "key is already a shared source in sources.yaml; rename it"))
        for where, cite in iter_citations(med):
            key = citation_key(cite)
            if key not in med.sources and key not in kb.sources:
                problems.append(Problem(kb.files[mid], where, f"cites unknown source {key!r}"))
    for rid, rule in kb.rules.items():
        for i, cite in enumerate(rule.sources):
            if citation_key(cite) not in kb.sources:
                problems.append(Problem("rules.yaml", f"{rid}.sources.{i}", f"cites unknown source {citation_key(cite)!r}"))
    for pid, pair in kb.pairs.items():
        rel = kb.files[f"pair:{pid}"]
        for i, cite in enumerate(pair.sources):
            key = citation_key(cite)
            if key not in pair.source_defs and key not in kb.sources:
                problems.append(Problem(rel, f"sources.{i}", f"cites unknown source {key!r}"))
    return problems


def _check_names(kb: "KnowledgeBase") -> list[Problem]:
    problems = []
    owner: dict[str, str] = {}
    for name in kb.ambiguous:
        owner[normalize(name)] = f"ambiguous:{name}"
    for name, alias in kb.aliases.items():
        if alias.id not in kb.medicines:
            problems.append(Problem("aliases.yaml", f"{name}.id", f"unknown medicine {alias.id!r}"))
        if normalize(name) in owner:
            problems.append(Problem("aliases.yaml", name, "this name is also in ambiguous.yaml"))
    for mid in sorted(kb.medicines):
        for name in all_names(kb.medicines[mid]):
            key = normalize(name)
            if not key:
                problems.append(Problem(kb.files[mid], "names", f"name {name!r} has no letters or digits"))
                continue
            other = owner.setdefault(key, mid)
            if other != mid:
                where = "ambiguous.yaml" if other.startswith("ambiguous:") else kb.files[other]
                problems.append(Problem(kb.files[mid], "names", f"name {name!r} is also claimed by {where}"))
    return problems


def _check_aliases(kb: "KnowledgeBase") -> list[Problem]:
    problems = []
    names = {normalize(n): mid for mid, med in kb.medicines.items() for n in all_names(med)}
    for name in kb.aliases:
        if normalize(name) in names:
            problems.append(Problem("aliases.yaml", name, f"already a name of medicines/{names[normalize(name)]}.yaml"))
    return problems


def _check_class_properties(kb: "KnowledgeBase") -> list[Problem]:
    problems = []
    for cid, cls in kb.classes.items():
        for i, risk in enumerate(cls.requires):
            if risk not in RISK_NAMES:
                problems.append(Problem("classes.yaml", f"{cid}.requires.{i}", f"unknown risk property {risk!r}"))
    for mid, med in kb.medicines.items():
        for cid in med.classes:
            for ancestor in class_ancestry(kb, cid):
                for risk in kb.classes[ancestor].requires:
                    if risk in RISK_NAMES and getattr(med.risks, risk) is None:
                        problems.append(
                            Problem(
                                kb.files[mid],
                                f"risks.{risk}",
                                f"missing: every medicine of class {ancestor!r} must state {risk}",
                            )
                        )
    return problems


def _check_label_interactions(kb: "KnowledgeBase") -> list[Problem]:
    problems = []
    for mid, med in kb.medicines.items():
        for i, li in enumerate(med.label_interactions):
            for j, other in enumerate(li.with_):
                if other not in kb.medicines:
                    problems.append(Problem(kb.files[mid], f"label_interactions.{i}.with.{j}", f"unknown medicine {other!r}"))
            for j, cid in enumerate(li.with_classes):
                if cid not in kb.classes:
                    problems.append(Problem(kb.files[mid], f"label_interactions.{i}.with_classes.{j}", f"unknown class {cid!r}"))
    return problems


def _check_pairs(kb: "KnowledgeBase") -> list[Problem]:
    problems = []
    seen: dict[tuple[str, ...], str] = {}
    for pid, pair in kb.pairs.items():
        rel = kb.files[f"pair:{pid}"]
        for i, drug in enumerate(pair.drugs):
            if drug not in kb.medicines:
                problems.append(Problem(rel, f"drugs.{i}", f"unknown medicine {drug!r}"))
        if pair.drugs[0] == pair.drugs[1]:
            problems.append(Problem(rel, "drugs", "a pair needs two different medicines"))
        key = tuple(sorted(pair.drugs))
        if key in seen:
            problems.append(Problem(rel, "drugs", f"the same pair is already curated in {seen[key]}"))
        seen[key] = rel
        for i, rule in enumerate(pair.refines):
            if rule not in kb.rules:
                problems.append(Problem(rel, f"refines.{i}", f"unknown rule {rule!r}"))
    return problems


def _check_stated_absences(kb: "KnowledgeBase") -> list[Problem]:
    """An enzyme or transporter cannot be both stated and stated absent for the same role."""
    problems = []
    for mid, med in kb.medicines.items():
        pk = med.pharmacokinetics
        for role, stated, absent in (("substrate_of", [s.enzyme for s in pk.substrate_of], pk.not_substrate_of),
                                     ("inhibits", [m.enzyme for m in pk.inhibits], pk.not_inhibits),
                                     ("induces", [m.enzyme for m in pk.induces], pk.not_induces)):
            seen: set[str] = set()
            for i, enzyme in enumerate(stated):
                if enzyme in seen:
                    problems.append(Problem(kb.files[mid], f"pharmacokinetics.{role}.{i}", f"{enzyme} is listed twice"))
                seen.add(enzyme)
            for i, entry in enumerate(absent):
                for j, enzyme in enumerate(entry.enzymes):
                    if enzyme in seen:
                        problems.append(Problem(kb.files[mid], f"pharmacokinetics.not_{role}.{i}.enzymes.{j}",
                                                f"{enzyme} is also listed in pharmacokinetics.{role}: state it once"))
                    seen.add(enzyme)
    return problems


def _check_products(kb: "KnowledgeBase") -> list[Problem]:
    problems = []
    names = {normalize(n): mid for mid, med in kb.medicines.items() for n in all_names(med)}
    for name, product in kb.products.items():
        if normalize(name) in names:
            problems.append(Problem("products.yaml", name, f"already a name of medicines/{names[normalize(name)]}.yaml"))
        if len(set(product.ingredients)) != len(product.ingredients):
            problems.append(Problem("products.yaml", f"{name}.ingredients", "an ingredient repeats"))
        for i, mid in enumerate(product.ingredients):
            if mid not in kb.medicines:
                problems.append(Problem("products.yaml", f"{name}.ingredients.{i}", f"unknown medicine {mid!r}"))
        for i, cite in enumerate(product.sources):
            if citation_key(cite) not in kb.sources:
                problems.append(Problem("products.yaml", f"{name}.sources.{i}",
                                        f"cites unknown source {citation_key(cite)!r} (products cite sources.yaml)"))
    return problems


def _check_reviews(kb: "KnowledgeBase") -> list[Problem]:
    problems = []
    for mid, med in kb.medicines.items():
        if med.review is None:
            continue
        for i, doc in enumerate(med.review.checked_against):
            if doc.source not in med.sources and doc.source not in kb.sources:
                problems.append(Problem(kb.files[mid], f"review.checked_against.{i}.source", f"unknown source {doc.source!r}"))
    return problems


def _check_fda_table(kb: "KnowledgeBase") -> list[Problem]:
    """imported/fda-ddi-table.yaml names existing records; differences from FDA are a report
    (rxcombo kb fda-diff) until fda_table.BLOCKING is switched on."""
    from rxcombo.knowledge.fda_table import check

    return check(kb)


def _check_guidelines(kb: "KnowledgeBase") -> list[Problem]:
    problems = []
    for gid, entry in kb.guidelines.items():
        rel = kb.files[f"guideline:{gid}"]
        for side in ("first", "second"):
            group = getattr(entry, side)
            for i, mid in enumerate(group.ids):
                if mid not in kb.medicines:
                    problems.append(Problem(rel, f"{side}.ids.{i}", f"unknown medicine {mid!r}"))
            for i, cid in enumerate(group.classes):
                if cid not in kb.classes:
                    problems.append(Problem(rel, f"{side}.classes.{i}", f"unknown class {cid!r}"))
        for i, cite in enumerate(entry.sources):
            if citation_key(cite) not in kb.sources:
                problems.append(Problem(rel, f"sources.{i}", f"cites unknown source {citation_key(cite)!r} (guidelines cite sources.yaml)"))
    return problems
