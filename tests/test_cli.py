"""The rxcombo command, run as a user would: in a subprocess, against the real database."""

from __future__ import annotations

import json
from pathlib import Path


def test_check_text_output(run_cli) -> None:
    proc = run_cli("check", "paroxetine", "clonazepam")
    assert proc.returncode == 0, proc.stderr
    assert "MODERATE" in proc.stdout
    assert "Additive CNS depression" in proc.stdout
    assert "Source:" in proc.stdout and "not medical advice" in proc.stdout


def test_check_brands_and_major(run_cli) -> None:
    proc = run_cli("check", "Paxil", "Klonopin", "tramadol", "--no-details")
    assert proc.returncode == 0, proc.stderr
    assert "MAJOR" in proc.stdout
    assert "Paroxetine (from 'Paxil')" in proc.stdout


def test_check_words_between_names_are_separators(run_cli) -> None:
    """``rxcombo check paroxetine + clonazepam and tramadol``: '+' and 'and' are not medicines."""
    proc = run_cli("check", "paroxetine", "+", "clonazepam", "and", "tramadol", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [r["id"] for r in data["resolved"]] == ["paroxetine", "clonazepam", "tramadol"]
    assert data["unresolved"] == []
    only_separators = run_cli("check", "+", "and")
    assert only_separators.returncode == 2 and "name at least one medicine" in only_separators.stderr


def test_check_json_contract(run_cli) -> None:
    proc = run_cli("check", "Paroxetine + Clonazepam", "warfarin", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["input"] == ["Paroxetine + Clonazepam", "warfarin"]
    assert [r["id"] for r in data["resolved"]] == ["paroxetine", "clonazepam", "warfarin"]
    assert all({"input", "id", "name"} <= set(r) for r in data["resolved"])
    assert data["unresolved"] == []
    assert data["interactions"], "expected findings"
    for f in data["interactions"]:
        assert {"drugs", "severity", "type", "mechanism", "effect", "management", "summary", "sources", "rule"} <= set(f)
        assert len(f["drugs"]) == 2 and f["sources"]
    ranks = ["contraindicated", "major", "moderate", "minor"]
    severities = [ranks.index(f["severity"]) for f in data["interactions"]]
    assert severities == sorted(severities)
    assert isinstance(data["cumulative"], list)


def test_unrecognised_name_is_reported_and_exit_is_nonzero(run_cli) -> None:
    proc = run_cli("check", "paroxetine", "sertaline")
    assert proc.returncode == 1
    assert "NOT CHECKED" in proc.stdout and "'sertaline'" in proc.stdout and "Sertraline" in proc.stdout
    proc = run_cli("check", "paroxetine", "sertaline", "--json")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["unresolved"][0]["input"] == "sertaline"
    assert "Sertraline" in data["unresolved"][0]["suggestions"]


def test_no_interactions_only_claimed_for_recognised(run_cli) -> None:
    proc = run_cli("check", "foobarzine")
    assert proc.returncode == 1
    assert "No interactions found" not in proc.stdout
    assert "NOT CHECKED" in proc.stdout


def test_bad_input_is_a_clear_error_not_a_traceback(run_cli) -> None:
    for bad in ["", "x" * 10_000, "a\x07b"]:
        proc = run_cli("check", bad)
        assert proc.returncode == 2, (bad[:20], proc.stderr)
        assert proc.stderr.startswith("Error: ")
        assert "Traceback" not in proc.stderr
    proc = run_cli("check")
    assert proc.returncode == 2 and "name at least one medicine" in proc.stderr


def test_batch(run_cli, tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "drugs": ["paroxetine", "clonazepam"]}),
        "not json",
        json.dumps({"id": "c", "drugs": "paroxetine"}),
        "",
        json.dumps({"id": "d", "drugs": ["Paxil", "foobarzine"]}),
        json.dumps({"id": "e", "drugs": [""]}),
        json.dumps({"id": "f", "drugs": ["phenelzine", "sertraline"]}),
    ]
    batch = tmp_path / "lists.jsonl"
    batch.write_text("\n".join(lines) + "\n")
    proc = run_cli("check", "--batch", str(batch))
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, "c", "d", "e", "f"]
    assert out[0]["interactions"][0]["severity"] == "moderate"
    assert out[1]["error"]["type"] == "invalid-json" and "line 2" in out[1]["error"]["message"]
    assert out[2]["error"]["type"] == "invalid-drugs"
    assert out[3]["unresolved"][0]["input"] == "foobarzine"
    assert out[4]["unresolved"][0]["reason"] == "a medicine name is empty"  # reported, not an error line
    assert out[5]["interactions"][0]["severity"] == "contraindicated"
    assert proc.returncode == 2  # some lines could not be checked at all
    only_unknown = run_cli("check", "--batch", "-", input=lines[4] + "\n" + lines[0] + "\n")
    assert only_unknown.returncode == 1  # every line checked, some names not recognised
    proc = run_cli("check", "--batch", "-", input=lines[0] + "\n")
    assert proc.returncode == 0 and json.loads(proc.stdout)["id"] == "a"


def test_batch_line_that_is_not_utf8_gets_an_error_and_the_rest_run(run_cli, tmp_path: Path) -> None:
    batch = tmp_path / "lists.jsonl"
    batch.write_bytes(b'{"id": 1, "drugs": ["paroxetine", "tramadol"]}\n\xff\xfe{"id": 2}\n{"id": 3, "drugs": ["Paxil"]}\n')
    proc = run_cli("check", "--batch", str(batch))
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o.get("id") for o in out] == [1, None, 3]
    assert out[1]["error"]["type"] == "invalid-utf8" and "line 2" in out[1]["error"]["message"]
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_one_bad_name_does_not_stop_the_check(run_cli) -> None:
    proc = run_cli("check", "Paxil", "Klonopin", "tramadol", "—", "--json")
    data = json.loads(proc.stdout)
    assert proc.returncode == 1 and data["checked"] == ["paroxetine", "clonazepam", "tramadol"]
    assert data["unresolved"][0]["reason"] and data["highest_severity"] == "major"


def test_non_utf8_argument_still_gives_valid_json(tmp_path: Path, db_path: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import KB_DIR

    env = {**os.environ, "RXCOMBO_DB": str(db_path), "RXCOMBO_KB": str(KB_DIR)}
    proc = subprocess.run([sys.executable.encode(), b"-m", b"rxcombo", b"check", b"paroxetine", b"\xff\xfeabc", b"--json"],
                          capture_output=True, env=env, timeout=60)
    data = json.loads(proc.stdout.decode("utf-8"))
    assert data["checked"] == ["paroxetine"] and data["unresolved"][0]["input"].endswith("abc")


def test_unwritable_database_is_a_plain_error(run_cli) -> None:
    for args in (("--db", "/proc/x.db", "kb", "build"), ("--db", "/proc/x.db", "check", "paroxetine")):
        proc = run_cli(*args)
        assert proc.returncode == 3 and proc.stderr.startswith("Error: cannot write the database") and "Traceback" not in proc.stderr


def test_locations_are_accepted_after_the_command(run_cli) -> None:
    from tests.conftest import KB_DIR

    proc = run_cli("kb", "validate", "--kb", str(KB_DIR))
    assert proc.returncode == 0 and str(KB_DIR) in proc.stdout
    proc = run_cli("kb", "validate", "--kb", "/nonexistent-kb")
    assert proc.returncode == 3 and "knowledge-base folder does not exist" in proc.stderr


def test_batch_output_equals_single_check(run_cli) -> None:
    single = json.loads(run_cli("check", "Paxil", "tramadol", "--json").stdout)
    batched = json.loads(run_cli("check", "--batch", "-", input=json.dumps({"id": 1, "drugs": ["Paxil", "tramadol"]})).stdout)
    batched.pop("id")
    assert batched == single


def test_kb_list_json(run_cli) -> None:
    proc = run_cli("kb", "list", "--json")
    assert proc.returncode == 0
    items = {m["id"]: m for m in json.loads(proc.stdout)}
    assert {"Paxil", "Seroxat", "paroxetine hydrochloride"} <= set(items["paroxetine"]["names"])
    assert "ssri" in items["paroxetine"]["classes"]
    assert set(items["paroxetine"]) == {"id", "name", "names", "classes"}


def test_kb_show(run_cli) -> None:
    proc = run_cli("kb", "show", "mirtazapine")
    assert proc.returncode == 0, proc.stderr
    assert "Mirtazapine" in proc.stdout and "medicines/mirtazapine.yaml" in proc.stdout
    data = json.loads(run_cli("kb", "show", "Remeron", "--json").stdout)
    assert data["id"] == "mirtazapine" and data["sources"]
    proc = run_cli("kb", "show", "mirtazepine")
    assert proc.returncode == 1 and "Mirtazapine" in proc.stderr


def test_kb_validate_and_build(run_cli, tmp_path: Path) -> None:
    proc = run_cli("kb", "validate")
    assert proc.returncode == 0 and proc.stdout.startswith("OK:")
    db = tmp_path / "x.sqlite"
    proc = run_cli("--db", str(db), "kb", "build")
    assert proc.returncode == 0 and db.exists()


def test_kb_validate_reports_problems_and_fails(run_cli, tmp_path: Path) -> None:
    import shutil

    from tests.conftest import KB_DIR

    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    (kb / "medicines" / "bad.yaml").write_text("id: bad\nname: Bad\nclasses: [nope]\n")
    (kb / "medicines" / "worse.yaml").write_text("id: worse\nname: Worse\nclasses: [ssri]\nrisks: {qt: {category: sometimes, sources: [x]}}\n")
    proc = run_cli("--kb", str(kb), "kb", "validate")
    assert proc.returncode == 3
    assert "medicines/bad.yaml: classes.0: unknown class 'nope'" in proc.stderr
    assert "medicines/worse.yaml: risks.qt.category" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_demo_runs_the_seeds(run_cli) -> None:
    proc = run_cli("demo")
    assert proc.returncode == 0, proc.stderr
    for seed in ("Paroxetine + Clonazepam", "Diazepam + Mirtazapine", "Paroxetine + Buspirone"):
        assert seed in proc.stdout
    assert "Additive serotonergic effects" in proc.stdout
