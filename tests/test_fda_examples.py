"""FDA's examples of drugs that interact with CYP enzymes (Table 1, imported into the knowledge
base by ``rxcombo kb import-fda``): every strong inhibitor with every sensitive substrate of
the same enzyme gives an exposure-increase finding (enzyme-inhibition, moderate or higher), and
every strong inducer with every sensitive substrate an exposure-decrease finding.

The test reads the imported copy in the knowledge base (not ../shared). A row that names one
enantiomer of a recorded racemate (S-mephenytoin, R-venlafaxine) is a named ambiguity: the
check of that pair must report the name as not checked, with the reason, and claim nothing.
"""

from __future__ import annotations

from itertools import product
from typing import Any

import pytest
import yaml

from rxcombo.engine.checker import Engine
from rxcombo.engine.findings import SEVERITY_RANK
from tests.conftest import KB_DIR

TABLE = yaml.safe_load((KB_DIR / "imported" / "fda-ddi-table.yaml").read_text(encoding="utf-8"))


def _members(role: str, grade: str) -> dict[str, list[tuple[str, str | None]]]:
    """enzyme -> [(FDA name, record id or None)] for one role and grade."""
    out: dict[str, list[tuple[str, str | None]]] = {}
    key = "sensitivity" if role == "substrate" else "strength"
    for row in TABLE["rows"]:
        for r in row["roles"]:
            if r["role"] == role and r.get(key) == grade and r["enzyme"].startswith("CYP"):
                out.setdefault(r["enzyme"], []).append((row["name"], row.get("id")))
    return out


def _pairs(role: str) -> list[Any]:
    perpetrators = _members(role, "strong")
    victims = _members("substrate", "sensitive")
    params = []
    for enzyme in sorted(set(perpetrators) & set(victims)):
        for (pname, pid), (vname, vid) in product(perpetrators[enzyme], victims[enzyme]):
            if pname != vname:
                params.append(pytest.param(enzyme, pname, pid, vname, vid, id=f"{enzyme}: {pname} + {vname}"))
    return params


def _ids(engine: Engine, name: str, mid: str | None) -> tuple[str, ...] | None:
    """The record(s) for a row: its own, or every ingredient of a combination row ("lopinavir and
    ritonavir"); None for a named ambiguity (any other unresolved name fails the test)."""
    if mid is not None:
        return (mid,)
    resolved, unresolved = engine.resolver.resolve_one(name, suggestions=False)
    if unresolved:
        assert unresolved[0].ambiguous, f"FDA-table drug not in the knowledge base: {name}"
        return None
    return tuple(dict.fromkeys(r.id for r in resolved))


def _ambiguity_is_reported(engine: Engine, pname: str, vname: str) -> None:
    """A named ambiguity is not guessed: the check names it as not checked, with the reason."""
    result = engine.check([pname, vname])
    assert not result.complete and not result.interactions
    assert any(u.ambiguous for u in result.resolution.unresolved), result.resolution.unresolved


def _finding(engine: Engine, rule: str, enzyme: str, pname: str, pid: str | None, vname: str, vid: str | None):
    perpetrators, victims = _ids(engine, pname, pid), _ids(engine, vname, vid)
    if perpetrators is None or victims is None:
        return None, []
    pairs = [(p, v) for p in perpetrators for v in victims if p != v]
    found = [f for p, v in pairs for f in engine.pair(p, v) if f.rule == rule and f.drugs == (p, v)]
    return found, [(f.rule, f.severity, f.drugs) for p, v in pairs for f in engine.pair(p, v)]


def test_the_imported_table_is_the_fda_page() -> None:
    assert TABLE["source"]["publisher"] == "U.S. Food and Drug Administration"
    assert TABLE["source"]["page_date"] == "2026-05-29"
    assert len(TABLE["rows"]) == 245


@pytest.mark.parametrize("enzyme,pname,pid,vname,vid", _pairs("inhibitor"))
def test_strong_inhibitor_raises_a_sensitive_substrate(engine: Engine, enzyme: str, pname: str, pid: str | None,
                                                      vname: str, vid: str | None) -> None:
    findings, shown = _finding(engine, "enzyme-inhibition", enzyme, pname, pid, vname, vid)
    if findings is None:
        return _ambiguity_is_reported(engine, pname, vname)
    assert any(SEVERITY_RANK[f.severity] <= SEVERITY_RANK["moderate"] for f in findings), (
        f"FDA: {pname} is a strong {enzyme} inhibitor and {vname} a sensitive {enzyme} substrate; got {shown}")


@pytest.mark.parametrize("enzyme,pname,pid,vname,vid", _pairs("inducer"))
def test_strong_inducer_lowers_a_sensitive_substrate(engine: Engine, enzyme: str, pname: str, pid: str | None,
                                                    vname: str, vid: str | None) -> None:
    findings, shown = _finding(engine, "enzyme-induction", enzyme, pname, pid, vname, vid)
    if findings is None:
        return _ambiguity_is_reported(engine, pname, vname)
    assert findings, f"FDA: {pname} is a strong {enzyme} inducer and {vname} a sensitive {enzyme} substrate; got {shown}"
