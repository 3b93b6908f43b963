"""The one place that reads the YAML knowledge base.

``load_knowledge_base()`` parses and validates every file, runs the
consistency checks of :mod:`rxcombo.knowledge.consistency`, and raises one
:class:`KnowledgeBaseError` listing every problem with file and field.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from rxcombo.errors import KnowledgeBaseError, Problem
from rxcombo.evidence.model import EvidenceEntry, entry_problems
from rxcombo.knowledge.fda_table import FdaTable
from rxcombo.knowledge.models import Alias, AmbiguousName, DrugClass, GroupInteraction, ImportedFile, Medicine, PairEntry, Product, RuleText, Source

DEFAULT_KB_DIR = Path(__file__).parent.parent / "kb"
class DuplicateKey(yaml.constructor.ConstructorError):
    """A mapping names the same key twice: the second would silently replace the first."""


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser when PyYAML was built with it (about ten times faster), the same safe
    rules, and an error for a key given twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise DuplicateKey(None, None, f"the key {key!r} appears twice in one mapping", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_LOADER = _Loader
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the YAML holds, validated."""

    root: Path
    medicines: dict[str, Medicine]
    classes: dict[str, DrugClass]
    rules: dict[str, RuleText]
    pairs: dict[str, PairEntry]
    sources: dict[str, Source]
    files: dict[str, str] = field(default_factory=dict)  # record id -> relative file path
    ambiguous: dict[str, AmbiguousName] = field(default_factory=dict)
    imported: ImportedFile | None = None  # names from the FDA UNII list (kb import-names)
    aliases: dict[str, Alias] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)  # combination brands -> ingredients
    guidelines: dict[str, GroupInteraction] = field(default_factory=dict)  # guideline rows about groups
    fda_table: FdaTable | None = None  # FDA's Table 1 of CYP and transporter examples (kb import-fda)
    evidence: dict[str, EvidenceEntry] = field(default_factory=dict)  # evidence of benefit (kb/evidence)

    def source_for(self, cite: str, medicine: Medicine | None = None, pair: PairEntry | None = None) -> Source | None:
        key = cite.split("#", 1)[0]
        if medicine is not None and key in medicine.sources:
            return medicine.sources[key]
        if pair is not None and key in pair.source_defs:
            return pair.source_defs[key]
        return self.sources.get(key)


def yaml_files(root: Path) -> list[Path]:
    """Every YAML file the knowledge base consists of, in a stable order."""
    files = [root / "sources.yaml", root / "classes.yaml", root / "rules.yaml", root / "ambiguous.yaml", root / "aliases.yaml",
             root / "products.yaml"]
    files += sorted((root / "classes").glob("*.yaml"))
    files += sorted((root / "medicines").glob("*.yaml"))
    files += sorted((root / "pairs").glob("*.yaml"))
    files += sorted((root / "guidelines").glob("*.yaml"))
    files += sorted((root / "evidence").glob("*.yaml"))
    files.append(root / "imported" / "unii.yaml")
    files.append(root / "imported" / "fda-ddi-table.yaml")
    return [f for f in files if f.exists()]


def _read_yaml(path: Path, rel: str, problems: list[Problem]) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problems.append(Problem(rel, where, f"not valid YAML: {getattr(exc, 'problem', exc)}"))
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(rel, "", f"cannot be read: {exc}"))
    return None


def _validate(model: type[M], data: Any, rel: str, prefix: str, problems: list[Problem]) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = ".".join(str(part) for part in error["loc"])
            field_name = ".".join(part for part in (prefix, loc) if part) or "(top level)"
            given = error.get("input")
            shown = "" if isinstance(given, (dict, list)) or given is None else f" (given: {given!r})"
            problems.append(Problem(rel, field_name, error["msg"] + shown + _did_you_mean(model, error)))
        return None


def _did_you_mean(model: type[BaseModel], error: Any) -> str:
    """For an unknown top-level key, the model's closest field name ("sources_defs" ->
    "source_defs"), so that a typo is not read as a missing feature."""
    if error["type"] != "extra_forbidden" or len(error["loc"]) != 1:
        return ""
    names = [alias for name, f in model.model_fields.items() for alias in (name, f.alias) if alias]
    close = difflib.get_close_matches(str(error["loc"][0]), names, n=1)
    return f"; did you mean {close[0]}?" if close else ""


def _load_mapping(
    root: Path, name: str, model: type[M], problems: list[Problem], required: bool = True
) -> dict[str, M]:
    path = root / name
    if not path.exists():
        if required:
            problems.append(Problem(name, "", "file is missing"))
        return {}
    data = _read_yaml(path, name, problems)
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(Problem(name, "", "must be a mapping of id to entry"))
        return {}
    out: dict[str, M] = {}
    for key, value in data.items():
        item = _validate(model, value, name, str(key), problems)
        if item is not None:
            out[str(key)] = item
    return out


def _load_folder(root: Path, folder: str, model: type[M], problems: list[Problem],
                 id_field: str | None = "id") -> dict[str, tuple[M, str]]:
    """One entry per file in ``kb/<folder>/*.yaml``, keyed by file name: each read and
    validated, an empty file reported, and (with ``id_field``) an id that differs from the
    file name refused. Returns {file stem: (entry, relative path)}."""
    out: dict[str, tuple[M, str]] = {}
    for path in sorted((root / folder).glob("*.yaml")):
        rel = f"{folder}/{path.name}"
        data = _read_yaml(path, rel, problems)
        if data is None:
            if path.exists() and path.stat().st_size == 0:
                problems.append(Problem(rel, "", "file is empty"))
            continue
        entry = _validate(model, data, rel, "", problems)
        if entry is None:
            continue
        if id_field and getattr(entry, id_field) != path.stem:
            problems.append(Problem(rel, id_field, f"id {getattr(entry, id_field)!r} must match the file name {path.stem!r}"))
            continue
        out[path.stem] = (entry, rel)
    return out


def load_knowledge_base(root: Path | None = None, with_fda_table: bool = True) -> KnowledgeBase:
    """Read and check the whole knowledge base; raise with every problem found.

    ``with_fda_table=False`` leaves out imported/fda-ddi-table.yaml (kb import-fda rewrites it)."""
    from rxcombo.knowledge.consistency import check_consistency

    root = Path(root) if root else DEFAULT_KB_DIR
    problems: list[Problem] = []
    if not root.is_dir():
        raise KnowledgeBaseError([Problem(str(root), "", "knowledge-base folder does not exist")])
    sources = _load_mapping(root, "sources.yaml", Source, problems)
    classes = _load_mapping(root, "classes.yaml", DrugClass, problems)
    for path in sorted((root / "classes").glob("*.yaml")):
        rel = f"classes/{path.name}"
        for cid, cls in _load_mapping(root, rel, DrugClass, problems).items():
            if cid in classes:
                problems.append(Problem(rel, cid, "class is already declared in another classes file"))
            classes[cid] = cls
    rules = _load_mapping(root, "rules.yaml", RuleText, problems)
    ambiguous = _load_mapping(root, "ambiguous.yaml", AmbiguousName, problems, required=False)
    aliases = _load_mapping(root, "aliases.yaml", Alias, problems, required=False)
    products = _load_mapping(root, "products.yaml", Product, problems, required=False)

    medicines: dict[str, Medicine] = {}
    files: dict[str, str] = {}
    for mid, (record, rel) in _load_folder(root, "medicines", Medicine, problems).items():
        medicines[mid] = record
        files[mid] = rel
    pairs: dict[str, PairEntry] = {}
    for key, (pair, rel) in _load_folder(root, "pairs", PairEntry, problems, id_field=None).items():
        pairs[key] = pair
        files[f"pair:{key}"] = rel
    guidelines: dict[str, GroupInteraction] = {}
    for key, (row, rel) in _load_folder(root, "guidelines", GroupInteraction, problems, id_field=None).items():
        guidelines[key] = row
        files[f"guideline:{key}"] = rel
    evidence: dict[str, EvidenceEntry] = {}
    for key, (entry, rel) in _load_folder(root, "evidence", EvidenceEntry, problems).items():
        # checked across fields as well: arms that add up, measures with what they need...
        problems += [Problem(rel, where, message) for where, message in entry_problems(entry)]
        evidence[key] = entry
        files[f"evidence:{key}"] = rel

    imported = None
    imported_path = root / "imported" / "unii.yaml"
    if imported_path.exists():
        data = _read_yaml(imported_path, "imported/unii.yaml", problems)
        if data is not None:
            imported = _validate(ImportedFile, data, "imported/unii.yaml", "", problems)
    fda_table = None
    fda_path = root / "imported" / "fda-ddi-table.yaml"
    if with_fda_table and fda_path.exists():
        data = _read_yaml(fda_path, "imported/fda-ddi-table.yaml", problems)
        if data is not None:
            fda_table = _validate(FdaTable, data, "imported/fda-ddi-table.yaml", "", problems)

    kb = KnowledgeBase(root=root, medicines=medicines, classes=classes, rules=rules, pairs=pairs, sources=sources,
                       files=files, ambiguous=ambiguous, imported=imported, aliases=aliases, products=products, guidelines=guidelines,
                       fda_table=fda_table, evidence=evidence)
    problems += check_consistency(kb)
    if problems:
        raise KnowledgeBaseError(problems)
    return kb
