"""Unit tests of the organ rules and the narrow-margin grading on hand-built profiles, and a
check that every mechanism has at least three cases of real pairs in tests/cases/."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from rxcombo.engine import organ_rules
from rxcombo.engine import rules
from rxcombo.engine.profile import DrugProfile, Prop
from tests.test_rules import SRC, drug, severities


@pytest.mark.parametrize("rule,risk,high,low,expected", [
    (organ_rules.bradycardia, "bradycardia", "high", "high", "major"),
    (organ_rules.bradycardia, "bradycardia", "high", "moderate", "moderate"),
    (organ_rules.bradycardia, "bradycardia", "moderate", "moderate", "minor"),
    (organ_rules.bradycardia, "bradycardia", "moderate", "low", None),
    (organ_rules.vasoconstriction, "vasoconstriction", "high", "moderate", "contraindicated"),
    (organ_rules.vasoconstriction, "vasoconstriction", "high", "low", "moderate"),
    (organ_rules.myopathy, "myopathy", "high", "moderate", "major"),
    (organ_rules.myopathy, "myopathy", "moderate", "moderate", "moderate"),
    (organ_rules.hypoglycaemia, "hypoglycaemia", "high", "moderate", "moderate"),
    (organ_rules.hypoglycaemia, "hypoglycaemia", "moderate", "low", None),
    (organ_rules.hepatotoxicity, "hepatotoxicity", "high", "high", "major"),
    (organ_rules.hepatotoxicity, "hepatotoxicity", "high", "low", None),
    (organ_rules.myelosuppression, "myelosuppression", "high", "moderate", "moderate"),
    (organ_rules.nephrotoxicity, "nephrotoxicity", "moderate", "moderate", "minor"),
])
def test_level_tables(rule, risk: str, high: str, low: str, expected: str | None) -> None:
    hits = rule(drug("a", **{risk: high}), drug("b", **{risk: low}))
    assert [h.severity for h in hits] == ([expected] if expected else [])


def test_rules_never_fire_on_unknown() -> None:
    for rule in organ_rules.ORGAN_PAIR_RULES:
        assert rule(drug("a", bradycardia="high", hypoglycaemia="high"), drug("b")) == [], rule.__name__


def test_potassium_loss_needs_a_sensitive_victim() -> None:
    diuretic = drug("diuretic", hypokalaemia="moderate")
    assert severities(organ_rules.potassium_loss(diuretic, drug("digoxin", low_potassium_toxicity="high"))) == [("potassium-loss", "moderate")]
    assert severities(organ_rules.potassium_loss(drug("sotalol", qt="known"), diuretic)) == [("potassium-loss", "moderate")]
    assert organ_rules.potassium_loss(diuretic, drug("other", qt="possible")) == []


def test_kidney_pair_and_triple() -> None:
    nsaid = drug("nsaid", kidney_perfusion="prostaglandin-inhibition")
    acei = drug("acei", kidney_perfusion="raas-blockade")
    diuretic = drug("diuretic", kidney_perfusion="volume-depletion")
    assert severities(organ_rules.kidney_perfusion(acei, nsaid)) == [("kidney-perfusion", "moderate")]
    assert organ_rules.kidney_perfusion(acei, diuretic) == []
    (triple,) = organ_rules.triple_whammy([diuretic, acei, nsaid])
    assert triple.severity == "major" and [d.id for d in triple.drugs] == ["nsaid", "acei", "diuretic"]
    assert organ_rules.triple_whammy([acei, nsaid]) == []


def test_live_vaccine_grades_by_immunosuppression() -> None:
    vaccine = drug("mmr", live_vaccine=True)
    assert severities(organ_rules.live_vaccine(drug("tac", immunosuppression="high"), vaccine)) == [("live-vaccine", "contraindicated")]
    assert severities(organ_rules.live_vaccine(vaccine, drug("pred", immunosuppression="moderate"))) == [("live-vaccine", "major")]
    assert organ_rules.live_vaccine(vaccine, drug("x")) == []


def test_chelation_needs_a_shared_ion_and_grades_food_lower() -> None:
    cipro = drug("cipro", chelation=("high", (), "Take it 2 hours before."))
    levo = drug("levo", chelation=("high", ("calcium", "iron"), None))
    antacid = drug("antacid", polyvalent_cations=("high", ("aluminium", "magnesium")))
    milk = drug("milk", polyvalent_cations=("low", ("calcium",)))
    (hit,) = organ_rules.chelation(cipro, antacid)
    assert hit.severity == "moderate" and hit.params["spacing"] == "Take it 2 hours before."
    assert organ_rules.chelation(levo, antacid) == []
    assert severities(organ_rules.chelation(milk, levo)) == [("chelation", "minor")]


def test_stomach_acid_and_alcohol_and_vitamin_k() -> None:
    atazanavir = drug("atazanavir", acid_dependent_absorption=("high", None))
    assert severities(organ_rules.stomach_acid(drug("ppi", acid_suppression="high"), atazanavir)) == [("stomach-acid", "major")]
    assert severities(organ_rules.stomach_acid(atazanavir, drug("h2", acid_suppression="moderate"))) == [("stomach-acid", "moderate")]
    alcohol = drug("alcohol", ("alcohol",), cns_depression="high")
    assert severities(organ_rules.alcohol_reaction(drug("metronidazole", disulfiram_reaction="high"), alcohol)) == [("alcohol-reaction", "contraindicated")]
    warfarin = drug("warfarin", ("vitamin-k-antagonist",))
    assert severities(organ_rules.vitamin_k(warfarin, drug("greens", vitamin_k="moderate"))) == [("vitamin-k", "moderate")]


def _victim(nti: bool, **risks: object) -> DrugProfile:
    return drug("victim", substrates={"CYP2C9": ("major", False)}, nti=nti, **risks)


def test_narrow_margin_makes_a_moderate_inhibitor_major() -> None:
    moderate = drug("fluconazole", inhibits={"CYP2C9": "moderate"})
    assert severities(rules.enzyme_inhibition(moderate, _victim(True))) == [("enzyme-inhibition", "major")]
    assert severities(rules.enzyme_inhibition(moderate, _victim(False))) == [("enzyme-inhibition", "minor")]
    assert severities(rules.enzyme_inhibition(moderate, _victim(False, qt="known"))) == [("enzyme-inhibition", "moderate")]
    unrated = drug("cyclosporine", inhibits={"CYP2C9": "unrated"})
    assert severities(rules.enzyme_inhibition(unrated, _victim(True))) == [("enzyme-inhibition", "major")]


def test_transporters_count_like_enzymes() -> None:
    inhibitor = drug("ketoconazole", inhibits={"P-gp": "strong"})
    victim = drug("dabigatran", substrates={"P-gp": ("major", False)}, nti=True)
    (hit,) = rules.enzyme_inhibition(inhibitor, victim)
    assert hit.severity == "major" and hit.params["enzyme"] == "P-gp"


def test_moderate_inducer_stays_moderate_for_a_narrow_margin_victim() -> None:
    smoke = drug("smoke", induces={"CYP2C9": "moderate"})
    assert severities(rules.enzyme_induction(smoke, _victim(True))) == [("enzyme-induction", "moderate")]


CASES = Path(__file__).parent / "cases"
MECHANISMS = sorted(organ_rules.ORGAN_RULE_IDS)


def test_every_mechanism_has_three_cases_of_real_pairs() -> None:
    counts: Counter[str] = Counter()
    for path in CASES.glob("*.yaml"):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            for want in case.get("expect", []):
                counts[want["rule"]] += 1
    few = {rule: counts[rule] for rule in MECHANISMS if counts[rule] < 3}
    assert not few, f"mechanisms with fewer than three cases: {few}"
