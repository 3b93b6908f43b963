"""Rules for the body beyond the nervous system: heart rate and conduction, blood vessels,
muscle, blood sugar, potassium, kidney, liver, bone marrow, vaccines, reactions with alcohol,
absorption in the gut, and vitamin K in food.

Pure functions from two drug profiles to hits, like those of :mod:`rxcombo.engine.rules`; each
docstring states its thresholds. Levels count low=1, moderate=2, high=3.
"""

from __future__ import annotations

from collections.abc import Sequence

from rxcombo.engine.profile import LEVELS, DrugProfile
from rxcombo.engine.rule_base import Basis, Hit, level_pair, ordered, risk_basis, triggered_by


def _bradycardia(high: int, low: int) -> str | None:
    """high + high -> major (e.g. a beta-blocker with verapamil or diltiazem); high + moderate
    -> moderate; moderate + moderate or high + low -> minor."""
    return "major" if low == 3 else "moderate" if high == 3 and low == 2 else "minor" if high + low >= 4 else None


def _vasoconstriction(high: int, low: int) -> str | None:
    """Both at least moderate -> contraindicated (the triptan and ergot labels forbid use within
    24 hours of each other); high + low -> moderate."""
    return "contraindicated" if low >= 2 else "moderate" if high == 3 else None


def _graded(high: int, low: int) -> str | None:
    """high + high -> major; high + moderate -> moderate; moderate + moderate -> minor; any
    pair with a low level -> nothing."""
    return "major" if low == 3 else "moderate" if high == 3 and low == 2 else "minor" if low == 2 else None


def _myopathy(high: int, low: int) -> str | None:
    """high + moderate or more -> major; moderate + moderate -> moderate (e.g. a statin with
    colchicine or a fibrate, as the statin labels warn); high + low -> minor."""
    return "major" if high == 3 and low >= 2 else "moderate" if low == 2 else "minor" if high == 3 else None


def _hypoglycaemia(high: int, low: int) -> str | None:
    """high + moderate or more -> moderate (insulin or a sulfonylurea with another medicine that
    lowers blood sugar: the dose may need lowering); high + low -> minor."""
    return "moderate" if high == 3 and low >= 2 else "minor" if high == 3 else None


bradycardia = level_pair("bradycardia", "bradycardia", _bradycardia)
vasoconstriction = level_pair("vasoconstriction", "vasoconstriction", _vasoconstriction)
myopathy = level_pair("myopathy", "myopathy", _myopathy)
hypoglycaemia = level_pair("hypoglycaemia", "hypoglycaemia", _hypoglycaemia)
nephrotoxicity = level_pair("nephrotoxicity", "nephrotoxicity", _graded)
hepatotoxicity = level_pair("hepatotoxicity", "hepatotoxicity", _graded)
myelosuppression = level_pair("myelosuppression", "myelosuppression", _graded)


def _one_way(rule: str, cause: str, victim_risk: str, table: dict[tuple[int, int], str]):
    """A rule where ``cause`` in one drug acts on ``victim_risk`` in the other; ``table`` maps
    (cause level, victim level) to a severity (a pair not in the table gives nothing)."""

    def check(a: DrugProfile, b: DrugProfile) -> list[Hit]:
        if not ((cause in a.risks and victim_risk in b.risks) or (cause in b.risks and victim_risk in a.risks)):
            return []
        hits = []
        for first, second in ((a, b), (b, a)):
            severity = table.get((first.level(cause), second.level(victim_risk)))
            if severity:
                hits.append(Hit(rule, severity, (first, second),
                                basis=(risk_basis(first, cause), risk_basis(second, victim_risk))))
        return hits[:1]

    check.__name__ = rule.replace("-", "_")
    check.__doc__ = f"{cause} in one drug with {victim_risk} in the other; (cause, victim) levels -> severity: {table}"
    return triggered_by(cause)(check)


# A beta-blocker hides the tremor and fast heartbeat of low blood sugar: a non-selective one (high)
# with insulin or a sulfonylurea (high) -> moderate; a cardioselective one (low/moderate) -> minor.
masked_hypoglycaemia = _one_way("hypoglycaemia-masking", "masks_hypoglycaemia", "hypoglycaemia",
                                {(3, 3): "moderate", (2, 3): "minor", (1, 3): "minor"})
# A tricyclic potentiates direct sympathomimetics (adrenaline, noradrenaline, phenylephrine).
pressor_potentiation = _one_way("pressor-potentiation", "pressor_potentiation", "pressor",
                                {(3, 3): "major", (3, 2): "moderate", (2, 3): "moderate", (2, 2): "moderate"})
# A medicine that makes alcohol intolerable, with alcohol.
_DISULFIRAM = {3: "contraindicated", 2: "major", 1: "moderate"}


@triggered_by("hypokalaemia")
def potassium_loss(a: DrugProfile, b: DrugProfile) -> list[Hit]:
    """A diuretic that lowers potassium (hypokalaemia moderate or more) with a medicine whose
    toxicity rises when potassium is low (low_potassium_toxicity moderate or more, e.g. digoxin) or
    that has a known QT risk -> moderate."""
    for loser, victim in ((a, b), (b, a)):
        if loser.level("hypokalaemia") < 2:
            continue
        if victim.level("low_potassium_toxicity") >= 2:
            return [Hit("potassium-loss", "moderate", (loser, victim), {"consequence": "toxicity"},
                        (risk_basis(loser, "hypokalaemia"), risk_basis(victim, "low_potassium_toxicity")))]
        qt = victim.risks.get("qt")
        if qt is not None and qt.value == "known":
            return [Hit("potassium-loss", "moderate", (loser, victim), {"consequence": "QT"},
                        (risk_basis(loser, "hypokalaemia"), risk_basis(victim, "qt")))]
    return []


@triggered_by("kidney_perfusion")
def kidney_perfusion(a: DrugProfile, b: DrugProfile) -> list[Hit]:
    """An NSAID (prostaglandin inhibition) with a drug that blocks the renin-angiotensin system or
    with a diuretic (volume depletion) -> moderate: the kidney loses its defences of filtration.
    All three together are a whole-list finding (see ``triple_whammy``)."""
    roles = {a.id: a.risks.get("kidney_perfusion"), b.id: b.risks.get("kidney_perfusion")}
    if not roles[a.id] or not roles[b.id]:
        return []
    for nsaid, other in ((a, b), (b, a)):
        role = roles[other.id].value
        if roles[nsaid.id].value == "prostaglandin-inhibition" and role in ("raas-blockade", "volume-depletion"):
            return [Hit("kidney-perfusion", "moderate", (nsaid, other), {"role": role},
                        (risk_basis(nsaid, "kidney_perfusion"), risk_basis(other, "kidney_perfusion")))]
    return []


def triple_whammy(drugs: Sequence[DrugProfile]) -> list[Hit]:
    """An NSAID, a renin-angiotensin blocker and a diuretic in one list -> major (acute kidney
    injury; the "triple whammy")."""
    chosen: dict[str, DrugProfile] = {}
    for d in drugs:
        prop = d.risks.get("kidney_perfusion")
        if prop is not None:
            chosen.setdefault(prop.value, d)
    if len(chosen) < 3:
        return []
    trio = tuple(chosen[r] for r in ("prostaglandin-inhibition", "raas-blockade", "volume-depletion"))
    return [Hit("cumulative-kidney", "major", trio, {}, tuple(risk_basis(d, "kidney_perfusion") for d in trio))]


@triggered_by("live_vaccine")
def live_vaccine(a: DrugProfile, b: DrugProfile) -> list[Hit]:
    """A live vaccine with a medicine that suppresses the immune system: high -> contraindicated,
    moderate -> major, low -> moderate (the vaccine organism can cause disease, and the vaccine
    may not protect)."""
    for vaccine, other in ((a, b), (b, a)):
        level = other.level("immunosuppression")
        if "live_vaccine" in vaccine.risks and level:
            severity = {3: "contraindicated", 2: "major", 1: "moderate"}[level]
            return [Hit("live-vaccine", severity, (vaccine, other), {},
                        (Basis(vaccine.id, "live vaccine", vaccine.risks["live_vaccine"]), risk_basis(other, "immunosuppression")))]
    return []


@triggered_by("disulfiram_reaction")
def alcohol_reaction(a: DrugProfile, b: DrugProfile) -> list[Hit]:
    """A medicine that causes a disulfiram-like reaction, with alcohol: high -> contraindicated,
    moderate -> major, low -> moderate."""
    for drug, other in ((a, b), (b, a)):
        level = drug.level("disulfiram_reaction")
        if level and other.has_class("alcohol"):
            basis = (risk_basis(drug, "disulfiram_reaction"),
                     Basis(other.id, "class=alcohol", other.risks.get("cns_depression") or drug.risks["disulfiram_reaction"]))
            return [Hit("alcohol-reaction", _DISULFIRAM[level], (drug, other), {}, basis)]
    return []


@triggered_by("chelation")
def chelation(a: DrugProfile, b: DrugProfile) -> list[Hit]:
    """A medicine whose absorption falls with polyvalent cations (chelation level), with a product
    that carries one of those cations: high or moderate -> moderate (separating the doses avoids
    it); minor when either level is low (a food such as milk carries less than a supplement)."""
    for victim, binder in ((a, b), (b, a)):
        prop, cations = victim.risks.get("chelation"), binder.risks.get("polyvalent_cations")
        if prop is None or cations is None:
            continue
        level, ions, spacing = prop.value
        shared = [ion for ion in cations.value[1] if not ions or ion in ions]
        if not shared:
            continue
        severity = "minor" if LEVELS[level] == 1 or LEVELS[cations.value[0]] == 1 else "moderate"
        params = {"ions": ", ".join(shared), "spacing": spacing or f"Separate the doses as the label of {victim.name} directs."}
        return [Hit("chelation", severity, (binder, victim), params,
                    (Basis(binder.id, f"polyvalent cations ({', '.join(shared)})", cations),
                     Basis(victim.id, f"chelation={level}", prop)))]
    return []


@triggered_by("acid_dependent_absorption")
def stomach_acid(a: DrugProfile, b: DrugProfile) -> list[Hit]:
    """A medicine that needs stomach acid to be absorbed, with an acid suppressant: high + high
    -> major (e.g. atazanavir or an azole with a proton-pump inhibitor); both moderate or more
    -> moderate; any low -> minor."""
    for victim, suppressor in ((a, b), (b, a)):
        prop = victim.risks.get("acid_dependent_absorption")
        level = suppressor.level("acid_suppression")
        if prop is None or not level:
            continue
        need = LEVELS[prop.value[0]]
        severity = "major" if need == 3 and level == 3 else "moderate" if min(need, level) >= 2 else "minor"
        params = {"spacing": prop.value[1] or f"Follow the label of {victim.name} on acid-reducing medicines."}
        return [Hit("stomach-acid", severity, (suppressor, victim), params,
                    (risk_basis(suppressor, "acid_suppression"), Basis(victim.id, f"acid-dependent absorption={prop.value[0]}", prop)))]
    return []


@triggered_by("vitamin_k")
def vitamin_k(a: DrugProfile, b: DrugProfile) -> list[Hit]:
    """Vitamin K (moderate or more) with a vitamin K antagonist (warfarin) -> moderate: the
    anticoagulant effect falls, and rises again when intake drops; low -> minor."""
    for source, other in ((a, b), (b, a)):
        level = source.level("vitamin_k")
        if level and other.has_class("vitamin-k-antagonist"):
            basis = (risk_basis(source, "vitamin_k"),
                     Basis(other.id, "class=vitamin-k-antagonist", other.risks.get("bleeding") or source.risks["vitamin_k"]))
            return [Hit("vitamin-k", "moderate" if level >= 2 else "minor", (source, other), {}, basis)]
    return []


ORGAN_PAIR_RULES = (
    bradycardia, vasoconstriction, myopathy, hypoglycaemia, masked_hypoglycaemia, potassium_loss,
    pressor_potentiation, kidney_perfusion, nephrotoxicity, hepatotoxicity, myelosuppression,
    live_vaccine, alcohol_reaction, chelation, stomach_acid, vitamin_k,
)
ORGAN_RULE_IDS = frozenset({
    "bradycardia", "vasoconstriction", "myopathy", "hypoglycaemia", "hypoglycaemia-masking",
    "potassium-loss", "pressor-potentiation", "kidney-perfusion", "cumulative-kidney", "nephrotoxicity",
    "hepatotoxicity", "myelosuppression", "live-vaccine", "alcohol-reaction", "chelation", "stomach-acid",
    "vitamin-k",
})
