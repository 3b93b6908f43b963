"""Published lists of interactions, run through the real engine and database.

Each list is a data file in tests/data/published/ with its citation (see its header):
- ONC high-priority interactions (Phansalkar 2012): every pair major or contraindicated;
- ONC low-priority, non-interruptive interactions (Phansalkar 2013): none of them major or
  contraindicated (over-alerting is a defect);
- AGS Beers Criteria 2023, drug-drug interactions to avoid in older adults: every pair moderate
  or higher;
- the Anticholinergic Cognitive Burden scale (Boustani 2008): every scored medicine carries its score.
A pair whose medicine is not yet in the knowledge base is skipped with a reason naming it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rxcombo.engine.checker import Engine
from rxcombo.engine.findings import SEVERITY_RANK

PUBLISHED = Path(__file__).parent / "data" / "published"
LISTS = {
    "onc-high-priority": ("at_least", "major"),
    "onc-low-priority": ("below", "major"),
    "beers-2023-ddi": ("at_least", "moderate"),
}


def _pairs(name: str) -> list[Any]:
    data = yaml.safe_load((PUBLISHED / f"{name}.yaml").read_text(encoding="utf-8"))
    out = []
    for entry in data["entries"]:
        for pair in entry["pairs"]:
            out.append(pytest.param(name, entry["row"], pair, id=f"{name}: {' + '.join(pair)}"))
    return out


def test_every_list_cites_its_publication() -> None:
    for name in LISTS:
        citation = yaml.safe_load((PUBLISHED / f"{name}.yaml").read_text(encoding="utf-8"))["citation"]
        assert citation["title"] and citation["journal"] and citation.get("doi"), name
        assert citation["read_at"], f"{name}: say where the list was read"


def _severity_of_pair(engine: Engine, pair: list[str]) -> tuple[str | None, list[str]]:
    resolution = engine.resolver.resolve(pair)
    missing = [u.input for u in resolution.unresolved]
    if missing:
        pytest.skip(f"not yet in the knowledge base: {', '.join(missing)}")
    result = engine.check_ids(resolution.ids, resolution, tuple(pair))
    # an entry may be a combination ("sulfamethoxazole/trimethoprim"): a finding counts when it
    # joins an ingredient of the first entry with one of the second
    first, second = (set(ids) for _raw, ids in resolution.entries)
    findings = [f for f in result.interactions if set(f.drugs) & first and set(f.drugs) & second]
    worst = min((f.severity for f in findings), key=SEVERITY_RANK.__getitem__, default=None)
    return worst, [f"{f.rule}={f.severity}" for f in findings]


@pytest.mark.parametrize("name,row,pair", [p for name in LISTS for p in _pairs(name)])
def test_published_pair(engine: Engine, name: str, row: str, pair: list[str]) -> None:
    worst, shown = _severity_of_pair(engine, pair)
    kind, threshold = LISTS[name]
    if kind == "at_least":
        assert worst is not None and SEVERITY_RANK[worst] <= SEVERITY_RANK[threshold], (
            f"{row}: {' + '.join(pair)} must be {threshold} or higher, got {shown or 'nothing'}")
    else:
        assert worst is None or SEVERITY_RANK[worst] > SEVERITY_RANK[threshold], (
            f"{row}: {' + '.join(pair)} is a low-priority (non-interruptive) interaction, got {shown}")


def _acb_scores() -> list[Any]:
    data = yaml.safe_load((PUBLISHED / "acb-boustani-2008.yaml").read_text(encoding="utf-8"))
    return [pytest.param(name, score, id=f"ACB {name}") for name, score in data["scores"].items()]


def test_the_acb_list_cites_its_publication() -> None:
    data = yaml.safe_load((PUBLISHED / "acb-boustani-2008.yaml").read_text(encoding="utf-8"))
    assert data["citation"]["doi"] and data["citation"]["read_at"]
    assert len(data["scores"]) > 90


@pytest.mark.parametrize("name, score", _acb_scores())
def test_every_acb_scale_medicine_carries_its_score(engine: Engine, name: str, score: int) -> None:
    """The Anticholinergic Cognitive Burden scale (Boustani 2008): a medicine on the scale that
    rxcombo knows states the scale's score, cited to the scale (issue 2 of 5)."""
    resolution = engine.resolver.resolve([name])
    assert not resolution.unresolved, f"{name} (on the ACB scale) is not in the knowledge base"
    (mid,) = resolution.ids
    prop = engine.catalog.profile(mid).risks.get("anticholinergic")
    assert prop is not None, f"{mid}: no anticholinergic score, the ACB scale gives {score}"
    assert prop.value == score, f"{mid}: anticholinergic {prop.value}, the ACB scale gives {score}"
    assert any(s.key == "acb-scale-2008" for s in prop.sources), f"{mid}: cite the ACB scale"


def _acb_zero() -> dict[str, list[str]]:
    return yaml.safe_load((PUBLISHED / "acb-collation-zero.yaml").read_text(encoding="utf-8"))["zero"]


def test_a_stated_acb_zero_rests_on_the_scale_and_its_collation(engine: Engine) -> None:
    """Anticholinergic `score: 0` says the scale was checked and the medicine is absent from it
    (issue 2 of 5): every record stating it with the ACB scale is off the Boustani 2008 list and
    scored 0 by every other scale of the collation that lists it; every such medicine states it."""
    on_scale = {engine.resolver.resolve([name]).ids[0]
                for name in yaml.safe_load((PUBLISHED / "acb-boustani-2008.yaml").read_text(encoding="utf-8"))["scores"]}
    zero = _acb_zero()
    stated = set()
    for mid in engine.catalog.medicine_names:
        prop = engine.catalog.profile(mid).risks.get("anticholinergic")
        if prop is not None and prop.value == 0:
            stated.add(mid)
            assert mid not in on_scale, f"{mid}: on the ACB scale, yet states score 0"
            assert any(s.key == "acb-scale-2008" for s in prop.sources), f"{mid}: cite the ACB scale"
    assert stated == set(zero), (
        f"state score 0 for: {sorted(set(zero) - stated)}; not in the collation's zero list: {sorted(stated - set(zero))}")
