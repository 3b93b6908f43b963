"""Compile the validated YAML knowledge base into the SQLite database.

The build is deterministic (same YAML, same rows in the same order, no timestamps) and
atomic: it writes a temporary file beside the target and renames it into place only
after a successful commit, so a failed or interrupted build leaves the old database as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from rxcombo.knowledge.consistency import all_names, class_ancestry
from rxcombo.knowledge.database import code_fingerprint
from rxcombo.errors import DatabaseError
from rxcombo.knowledge.loader import KnowledgeBase, yaml_files
from rxcombo.knowledge.models import Medicine, PairEntry
from rxcombo.knowledge.schema_version import SCHEMA_VERSION
from rxcombo.engine.names import normalize
from rxcombo.engine.profile import DrugProfile, Prop, SourceRef

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE medicines (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
    classes TEXT NOT NULL, record TEXT NOT NULL, profile TEXT NOT NULL, file TEXT NOT NULL
);
CREATE TABLE names (key TEXT PRIMARY KEY, medicine_id TEXT NOT NULL REFERENCES medicines(id), name TEXT NOT NULL, kind TEXT NOT NULL);
CREATE TABLE classes (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE rules (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE pairs (id TEXT PRIMARY KEY, drug_a TEXT NOT NULL, drug_b TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE sources (key TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE ambiguous (key TEXT PRIMARY KEY, name TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE guidelines (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE products (key TEXT PRIMARY KEY, name TEXT NOT NULL, ingredients TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE evidence (id TEXT PRIMARY KEY, medicines TEXT NOT NULL, classes TEXT NOT NULL, file TEXT NOT NULL, data TEXT NOT NULL,
                       analysis TEXT NOT NULL);
"""


def _dump(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def kb_digest(root: Path) -> str:
    """A hash of every YAML file's path and content: identifies what a database was built from."""
    digest = hashlib.sha256()
    for path in yaml_files(root):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def source_ref(kb: KnowledgeBase, cite: str, medicine: Medicine | None = None, pair: PairEntry | None = None) -> SourceRef:
    key, _, section = cite.partition("#")
    source = kb.source_for(key, medicine, pair)
    if source is None:  # the loader's consistency checks make this unreachable
        raise DatabaseError(f"unresolved citation {cite!r}")
    return SourceRef(key=key, kind=source.kind, title=source.title, section=section or None,
                     publisher=source.publisher or source.authors, year=source.year, url=source.url,
                     pmid=source.pmid, doi=source.doi)


def build_profile(kb: KnowledgeBase, med: Medicine) -> DrugProfile:
    """Flatten a record into what the rules read, keeping each property's citations."""

    def refs(cites: list[str]) -> tuple[SourceRef, ...]:
        return tuple(source_ref(kb, c, med) for c in cites)

    classes: list[str] = []
    for cid in med.classes:
        for ancestor in class_ancestry(kb, cid):
            if ancestor not in classes:
                classes.append(ancestor)
    risks, absent = _risk_props(med, refs)
    pk = med.pharmacokinetics
    substrates, inhibits, induces = {}, {}, {}
    for s in pk.substrate_of:
        if s.role == "none":
            absent[f"substrate:{s.enzyme}"] = Prop(None, refs(s.sources))
        else:
            substrates[s.enzyme] = Prop((s.role, s.sensitive), refs(s.sources))
    for kind, mods, target in (("inhibits", pk.inhibits, inhibits), ("induces", pk.induces, induces)):
        for m in mods:
            if m.strength == "none":
                absent[f"{kind}:{m.enzyme}"] = Prop(None, refs(m.sources))
            else:
                target[m.enzyme] = Prop(m.strength, refs(m.sources))
    for kind, entries in (("substrate", pk.not_substrate_of), ("inhibits", pk.not_inhibits), ("induces", pk.not_induces)):
        for entry in entries:
            for enzyme in entry.enzymes:
                absent[f"{kind}:{enzyme}"] = Prop(None, refs(entry.sources), entry.note)
    prodrug = None
    if pk.prodrug is not None:
        p = pk.prodrug
        prodrug = Prop((p.enzyme, p.active_metabolite, p.loss_of_activation), refs(p.sources))
    nti = None
    if pk.narrow_therapeutic_index is not None:
        n = pk.narrow_therapeutic_index
        nti = Prop(n.value, refs(n.sources), n.note)
    max_daily = None
    if med.dosing.max_daily is not None:
        md = med.dosing.max_daily
        max_daily = Prop((md.amount, md.unit), refs(md.sources), md.note)
    if med.no_label_interactions is not None:
        absent["label_interactions"] = Prop(None, refs(med.no_label_interactions.sources), med.no_label_interactions.text)
    labels = []
    for li in med.label_interactions:
        condition = ("inhibits", li.inhibitors_of.enzyme, li.inhibitors_of.strength) if li.inhibitors_of else \
            ("induces", li.inducers_of.enzyme, li.inducers_of.strength) if li.inducers_of else \
            ("substrate", li.substrates_of.enzyme, "sensitive" if li.substrates_of.sensitive else "major") \
            if li.substrates_of else ("", "", "")
        labels.append(Prop((tuple(li.with_), tuple(li.with_classes), condition, li.severity, li.effect, li.management), refs(li.sources)))
    return DrugProfile(
        id=med.id,
        name=med.name,
        classes=tuple(classes),
        class_names={c: kb.classes[c].name for c in classes},
        risks=risks,
        substrates=substrates,
        inhibits=inhibits,
        induces=induces,
        prodrug=prodrug,
        narrow_therapeutic_index=nti,
        label_interactions=tuple(labels),
        absent=absent,
        max_daily=max_daily,
        negligible_exposure=(Prop(True, refs(med.systemic_exposure.sources), med.systemic_exposure.note)
                             if med.systemic_exposure is not None and med.systemic_exposure.level == "negligible" else None),
        identity=_identity(med, refs),
        critical_loss_of_effect=(Prop(True, refs(pk.critical_loss_of_effect.sources), pk.critical_loss_of_effect.note)
                                 if pk.critical_loss_of_effect is not None and pk.critical_loss_of_effect.value else None),
    )


def _identity(med: Medicine, refs: Any) -> Prop | None:
    """The citations for what the medicine is: its mechanism, else its indications, else its
    first cited source."""
    if med.mechanism is not None:
        return Prop("mechanism", refs(med.mechanism.sources))
    if med.indications:
        return Prop("indications", refs(med.indications[0].sources))
    if med.sources:
        return Prop("sources", refs([next(iter(med.sources))]))
    return None


def _risk_props(med: Medicine, refs: Any) -> tuple[dict[str, Prop], dict[str, Prop]]:
    """The record's risks as engine properties, and the ones it states as absent.

    A plain level risk becomes its level; the structured ones keep what their rules read:
    mao_inhibition (level, selectivity, reversible), lithium_clearance (effect, level),
    kidney_perfusion role, chelation (level, ions, spacing), polyvalent_cations (ions),
    acid_dependent_absorption (level, spacing), live_vaccine True."""
    risks: dict[str, Prop] = {}
    absent: dict[str, Prop] = {}
    for name in type(med.risks).model_fields:
        risk = getattr(med.risks, name)
        if risk is None:
            continue
        note = getattr(risk, "note", None)
        if name == "anticholinergic":
            value: Any = risk.score
        elif name == "qt":
            value = None if risk.category == "none" else risk.category
        elif name == "bleeding":
            value = None if risk.kind == "none" else risk.kind
        elif name == "mao_inhibition":
            value = None if risk.level == "none" else (risk.level, risk.selectivity, risk.reversible)
        elif name == "lithium_clearance":
            value = None if risk.level == "none" else (risk.effect, risk.level)
        elif name == "kidney_perfusion":
            value = None if risk.role == "none" else risk.role
        elif name == "chelation":
            value = None if risk.level == "none" else (risk.level, tuple(risk.ions), risk.spacing)
        elif name == "polyvalent_cations":
            value = None if risk.level == "none" or not risk.ions else (risk.level, tuple(risk.ions))
        elif name == "acid_dependent_absorption":
            value = None if risk.level == "none" else (risk.level, risk.spacing)
        elif name == "live_vaccine":
            value = True if risk.value else None
        else:
            value = None if risk.level == "none" else risk.level
        target = absent if value is None else risks
        target[name] = Prop(value, refs(risk.sources), note)
    return risks, absent


def name_rows(med: Medicine) -> list[tuple[str, str, str, str]]:
    """(normalised key, id, display name, kind) for every hand-written name of a record."""
    rows: dict[str, tuple[str, str, str, str]] = {}
    kinds = [("generic", [med.name, med.id.replace("-", " ")]), ("synonym", med.synonyms), ("salt", med.salts)]
    kinds += [(f"brand:{country}", brands) for country, brands in sorted(med.brands.items())]
    for kind, names in kinds:
        for name in names:
            rows.setdefault(normalize(name), (normalize(name), med.id, name, kind))
    assert set(rows) == {normalize(n) for n in all_names(med)}
    return list(rows.values())


def all_name_rows(kb: KnowledgeBase) -> list[tuple[str, str, str, str]]:
    """Hand-written names of every record, then imported UNII names that no record claims."""
    rows = {row[0]: row for mid in sorted(kb.medicines) for row in name_rows(kb.medicines[mid])}
    for name, alias in sorted(kb.aliases.items()):
        rows.setdefault(normalize(name), (normalize(name), alias.id, name, "alias"))
    if kb.imported is not None:
        for mid, entry in sorted(kb.imported.medicines.items()):
            for kind, names in (("unii:synonym", entry.synonyms), ("unii:brand", entry.brands)):
                for name in names:
                    key = normalize(name)
                    if key and key not in rows:
                        rows[key] = (key, mid, name, kind)
    return sorted(rows.values())


def pair_payload(kb: KnowledgeBase, pid: str, pair: PairEntry) -> dict[str, Any]:
    data = pair.model_dump(mode="json", exclude={"source_defs"})
    data["id"] = pid
    data["sources"] = [source_ref(kb, c, pair=pair).to_dict() for c in pair.sources]
    return data


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Delete temporary files (and their SQLite journals) that a killed build left beside
    ``target``. A file whose building process is still running is kept; one from an older
    version without a process id is removed once it is an hour old."""
    removed = []
    for path in target.parent.glob(f".{target.name}.*.tmp*"):
        pid_text = path.name[len(target.name) + 2:].split(".", 1)[0]
        if pid_text.isdigit():
            try:
                os.kill(int(pid_text), 0)
                continue  # still building
            except ProcessLookupError:
                pass
            except PermissionError:
                continue
        else:
            try:
                if time.time() - path.stat().st_mtime < 3600:
                    continue
            except OSError:
                continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def write_database(kb: KnowledgeBase, target: Path) -> Path:
    """Write the database for ``kb`` to ``target`` atomically; return the path.

    Raises DatabaseError (not a traceback) when the folder cannot be written."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(target)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise DatabaseError(f"cannot write the database at {target}: {exc.strerror or exc}") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.executescript(SCHEMA)
            _fill(conn, kb)
            conn.commit()
        finally:
            conn.close()
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(f"cannot write the database at {target}: {exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _record_json(kb: KnowledgeBase, med: Medicine) -> dict[str, Any]:
    record = med.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    if kb.imported is not None and med.id in kb.imported.medicines:
        record["imported"] = {**kb.imported.medicines[med.id].model_dump(mode="json"), "source": kb.imported.source}
    return record


def evidence_rows(kb: KnowledgeBase) -> list[tuple[str, str, str, str, str, str]]:
    """Evidence entries with their meta-analyses, computed here once (statsmodels is imported
    only when there are entries: pages and the site then read the numbers)."""
    if not kb.evidence:
        return []
    from rxcombo.evidence.meta import analyse

    return [(eid, _dump(e.combination.medicines), _dump(e.combination.with_one_of_classes), kb.files[f"evidence:{eid}"],
             _dump(e.model_dump(mode="json", exclude_none=True)), _dump(analyse(e).to_dict()))
            for eid, e in sorted(kb.evidence.items())]


def _fill(conn: sqlite3.Connection, kb: KnowledgeBase) -> None:
    meta = {
        "schema_version": str(SCHEMA_VERSION),
        "code_fingerprint": code_fingerprint(),
        "kb_digest": kb_digest(kb.root),
        "kb_dir": str(Path(kb.root).resolve()),
        "medicine_count": str(len(kb.medicines)),
        "duplication_classes": _dump(sorted(c for c, v in kb.classes.items() if v.duplication)),
        "cns_active_classes": _dump(sorted(c for c, v in kb.classes.items() if v.cns_active)),
        "nervous_system_classes": _dump(sorted(c for c, v in kb.classes.items() if v.nervous_system)),
        "psychiatric_classes": _dump(sorted(c for c, v in kb.classes.items() if v.psychiatric)),
    }
    conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
    for mid in sorted(kb.medicines):
        med = kb.medicines[mid]
        profile = build_profile(kb, med)
        conn.execute(
            "INSERT INTO medicines VALUES (?, ?, ?, ?, ?, ?, ?)",
            (mid, med.name, med.kind, _dump(list(profile.classes)),
             _dump(_record_json(kb, med)),
             _dump(profile.to_dict()), kb.files[mid]),
        )
    conn.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", all_name_rows(kb))
    conn.executemany("INSERT INTO classes VALUES (?, ?)",
                     [(cid, _dump(c.model_dump(mode="json"))) for cid, c in sorted(kb.classes.items())])
    conn.executemany("INSERT INTO rules VALUES (?, ?)",
                     [(rid, _dump({**r.model_dump(mode="json"),
                                   "sources": [source_ref(kb, c).to_dict() for c in r.sources]}))
                      for rid, r in sorted(kb.rules.items())])
    conn.executemany("INSERT INTO pairs VALUES (?, ?, ?, ?)",
                     [(pid, *sorted(p.drugs), _dump(pair_payload(kb, pid, p))) for pid, p in sorted(kb.pairs.items())])
    conn.executemany("INSERT INTO ambiguous VALUES (?, ?, ?)",
                     sorted((normalize(name), name, _dump(a.model_dump(mode="json"))) for name, a in kb.ambiguous.items()))
    conn.executemany("INSERT INTO guidelines VALUES (?, ?)",
                     [(gid, _dump({**g.model_dump(mode="json"), "id": gid,
                                   "sources": [source_ref(kb, c).to_dict() for c in g.sources]}))
                      for gid, g in sorted(kb.guidelines.items())])
    conn.executemany("INSERT INTO products VALUES (?, ?, ?, ?)",
                     sorted((normalize(name), name, _dump(p.ingredients),
                             _dump({**p.model_dump(mode="json"), "sources": [source_ref(kb, c).to_dict() for c in p.sources]}))
                            for name, p in kb.products.items()))
    conn.executemany("INSERT INTO evidence VALUES (?, ?, ?, ?, ?, ?)", evidence_rows(kb))
    conn.executemany("INSERT INTO sources VALUES (?, ?)",
                     [(key, _dump(s.model_dump(mode="json", exclude_none=True))) for key, s in sorted(kb.sources.items())])
