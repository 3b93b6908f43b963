"""Every interaction case in tests/cases/*.yaml, run through the real engine and database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rxcombo.engine.checker import Engine
from rxcombo.engine.findings import SEVERITY_RANK, Finding

CASES_DIR = Path(__file__).parent / "cases"


def load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            params.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return params


def _matches(finding: Finding, want: dict[str, Any]) -> bool:
    if finding.rule != want["rule"]:
        return False
    if "drugs" in want and list(finding.drugs) != want["drugs"] and sorted(finding.drugs) != sorted(want["drugs"]):
        return False
    if "severity" in want and finding.severity != want["severity"]:
        return False
    if "at_least" in want and SEVERITY_RANK[finding.severity] > SEVERITY_RANK[want["at_least"]]:
        return False
    return True


@pytest.mark.parametrize("case", load_cases())
def test_case(engine: Engine, case: dict[str, Any]) -> None:
    result = engine.check(case["drugs"])
    assert result.complete, f"unresolved: {[u.input for u in result.resolution.unresolved]}"
    findings = list(result.interactions) + list(result.cumulative)
    shown = [(f.rule, f.severity, f.drugs) for f in findings]
    for want in case.get("expect", []):
        assert any(_matches(f, want) for f in findings), f"expected {want}, got {shown}"
    for rule in case.get("absent", []):
        assert all(f.rule != rule for f in findings), f"{rule} must not fire, got {shown}"
    if "max" in case:
        assert result.highest_severity == case["max"], f"highest severity {result.highest_severity}, got {shown}"


def test_pk_finding_states_direction(engine: Engine) -> None:
    finding = next(f for f in engine.check(["ketoconazole", "midazolam"]).interactions if f.rule == "enzyme-inhibition")
    assert "rise" in finding.mechanism and "CYP3A4" in finding.mechanism
    finding = next(f for f in engine.check(["rifampicin", "methadone"]).interactions if f.rule == "enzyme-induction")
    assert "fall" in finding.mechanism


def test_every_finding_is_traceable(engine: Engine) -> None:
    """Every finding for every case names its rule, its basis and at least one real source."""
    for param in load_cases():
        case = param.values[0]
        result = engine.check(case["drugs"])
        for f in list(result.interactions) + list(result.cumulative):
            assert f.rule and f.basis, f
            assert f.sources, f"{f.rule} for {f.drugs} has no source"
            assert all(s.title for s in f.sources)
            assert "{" not in f.summary + f.mechanism + f.management, f"unfilled placeholder in {f.rule}"


def test_records_without_interaction_data_are_flagged(engine: Engine) -> None:
    result = engine.check(["taurine", "paroxetine"])
    assert result.no_interaction_data == ("taurine",)
    assert result.to_dict()["no_interaction_data"] == ["taurine"]
    # nervous-system medicines known only from trials or old reviews are recognised, and the
    # result says that nothing is known about them rather than implying they are safe
    older = engine.check(["ethoheptazine", "Sintamil", "clovoxamine", "paroxetine"])
    assert set(older.no_interaction_data) == {"ethoheptazine", "nitroxazepine", "clovoxamine"}
    assert older.complete


def test_every_class_has_a_case(engine: Engine) -> None:
    """Each class with members has at least one case: an expected finding for a member, or a
    documented ``no_known_interaction`` reason (with ``absent``/``max`` checks) when its members
    have no interaction the sources support."""
    import json

    members: dict[str, set[str]] = {}
    for med in engine.catalog.medicines():
        for cid in engine.catalog.record(med["id"]).get("classes", []):
            members.setdefault(cid, set()).add(med["id"])
    covered: set[str] = set()
    for param in load_cases():
        case = param.values[0]
        if not case.get("expect") and not case.get("no_known_interaction"):
            continue
        ids = set(engine.resolver.resolve(case["drugs"]).ids)
        covered |= {cid for cid, ms in members.items() if ms & ids}
    missing = sorted(set(members) - covered)
    assert not missing, f"classes without an interaction case: {json.dumps(missing)}"
