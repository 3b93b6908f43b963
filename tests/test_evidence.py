"""Evidence of benefit (issue 13): entries validated with file and field, meta-analyses computed
with statsmodels (checked against hand and numpy computations and against published pooled
results), and the CLI, API, web page, monographs and site that show them."""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from fastapi.testclient import TestClient

from rxcombo.knowledge.database import Catalog, build
from rxcombo.engine.checker import Engine
from rxcombo.errors import KnowledgeBaseError
from rxcombo.evidence.library import library_for
from rxcombo.evidence.meta import analyse, analyse_outcome, reproduce, study_effect
from rxcombo.evidence.model import EvidenceEntry
from rxcombo.evidence.plot import forest_svg
from rxcombo.evidence.present import number_needed, plain, professional
from rxcombo.knowledge.loader import load_knowledge_base
from rxcombo.pages.monograph import MonographBuilder
from rxcombo.pages.render import render_html, render_markdown
from rxcombo.web import create_app
from tests.conftest import KB_DIR
from tests.test_site import ARTIFACTS, chromium_page
from tests.test_web_browser import live_server  # noqa: F401  (the browser tests' server fixture)

SEEDS = [["paroxetine", "buspirone"], ["paroxetine", "clonazepam"], ["diazepam", "mirtazapine"]]

# A made-up entry for the validation and computation tests only (it lives in a temporary copy
# of the knowledge base, never in kb/evidence): numbers chosen to exercise the checks.
FIXTURE: dict[str, Any] = {
    "id": "test-fixture",
    "title": "Fixture: buspirone added to an SSRI",
    "combination": {"medicines": ["buspirone"], "with_one_of_classes": ["ssri"]},
    "indication": "test only",
    "role": "augmentation",
    "evidence_level": "class",
    "why_combined": {"text": "Test fixture.", "sources": ["a"]},
    "sources": {
        "a": {"kind": "paper", "title": "A", "authors": "Alpha A", "year": 2001, "pmid": "10000001", "url": "https://example.org/a"},
        "b": {"kind": "paper", "title": "B", "authors": "Beta B", "year": 2002, "pmid": "10000002", "url": "https://example.org/b"},
        "c": {"kind": "paper", "title": "C", "authors": "Gamma C", "year": 2003, "doi": "10.1000/c", "url": "https://example.org/c"},
    },
    "studies": [
        {"id": "s1", "source": "a", "design": "randomised-open", "population": "adults",
         "arms": [{"id": "int", "label": "SSRI + buspirone", "drugs": [{"id": "citalopram"}, {"id": "buspirone", "dose": "30 mg/day"}],
                   "analysed": 100},
                  {"id": "ctl", "label": "SSRI + placebo", "drugs": [{"id": "citalopram"}, {"name": "placebo"}], "analysed": 98}],
         "comparison": {"intervention": "int", "control": "ctl"},
         "outcomes": [{"outcome": "response", "definition": "HAM-D fall of 50%", "measure": "events",
                       "arms": {"int": {"events": 40, "total": 100}, "ctl": {"events": 30, "total": 98}}},
                      {"outcome": "hamd", "definition": "change", "measure": "continuous", "higher_is_better": False,
                       "arms": {"int": {"mean": -10.0, "sd": 6.0, "n": 100}, "ctl": {"mean": -8.0, "sd": 6.5, "n": 98}}}],
         "risk_of_bias": {"rating": "high", "reason": "open"}},
        {"id": "s2", "source": "b", "design": "randomised-double-blind", "population": "adults",
         "arms": [{"id": "int", "label": "SSRI + buspirone", "analysed": 50}, {"id": "ctl", "label": "SSRI + placebo", "analysed": 52}],
         "comparison": {"intervention": "int", "control": "ctl"},
         "outcomes": [{"outcome": "response", "definition": "HAM-D fall of 50%", "measure": "events",
                       "arms": {"int": {"events": 20, "total": 50}, "ctl": {"events": 12, "total": 52}}},
                      {"outcome": "hamd", "definition": "change", "measure": "continuous", "higher_is_better": False,
                       "arms": {"int": {"mean": -9.0, "sd": 5.0, "n": 50}, "ctl": {"mean": -8.5, "sd": 5.0, "n": 52}}}],
         "risk_of_bias": {"rating": "low", "reason": "blinded"}},
        {"id": "s3", "source": "c", "design": "randomised-double-blind", "population": "adults",
         "arms": [{"id": "int", "label": "SSRI + buspirone", "analysed": 60}, {"id": "ctl", "label": "SSRI + placebo", "analysed": 60}],
         "comparison": {"intervention": "int", "control": "ctl"},
         "outcomes": [{"outcome": "response", "definition": "HAM-D fall of 50%", "measure": "events",
                       "arms": {"int": {"events": 18, "total": 60}, "ctl": {"events": 5, "total": 60}}},
                      {"outcome": "dropout-adverse-events", "definition": "stopped for side effects", "measure": "events",
                       "arms": {"int": {"events": 3, "total": 60}, "ctl": {"events": 0, "total": 60}}}],
         "risk_of_bias": {"rating": "low", "reason": "blinded"}},
    ],
    "certainty": [{"outcome": "response", "rating": "low", "reasons": {"risk_of_bias": "one open trial"}},
                  {"outcome": "hamd", "rating": "very-low"}, {"outcome": "dropout-adverse-events", "rating": "low"}],
    "published_pooled": [{"source": "a", "outcome": "response", "statistic": "risk-ratio", "method": "mantel-haenszel-fixed",
                          "value": 1.5, "ci_low": 1.1, "ci_high": 2.0, "studies": ["s1", "s2", "s3"]}],
}


def fixture_entry() -> EvidenceEntry:
    return EvidenceEntry.model_validate(FIXTURE)


def real_entries() -> dict[str, EvidenceEntry]:
    return load_knowledge_base(KB_DIR).evidence


# ------------------------------------------------------------------ validation


@pytest.fixture()
def kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(KB_DIR, target)
    return target


def _write(kb: Path, data: dict[str, Any], name: str = "test-fixture") -> str:
    (kb / "evidence").mkdir(exist_ok=True)
    (kb / "evidence" / f"{name}.yaml").write_text(yaml.safe_dump({**data, "id": name}, sort_keys=False))
    return f"evidence/{name}.yaml"


def _problems(kb: Path) -> set[tuple[str, str]]:
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(kb)
    return {(p.file, p.field) for p in info.value.problems}


def test_the_fixture_entry_is_valid(kb_copy: Path) -> None:
    _write(kb_copy, FIXTURE)
    assert "test-fixture" in load_knowledge_base(kb_copy).evidence


def _mutated(change: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(FIXTURE))
    change(data)
    return data


def _outcome(data: dict[str, Any], study: int, outcome: int = 0) -> dict[str, Any]:
    return data["studies"][study]["outcomes"][outcome]  # type: ignore[no-any-return]


BAD_INPUTS = {
    "unknown medicine id": (lambda d: d["combination"].update(medicines=["buspironee"]), "combination.medicines.0"),
    "unknown class id": (lambda d: d["combination"].update(with_one_of_classes=["not-a-class"]), "combination.with_one_of_classes.0"),
    "unknown arm drug id": (lambda d: d["studies"][0]["arms"][0]["drugs"][0].update(id="citalopramm"), "studies.0.arms.0.drugs.0.id"),
    "arm without analysed": (lambda d: d["studies"][1]["arms"][0].pop("analysed"), "studies.1.arms.0.analysed"),
    "events without total": (lambda d: _outcome(d, 1)["arms"]["int"].pop("total"), "studies.1.outcomes.0.arms.int.total"),
    "events above total": (lambda d: _outcome(d, 1)["arms"]["int"].update(events=51), "studies.1.outcomes.0.arms.int.events"),
    "total not the analysed number": (lambda d: _outcome(d, 1)["arms"]["ctl"].update(total=50), "studies.1.outcomes.0.arms.ctl.total"),
    "mean without sd and n": (lambda d: _outcome(d, 0, 1)["arms"]["ctl"].update(sd=None, n=None), "studies.0.outcomes.1.arms.ctl.sd"),
    "outcome arm not a study arm": (lambda d: _outcome(d, 2)["arms"].update(other={"events": 1, "total": 60}),
                                    "studies.2.outcomes.0.arms.other"),
    "study cited twice (same source)": (lambda d: d["studies"][2].update(source="b"), "studies.2.source"),
    "study cited twice (same PMID)": (lambda d: d["sources"]["c"].update(pmid="10000002"), "studies.2.source"),
    "comparison naming an unknown arm": (lambda d: d["studies"][0]["comparison"].update(control="placebo"), "studies.0.comparison.control"),
    "certainty for an outcome no study reports": (lambda d: d["certainty"].append({"outcome": "madrs", "rating": "low"}), "certainty.3.outcome"),
    "published pooled naming an unknown study": (lambda d: d["published_pooled"][0]["studies"].append("s9"), "published_pooled.0.studies.3"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_reported_with_file_and_field(kb_copy: Path, case: str) -> None:
    change, field = BAD_INPUTS[case]

    def apply(d: dict[str, Any]) -> None:
        change(d)
        # a None value means "leave the key out" (YAML null would be a different error)
        for study in d["studies"]:
            for outcome in study["outcomes"]:
                for arm in outcome["arms"].values():
                    for key in [k for k, v in arm.items() if v is None]:
                        arm.pop(key)

    rel = _write(kb_copy, _mutated(apply))
    assert (rel, field) in _problems(kb_copy), case


def test_several_problems_are_reported_together_with_the_rest_of_the_kb(kb_copy: Path) -> None:
    rel = _write(kb_copy, _mutated(lambda d: (d["combination"].update(medicines=["nope"]),
                                              _outcome(d, 1)["arms"]["int"].update(events=99))))
    med = kb_copy / "medicines" / "sertraline.yaml"
    med.write_text(med.read_text() + "\nunknown_field: 1\n")
    problems = _problems(kb_copy)
    assert (rel, "combination.medicines.0") in problems
    assert (rel, "studies.1.outcomes.0.arms.int.events") in problems
    assert ("medicines/sertraline.yaml", "unknown_field") in problems


def test_a_bad_entry_leaves_the_database_unchanged(kb_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "rx.sqlite"
    _write(kb_copy, FIXTURE)
    build(db, kb_copy)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    _write(kb_copy, _mutated(lambda d: d["studies"][1]["arms"][0].pop("analysed")), "broken-entry")
    with pytest.raises(KnowledgeBaseError, match="evidence/broken-entry.yaml: studies.1.arms.0.analysed"):
        build(db, kb_copy)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    catalog = Catalog(db)
    assert "test-fixture" in catalog.evidence and "broken-entry" not in catalog.evidence
    catalog.close()


def test_an_empty_evidence_folder_is_fine(kb_copy: Path, tmp_path: Path) -> None:
    shutil.rmtree(kb_copy / "evidence", ignore_errors=True)
    (kb_copy / "evidence").mkdir()
    assert load_knowledge_base(kb_copy).evidence == {}
    db = build(tmp_path / "empty.sqlite", kb_copy)
    catalog = Catalog(db)
    assert catalog.evidence == {}
    report = library_for(catalog).matching(["paroxetine", "buspirone"])
    assert report == []
    catalog.close()


# ------------------------------------------------------------------ computation


def test_per_study_risk_ratio_matches_the_formula() -> None:
    entry = fixture_entry()
    study = entry.study("s1")
    effect = study_effect(entry, study, study.outcomes[0])
    a, n1, c, n2 = 40, 100, 30, 98
    rr = (a / n1) / (c / n2)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    assert effect.estimate == pytest.approx(rr, rel=1e-12)
    assert effect.ci_low == pytest.approx(math.exp(math.log(rr) - 1.959963984540054 * se), rel=1e-9)
    assert effect.ci_high == pytest.approx(math.exp(math.log(rr) + 1.959963984540054 * se), rel=1e-9)
    assert not effect.corrected


def test_a_zero_cell_gets_the_continuity_correction() -> None:
    entry = fixture_entry()
    study = entry.study("s3")
    effect = study_effect(entry, study, study.outcomes[1])  # 3/60 versus 0/60
    assert effect.corrected
    assert effect.estimate == pytest.approx((3.5 / 61) / (0.5 / 61))
    result = analyse_outcome(entry, "dropout-adverse-events")
    assert any("0.5 was added" in note for note in result.notes)


def test_smd_is_hedges_g_signed_so_that_positive_favours_the_intervention() -> None:
    entry = fixture_entry()
    study = entry.study("s1")
    effect = study_effect(entry, study, study.outcomes[1])
    n1, n2 = 100, 98
    pooled_sd = math.sqrt(((n1 - 1) * 6.0**2 + (n2 - 1) * 6.5**2) / (n1 + n2 - 2))
    g = (1 - 3 / (4 * (n1 + n2) - 9)) * (-10.0 - -8.0) / pooled_sd
    assert effect.estimate == pytest.approx(-g)  # a larger fall in HAM-D is better
    assert effect.estimate > 0


def dersimonian_laird(y: np.ndarray, v: np.ndarray) -> tuple[float, float, float, float, float]:
    """Independent DerSimonian-Laird: (mean, low, high, tau2, I2) on the analysis scale."""
    w = 1 / v
    fixed = np.sum(w * y) / np.sum(w)
    q = float(np.sum(w * (y - fixed) ** 2))
    df = len(y) - 1
    tau2 = max(0.0, (q - df) / (np.sum(w) - np.sum(w**2) / np.sum(w)))
    wr = 1 / (v + tau2)
    mean = float(np.sum(wr * y) / np.sum(wr))
    se = math.sqrt(1 / np.sum(wr))
    i2 = max(0.0, (q - df) / q) if q > 0 else 0.0
    return mean, mean - 1.959963984540054 * se, mean + 1.959963984540054 * se, tau2, i2


def _check_against_numpy(entry: EvidenceEntry, outcome: str) -> None:
    result = analyse_outcome(entry, outcome)
    pooled = [s for s in result.studies if s.pooled]
    ratio = result.ratio
    y, v = [], []
    for s in pooled:
        if ratio:
            a, n1, c, n2 = s.events_intervention, s.n_intervention, s.events_control, s.n_control
            if 0 in (a, c) or a == n1 or c == n2:  # the same 0.5 correction as the library
                a, n1, c, n2 = a + 0.5, n1 + 1, c + 0.5, n2 + 1
            y.append(math.log((a / n1) / (c / n2)))
            v.append(1 / a - 1 / n1 + 1 / c - 1 / n2)
        else:
            y.append(s.effect)
            v.append(s.variance)
    mean, low, high, tau2, i2 = dersimonian_laird(np.array(y), np.array(v))
    back = math.exp if ratio else (lambda x: x)
    assert result.main.estimate == pytest.approx(back(mean), rel=1e-9)
    assert result.main.ci_low == pytest.approx(back(low), rel=1e-9)
    assert result.main.ci_high == pytest.approx(back(high), rel=1e-9)
    assert result.heterogeneity is not None
    assert result.heterogeneity.tau2 == pytest.approx(tau2, abs=1e-12)
    assert result.heterogeneity.i2 == pytest.approx(i2, abs=1e-12)


def test_pooled_dersimonian_laird_matches_numpy_on_the_fixture() -> None:
    for outcome in ("response", "hamd"):
        _check_against_numpy(fixture_entry(), outcome)


def _real_pooled_outcomes() -> list[tuple[str, str]]:
    out = []
    for eid, entry in sorted(real_entries().items()):
        for outcome in entry.outcomes():
            studies = [s for s in entry.studies for o in s.outcomes if o.outcome == outcome]
            if len(studies) >= 2:
                out.append((eid, outcome))
    return out


def test_pooled_dersimonian_laird_matches_numpy_on_real_entries() -> None:
    cases = _real_pooled_outcomes()
    assert cases, "no real evidence entry pools two or more studies yet"
    entries = real_entries()
    for eid, outcome in cases:
        result = analyse_outcome(entries[eid], outcome)
        if len([s for s in result.studies if s.pooled]) >= 2:
            _check_against_numpy(entries[eid], outcome)


def test_sensitivity_analysis_leaves_out_high_risk_of_bias_studies() -> None:
    result = analyse_outcome(fixture_entry(), "response")
    assert result.sensitivity is not None and result.sensitivity_removed == ("s1",)
    assert result.sensitivity.studies == ("s2", "s3")
    assert analyse_outcome(fixture_entry(), "hamd").sensitivity is None  # only one study would remain


def test_mantel_haenszel_risk_ratio_matches_the_formula() -> None:
    result = analyse_outcome(fixture_entry(), "response")
    rows = [(40, 100, 30, 98), (20, 50, 12, 52), (18, 60, 5, 60)]
    num = sum(a * n2 / (n1 + n2) for a, n1, c, n2 in rows)
    den = sum(c * n1 / (n1 + n2) for a, n1, c, n2 in rows)
    assert result.mantel_haenszel is not None
    assert result.mantel_haenszel.estimate == pytest.approx(num / den)


PUBLISHED_META = Path(__file__).parent / "data" / "published-meta"


def _entry_from_published_meta(path: Path) -> EvidenceEntry:
    """A published meta-analysis kept as test data (its citation, the per-trial counts it pooled
    and its own pooled result, each with where it was read) as an evidence entry, through the
    real model: a trial per source, events per arm, the published value to reproduce."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    sources: dict[str, Any] = {"review": {"kind": "paper", "url": data["published"]["where"].split()[0],
                                          **{k: data["citation"][k] for k in ("title", "authors", "year", "journal", "doi")
                                             if k in data["citation"]}}}
    studies = []
    for i, trial in enumerate(data["trials"]):
        sources[f"t{i}"] = {"kind": "paper", "title": trial["label"], "url": data["dataset_url"]}
        studies.append({
            "id": f"t{i}", "source": f"t{i}", "design": "randomised-open", "population": data["outcome"],
            "arms": [{"id": "treated", "label": "treated", "analysed": trial["total_treated"]},
                     {"id": "control", "label": "control", "analysed": trial["total_control"]}],
            "comparison": {"intervention": "treated", "control": "control"},
            "outcomes": [{"outcome": "published", "definition": data["outcome"], "measure": "events", "higher_is_better": False,
                          "arms": {"treated": {"events": trial["events_treated"], "total": trial["total_treated"]},
                                   "control": {"events": trial["events_control"], "total": trial["total_control"]}}}],
            "risk_of_bias": {"rating": "some-concerns", "reason": "as assessed by the review"},
        })
    return EvidenceEntry.model_validate({
        "id": path.stem, "title": data["citation"]["title"], "combination": {"medicines": ["magnesium", "placebo"]},
        "indication": data["outcome"], "role": "other", "evidence_level": "combination",
        "why_combined": {"text": "Test data: a published meta-analysis.", "sources": ["review"]},
        "sources": sources, "studies": studies,
        "certainty": [{"outcome": "published", "rating": "moderate"}],
        "published_pooled": [{"source": "review", "outcome": "published", "statistic": data["statistic"], "method": data["method"],
                              "value": data["published"]["value"], "ci_low": data["published"]["ci_low"],
                              "ci_high": data["published"]["ci_high"], "studies": [s["id"] for s in studies]}],
    })


def _published() -> list[tuple[str, int]]:
    """Published pooled results to reproduce: those recorded in knowledge-base entries, and the
    published meta-analyses kept as test data (tests/data/published-meta)."""
    from_entries = [(eid, i) for eid, entry in sorted(real_entries().items()) for i in range(len(entry.published_pooled))]
    return from_entries + [(f"published-meta/{p.name}", 0) for p in sorted(PUBLISHED_META.glob("*.yaml"))]


def test_a_published_pooled_result_is_there_to_reproduce() -> None:
    assert _published(), "no published meta-analysis's pooled result to reproduce"


@pytest.mark.parametrize("case", _published() or [("none", -1)], ids=lambda c: f"{c[0]}-{c[1]}")
def test_published_pooled_results_are_reproduced_within_rounding(case: tuple[str, int]) -> None:
    eid, index = case
    if index < 0:
        pytest.fail("no published pooled result to reproduce")
    if eid.startswith("published-meta/"):
        entry = _entry_from_published_meta(PUBLISHED_META / eid.split("/", 1)[1])
    else:
        entry = real_entries()[eid]
    published = entry.published_pooled[index]
    computed = reproduce(entry, index)
    sign = 1.0
    if published.statistic in ("smd", "mean-difference") and (computed.estimate > 0) != (published.value > 0):
        sign = -1.0  # papers differ on intervention-minus-control or the reverse
    values = sorted(sign * v for v in (computed.ci_low, computed.ci_high))
    # published to two decimals: within half a unit of the last digit, plus float noise
    assert sign * computed.estimate == pytest.approx(published.value, abs=0.0051), (eid, published.model_dump())
    assert values[0] == pytest.approx(published.ci_low, abs=0.0051), (eid, values)
    assert values[1] == pytest.approx(published.ci_high, abs=0.0051), (eid, values)


def test_plain_numbers_give_nnt_only_when_the_interval_excludes_no_effect() -> None:
    entry = fixture_entry()
    response = analyse_outcome(entry, "response")
    certainty = entry.certainty_for("response")
    nn = number_needed(response)
    assert nn is not None and nn.kind == "NNT"
    text = plain(response, certainty, "buspirone + an SSRI", "an SSRI + placebo")
    assert f"About 1 more person in {nn.value} responded" in text and "(low certainty)" in text
    dropouts = analyse_outcome(entry, "dropout-adverse-events")  # 3/60 versus 0/60: the interval includes 1
    assert number_needed(dropouts) is None
    words = plain(dropouts, entry.certainty_for("dropout-adverse-events"))
    assert "cannot tell" in words and "low certainty" in words and "no benefit" not in words
    pro = professional(response, certainty)
    assert "RR " in pro and "95% CI" in pro and "I\u00b2" in pro and "3 studies, 420 participants" in pro
    assert "DerSimonian-Laird" in pro and "Certainty: low" in pro


def test_forest_plot_is_accessible_and_deterministic() -> None:
    result = analyse(fixture_entry())
    response = result.outcome("response")
    assert response is not None
    svg = forest_svg(response, "buspirone + an SSRI", uid="fp-test")
    assert svg == forest_svg(response, "buspirone + an SSRI", uid="fp-test")
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "Favours control" in svg and "Favours buspirone + an SSRI" in svg
    assert "Alpha 2001" in svg and "40/100" in svg and "Pooled" in svg and "<path d=\"M" in svg  # diamond
    assert "Risk ratio, log scale" in svg
    dropouts = result.outcome("dropout-adverse-events")
    assert dropouts is not None
    flipped = forest_svg(dropouts, "X")
    # fewer dropouts is better: the intervention is favoured on the left
    assert flipped.index("Favours X") < flipped.index("Favours control")


# ------------------------------------------------------------------ CLI, API, web, monographs, site


def _without_entry(engine: Engine) -> list[str]:
    library = library_for(engine.catalog)
    for ids in (["warfarin", "metoprolol"], ["ibuprofen", "ondansetron"], ["aspirin", "hydrochlorothiazide"]):
        if not library.matching(ids):
            return ids
    pytest.fail("every candidate pair has an evidence entry")


def test_cli_evidence_json_and_text(run_cli) -> None:  # type: ignore[no-untyped-def]
    proc = run_cli("evidence", "paroxetine + buspirone", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["found"] and data["entries"] and data["harm"]["headline"]
    entry = data["entries"][0]
    assert entry["why_combined"]["text"] and entry["outcomes"]
    outcome = entry["outcomes"][0]
    assert outcome["analysis"]["pooled"]["estimate"] is not None and outcome["certainty"]["rating"]
    assert outcome["svg"].startswith("<svg") and all(s["url"].startswith("http") for s in entry["sources"].values())
    text = run_cli("evidence", "paroxetine + buspirone")
    assert text.returncode == 0
    assert "Why they are combined" in text.stdout and "certainty" in text.stdout and "Harm side" in text.stdout
    pro = run_cli("evidence", "paroxetine", "buspirone", "--audience", "professional")
    assert "95% CI" in pro.stdout


def test_cli_evidence_reports_unknown_names_and_missing_entries(run_cli, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    proc = run_cli("evidence", "paroxetine", "buspirona")
    assert proc.returncode == 1 and "Did you mean" in proc.stderr and "Buspirone" in proc.stderr
    ids = _without_entry(engine)
    none = run_cli("evidence", *ids)
    assert none.returncode == 0
    lines = [line for line in none.stdout.splitlines() if "No evidence entry" in line]
    assert len(lines) == 1 and "says nothing about whether the combination works" in lines[0]
    data = json.loads(run_cli("evidence", *ids, "--json").stdout)
    assert data["found"] is False and data["entries"] == [] and "No evidence entry" in data["message"]


def test_api_and_json_twin(engine: Engine) -> None:
    client = TestClient(create_app(engine))
    api = client.get("/api/v1/evidence/paroxetine+clonazepam")
    assert api.status_code == 200 and api.headers["content-type"] == "application/json"
    twin = client.get("/evidence/paroxetine+clonazepam.json")
    assert twin.status_code == 200 and twin.json() == api.json()
    assert api.json()["found"] and api.json()["slug"] == "paroxetine+clonazepam"
    page = client.get("/evidence/paroxetine+clonazepam", headers={"accept": "text/html"})
    assert page.status_code == 200 and "<svg" in page.text and "Harm side" in page.text
    missing = client.get("/api/v1/evidence/paroxetine+nosuchdrug")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    assert "nosuchdrug" in missing.json()["detail"]
    ids = _without_entry(engine)
    empty = client.get("/api/v1/evidence/" + "+".join(ids)).json()
    assert empty["found"] is False and "says nothing about whether" in empty["message"]


@pytest.mark.parametrize("ids", SEEDS, ids="+".join)
def test_seed_monographs_show_why_combined_and_evidence_of_benefit(engine: Engine, ids: list[str]) -> None:
    builder = MonographBuilder(engine)
    views = library_for(engine.catalog).matching(ids)
    assert views, f"no evidence entry matches {ids}"
    for audience in ("patient", "professional"):
        page = builder.build(ids, audience=audience)  # type: ignore[arg-type]
        sections = {s["id"]: s for s in page.sections}
        why = [b for b in sections["usage"]["blocks"] if b.get("title") == "Why they are combined"]
        assert why and all(item["cites"] for item in why[0]["items"])
        assert "no sourced statement" not in json.dumps(sections["usage"])
        evidence = sections["evidence"]
        assert evidence["title"] == "Evidence of benefit"
        assert "no structured evidence entry" not in json.dumps(evidence)
        html = render_html(page)
        assert "Why they are combined" in html and "Evidence of benefit" in html
        if any(b["type"] == "figure" for b in evidence["blocks"]):
            assert '<figure class="forest"><svg' in html and "certainty" in json.dumps(evidence).lower()
            assert "](forest-" in render_markdown(page)


def test_markdown_export_writes_the_plots_beside_the_page(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "page.md"
    proc = run_cli("monograph", "Paroxetine + Clonazepam", "--format", "md", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    linked = [line.split("](", 1)[1].rstrip(")") for line in text.splitlines() if line.startswith("![")]
    assert linked, "the page links no forest plot"
    for name in linked:
        assert (tmp_path / name).read_text().startswith("<svg")


def test_site_build_writes_evidence_pages(engine: Engine, tmp_path: Path) -> None:
    from rxcombo.pages.site import build_site

    build_site(engine, tmp_path / "site", limit=2, workers=1, pairs=False)
    index = (tmp_path / "site" / "evidence" / "index.html").read_text()
    library = library_for(engine.catalog)
    for eid in library.items:
        page = (tmp_path / "site" / "evidence" / f"{eid}.html").read_text()
        assert "Why they are combined" in page and f'href="{eid}.html"' in index


def test_evidence_page_in_the_browser(live_server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser, page = chromium_page(p)
        page.goto(f"{live_server}/evidence/paroxetine+buspirone")
        expect(page.locator("h1")).to_contain_text("Evidence of benefit")
        plot = page.locator("figure.forest svg[role='img']").first
        expect(plot).to_be_visible()
        expect(plot.locator("text", has_text="Favours control")).to_have_count(1)
        expect(plot.locator("title")).to_contain_text("Forest plot")
        expect(page.locator("#harm")).to_contain_text("interaction")
        expect(page.locator(".certainty").first).to_contain_text("Certainty")
        box = plot.bounding_box()
        assert box is not None and box["width"] <= 412  # scales to a phone's width
        page.screenshot(path=str(ARTIFACTS / "web-evidence.png"), full_page=True)
        browser.close()
