"""Import FDA's Table 1 of drugs that interact with CYP enzymes and transporters, and compare it
with the records.

The table ("Examples of drugs that interact with CYP enzymes and transporter systems", on FDA's
page for healthcare professionals; public domain) is read from a tab-separated file with one
row per drug or other substance and one column per role: ``CYP Strg INH`` ... ``TRNSP SUB``.
A cell reads like ``3A strong inhibitor`` or ``P-gp; BCRP inhibitor``; FDA's footnote markers
stay as printed (``adefovir1``, ``1A220; 3A moderate inhibitor``, ``CYP3A moderate inducer b``)
and are also recorded separately. ``rxcombo kb import-fda`` writes ``kb/imported/fda-ddi-table.yaml``
(atomic, repeatable: the same table gives a byte-identical file) and never touches the records.

``compare()`` lists where a record mapped to an FDA row says something else about inhibitor or
inducer strength, sensitive-substrate status or a transporter role. The table lists examples,
so a record is only compared for what FDA states, never for what FDA leaves out. While
``BLOCKING`` is false the differences are a report (``rxcombo kb fda-diff``), not validation
errors; a record can explain a difference (the planned ``pharmacokinetics.fda_differs``).
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from rxcombo.errors import InputError, Problem
from rxcombo.engine.names import normalize, remove_brackets, strip_salts_and_forms

if TYPE_CHECKING:
    from rxcombo.knowledge.loader import KnowledgeBase
    from rxcombo.knowledge.models import Medicine

IMPORT_FILE = Path("imported") / "fda-ddi-table.yaml"
DEFAULT_SOURCE = Path("../shared/data/fda/cyp-transporter-examples-table1.tsv")
TITLE = ("For Healthcare Professionals | FDA's Examples of Drugs that Interact with CYP Enzymes and "
         "Transporter Systems")
TABLE = "Table 1. Examples of drugs that interact with CYP enzymes and transporter systems"
PUBLISHER = "U.S. Food and Drug Administration"
URL = ("https://www.fda.gov/drugs/drug-interactions-labeling/"
       "healthcare-professionals-fdas-examples-drugs-interact-cyp-enzymes-and-transporter-systems")
PAGE_DATE = "2026-05-29"  # "content current as of" on the page the TSV was taken from
NOTE = ("FDA's table lists examples, not every drug with each property: a drug or role that is "
        "absent from the table is not thereby free of it. Names, cells and footnote markers are "
        "kept as FDA printed them; 3A is written CYP3A4 in rxcombo's spelling.")
BLOCKING = False  # True: differences the record does not explain fail `kb validate`

NAME_COLUMN = "Drug or Other Substance"
# column -> (kind of target, role, qualifiers the cell may print, strength or sensitivity recorded)
COLUMNS: dict[str, tuple[str, str, frozenset[str | None], str | None]] = {
    "CYP Strg INH": ("enzyme", "inhibitor", frozenset({"strong"}), "strong"),
    "CYP Mod INH": ("enzyme", "inhibitor", frozenset({"moderate"}), "moderate"),
    "CYP WK INH": ("enzyme", "inhibitor", frozenset({"weak"}), "weak"),
    "CYP Strg IND": ("enzyme", "inducer", frozenset({"strong"}), "strong"),
    "CYP Mod IND": ("enzyme", "inducer", frozenset({"moderate"}), "moderate"),
    "CYP WK IND": ("enzyme", "inducer", frozenset({"weak"}), "weak"),
    "CYP SENS SUB": ("enzyme", "substrate", frozenset({"sensitive"}), "sensitive"),
    "CYP Mod SENS SUB": ("enzyme", "substrate", frozenset({"moderate sensitive", "moderately sensitive", "moderate"}),
                         "moderate-sensitive"),
    "TRNSP INH": ("transporter", "inhibitor", frozenset({None}), None),
    "TRNSP SUB": ("transporter", "substrate", frozenset({None}), None),
}
CYP_NAMES = {"1A2": "CYP1A2", "2B6": "CYP2B6", "2C8": "CYP2C8", "2C9": "CYP2C9", "2C19": "CYP2C19",
             "2D6": "CYP2D6", "3A": "CYP3A4"}
# OATP1B is FDA's name for the OATP1B family where it does not say 1B1 or 1B3; it stays as printed.
TRANSPORTER_NAMES = {t: t for t in ("P-gp", "BCRP", "OATP1B1", "OATP1B3", "OATP1B", "OCT2", "MATE1", "MATE2-K",
                                    "OAT1", "OAT3")}
_ENZYME_ALT = "|".join(re.escape(n) for n in sorted([*CYP_NAMES, *TRANSPORTER_NAMES], key=len, reverse=True))
_QUALIFIER = r"moderately sensitive|moderate sensitive|strong|moderate|weak|sensitive"
_ITEM = re.compile(
    rf"^(?:CYP)?(?P<enzyme>{_ENZYME_ALT})(?P<enzyme_mark>\d+)?(?:\s+transporters?)?"
    rf"(?:\s+(?P<qualifier>{_QUALIFIER}))?(?:\s+(?P<kind>inhibitor|inducer|substrate)(?P<kind_mark>\d+|\s+[a-z])?)?$"
)
_TAIL = re.compile(rf"^(?:(?P<qualifier>{_QUALIFIER})\s+)?(?P<kind>inhibitor|inducer|substrate)(?P<kind_mark>\d+|\s+[a-z])?$")
_SEPARATOR = re.compile(r"\s*[;,]\s*|\s+and\s+")
_SLASH = re.compile(r"^(?P<cyp>CYP)?(?P<first>[A-Za-z0-9-]+)/(?P<second>[A-Za-z0-9-]+)(?P<rest>.*)$")
_NAME_MARKS = re.compile(r"^(?P<name>.*?[^\d\s,])\s*(?P<marks>\d+(?:\s*,\s*\d+)*)$")


# ---------------------------------------------------------------- the generated file's schema


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Label = Annotated[str, StringConstraints(min_length=1, max_length=500)]
TargetName = Literal["CYP1A2", "CYP2B6", "CYP2C8", "CYP2C9", "CYP2C19", "CYP2D6", "CYP3A4", "P-gp", "BCRP",
                     "OATP1B1", "OATP1B3", "OATP1B", "OCT2", "MATE1", "MATE2-K", "OAT1", "OAT3"]


class FdaRole(_Strict):
    """One enzyme or transporter role from one cell."""

    enzyme: TargetName | None = None
    transporter: TargetName | None = None
    role: Literal["inhibitor", "inducer", "substrate"]
    strength: Literal["strong", "moderate", "weak"] | None = None
    sensitivity: Literal["sensitive", "moderate-sensitive"] | None = None
    fda_enzyme: Label  # as FDA printed it: 3A, 1A2, OATP1B1...
    fda_column: Label
    fda_text: Label  # the whole cell as printed
    footnotes: list[Label] = []  # markers printed on this enzyme or on the role word

    @property
    def target(self) -> str:
        return self.enzyme or self.transporter or ""

    @model_validator(mode="after")
    def _consistent(self) -> "FdaRole":
        if (self.enzyme is None) == (self.transporter is None):
            raise ValueError("give exactly one of enzyme and transporter")
        if self.enzyme is not None:
            if not self.enzyme.startswith("CYP"):
                raise ValueError(f"{self.enzyme} is a transporter")
            wanted = "sensitivity" if self.role == "substrate" else "strength"
            if getattr(self, wanted) is None or (self.strength and self.sensitivity):
                raise ValueError(f"a CYP {self.role} needs {wanted} (and only that)")
        elif self.transporter.startswith("CYP") or self.strength or self.sensitivity:  # type: ignore[union-attr]
            raise ValueError("FDA's transporter columns give no strength or sensitivity")
        return self


class FdaRow(_Strict):
    row: int = Field(ge=1)  # data row in the table, 1 = the row after the header
    fda_name: Label  # as printed, footnote markers included
    name: Label  # without the footnote markers
    footnotes: list[Label] = []
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")] | None = None
    roles: Annotated[list[FdaRole], Field(min_length=1)]


class FdaSource(_Strict):
    title: Label
    table: Label
    publisher: Label
    url: Annotated[str, StringConstraints(pattern=r"^https://\S+$")]
    page_date: Annotated[str, StringConstraints(pattern=r"^20[0-9]{2}-[01][0-9]-[0-3][0-9]$")]
    file: Label
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class FdaTable(_Strict):
    """``kb/imported/fda-ddi-table.yaml``, written by ``rxcombo kb import-fda``."""

    source: FdaSource
    note: Label
    medicines: dict[str, list[int]] = {}  # record id -> its rows
    rows: list[FdaRow]

    @model_validator(mode="after")
    def _index_matches_rows(self) -> "FdaTable":
        index: dict[str, list[int]] = {}
        for row in self.rows:
            if row.id is not None:
                index.setdefault(row.id, []).append(row.row)
        if index != self.medicines:
            raise ValueError("the medicines index does not match the rows' ids; run kb import-fda again")
        return self


# ---------------------------------------------------------------- reading and parsing the table


@dataclass(frozen=True)
class ParsedRow:
    row: int
    fda_name: str
    name: str
    footnotes: list[str]
    roles: list[dict[str, Any]]


def split_name(printed: str) -> tuple[str, list[str]]:
    """``"ritonavir 14, 15, 16"`` -> ``("ritonavir", ["14", "15", "16"])``; ``"adefovir1"`` -> ``("adefovir", ["1"])``."""
    text = printed.strip()
    match = _NAME_MARKS.match(text)
    if match is None:
        return text, []
    return match["name"].strip(), [m.strip() for m in match["marks"].split(",")]


def _expand_slashes(item: str) -> list[str]:
    """``OATP1B1/1B3 inhibitor`` -> ``OATP1B1 inhibitor``, ``OATP1B3 inhibitor`` (also ``MATE1/2-K``, ``OAT1/3``)."""
    match = _SLASH.match(item)
    if match is None:
        return [item]
    known = {*CYP_NAMES, *TRANSPORTER_NAMES}
    first, second, rest = match["first"], match["second"], match["rest"]
    if second not in known:
        prefixes = [first[:k] for k in range(len(first) - 1, 0, -1) if first[:k] + second in known]
        if not prefixes:
            return [item]  # left for the item parser to reject
        second = prefixes[0] + second
    cyp = match["cyp"] or ""
    return [f"{cyp}{first}{rest}", f"{cyp}{second}{rest}"]


def parse_cell(column: str, text: str) -> list[dict[str, Any]]:
    """Every role one cell states; raises ValueError naming the part that cannot be read."""
    kind, role, qualifiers, grade = COLUMNS[column]
    items = [part for piece in _SEPARATOR.split(" ".join(text.split())) for part in _expand_slashes(piece)]
    parsed: list[tuple[str, str, list[str]]] = []  # (FDA's name, rxcombo's name, markers)
    tail: tuple[str | None, str | None, str | None] | None = None  # qualifier, kind word, marker
    for i, item in enumerate(items):
        if not item:
            continue
        match = _ITEM.match(item)
        if match is None:
            match = _TAIL.match(item)
            if match is None or i != len(items) - 1:
                raise ValueError(f"cannot read {item!r}")
            enzyme = None
        else:
            enzyme = match["enzyme"]
        said = (match["qualifier"], match["kind"], (match["kind_mark"] or "").strip() or None)
        if said[1] is not None:
            if tail is not None and tail[:2] != said[:2]:
                raise ValueError(f"{item!r} disagrees with the rest of the cell")
            tail = said
        elif said[0] is not None:
            raise ValueError(f"{item!r} gives a qualifier without inhibitor, inducer or substrate")
        if enzyme is not None:
            marks = [match["enzyme_mark"]] if match["enzyme_mark"] else []
            parsed.append((enzyme, CYP_NAMES.get(enzyme) or TRANSPORTER_NAMES[enzyme], marks))
    if tail is None or tail[1] is None:
        raise ValueError("no inhibitor, inducer or substrate in the cell")
    if not parsed:
        raise ValueError("no enzyme or transporter in the cell")
    qualifier, word, marker = tail
    if word != role:
        raise ValueError(f"the cell says {word} but the column {column!r} is for {role}s")
    if qualifier not in qualifiers:
        expected = " or ".join(sorted(q for q in qualifiers if q)) or "no strength"
        raise ValueError(f"the cell says {qualifier or 'no strength'!r} but the column {column!r} is for {expected}")
    roles = []
    for fda_enzyme, ours, marks in parsed:
        if (kind == "enzyme") != ours.startswith("CYP"):
            raise ValueError(f"{fda_enzyme} is not a{'' if kind == 'enzyme' else ' transporter'} {kind} of column {column!r}")
        entry: dict[str, Any] = {kind: ours, "role": role}
        if grade is not None:
            entry["sensitivity" if role == "substrate" else "strength"] = grade
        entry.update(fda_enzyme=fda_enzyme, fda_column=column, fda_text=text)
        footnotes = marks + ([marker] if marker else [])
        if footnotes:
            entry["footnotes"] = footnotes
        roles.append(entry)
    return roles


def read_table(path: Path) -> list[ParsedRow]:
    """Parse the whole table; the first problem raises InputError with row, column and cell."""
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as handle:
            lines = list(csv.reader(handle, delimiter="\t"))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    if not lines:
        raise InputError(f"{path}: empty file; expected FDA's Table 1 with the header {NAME_COLUMN}, {', '.join(COLUMNS)}")
    header = [h.strip() for h in lines[0]]
    unknown = [h for h in header if h != NAME_COLUMN and h not in COLUMNS]
    missing = [h for h in [NAME_COLUMN, *COLUMNS] if h not in header]
    repeated = sorted({h for h in header if header.count(h) > 1})
    if unknown or missing or repeated:
        parts = ([f"unrecognised column(s) {', '.join(map(repr, unknown))}"] if unknown else []) + \
                ([f"missing column(s) {', '.join(map(repr, missing))}"] if missing else []) + \
                ([f"repeated column(s) {', '.join(map(repr, repeated))}"] if repeated else [])
        raise InputError(f"{path}: not FDA's Table 1 of CYP and transporter examples: {'; '.join(parts)} "
                         f"(expected {NAME_COLUMN}, {', '.join(COLUMNS)})")
    rows: list[ParsedRow] = []
    for number, cells in enumerate(lines[1:], start=1):
        where = f"{path}: row {number} (line {number + 1})"
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise InputError(f"{where}: {len(cells)} cells, the header has {len(header)}")
        values = dict(zip(header, cells))
        printed = " ".join(values[NAME_COLUMN].split())
        if not printed:
            raise InputError(f"{where}: no drug name in column {NAME_COLUMN!r}")
        name, footnotes = split_name(printed)
        roles: list[dict[str, Any]] = []
        for column in COLUMNS:
            cell = values[column].strip()
            if not cell:
                continue
            try:
                roles += parse_cell(column, cell)
            except ValueError as exc:
                raise InputError(f"{where}, {printed!r}, column {column!r}, cell {cell!r}: {exc}") from None
        if not roles:
            raise InputError(f"{where}, {printed!r}: no role in any column")
        rows.append(ParsedRow(number, printed, name, footnotes, roles))
    if not rows:
        raise InputError(f"{path}: the table has a header but no rows")
    return rows


# ---------------------------------------------------------------- names -> record ids


def name_index(kb: "KnowledgeBase") -> dict[str, str]:
    """Normalised name -> record id: the names table the database compiles (records, aliases, UNII names)."""
    from rxcombo.knowledge.compile import all_name_rows

    return {key: mid for key, mid, _name, _kind in all_name_rows(kb)}


def map_name(name: str, index: dict[str, str]) -> str | None:
    """The record an FDA name means, tried as printed, without brackets, without salt and form words.

    A row naming several substances ("atazanavir and ritonavir") is not split: FDA's roles are
    those of the combination, so such a row stays unmapped."""
    keys = [normalize(name), normalize(remove_brackets(name))]
    keys += [strip_salts_and_forms(k) for k in keys]
    for key in keys:
        if key and key in index:
            return index[key]
    return None


def build_table(kb: "KnowledgeBase", source: Path, rows: list[ParsedRow] | None = None) -> FdaTable:
    rows = read_table(source) if rows is None else rows
    index = name_index(kb)
    out_rows = []
    for row in rows:
        out_rows.append({"row": row.row, "fda_name": row.fda_name, "name": row.name, "footnotes": row.footnotes,
                         "id": map_name(row.name, index), "roles": row.roles})
    medicines: dict[str, list[int]] = {}
    for r in out_rows:
        if r["id"] is not None:
            medicines.setdefault(r["id"], []).append(r["row"])
    data = {
        "source": {"title": TITLE, "table": TABLE, "publisher": PUBLISHER, "url": URL, "page_date": PAGE_DATE,
                   "file": Path(source).name, "sha256": hashlib.sha256(Path(source).read_bytes()).hexdigest()},
        "note": NOTE,
        "medicines": dict(sorted(medicines.items())),
        "rows": out_rows,
    }
    return FdaTable.model_validate(data)


def render(table: FdaTable) -> str:
    header = ("# Generated by `rxcombo kb import-fda`; do not edit by hand (run the import again).\n"
              f"# Source: {TITLE}, {TABLE.split('.')[0]} ({PUBLISHER}, page of {table.source.page_date}), public domain.\n"
              "# FDA's table lists examples: a drug or role that is absent is not thereby free of it.\n")
    data = table.model_dump(mode="json", exclude_defaults=False)
    for row in data["rows"]:
        if not row["footnotes"]:
            del row["footnotes"]
        for role in row["roles"]:
            for key in ("enzyme", "transporter", "strength", "sensitivity"):
                if role[key] is None:
                    del role[key]
            if not role["footnotes"]:
                del role["footnotes"]
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


@dataclass(frozen=True)
class ImportReport:
    path: Path
    rows: int
    roles: int
    mapped_rows: int
    medicines: int


def write_import(kb: "KnowledgeBase", source: Path, rows: list[ParsedRow] | None = None) -> ImportReport:
    """Parse (unless ``rows`` are given), map and write atomically: on any error the existing
    file is left as it was."""
    table = build_table(kb, source, rows)
    text = render(table)
    FdaTable.model_validate(yaml.safe_load(text))  # what is written reads back
    target = kb.root / IMPORT_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return ImportReport(target, len(table.rows), sum(len(r.roles) for r in table.rows),
                        sum(1 for r in table.rows if r.id is not None), len(table.medicines))


# ---------------------------------------------------------------- comparison with the records

KINDS = ("stated-absent", "strength", "sensitivity", "missing")


@dataclass(frozen=True)
class Difference:
    id: str
    file: str  # the record's file, e.g. medicines/fluoxetine.yaml
    field: str  # e.g. pharmacokinetics.inhibits.0.strength
    enzyme: str
    role: str  # inhibitor, inducer, substrate
    kind: str  # stated-absent, strength, sensitivity or missing
    fda_says: str
    record_says: str
    fda_row: int
    fda_name: str
    fda_text: str

    def message(self) -> str:
        return (f"FDA says {self.fda_says} ({self.fda_name!r}, row {self.fda_row}: {self.fda_text!r}); "
                f"record says {self.record_says}")

    def problem(self) -> Problem:
        return Problem(self.file, self.field, self.message())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# (record id, record, difference) -> True when the record explains the difference
Explainer = Callable[[str, "Medicine", Difference], bool]


def record_explains(mid: str, med: "Medicine", diff: Difference) -> bool:
    """Honours ``pharmacokinetics.fda_differs: [{enzyme, reason, sources}]`` once the schema has it."""
    for entry in getattr(med.pharmacokinetics, "fda_differs", None) or []:
        enzyme = entry.get("enzyme") if isinstance(entry, dict) else getattr(entry, "enzyme", None)
        if enzyme == diff.enzyme:
            return True
    return False


def _describe(role: FdaRole) -> str:
    grade = role.strength or role.sensitivity
    return " ".join(p for p in (grade, role.target, role.role) if p)


def _absent_entry(pk: Any, field_name: str, enzyme: str) -> str | None:
    for i, entry in enumerate(getattr(pk, field_name, None) or []):
        for j, listed in enumerate(getattr(entry, "enzymes", [])):
            if listed == enzyme:
                return f"pharmacokinetics.{field_name}.{i}.enzymes.{j}"
    return None


def _compare_role(mid: str, file: str, med: "Medicine", row: FdaRow, role: FdaRole) -> Difference | None:
    pk = med.pharmacokinetics
    field_name = {"inhibitor": "inhibits", "inducer": "induces", "substrate": "substrate_of"}[role.role]
    target = role.target

    def diff(where: str, kind: str, record_says: str) -> Difference:
        return Difference(mid, file, where, target, role.role, kind, _describe(role), record_says,
                          row.row, row.fda_name, role.fda_text)

    entries = [(i, e) for i, e in enumerate(getattr(pk, field_name)) if e.enzyme == target]
    if not entries:
        absent = _absent_entry(pk, f"not_{field_name}", target)
        if absent is not None:
            return diff(absent, "stated-absent", f"not a {target} {role.role}")
        return diff(f"pharmacokinetics.{field_name}", "missing", f"nothing about {target}")
    i, entry = entries[0]
    where = f"pharmacokinetics.{field_name}.{i}"
    if role.role == "substrate":
        if entry.role == "none":
            return diff(f"{where}.role", "stated-absent", f"not a {target} substrate (role: none)")
        if role.sensitivity is not None and entry.sensitive != (role.sensitivity == "sensitive"):
            said = "sensitive" if entry.sensitive else f"{entry.role}, not sensitive"
            return diff(f"{where}.sensitive", "sensitivity", f"{said} {target} substrate")
        return None
    if entry.strength == "none":
        return diff(f"{where}.strength", "stated-absent", f"not a {target} {role.role} (strength: none)")
    if role.strength is not None and entry.strength != role.strength:
        return diff(f"{where}.strength", "strength", f"{entry.strength} {target} {role.role}")
    return None


def _comparable(target: str) -> bool:
    from typing import get_args

    from rxcombo.knowledge.models import Enzyme

    return target in get_args(Enzyme)


def compare(kb: "KnowledgeBase", explains: Explainer | None = record_explains,
            skip: Iterable[tuple[str, str]] = ()) -> tuple[list[Difference], dict[str, int]]:
    """Every difference between FDA's statements and the mapped records, most serious kinds first.

    ``explains`` decides whether a record explains a difference (default: the record's
    ``pharmacokinetics.fda_differs``, when the schema has it); ``skip`` lists ``(record id,
    enzyme)`` pairs not to report. Returns the differences and counts for a summary."""
    counts = {"rows": 0, "mapped_rows": 0, "records": 0, "compared": 0, "not_comparable": 0, "explained": 0,
              "skipped": 0, "remapped": 0}
    table = kb.fda_table
    if table is None:
        return [], counts
    index = name_index(kb)
    counts["remapped"] = sum(1 for row in table.rows if map_name(row.name, index) != row.id)
    skipped = set(skip)
    out: list[Difference] = []
    counts["rows"] = len(table.rows)
    seen: set[tuple[str, str, str]] = set()
    for row in table.rows:
        med = kb.medicines.get(row.id) if row.id else None
        if med is None:
            continue
        counts["mapped_rows"] += 1
        for role in row.roles:
            if not _comparable(role.target):
                counts["not_comparable"] += 1
                continue
            counts["compared"] += 1
            found = _compare_role(row.id, kb.files.get(row.id, f"medicines/{row.id}.yaml"), med, row, role)  # type: ignore[arg-type]
            if found is None or (found.id, found.field, found.fda_says) in seen:
                continue
            seen.add((found.id, found.field, found.fda_says))
            if (found.id, found.enzyme) in skipped:
                counts["skipped"] += 1
            elif explains is not None and explains(found.id, med, found):
                counts["explained"] += 1
            else:
                out.append(found)
    counts["records"] = len({d.id for d in out})
    out.sort(key=lambda d: (KINDS.index(d.kind), d.enzyme.startswith("CYP") is False, d.file, d.field, d.fda_row))
    for kind in KINDS:
        counts[kind] = sum(1 for d in out if d.kind == kind)
    counts["differences"] = len(out)
    return out, counts


def summary(counts: dict[str, int]) -> str:
    return (f"{counts.get('differences', 0)} differences in {counts['records']} records "
            f"({counts.get('stated-absent', 0)} stated absent, {counts.get('strength', 0)} strength, "
            f"{counts.get('sensitivity', 0)} sensitivity, {counts.get('missing', 0)} missing) "
            f"from {counts['compared']} FDA roles of {counts['mapped_rows']} rows mapped to records "
            f"(of {counts['rows']}); {counts['explained']} explained by the record, {counts['skipped']} skipped, "
            f"{counts['not_comparable']} roles name a transporter the schema cannot hold."
            + (f" {counts['remapped']} rows would map to a different record now: run rxcombo kb import-fda again."
               if counts.get("remapped") else ""))


def check(kb: "KnowledgeBase") -> list[Problem]:
    """Problems for ``kb validate``: stale ids always; unexplained differences once BLOCKING is on."""
    if kb.fda_table is None:
        return []
    rel = str(IMPORT_FILE)
    problems = [Problem(rel, f"rows.{i}.id", f"no such medicine {row.id!r}; run kb import-fda again")
                for i, row in enumerate(kb.fda_table.rows)
                if row.id is not None and row.id not in kb.medicines
                and not (kb.root / "medicines" / f"{row.id}.yaml").exists()]  # an invalid record is reported already
    if BLOCKING:
        problems += [d.problem() for d in compare(kb)[0]]
    return problems
