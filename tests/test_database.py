"""The compiled SQLite database: deterministic, atomic, rebuilt when the YAML changes."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from rxcombo.knowledge.database import Catalog, build, ensure_database, is_fresh
from rxcombo.engine.checker import Engine
from rxcombo.errors import KnowledgeBaseError
from tests.conftest import KB_DIR


def test_build_is_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    build(a, KB_DIR)
    build(b, KB_DIR)
    assert a.read_bytes() == b.read_bytes()


def test_database_holds_every_medicine_and_name(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        medicines = conn.execute("SELECT count(*) FROM medicines").fetchone()[0]
        paxil = conn.execute("SELECT medicine_id, kind FROM names WHERE key = 'paxil'").fetchone()
    assert medicines >= 62
    assert paxil == ("paroxetine", "brand:US")


def test_failed_build_keeps_the_previous_database(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    db = tmp_path / "rx.sqlite"
    build(db, kb)
    before = db.read_bytes()
    (kb / "medicines" / "paroxetine.yaml").write_text("id: paroxetine\nname: [broken\n")
    with pytest.raises(KnowledgeBaseError):
        build(db, kb)
    assert db.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert Engine(Catalog(db)).check(["paroxetine", "clonazepam"]).interactions


def test_engine_rebuilds_when_yaml_is_newer(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    db = tmp_path / "rx.sqlite"
    ensure_database(db, kb)  # missing -> built
    assert is_fresh(db, kb)
    record = kb / "medicines" / "paroxetine.yaml"
    record.write_text(record.read_text().replace("  UK: [Seroxat]", "  UK: [Seroxat, Testbrandol]"))
    future = db.stat().st_mtime + 10
    os.utime(record, (future, future))
    assert not is_fresh(db, kb)
    engine = Engine.open(db, kb)
    assert engine.check(["Testbrandol"]).resolution.ids == ("paroxetine",)


def test_database_from_another_knowledge_base_folder_is_rebuilt(tmp_path: Path) -> None:
    """Two checkouts (or --kb) sharing one database path: the database compiled from one folder
    is not served for the other, even when it is newer than every file there."""
    older, newer = tmp_path / "older", tmp_path / "newer"
    shutil.copytree(KB_DIR, older)
    shutil.copytree(KB_DIR, newer)
    record = newer / "medicines" / "paroxetine.yaml"
    record.write_text(record.read_text().replace("  UK: [Seroxat]", "  UK: [Seroxat, Testbrandol]"))
    db = tmp_path / "shared.sqlite"
    assert Engine.open(db, newer).check(["Testbrandol"]).resolution.ids == ("paroxetine",)
    past = db.stat().st_mtime - 1000
    for path in older.rglob("*"):
        os.utime(path, (past, past))
    assert not is_fresh(db, older)
    assert Engine.open(db, older).check(["Testbrandol"]).resolution.ids == ()
    assert is_fresh(db, older) and not is_fresh(db, newer)


def test_missing_database_folder_is_created(tmp_path: Path) -> None:
    db = tmp_path / "deep" / "er" / "rx.sqlite"
    ensure_database(db, KB_DIR)
    assert db.exists()


def test_a_killed_build_leaves_nothing_behind_for_long(tmp_path: Path) -> None:
    """Temporary files of a build that was killed are removed by the next build; a running
    build's file is kept."""
    import os

    from rxcombo.knowledge.compile import remove_stale_temporaries

    target = tmp_path / "x.db"
    dead = tmp_path / ".x.db.999999999.abc.tmp"
    journal = tmp_path / ".x.db.999999999.abc.tmp-journal"
    alive = tmp_path / f".x.db.{os.getpid()}.def.tmp"
    for path in (dead, journal, alive):
        path.write_bytes(b"partial")
    removed = remove_stale_temporaries(target)
    assert set(removed) == {dead, journal} and alive.exists() and not dead.exists()


def test_duplicate_key_is_an_error_with_file_and_line(tmp_path: Path) -> None:
    import shutil

    import pytest

    from rxcombo.errors import KnowledgeBaseError
    from rxcombo.knowledge.loader import load_knowledge_base
    from tests.conftest import KB_DIR

    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    path = kb / "medicines" / "warfarin.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + ["pharmacokinetics: {}"]) + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=rf"medicines/warfarin.yaml: line {len(lines) + 1}, column 1: .*'pharmacokinetics' appears twice"):
        load_knowledge_base(kb)
