"""kb import-names: UNII names from (an excerpt of) the real FDA list, repeatable, hand-written data untouched."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from rxcombo.knowledge.database import Catalog, build
from rxcombo.engine.checker import Engine
from tests.conftest import KB_DIR

EXCERPT = Path(__file__).parent / "data" / "unii-excerpt.txt"


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.yaml"))}


@pytest.fixture()
def kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(KB_DIR, target)
    shutil.rmtree(target / "imported", ignore_errors=True)
    return target


def test_import_is_repeatable_and_leaves_records_alone(run_cli, kb_copy: Path, tmp_path: Path) -> None:
    before = _hashes(kb_copy / "medicines")
    proc = run_cli("--kb", str(kb_copy), "kb", "import-names", "--source", str(EXCERPT))
    assert proc.returncode == 0, proc.stderr
    assert "medicines matched" in proc.stdout
    first = (kb_copy / "imported" / "unii.yaml").read_text()
    proc = run_cli("--kb", str(kb_copy), "kb", "import-names", "--source", str(EXCERPT))
    assert proc.returncode == 0
    assert (kb_copy / "imported" / "unii.yaml").read_text() == first
    assert _hashes(kb_copy / "medicines") == before

    data = yaml.safe_load(first)
    assert "FDA UNII names list" in data["source"]
    paroxetine = data["medicines"]["paroxetine"]
    assert paroxetine["unii"] == "41VRH5220H"
    assert "Aropax" in paroxetine["brands"]  # from the hydrochloride salt's UNII
    assert "Paxil" not in paroxetine.get("brands", [])  # already hand-written
    assert data["medicines"]["clonazepam"]["unii"] == "5PE9FDE8GB"

    db = tmp_path / "imported.sqlite"
    build(db, kb_copy)
    engine = Engine(Catalog(db))
    assert engine.check(["Aropax", "Ravotril"]).resolution.ids == ("paroxetine", "clonazepam")
    record = engine.catalog.record("paroxetine")
    assert record["imported"]["unii"] == "41VRH5220H" and "FDA UNII" in record["imported"]["source"]
    assert record["codes"]["unii"] == "41VRH5220H"  # the hand-written code is kept


def test_import_errors_are_clear(run_cli, kb_copy: Path, tmp_path: Path) -> None:
    bad = tmp_path / "not-unii.txt"
    bad.write_text("a,b,c\n")
    proc = run_cli("--kb", str(kb_copy), "kb", "import-names", "--source", str(bad))
    assert proc.returncode == 2 and "not a UNII names list" in proc.stderr
    proc = run_cli("--kb", str(kb_copy), "kb", "import-names", "--source", str(tmp_path / "nope.txt"))
    assert proc.returncode == 2 and "cannot read" in proc.stderr
