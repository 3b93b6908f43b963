"""Catalogue coverage: counts, nervous-system subset, ambiguous names, on small and real catalogues."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rxcombo.knowledge.coverage import coverage, read_catalogue
from rxcombo.engine.checker import Engine
from rxcombo.errors import InputError
from tests.conftest import SHARED

CSV = """path,title,ingredients,n_ingredients
a.md,Paroxetine + Clonazepam,Paroxetine;Clonazepam,2
b.md,Escitalopram + Vitamin B,Escitalopram Oxalate;Vitamin B,2
c.md,Foozepam,Foozepam,1
d.md,Paracetamol/Acetaminophen,Ibuprofen;Paracetamol/Acetaminophen,2
e.md,Warfarin,Warfarin,1
f.md,Sumatriptan (Nasal),Sumatriptan (Nasal),1
"""


@pytest.fixture()
def small(tmp_path: Path) -> Path:
    path = tmp_path / "compositions.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_small_catalogue(engine: Engine, small: Path) -> None:
    report = coverage(engine, read_catalogue(small))
    assert report.catalogue.compositions == 6
    # nervous-system: a, b (escitalopram) and c (an unknown "-azepam" name); a triptan is not one
    assert report.nervous_system.compositions == 3
    assert report.nervous_system.complete == 1  # a; b has an ambiguous ingredient, c an unknown one
    assert report.catalogue.complete >= 3  # a, e, f ("Sumatriptan (Nasal)" without its bracket)
    assert report.nervous_system_unresolved == {"Foozepam": 1}
    assert report.catalogue.ambiguous["Vitamin B"] == 1
    assert "Vitamin B" not in report.catalogue.unresolved
    assert report.summary().startswith("nervous-system compositions: ")


def test_catalogue_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the catalogue"):
        read_catalogue(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,stuff\nx,y\n")
    with pytest.raises(InputError, match="needs the columns"):
        read_catalogue(bad)


def test_cli_coverage_json_and_summary_last(run_cli, small: Path) -> None:
    proc = run_cli("kb", "coverage", "--catalog", str(small))
    assert proc.returncode == 0, proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("Summary: rxcombo knows ") and "nervous-system compositions:" in last
    assert "top-300 products:" in last and "FDA table:" in last
    assert "Foozepam" in proc.stdout
    data = json.loads(run_cli("kb", "coverage", "--catalog", str(small), "--json").stdout)
    assert data["catalogue"]["compositions"] == 6
    assert data["nervous_system_ingredients_unresolved"] == [{"name": "Foozepam", "count": 1}]
    assert data["top300"]["products"] == 300 and data["fda_table"]["rows"] == 245
    assert data["fda_table"]["unresolved"] == [], "every FDA-table drug resolves or is a named ambiguity"
    assert any(a["name"] == "Calcium" and a["rank"] == 200 for a in data["top300"]["named_ambiguities"])
    fields = data["top300"]["monograph_fields"]
    assert fields["records"] > 250 and 0 <= fields["complete"] <= fields["records"]
    assert set(fields["lacking"]) == {"indications", "dosing.adult", "adverse_effects", "contraindications", "pregnancy", "lactation"}
    lacking_any = {mid for ids in fields["lacking"].values() for mid in ids}
    assert fields["complete"] == fields["records"] - len(lacking_any)
    assert "sertraline" not in lacking_any, "sertraline's record carries every monograph field"
    assert f"monograph fields: {fields['complete']}/{fields['records']} records carry all of" in proc.stdout
    assert f"{fields['complete']}/{fields['records']} of their records carry every monograph field" in last
    # the nervous-system medicines' pages too: sertraline is one, amoxicillin is not
    nervous = data["nervous_system_monograph_fields"]
    nervous_lacking = {mid for ids in nervous["lacking"].values() for mid in ids}
    assert nervous["records"] > 150 and nervous["complete"] == nervous["records"] - len(nervous_lacking)
    assert "sertraline" not in nervous_lacking and "amoxicillin" not in nervous_lacking
    assert f"{nervous['complete']}/{nervous['records']} nervous-system records carry every monograph field" in last
    assert f"Nervous-system medicines ({nervous['records']} records of a nervous-system class)" in proc.stdout
    proc = run_cli("kb", "coverage", "--catalog", "/nonexistent.csv")
    assert proc.returncode == 2 and "cannot read the catalogue" in proc.stderr


@pytest.mark.skipif(not (SHARED / "data/rxhive/compositions.csv").exists(), reason="../shared is not beside the clone")
def test_real_catalogue_seed_compositions_resolve(engine: Engine) -> None:
    comps = read_catalogue(SHARED / "data/rxhive/compositions.csv")
    assert len(comps) == 6447
    report = coverage(engine, comps)
    assert report.nervous_system.compositions > 300
    seeds = [c for c in comps if c.title.strip(" .") in ("Paroxetine + Clonazepam", "Paroxetine + Etizolam")]
    assert seeds and coverage(engine, seeds).nervous_system.complete == len(seeds)


def test_a_missing_top300_list_is_said_not_skipped_silently(run_cli, small: Path) -> None:
    proc = run_cli("kb", "coverage", "--catalog", str(small), "--top300", "/nonexistent-top300.csv")
    assert proc.returncode == 0 and "Top-300 list not found at /nonexistent-top300.csv" in proc.stderr
    assert "top-300 products" not in proc.stdout
