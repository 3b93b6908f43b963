"""Unit tests of the pure rule functions on hand-built profiles."""

from __future__ import annotations

from rxcombo.engine import rules
from rxcombo.engine.profile import DrugProfile, Prop, SourceRef

SRC = (SourceRef(key="test", kind="label", title="Test label"),)


def drug(id: str, classes: tuple[str, ...] = (), **risks: object) -> DrugProfile:
    props = {k: Prop(v, SRC) for k, v in risks.items() if k not in ("substrates", "inhibits", "induces", "prodrug", "nti")}
    subs = {e: Prop(v, SRC) for e, v in (risks.get("substrates") or {}).items()}  # type: ignore[union-attr]
    inh = {e: Prop(v, SRC) for e, v in (risks.get("inhibits") or {}).items()}  # type: ignore[union-attr]
    ind = {e: Prop(v, SRC) for e, v in (risks.get("induces") or {}).items()}  # type: ignore[union-attr]
    pro = Prop(risks["prodrug"], SRC) if "prodrug" in risks else None
    nti = Prop(True, SRC) if risks.get("nti") else None
    return DrugProfile(id, id.capitalize(), classes, {}, props, subs, inh, ind, pro, nti)


def severities(hits: list[rules.Hit]) -> list[tuple[str, str]]:
    return [(h.rule, h.severity) for h in hits]


def test_serotonin_levels() -> None:
    ssri = drug("ssri", serotonergic="high")
    ssri2 = drug("ssri2", serotonergic="high")
    mod = drug("mod", serotonergic="moderate")
    low = drug("low", serotonergic="low")
    assert severities(rules.serotonin(ssri, ssri2)) == [("serotonin-additive", "major")]
    assert severities(rules.serotonin(ssri, mod)) == [("serotonin-additive", "moderate")]
    assert severities(rules.serotonin(ssri, low)) == [("serotonin-additive", "minor")]
    assert rules.serotonin(low, drug("low2", serotonergic="low")) == []
    assert rules.serotonin(ssri, drug("none")) == []


def test_maoi_beats_additive_and_orders_inhibitor_first() -> None:
    maoi = drug("maoi", serotonergic="high", mao_inhibition=("high", "non-selective", False))
    rima = drug("rima", mao_inhibition=("moderate", "MAO-A", True))
    ssri = drug("ssri", serotonergic="high")
    hits = rules.serotonin(ssri, maoi)
    assert severities(hits) == [("serotonin-maoi", "contraindicated")]
    assert hits[0].drugs[0].id == "maoi"
    assert severities(rules.serotonin(rima, drug("m", serotonergic="moderate"))) == [("serotonin-maoi", "major")]
    assert severities(rules.serotonin(rima, drug("l", serotonergic="low"))) == [("serotonin-maoi", "moderate")]
    assert rules.serotonin(rima, drug("plain")) == []


def test_cns_and_respiratory() -> None:
    opioid = drug("opioid", ("opioid",), cns_depression="high", respiratory_depression="high")
    benzo = drug("benzo", ("benzodiazepine",), cns_depression="high", respiratory_depression="moderate")
    ssri = drug("ssri", cns_depression="low")
    assert severities(rules.cns_depression(benzo, opioid)) == [("respiratory-depression", "major")]
    assert severities(rules.cns_depression(ssri, benzo)) == [("cns-depression", "moderate")]
    assert rules.cns_depression(ssri, drug("ssri2", cns_depression="low")) == []
    assert severities(rules.cns_depression(ssri, drug("m", cns_depression="moderate"))) == [("cns-depression", "minor")]
    # an opioid with a drug that is only mildly sedating is not the boxed-warning combination
    assert severities(rules.cns_depression(opioid, ssri)) == [("cns-depression", "moderate")]


def test_qt_bleeding_lithium() -> None:
    known = drug("k", qt="known")
    assert severities(rules.qt(known, drug("k2", qt="known"))) == [("qt-prolongation", "major")]
    assert severities(rules.qt(known, drug("p", qt="possible"))) == [("qt-prolongation", "moderate")]
    assert rules.qt(drug("c", qt="conditional"), drug("p", qt="possible")) == []
    warfarin = drug("warfarin", bleeding="anticoagulant")
    assert severities(rules.bleeding(warfarin, drug("nsaid", bleeding="nsaid"))) == [("bleeding", "major")]
    assert severities(rules.bleeding(drug("ssri", bleeding="serotonergic"), warfarin)) == [("bleeding", "moderate")]
    assert rules.bleeding(drug("s1", bleeding="serotonergic"), drug("s2", bleeding="serotonergic")) == []
    lithium = drug("lithium", ("lithium-salt", "mood-stabiliser"))
    assert severities(rules.lithium(drug("thiazide", lithium_clearance=("decreases", "high")), lithium)) == [("lithium-clearance", "major")]
    assert severities(rules.lithium(lithium, drug("t", lithium_clearance=("increases", "moderate")))) == [("lithium-clearance-increase", "moderate")]


def test_pharmacokinetics_severity_depends_on_margin() -> None:
    strong = drug("inh", inhibits={"CYP3A4": "strong"})
    moderate = drug("mod", inhibits={"CYP3A4": "moderate"})
    weak = drug("weak", inhibits={"CYP3A4": "weak"})
    wide = drug("wide", substrates={"CYP3A4": ("major", False)})
    narrow = drug("narrow", substrates={"CYP3A4": ("major", True)}, nti=True)
    minor_path = drug("minorpath", substrates={"CYP3A4": ("minor", False)})
    assert severities(rules.enzyme_inhibition(strong, wide)) == [("enzyme-inhibition", "moderate")]
    assert severities(rules.enzyme_inhibition(strong, narrow)) == [("enzyme-inhibition", "major")]
    assert severities(rules.enzyme_inhibition(moderate, wide)) == [("enzyme-inhibition", "minor")]
    assert rules.enzyme_inhibition(weak, narrow) == []
    assert rules.enzyme_inhibition(strong, minor_path) == []
    inducer = drug("ind", induces={"CYP3A4": "strong"})
    assert severities(rules.enzyme_induction(inducer, narrow)) == [("enzyme-induction", "major")]


def test_prodrug_is_not_reported_as_raised_exposure() -> None:
    inh = drug("inh", inhibits={"CYP2D6": "strong"})
    prodrug = drug("pro", substrates={"CYP2D6": ("major", False)}, prodrug=("CYP2D6", "active", "major"))
    assert rules.enzyme_inhibition(inh, prodrug) == []
    assert severities(rules.prodrug_inhibition(inh, prodrug)) == [("prodrug-inhibition", "major")]
    assert severities(rules.prodrug_inhibition(drug("m", inhibits={"CYP2D6": "moderate"}), prodrug)) == [("prodrug-inhibition", "moderate")]


def test_results_do_not_depend_on_argument_order() -> None:
    a = drug("a", serotonergic="high", cns_depression="low", qt="known")
    b = drug("b", serotonergic="moderate", cns_depression="high", qt="possible")
    for rule in rules.PAIR_RULES:
        ab = [(h.rule, h.severity, tuple(d.id for d in h.drugs)) for h in rule(a, b)]
        ba = [(h.rule, h.severity, tuple(d.id for d in h.drugs)) for h in rule(b, a)]
        assert sorted(ab) == sorted(ba), rule.__name__


def test_cumulative() -> None:
    cns = [drug(f"d{i}", ("antidepressant",), anticholinergic=1, qt="possible", serotonergic="moderate") for i in range(3)]
    hits = rules.cumulative(cns, frozenset({"antidepressant"}))
    assert {h.rule for h in hits} == {"cumulative-cns-active", "cumulative-anticholinergic", "cumulative-qt", "cumulative-serotonergic"}
    assert rules.cumulative(cns[:1], frozenset({"antidepressant"})) == []
    # two QT or serotonergic medicines are a pair finding, not a list finding as well
    assert rules.cumulative(cns[:2], frozenset({"antidepressant"})) == []


def test_every_rule_has_words(engine) -> None:  # type: ignore[no-untyped-def]
    assert set(engine.catalog.rules) == rules.RULE_IDS
    # patient pages describe every finding in everyday words
    assert all(text.get("plain_title") for text in engine.catalog.rules.values())


def test_label_interaction_by_id_class_and_enzyme() -> None:
    lurasidone = drug("lurasidone")
    lurasidone = DrugProfile("lurasidone", "Lurasidone", (), {}, {}, {}, {}, {}, None, None, (
        Prop(((), (), ("inhibits", "CYP3A4", "strong"), "contraindicated", "much higher lurasidone levels", "do not combine"), SRC),
        Prop(((), ("maoi",), ("", "", ""), "major", "x", "y"), SRC),
        Prop((("thioridazine",), (), ("", "", ""), "minor", "x", "y"), SRC),
    ))
    keto = drug("ketoconazole", inhibits={"CYP3A4": "strong"})
    weak = drug("weakinh", inhibits={"CYP3A4": "moderate"})
    hits = rules.label_interaction(keto, lurasidone)
    assert [(h.rule, h.severity, h.drugs[0].id) for h in hits] == [("label-interaction", "contraindicated", "lurasidone")]
    assert hits[0].params["management"] == "do not combine"
    assert rules.label_interaction(lurasidone, weak) == []
    assert severities(rules.label_interaction(lurasidone, drug("phenelzine", ("maoi", "antidepressant")))) == [("label-interaction", "major")]
    assert severities(rules.label_interaction(drug("thioridazine"), lurasidone)) == [("label-interaction", "minor")]
