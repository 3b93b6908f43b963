"""kb import-fda and kb fda-diff: FDA's Table 1 of CYP and transporter examples (a copy of the real
table in tests/data), parsed as printed, mapped to records, written atomically and repeatably."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from rxcombo.knowledge.fda_table import compare, parse_cell, split_name
from rxcombo.knowledge.loader import load_knowledge_base
from tests.conftest import KB_DIR

TABLE = Path(__file__).parent / "data" / "fda-cyp-transporter-table1.tsv"
TARGET = Path("imported") / "fda-ddi-table.yaml"


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.yaml"))}


@pytest.fixture(scope="module")
def imported_once(run_cli, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the knowledge base with the table imported by the real command (once: loading is slow)."""
    target = tmp_path_factory.mktemp("fda") / "kb"
    shutil.copytree(KB_DIR, target)
    (target / TARGET).unlink(missing_ok=True)
    proc = run_cli("--kb", str(target), "kb", "import-fda", "--source", str(TABLE))
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"245 rows, \d+ roles; \d+ rows mapped to \d+ records", proc.stdout), proc.stdout
    return target


@pytest.fixture()
def imported(imported_once: Path, tmp_path: Path) -> Path:
    """A private copy that a test may change."""
    target = tmp_path / "kb"
    shutil.copytree(imported_once, target)
    return target


def _rows(kb: Path) -> dict[str, list[dict]]:
    data = yaml.safe_load((kb / TARGET).read_text(encoding="utf-8"))
    out: dict[str, list[dict]] = {}
    for row in data["rows"]:
        out.setdefault(row["name"], []).append(row)
    return out


def _roles(rows: list[dict]) -> list[dict]:
    return [role for row in rows for role in row["roles"]]


def test_import_is_repeatable_and_leaves_records_alone(run_cli, imported_once: Path, imported: Path) -> None:
    first = (imported_once / TARGET).read_bytes()
    before = _hashes(imported / "medicines")
    proc = run_cli("--kb", str(imported), "kb", "import-fda", "--source", str(TABLE))
    assert proc.returncode == 0, proc.stderr
    assert (imported / TARGET).read_bytes() == first
    assert _hashes(imported / "medicines") == before
    assert not list((imported / "imported").glob("*.tmp")) and not list((imported / "imported").glob(".*.tmp"))

    data = yaml.safe_load(first)
    assert data["source"]["url"].startswith("https://www.fda.gov/drugs/drug-interactions-labeling/")
    assert data["source"]["page_date"] == "2026-05-29"
    assert "absent" in data["note"]
    assert len(data["rows"]) == 245
    assert data["medicines"]["ketoconazole"] == [r["row"] for r in data["rows"] if r["id"] == "ketoconazole"]


def test_specific_rows(imported: Path) -> None:
    rows = _rows(imported)
    keto = rows["ketoconazole"][0]
    assert keto["id"] == "ketoconazole"
    assert {"enzyme": "CYP3A4", "role": "inhibitor", "strength": "strong", "fda_enzyme": "3A",
            "fda_column": "CYP Strg INH", "fda_text": "3A strong inhibitor"} in keto["roles"]
    rifampin = rows["rifampin"][0]
    assert rifampin["id"] == "rifampicin" and rifampin["fda_name"] == "rifampin"
    inducer = [r for r in rifampin["roles"] if r.get("enzyme") == "CYP3A4" and r["role"] == "inducer"]
    assert [r["strength"] for r in inducer] == ["strong"]
    assert {(r.get("enzyme"), r["strength"]) for r in rifampin["roles"] if r["role"] == "inducer"} >= {
        ("CYP2C19", "strong"), ("CYP1A2", "moderate"), ("CYP2B6", "moderate"), ("CYP2C8", "moderate"), ("CYP2C9", "moderate")}
    oatp = [r for r in rifampin["roles"] if r.get("transporter") in ("OATP1B1", "OATP1B3")]
    assert [(r["transporter"], r["footnotes"], r["fda_enzyme"]) for r in oatp] == [
        ("OATP1B1", ["13"], "OATP1B1"), ("OATP1B3", ["13"], "OATP1B3")]
    midazolam = _roles(rows["midazolam"])
    assert {"enzyme": "CYP3A4", "role": "substrate", "sensitivity": "sensitive", "fda_enzyme": "3A",
            "fda_column": "CYP SENS SUB", "fda_text": "3A sensitive substrate"} in midazolam
    dabigatran = rows["dabigatran etexilate"][0]
    assert dabigatran["id"] == "dabigatran"
    assert [(r["transporter"], r["role"]) for r in dabigatran["roles"]] == [("P-gp", "substrate")]
    assert "strength" not in dabigatran["roles"][0] and "sensitivity" not in dabigatran["roles"][0]


def test_footnotes_and_odd_cells_are_kept_as_printed(imported: Path) -> None:
    rows = _rows(imported)
    adefovir = rows["adefovir"][0]
    assert adefovir["fda_name"] == "adefovir1" and adefovir["footnotes"] == ["1"] and adefovir["name"] == "adefovir"
    ritonavir = rows["ritonavir"][0]
    assert ritonavir["fda_name"] == "ritonavir 14, 15, 16" and ritonavir["footnotes"] == ["14", "15", "16"]
    assert ritonavir["id"] == "ritonavir"
    cipro = [r for r in rows["ciprofloxacin"][0]["roles"] if r["role"] == "inhibitor"]
    assert [(r["enzyme"], r["strength"], r.get("footnotes")) for r in cipro] == [
        ("CYP1A2", "moderate", ["20"]), ("CYP3A4", "moderate", None)]
    assert cipro[0]["fda_text"] == "1A220; 3A moderate inhibitor"
    cenobamate = rows["cenobamate"][0]["roles"]
    assert [(r["enzyme"], r["strength"], r["footnotes"]) for r in cenobamate if r["role"] == "inducer"] == [
        ("CYP3A4", "moderate", ["b"])]
    atorvastatin = [r for r in rows["atorvastatin"][0]["roles"] if r.get("enzyme")]
    assert atorvastatin[0]["sensitivity"] == "moderate-sensitive" and atorvastatin[0]["fda_text"] == "3A moderate substrate"
    assert rows["atazanavir and ritonavir"][0]["id"] is None  # a combination's roles are not one record's
    assert rows["R-venlafaxine"][0]["id"] is None  # an enantiomer is not the racemate
    assert rows["tobacco (smoking)"][0]["id"] == "tobacco-smoke"
    assert {r["name"] for r in yaml.safe_load((imported / TARGET).read_text())["rows"]} >= {"St. John’s wort"}


def test_cell_forms() -> None:
    assert split_name("selexipag 21") == ("selexipag", ["21"])
    assert split_name("peginterferon alpha-2a") == ("peginterferon alpha-2a", [])
    roles = parse_cell("TRNSP INH", "OATP1B1/1B3 inhibitor") + parse_cell("TRNSP INH", "MATE1/2-K inhibitor")
    roles += parse_cell("TRNSP SUB", "OAT1/3 substrate")
    assert [r["transporter"] for r in roles] == ["OATP1B1", "OATP1B3", "MATE1", "MATE2-K", "OAT1", "OAT3"]
    assert [r["enzyme"] for r in parse_cell("CYP WK INH", "2B6; 2C9; weak inhibitor")] == ["CYP2B6", "CYP2C9"]
    assert [r["transporter"] for r in parse_cell("TRNSP INH", "BCRP; OATP1B1 inhibitor; OAT3 inhibitor")] == [
        "BCRP", "OATP1B1", "OAT3"]
    for column, cell in (("CYP Strg INH", "3A moderate inhibitor"), ("CYP Strg INH", "3A strong inducer"),
                         ("TRNSP INH", "3A strong inhibitor"), ("CYP WK INH", "P-gp weak inhibitor"),
                         ("CYP Strg INH", "3A inhibitor"), ("CYP Strg INH", "9Z9 strong inhibitor"),
                         ("TRNSP SUB", "P-gp substrate maybe")):
        with pytest.raises(ValueError):
            parse_cell(column, cell)


def test_bad_header_changes_nothing(run_cli, imported: Path, tmp_path: Path) -> None:
    before = (imported / TARGET).read_bytes()
    bad = tmp_path / "bad-header.tsv"
    lines = TABLE.read_text(encoding="utf-8").splitlines(keepends=True)
    bad.write_text(lines[0].replace("CYP WK IND", "CYP Weak IND") + "".join(lines[1:]), encoding="utf-8")
    proc = run_cli("--kb", str(imported), "kb", "import-fda", "--source", str(bad))
    assert proc.returncode == 2, proc.stdout
    assert "unrecognised column(s) 'CYP Weak IND'" in proc.stderr and "missing column(s) 'CYP WK IND'" in proc.stderr
    assert (imported / TARGET).read_bytes() == before
    assert not list((imported / "imported").glob("*.tmp"))


def test_unreadable_cell_names_row_and_cell_and_changes_nothing(run_cli, imported: Path, tmp_path: Path) -> None:
    before = (imported / TARGET).read_bytes()
    lines = TABLE.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if line.startswith("ketoconazole\t"))
    bad = tmp_path / "bad-cell.tsv"
    lines[number] = lines[number].replace("3A strong inhibitor", "3A rather strong inhibitor")
    bad.write_text("".join(lines), encoding="utf-8")
    proc = run_cli("--kb", str(imported), "kb", "import-fda", "--source", str(bad))
    assert proc.returncode == 2, proc.stdout
    assert f"row {number} (line {number + 1})" in proc.stderr
    assert "column 'CYP Strg INH', cell '3A rather strong inhibitor'" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (imported / TARGET).read_bytes() == before
    proc = run_cli("--kb", str(imported), "kb", "import-fda", "--source", str(tmp_path / "nope.tsv"))
    assert proc.returncode == 2 and "cannot read" in proc.stderr


def test_diff_reports_a_planted_difference(run_cli, imported: Path) -> None:
    record = imported / "medicines" / "ketoconazole.yaml"
    text = record.read_text(encoding="utf-8")
    planted = re.sub(r"(\{enzyme: CYP3A4, strength: )strong", r"\1weak", text, count=1)
    assert planted != text, "the ketoconazole record no longer lists CYP3A4 inhibition as a flow mapping"
    record.write_text(planted, encoding="utf-8")

    proc = run_cli("--kb", str(imported), "kb", "fda-diff")
    assert proc.returncode == 0, proc.stderr
    line = next(l for l in proc.stdout.splitlines() if l.startswith("medicines/ketoconazole.yaml"))
    assert "pharmacokinetics.inhibits." in line and ".strength" in line
    assert "FDA says strong CYP3A4 inhibitor" in line and "record says weak CYP3A4 inhibitor" in line
    assert "differences in" in proc.stdout.splitlines()[-1]

    data = json.loads(run_cli("--kb", str(imported), "kb", "fda-diff", "--json").stdout)
    keto = [d for d in data["differences"] if d["id"] == "ketoconazole" and d["enzyme"] == "CYP3A4"]
    assert keto and keto[0]["kind"] == "strength" and keto[0]["file"] == "medicines/ketoconazole.yaml"
    assert data["counts"]["differences"] == len(data["differences"])

    proc = run_cli("--kb", str(imported), "kb", "validate")  # a warning, not an error
    assert proc.returncode == 0 and proc.stdout.startswith("OK:")
    assert re.search(r"Warning: \d+ differences from FDA", proc.stderr)

    kb = load_knowledge_base(imported)
    found, _ = compare(kb)
    assert any(d.id == "ketoconazole" for d in found)
    found, counts = compare(kb, skip=[("ketoconazole", "CYP3A4")])
    assert not any(d.id == "ketoconazole" and d.enzyme == "CYP3A4" for d in found) and counts["skipped"] >= 1
    found, counts = compare(kb, explains=lambda mid, med, diff: mid == "ketoconazole")
    assert not any(d.id == "ketoconazole" for d in found) and counts["explained"] >= 1


def test_stale_id_is_a_problem_and_import_repairs_it(run_cli, imported: Path) -> None:
    path = imported / TARGET
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("id: ketoconazole", "id: no-such-record").replace("  ketoconazole:\n", "  no-such-record:\n"),
                    encoding="utf-8")
    proc = run_cli("--kb", str(imported), "kb", "validate")
    assert proc.returncode == 3 and "imported/fda-ddi-table.yaml" in proc.stderr and "no-such-record" in proc.stderr
    proc = run_cli("--kb", str(imported), "kb", "import-fda", "--source", str(TABLE))
    assert proc.returncode == 0, proc.stderr
    assert path.read_text(encoding="utf-8") == text
