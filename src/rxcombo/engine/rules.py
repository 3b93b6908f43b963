"""Interaction rules: pure functions from drug profiles to hits.

A pairwise rule takes two profiles and returns the hits it finds; a whole-list rule
takes all profiles. A :class:`Hit` names its rule, severity, the medicines in the
order the rule's text uses them, and the record facts it relied on. The words of each
rule live in ``kb/rules.yaml``; the thresholds are stated in each docstring here.

Severity follows clinical consequence, and over-alerting is treated as a defect: weak
signals (low + low levels, weak inhibitors, minor pathways) produce no hit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rxcombo.engine import organ_rules
from rxcombo.engine.profile import LEVELS, STRENGTHS, DrugProfile, Prop
from rxcombo.engine.rule_base import Basis, Hit, any_prop, level_pair as _level_pair, ordered as _ordered, partner_match, risk_basis as _risk, triggered_by

__all__ = ["Basis", "Hit", "PAIR_RULES", "RULE_IDS", "cumulative", "duplication", "label_interaction"]


# ---------------------------------------------------------------- pharmacodynamic rules

@triggered_by("serotonergic", "mao_inhibition")
def serotonin(a: DrugProfile, b: DrugProfile) -> list[Hit]:
    """MAOI + serotonergic drug: contraindicated when the MAOI is irreversible/non-selective
    (level high) and the partner is at least moderately serotonergic, or when the partner is
    highly serotonergic; major for a reversible/selective MAOI with a moderate partner;
    moderate with a low partner.
    Otherwise additive serotonergic effect: high + high -> major; high or moderate with
    moderate or high -> moderate; with a low partner -> minor; low + low -> nothing."""
    mao_a, mao_b = a.risks.get("mao_inhibition"), b.risks.get("mao_inhibition")
    if mao_a or mao_b:
        inhibitor, other = _ordered(a, b, lambda d: LEVELS[d.risks["mao_inhibition"].value[0]] if "mao_inhibition" in d.risks else 0)
        mao_level = LEVELS[inhibitor.risks["mao_inhibition"].value[0]]
        sero = other.level("serotonergic")
        other_mao = other.risks.get("mao_inhibition")
        if sero == 0 and not other_mao:
            return []
        if other_mao or sero == 3 or (mao_level == 3 and sero >= 2):
            severity = "contraindicated"
        elif sero == 2:
            severity = "major"
        else:
            severity = "moderate"
        basis = [Basis(inhibitor.id, "mao_inhibition=" + str(inhibitor.risks["mao_inhibition"].value[0]), inhibitor.risks["mao_inhibition"])]
        basis.append(_risk(other, "serotonergic") if sero else Basis(other.id, "mao_inhibition", other.risks["mao_inhibition"]))
        return [Hit("serotonin-maoi", severity, (inhibitor, other), basis=tuple(basis))]
    la, lb = a.level("serotonergic"), b.level("serotonergic")
    if not la or not lb or la + lb <= 2:
        return []
    if la == 3 and lb == 3:
        severity = "major"
    elif min(la, lb) >= 2:
        severity = "moderate"
    else:
        severity = "minor"
    first, second = _ordered(a, b, lambda d: d.level("serotonergic"))
    return [Hit("serotonin-additive", severity, (first, second), basis=(_risk(first, "serotonergic"), _risk(second, "serotonergic")))]


@triggered_by("mao_inhibition")
def maoi_pressor(a: DrugProfile, b: DrugProfile) -> list[Hit]:
    """MAOI + pressor agent: contraindicated when both are high, major when one is high,
    moderate otherwise."""
    for inhibitor, other in ((a, b), (b, a)):
        mao = inhibitor.risks.get("mao_inhibition")
        if mao and other.level("pressor"):
            mao_level, pressor = LEVELS[mao.value[0]], other.level("pressor")
            severity = "contraindicated" if mao_level == 3 and pressor == 3 else "major" if 3 in (mao_level, pressor) else "moderate"
            return [Hit("maoi-pressor", severity, (inhibitor, other),
                        basis=(Basis(inhibitor.id, f"mao_inhibition={mao.value[0]}", mao), _risk(other, "pressor")))]
    return []


RESPIRATORY_CLASSES = ("opioid", "gabapentinoid", "alcohol")


@triggered_by("cns_depression", "respiratory_depression")
def cns_depression(a: DrugProfile, b: DrugProfile) -> list[Hit]:
    """Opioid, gabapentinoid or alcohol + a drug that depresses breathing (respiratory
    level moderate or more; for opioids also any drug with CNS depression moderate or more)
    -> major (the opioid/benzodiazepine boxed warning). Otherwise additive sedation scored
    low=1, moderate=2, high=3: a sum of 4 or more -> moderate, 3 -> minor, less -> nothing."""
    for first, second in ((a, b), (b, a)):
        for cls in RESPIRATORY_CLASSES:
            if not first.has_class(cls) or (cls == "alcohol" and second.has_class("alcohol")):
                continue
            if second.level("respiratory_depression") >= 2 or (cls == "opioid" and second.level("cns_depression") >= 2):
                basis = [Basis(first.id, f"class={cls}", first.risks.get("respiratory_depression") or first.risks["cns_depression"])]
                fact = "respiratory_depression" if second.level("respiratory_depression") >= 2 else "cns_depression"
                basis.append(_risk(second, fact))
                return [Hit("respiratory-depression", "major", (first, second), basis=tuple(basis))]
    la, lb = a.level("cns_depression"), b.level("cns_depression")
    if not la or not lb or la + lb < 3:
        return []
    severity = "moderate" if la + lb >= 4 else "minor"
    first, second = _ordered(a, b, lambda d: d.level("cns_depression"))
    return [Hit("cns-depression", severity, (first, second), basis=(_risk(first, "cns_depression"), _risk(second, "cns_depression")))]


QT_RANK = {"known": 3, "possible": 2, "conditional": 1}


@triggered_by("qt")
def qt(a: DrugProfile, b: DrugProfile) -> list[Hit]:
    """Both prolong QT: known + known -> major; known + possible -> moderate;
    possible + possible or known + conditional -> minor; weaker pairs -> nothing."""
    qa, qb = a.risks.get("qt"), b.risks.get("qt")
    if not qa or not qb:
        return []
    ra, rb = QT_RANK[qa.value], QT_RANK[qb.value]
    total = ra + rb
    severity = {6: "major", 5: "moderate", 4: "minor"}.get(total)
    if severity is None or (total == 4 and min(ra, rb) == 1 and max(ra, rb) != 3):
        return []
    first, second = _ordered(a, b, lambda d: QT_RANK[d.risks["qt"].value])
    return [Hit("qt-prolongation", severity, (first, second), basis=(_risk(first, "qt"), _risk(second, "qt")))]


@triggered_by("bleeding")
def bleeding(a: DrugProfile, b: DrugProfile) -> list[Hit]:
    """Anticoagulant + anticoagulant, antiplatelet or NSAID -> major; anticoagulant + any
    other bleeding risk -> moderate; antiplatelet/NSAID + antiplatelet/NSAID/serotonergic
    -> moderate; serotonergic + serotonergic -> nothing; "other" with a non-anticoagulant -> minor."""
    ka, kb_ = a.risks.get("bleeding"), b.risks.get("bleeding")
    if not ka or not kb_:
        return []
    kinds = {a.id: ka.value, b.id: kb_.value}
    rank = {"anticoagulant": 4, "antiplatelet": 3, "nsaid": 3, "other": 2, "serotonergic": 1}
    first, second = _ordered(a, b, lambda d: rank[kinds[d.id]])
    k1, k2 = kinds[first.id], kinds[second.id]
    if k1 == "anticoagulant":
        severity = "major" if k2 in ("anticoagulant", "antiplatelet", "nsaid") else "moderate"
    elif k1 in ("antiplatelet", "nsaid") and k2 in ("antiplatelet", "nsaid", "serotonergic"):
        severity = "moderate"
    elif k1 == "other" or k2 == "other":
        severity = "minor"
    else:
        return []
    return [Hit("bleeding", severity, (first, second), basis=(_risk(first, "bleeding"), _risk(second, "bleeding")))]


def _hyponatraemia(high: int, low: int) -> str | None:
    """moderate when both are at least moderate; minor for high + low; else nothing."""
    return "moderate" if low >= 2 else "minor" if high == 3 else None


def _seizure(high: int, low: int) -> str | None:
    """major for high + high; moderate for high + any; minor for moderate + moderate."""
    return "major" if low == 3 else "moderate" if high == 3 else "minor" if low == 2 else None


def _hypotension(high: int, low: int) -> str | None:
    """moderate when both are at least moderate; minor for high + low."""
    return "moderate" if low >= 2 else "minor" if high == 3 else None


def _hyperkalaemia(high: int, low: int) -> str | None:
    """major for high + moderate or more; moderate for moderate + moderate; minor for high + low."""
    return "major" if high == 3 and low >= 2 else "moderate" if low >= 2 else "minor" if high == 3 else None


hyponatraemia = _level_pair("hyponatraemia", "hyponatraemia", _hyponatraemia)
seizure_threshold = _level_pair("seizure-threshold", "seizure_threshold", _seizure)
hypotension = _level_pair("hypotension", "orthostatic_hypotension", _hypotension)
hyperkalaemia = _level_pair("hyperkalaemia", "hyperkalaemia", _hyperkalaemia)


@triggered_by("anticholinergic")
def anticholinergic(a: DrugProfile, b: DrugProfile) -> list[Hit]:
    """Both have an anticholinergic burden score: both 2 or more -> moderate;
    a sum of 3 or more otherwise -> minor; lower sums -> nothing."""
    pa, pb = a.risks.get("anticholinergic"), b.risks.get("anticholinergic")
    if not pa or not pb or not pa.value or not pb.value:
        return []
    sa, sb = pa.value, pb.value
    if min(sa, sb) >= 2:
        severity = "moderate"
    elif sa + sb >= 3:
        severity = "minor"
    else:
        return []
    first, second = _ordered(a, b, lambda d: d.risks["anticholinergic"].value)
    return [Hit("anticholinergic", severity, (first, second), basis=(_risk(first, "anticholinergic"), _risk(second, "anticholinergic")))]


@triggered_by("lithium_clearance")
def lithium(a: DrugProfile, b: DrugProfile) -> list[Hit]:
    """Lithium + a drug that lowers lithium clearance: high -> major, moderate -> moderate,
    low -> minor. A drug that raises lithium clearance -> moderate (loss of effect)."""
    for li, other in ((a, b), (b, a)):
        prop = other.risks.get("lithium_clearance")
        if li.has_class("lithium-salt") and prop:
            effect, level = prop.value
            basis = (Basis(li.id, "class=lithium-salt", li.narrow_therapeutic_index or prop),
                     Basis(other.id, f"lithium_clearance={effect}/{level}", prop))
            if effect == "decreases":
                severity = {"high": "major", "moderate": "moderate", "low": "minor"}[level]
                return [Hit("lithium-clearance", severity, (li, other), basis=basis)]
            return [Hit("lithium-clearance-increase", "moderate", (li, other), basis=basis)]
    return []


# ---------------------------------------------------------------- pharmacokinetic rules

def _narrow_margin(victim: DrugProfile) -> bool:
    """A rise in exposure is dangerous: a narrow margin stated in the record (narrow therapeutic
    index, or a boxed warning about inhibitors), known QT risk, dose-related seizure risk
    (seizure_threshold high), or a sensitive substrate with strong sedative effect or a muscle
    injury risk (myopathy moderate or more, e.g. simvastatin)."""
    if _stated_narrow(victim):
        return True
    if victim.level("seizure_threshold") == 3:
        return True
    qt_prop = victim.risks.get("qt")
    if qt_prop and qt_prop.value == "known":
        return True
    sensitive = any(p.value[1] for p in victim.substrates.values())
    return sensitive and (victim.level("cns_depression") == 3 or victim.level("myopathy") >= 2)


def _stated_narrow(victim: DrugProfile) -> bool:
    return bool(victim.narrow_therapeutic_index and victim.narrow_therapeutic_index.value)


def _enzyme_modulation(rule: str, verb: str, modulations: dict[str, Prop], perpetrator: DrugProfile,
                       victim: DrugProfile, narrow: bool, stated_narrow: bool) -> list[Hit]:
    """Shared by inhibition and induction: strong -> major for a narrow-margin victim, else
    moderate; moderate -> major when the victim's record states a narrow margin (narrow
    therapeutic index or a boxed warning), moderate for another narrow-margin victim, else
    minor; weak -> nothing. Only the victim's major pathways count, and never a prodrug's
    activation route. Transporters (P-gp, BCRP, OATPs, OCT2, MATEs, OATs) count like enzymes."""
    hits = []
    for enzyme, mod in modulations.items():
        sub = victim.substrates.get(enzyme)
        if not sub or sub.value[0] != "major" or (victim.prodrug and victim.prodrug.value[0] == enzyme):
            continue
        strength = STRENGTHS[mod.value]
        if strength < 2:
            continue
        if strength == 3:
            severity = "major" if narrow else "moderate"
        else:
            severity = "major" if stated_narrow else "moderate" if narrow else "minor"
        hits.append(Hit(rule, severity, (perpetrator, victim), {"enzyme": enzyme, "strength": mod.value},
                        (Basis(perpetrator.id, f"{verb} {enzyme} ({mod.value})", mod),
                         Basis(victim.id, f"substrate of {enzyme} ({sub.value[0]})", sub))
                        + ((Basis(victim.id, "narrow margin", victim.narrow_therapeutic_index),)
                           if stated_narrow and victim.narrow_therapeutic_index else ())))
    return hits


@triggered_by("inhibits")
def enzyme_inhibition(perpetrator: DrugProfile, victim: DrugProfile) -> list[Hit]:
    """Inhibitor of the victim's major pathway; "narrow margin" as in ``_narrow_margin``."""
    if not perpetrator.inhibits or not victim.substrates:
        return []  # most pairs: nothing to modulate (checked first: the all-pairs build runs this 600,000 times)
    return _enzyme_modulation("enzyme-inhibition", "inhibits", perpetrator.inhibits, perpetrator, victim,
                              _narrow_margin(victim), _stated_narrow(victim))


@triggered_by("induces")
def enzyme_induction(perpetrator: DrugProfile, victim: DrugProfile) -> list[Hit]:
    """Inducer of the victim's major pathway; "narrow margin" means a narrow therapeutic index or
    a stated critical loss of effect (antiretrovirals: treatment failure and resistance): strong
    -> major, moderate -> moderate (a moderate inducer acts over weeks and is managed by dose
    adjustment); otherwise strong -> moderate, moderate -> minor."""
    if not perpetrator.induces or not victim.substrates:
        return []
    critical = _stated_narrow(victim) or victim.critical_loss_of_effect is not None
    return _enzyme_modulation("enzyme-induction", "induces", perpetrator.induces, perpetrator, victim, critical, False)


@triggered_by("prodrug")
def prodrug_inhibition(perpetrator: DrugProfile, victim: DrugProfile) -> list[Hit]:
    """Inhibitor of a prodrug's activating enzyme: a strong inhibitor gives the severity the
    prodrug's record states (loss_of_activation); a moderate inhibitor one step less."""
    if not victim.prodrug:
        return []
    enzyme, metabolite, loss = victim.prodrug.value
    inh = perpetrator.inhibits.get(enzyme)
    if not inh or STRENGTHS[inh.value] < 2:
        return []
    order = ["major", "moderate", "minor"]
    severity = loss if inh.value == "strong" else order[min(order.index(loss) + 1, 2)]
    return [Hit("prodrug-inhibition", severity, (perpetrator, victim),
                {"enzyme": enzyme, "strength": inh.value, "metabolite": metabolite},
                (Basis(perpetrator.id, f"inhibits {enzyme} ({inh.value})", inh),
                 Basis(victim.id, f"prodrug activated by {enzyme} to {metabolite}", victim.prodrug)))]


def label_interaction(a: DrugProfile, b: DrugProfile) -> list[Hit]:
    """An interaction stated in a medicine's own label (``label_interactions`` in its record),
    with the label's severity; the partner matches by id, class, or enzyme inhibition/induction."""
    hits = []
    for owner, other in ((a, b), (b, a)):
        if not owner.label_interactions:
            continue
        named_ids, named_classes, roles = owner.label_partners
        if (other.id not in named_ids and named_classes.isdisjoint(other.classes)
                and not any(other.has_role(kind, enzyme) for kind, enzyme in roles)):
            continue  # no entry of this label can name that partner
        for prop in owner.label_interactions:
            ids, classes, condition, severity, effect, management = prop.value
            why = partner_match(condition, other, ids, classes)
            if why is None:
                continue
            basis = [Basis(owner.id, f"label interaction ({why})", prop)]
            if why.startswith(("inhibits", "induces", "substrate")):
                basis.append(Basis(other.id, why, other.role_table(condition[0])[condition[1]]))
            hits.append(Hit("label-interaction", severity, (owner, other), {"effect": effect, "management": management}, tuple(basis)))
    return hits


def _both_ways(rule: Callable[[DrugProfile, DrugProfile], list[Hit]]) -> Callable[[DrugProfile, DrugProfile], list[Hit]]:
    def check(a: DrugProfile, b: DrugProfile) -> list[Hit]:
        return rule(a, b) + rule(b, a)

    check.__name__ = rule.__name__
    check.__doc__ = rule.__doc__
    if hasattr(rule, "triggers"):
        check.triggers = rule.triggers  # type: ignore[attr-defined]
    return check


def duplication(a: DrugProfile, b: DrugProfile, duplicate_classes: frozenset[str] = frozenset()) -> list[Hit]:
    """Two medicines sharing a class marked ``duplication`` -> moderate (the most specific
    shared class is named)."""
    for cls in a.classes:
        if cls in duplicate_classes and cls in b.classes:
            first, second = sorted((a, b), key=lambda d: d.id)
            return [Hit("duplication", "moderate", (first, second), {"class": a.class_names.get(cls, cls)},
                        (Basis(first.id, f"class={cls}", any_prop(first)), Basis(second.id, f"class={cls}", any_prop(second))))]
    return []


PAIR_RULES: tuple[Callable[[DrugProfile, DrugProfile], list[Hit]], ...] = (
    serotonin,
    maoi_pressor,
    cns_depression,
    qt,
    bleeding,
    hyponatraemia,
    seizure_threshold,
    anticholinergic,
    hypotension,
    lithium,
    hyperkalaemia,
    _both_ways(enzyme_inhibition),
    _both_ways(enzyme_induction),
    _both_ways(prodrug_inhibition),
    *organ_rules.ORGAN_PAIR_RULES,
)


# ---------------------------------------------------------------- whole-list rules

# Whole-list thresholds, shared with the offline checker page (site.py writes them into its data).
# List-level findings start at three medicines: for two, the pair rules already say it (and a
# second, differently graded finding for the same two medicines would only confuse).
CUMULATIVE_THRESHOLDS = {"cns_active": 3, "anticholinergic_total": 3, "qt": 3, "serotonergic": 3}


def cumulative(drugs: Sequence[DrugProfile], cns_active_classes: frozenset[str]) -> list[Hit]:
    """Findings only a whole list shows: three or more CNS-active medicines (Beers);
    total anticholinergic score of 3 or more; three or more QT-prolonging medicines (known or
    possible); three or more medicines that are at least moderately serotonergic.
    All moderate."""
    hits: list[Hit] = []
    cns = [d for d in drugs if any(c in cns_active_classes for c in d.classes)]
    if len(cns) >= CUMULATIVE_THRESHOLDS["cns_active"]:
        hits.append(Hit("cumulative-cns-active", "moderate", tuple(cns), {},
                        tuple(Basis(d.id, "cns-active class", any_prop(d)) for d in cns)))
    acb = [d for d in drugs if d.risks.get("anticholinergic") and d.risks["anticholinergic"].value]
    total = sum(d.risks["anticholinergic"].value for d in acb)
    if total >= CUMULATIVE_THRESHOLDS["anticholinergic_total"] and len(acb) >= 2:
        hits.append(Hit("cumulative-anticholinergic", "moderate", tuple(acb), {"total": str(total)},
                        tuple(_risk(d, "anticholinergic") for d in acb)))
    qts = [d for d in drugs if d.risks.get("qt") and d.risks["qt"].value in ("known", "possible")]
    if len(qts) >= CUMULATIVE_THRESHOLDS["qt"]:
        hits.append(Hit("cumulative-qt", "moderate", tuple(qts), {}, tuple(_risk(d, "qt") for d in qts)))
    sero = [d for d in drugs if d.level("serotonergic") >= 2]
    if len(sero) >= CUMULATIVE_THRESHOLDS["serotonergic"]:
        hits.append(Hit("cumulative-serotonergic", "moderate", tuple(sero), {}, tuple(_risk(d, "serotonergic") for d in sero)))
    hits += organ_rules.triple_whammy(drugs)
    return hits


RULE_IDS = frozenset({
    "serotonin-maoi", "serotonin-additive", "maoi-pressor", "respiratory-depression", "cns-depression",
    "qt-prolongation", "bleeding", "hyponatraemia", "seizure-threshold", "anticholinergic", "hypotension",
    "lithium-clearance", "lithium-clearance-increase", "hyperkalaemia", "enzyme-inhibition",
    "enzyme-induction", "prodrug-inhibition", "duplication", "cumulative-cns-active",
    "cumulative-anticholinergic", "cumulative-qt", "cumulative-serotonergic", "label-interaction",
    "same-ingredient",
}) | organ_rules.ORGAN_RULE_IDS
