"""Name resolution on the real knowledge base: names, salts, brands, combinations, typos, junk."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rxcombo.engine.checker import Engine
from rxcombo.errors import InputError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("paroxetine", "paroxetine"),
        ("PAROXETINE", "paroxetine"),
        ("Paxil", "paroxetine"),
        ("Seroxat", "paroxetine"),
        ("paroxetine hydrochloride", "paroxetine"),
        ("Escitalopram Oxalate", "escitalopram"),
        ("sertraline hydrochloride", "sertraline"),
        ("Sertraline HCl 50 mg tablets", "sertraline"),
        ("Klonopin", "clonazepam"),
        ("Rivotril", "clonazepam"),
        ("Valium", "diazepam"),
        ("Remeron", "mirtazapine"),
        ("BuSpar", "buspirone"),
        ("rifampin", "rifampicin"),
        ("acetylsalicylic acid", "aspirin"),
        ("St John's Wort", "st-johns-wort"),
        ("ethanol", "alcohol"),
        ("Paroxetine (Oral)", "paroxetine"),
        ("Klonopin 0.5 mg tablet", "clonazepam"),
        ("Acetaminophen [paracetamol]", "paracetamol"),
        ("Arpiprazole", "aripiprazole"),  # catalogue misspelling, kb/aliases.yaml
        ("Desoxyphenobarbital", "primidone"),
        ("Chlorpheniramine Polistirex", "chlorphenamine"),
    ],
)
def test_single_names(engine: Engine, text: str, expected: str) -> None:
    resolved, unresolved = engine.resolver.resolve_one(text)
    assert not unresolved
    assert [r.id for r in resolved] == [expected]


@pytest.mark.parametrize("text", ["Paroxetine + Clonazepam", "paroxetine/clonazepam", "Paroxetine and Clonazepam", "Paxil + Klonopin"])
def test_combinations_expand(engine: Engine, text: str) -> None:
    resolved, unresolved = engine.resolver.resolve_one(text)
    assert not unresolved
    assert [r.id for r in resolved] == ["paroxetine", "clonazepam"]
    assert all(r.via.endswith("+combination") for r in resolved)


def test_partial_combination_reports_the_unknown_part(engine: Engine) -> None:
    result = engine.check(["Paroxetine + Foobarzine"])
    assert result.resolution.ids == ("paroxetine",)
    assert [u.input for u in result.resolution.unresolved] == ["Foobarzine"]
    assert result.resolution.unresolved[0].within == "Paroxetine + Foobarzine"
    assert not result.complete


@pytest.mark.parametrize(("typo", "meant"), [("paroxetin", "Paroxetine"), ("sertaline", "Sertraline"), ("klonopn", "Clonazepam"), ("mirtazepine", "Mirtazapine")])
def test_misspellings_get_suggestions_but_are_not_guessed(engine: Engine, typo: str, meant: str) -> None:
    resolved, unresolved = engine.resolver.resolve_one(typo)
    assert resolved == ()
    assert meant in [name for _, name in unresolved[0].suggestions]
    assert len(unresolved[0].suggestions) <= 3


def test_unknown_name_is_reported_not_dropped(engine: Engine) -> None:
    result = engine.check(["paroxetine", "foobarzine"])
    assert [u.input for u in result.resolution.unresolved] == ["foobarzine"]
    assert result.to_dict()["unresolved"][0]["input"] == "foobarzine"


@pytest.mark.parametrize("bad", ["", "   ", "x" * 10_000, "parox\x00etine", "\x1b[31mred", "!!!"])
def test_absurd_input_is_a_clear_error(engine: Engine, bad: str) -> None:
    """Reported as not checked, with the reason; never a crash, never silently dropped."""
    with pytest.raises(InputError) as info:
        engine.resolver.resolve_one(bad)
    assert str(info.value)
    result = engine.check([bad, "paroxetine"])
    assert result.resolution.ids == ("paroxetine",)
    (entry,) = result.resolution.unresolved
    assert entry.reason == str(info.value) and len(entry.input) <= 60


def test_too_many_medicines(engine: Engine) -> None:
    with pytest.raises(InputError, match="at most 50"):
        engine.check(["paroxetine"] * 51)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_resolution_never_crashes(engine: Engine, text: str) -> None:
    try:
        resolved, unresolved = engine.resolver.resolve_one(text)
    except InputError:
        return
    assert resolved or unresolved  # never silently nothing


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["paroxetine", "Klonopin", "tramadol", "warfarin", "lithium", "phenelzine", "xyz", "Paroxetine + Clonazepam"]), min_size=1, max_size=8))
def test_check_never_crashes_and_accounts_for_every_input(engine: Engine, names: list[str]) -> None:
    result = engine.check(names)
    accounted = {r.input for r in result.resolution.resolved} | {u.within or u.input for u in result.resolution.unresolved}
    assert set(names) <= accounted


@pytest.mark.parametrize("text", ["Vitamin B", "Omega-", "Vitamin D"])
def test_ambiguous_names_are_not_guessed(engine: Engine, text: str) -> None:
    resolved, unresolved = engine.resolver.resolve_one(text)
    assert resolved == () and unresolved[0].ambiguous
    assert unresolved[0].to_dict()["ambiguous"]


def test_bulk_resolution_skips_fuzzy_matching(engine: Engine) -> None:
    _, unresolved = engine.resolver.resolve_one("sertaline", suggestions=False)
    assert unresolved[0].suggestions == ()
    _, unresolved = engine.resolver.resolve_one("sertaline")
    assert unresolved[0].suggestions


@pytest.mark.parametrize(("typo", "far"), [("atorvastatine", "Erythromycin"), ("tram", "Morphine"), ("tram", "Paroxetine")])
def test_suggestions_are_only_close_names(engine: Engine, typo: str, far: str) -> None:
    """A prefix or a few edits away, never a far-fetched name."""
    _, unresolved = engine.resolver.resolve_one(typo)
    names = [name for _, name in unresolved[0].suggestions] if unresolved else []
    assert far not in names


def test_nothing_close_gives_no_suggestion(engine: Engine) -> None:
    _, unresolved = engine.resolver.resolve_one("xyzzyqua")
    assert unresolved[0].suggestions == ()


def test_a_prefix_suggests_the_generic_name(engine: Engine) -> None:
    _, unresolved = engine.resolver.resolve_one("tram")
    assert unresolved[0].suggestions[0] == ("tramadol", "Tramadol")
