"""Finding, refreshing and reading the compiled SQLite database.

The engine never reads YAML: it reads this database, and rebuilds it first when it is
missing, was built by another schema version, or is older than the YAML.
"""

from __future__ import annotations

import json
import os
import sqlite3
from functools import cached_property
from pathlib import Path
from typing import Any

from rxcombo.errors import DatabaseError
from rxcombo.knowledge.schema_version import SCHEMA_VERSION
from rxcombo.engine.profile import DrugProfile

DB_ENV = "RXCOMBO_DB"
KB_ENV = "RXCOMBO_KB"


def default_kb_dir() -> Path:
    env = os.environ.get(KB_ENV)
    return Path(env) if env else Path(__file__).parent.parent / "kb"


def default_db_path() -> Path:
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "rxcombo" / f"rxcombo-v{SCHEMA_VERSION}.sqlite"


def _newest_yaml(kb_dir: Path) -> float:
    newest = 0.0
    for folder in (kb_dir, kb_dir / "classes", kb_dir / "medicines", kb_dir / "pairs", kb_dir / "guidelines", kb_dir / "evidence",
                   kb_dir / "imported"):
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.endswith(".yaml"):
                        newest = max(newest, entry.stat().st_mtime)
        except FileNotFoundError:
            continue
    # a deleted file only shows in its folder's mtime
    for folder in (kb_dir / "classes", kb_dir / "medicines", kb_dir / "pairs", kb_dir / "guidelines", kb_dir / "evidence"):
        if folder.exists():
            newest = max(newest, folder.stat().st_mtime)
    return newest


def code_fingerprint() -> str:
    """Identifies the code that shapes a database (schema, name keys, profiles): a database built
    by other code is rebuilt even when the YAML has not changed."""
    import hashlib

    digest = hashlib.sha256(str(SCHEMA_VERSION).encode())
    here = Path(__file__).parent.parent  # the rxcombo package
    for name in ("engine/names.py", "knowledge/compile.py", "engine/profile.py", "knowledge/models.py", "evidence/model.py",
                 "evidence/meta.py", "evidence/results.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def is_fresh(db_path: Path, kb_dir: Path) -> bool:
    try:
        built = db_path.stat().st_mtime
    except FileNotFoundError:
        return False
    if built < _newest_yaml(kb_dir):
        return False
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
            meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('code_fingerprint', 'kb_dir')"))
    except sqlite3.Error:
        return False
    # A database compiled from another knowledge base folder (another checkout, --kb) is stale
    # even when it is newer than every file here.
    return meta.get("code_fingerprint") == code_fingerprint() and meta.get("kb_dir") == str(Path(kb_dir).resolve())


def build(db_path: Path | None = None, kb_dir: Path | None = None) -> Path:
    """Validate the YAML and compile it; raises KnowledgeBaseError and keeps the old database."""
    from rxcombo.knowledge.compile import write_database
    from rxcombo.knowledge.loader import load_knowledge_base

    kb_dir = kb_dir or default_kb_dir()
    started = _newest_yaml(kb_dir)
    path = write_database(load_knowledge_base(kb_dir), db_path or default_db_path())
    if _newest_yaml(kb_dir) > started:
        # The YAML changed while it was being compiled: date the database to before the change,
        # so that the next open sees it as stale and compiles again.
        os.utime(path, (started, started))
    return path


def ensure_database(db_path: Path | None = None, kb_dir: Path | None = None) -> Path:
    db_path = Path(db_path) if db_path else default_db_path()
    kb_dir = Path(kb_dir) if kb_dir else default_kb_dir()
    if not is_fresh(db_path, kb_dir):
        build(db_path, kb_dir)
    return db_path


class Catalog:
    """Read access to a compiled database; profiles are loaded on first use and kept."""

    def __init__(self, db_path: Path):
        self.path = Path(db_path)
        try:
            self._conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self.meta = dict(self._conn.execute("SELECT key, value FROM meta"))
        except sqlite3.Error as exc:
            raise DatabaseError(f"cannot read the database {self.path}: {exc}") from exc
        self._profiles: dict[str, DrugProfile] = {}

    @classmethod
    def open(cls, db_path: Path | None = None, kb_dir: Path | None = None) -> "Catalog":
        return cls(ensure_database(db_path, kb_dir))

    def close(self) -> None:
        self._conn.close()

    @cached_property
    def names(self) -> dict[str, tuple[str, str, str]]:
        """normalised name -> (medicine id, display name, kind)."""
        return {key: (mid, name, kind) for key, mid, name, kind in self._conn.execute("SELECT key, medicine_id, name, kind FROM names")}

    @cached_property
    def medicine_names(self) -> dict[str, str]:
        return dict(self._conn.execute("SELECT id, name FROM medicines ORDER BY id"))

    @cached_property
    def duplication_classes(self) -> frozenset[str]:
        return frozenset(json.loads(self.meta["duplication_classes"]))

    @cached_property
    def cns_active_classes(self) -> frozenset[str]:
        return frozenset(json.loads(self.meta["cns_active_classes"]))

    @cached_property
    def nervous_system_classes(self) -> frozenset[str]:
        return frozenset(json.loads(self.meta.get("nervous_system_classes", "[]")))

    @cached_property
    def psychiatric_classes(self) -> frozenset[str]:
        return frozenset(json.loads(self.meta.get("psychiatric_classes", "[]")))

    @cached_property
    def ambiguous(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """normalised name -> (display name, {reason, candidates})."""
        return {key: (name, json.loads(data)) for key, name, data in self._conn.execute("SELECT key, name, data FROM ambiguous")}

    @cached_property
    def products(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        """normalised combination-brand name -> (display name, ingredient ids)."""
        return {key: (name, tuple(json.loads(ids))) for key, name, ids in self._conn.execute("SELECT key, name, ingredients FROM products")}

    @cached_property
    def guidelines(self) -> tuple[dict[str, Any], ...]:
        """Guideline rows about two groups of medicines (``kb/guidelines``)."""
        return tuple(json.loads(data) for (data,) in self._conn.execute("SELECT data FROM guidelines ORDER BY id"))

    @cached_property
    def evidence(self) -> dict[str, dict[str, Any]]:
        """Evidence entries (``kb/evidence``): id -> {"entry", "analysis", "file"}, as stored."""
        return {eid: {"entry": json.loads(data), "analysis": json.loads(analysis), "file": file}
                for eid, file, data, analysis in self._conn.execute("SELECT id, file, data, analysis FROM evidence ORDER BY id")}

    @cached_property
    def rules(self) -> dict[str, dict[str, Any]]:
        return {rid: json.loads(data) for rid, data in self._conn.execute("SELECT id, data FROM rules")}

    @cached_property
    def plain_titles(self) -> dict[str, str]:
        """Rule id -> the rule's title in everyday words, for patient pages."""
        return {rid: r["plain_title"] for rid, r in self.rules.items() if r.get("plain_title")}

    @cached_property
    def pairs(self) -> dict[tuple[str, str], dict[str, Any]]:
        return {(a, b): json.loads(data) for a, b, data in self._conn.execute("SELECT drug_a, drug_b, data FROM pairs")}

    @cached_property
    def classes(self) -> dict[str, dict[str, Any]]:
        return {cid: json.loads(data) for cid, data in self._conn.execute("SELECT id, data FROM classes")}

    def profile(self, medicine_id: str) -> DrugProfile:
        cached = self._profiles.get(medicine_id)
        if cached is not None:
            return cached
        row = self._conn.execute("SELECT profile FROM medicines WHERE id = ?", (medicine_id,)).fetchone()
        if row is None:
            raise KeyError(medicine_id)
        profile = self._profiles[medicine_id] = DrugProfile.from_dict(json.loads(row[0]))
        return profile

    def record(self, medicine_id: str) -> dict[str, Any]:
        """The full record as stored (JSON form of the YAML), plus its file."""
        row = self._conn.execute("SELECT record, file FROM medicines WHERE id = ?", (medicine_id,)).fetchone()
        if row is None:
            raise KeyError(medicine_id)
        record = json.loads(row[0])
        record["file"] = row[1]
        return record

    def medicines(self) -> list[dict[str, Any]]:
        """Every medicine with all its names and classes, for listings and autocomplete."""
        names: dict[str, list[str]] = {}
        for mid, name in self._conn.execute("SELECT medicine_id, name FROM names ORDER BY medicine_id, kind, name"):
            names.setdefault(mid, []).append(name)
        return [
            {"id": mid, "name": name, "kind": kind, "names": names.get(mid, []), "classes": json.loads(classes)}
            for mid, name, kind, classes in self._conn.execute("SELECT id, name, kind, classes FROM medicines ORDER BY id")
        ]

    def sources(self) -> dict[str, dict[str, Any]]:
        return {key: json.loads(data) for key, data in self._conn.execute("SELECT key, data FROM sources")}
