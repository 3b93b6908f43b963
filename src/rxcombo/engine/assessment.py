"""What could not be assessed: properties a list needs that a record does not state.

A rule can only fire on what a record states. When one medicine in a list has a property
that matters together with a second medicine (a QT risk, a strong CYP3A4 inhibition) and the
second medicine's record states neither a value nor an absence for the matching property,
the check could not assess that effect: this module says so, one line per medicine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rxcombo.engine.profile import STRENGTHS, DrugProfile

# Risks that a rule compares between two medicines of the list: when one has it, the other's
# value (or stated absence) is needed.
SHARED_RISKS = (
    "serotonergic", "cns_depression", "qt", "bleeding", "hyponatraemia", "seizure_threshold", "anticholinergic",
    "orthostatic_hypotension", "hyperkalaemia", "bradycardia", "vasoconstriction", "myopathy", "hypoglycaemia",
    "nephrotoxicity", "hepatotoxicity", "myelosuppression", "kidney_perfusion",
)
# When one medicine has the first property, the other's listed properties are needed.
CROSS_RISKS: dict[str, tuple[str, ...]] = {
    "mao_inhibition": ("serotonergic", "pressor"),
    "pressor": ("pressor_potentiation",),
    "pressor_potentiation": ("pressor",),
    "hypokalaemia": ("low_potassium_toxicity", "qt"),
    "low_potassium_toxicity": ("hypokalaemia",),
    "masks_hypoglycaemia": ("hypoglycaemia",),
    "live_vaccine": ("immunosuppression",),
    "polyvalent_cations": ("chelation",),
    "acid_suppression": ("acid_dependent_absorption",),
}
CLASS_NEEDS: dict[str, tuple[str, ...]] = {
    "alcohol": ("disulfiram_reaction",),
    "lithium-salt": ("lithium_clearance",),
}

LABELS = {
    "serotonergic": "serotonergic effect", "cns_depression": "sedation", "respiratory_depression": "effect on breathing",
    "qt": "QT risk", "bleeding": "bleeding risk", "hyponatraemia": "low-sodium risk", "seizure_threshold": "seizure risk",
    "anticholinergic": "anticholinergic burden", "orthostatic_hypotension": "blood-pressure lowering",
    "hyperkalaemia": "potassium raising", "bradycardia": "heart-rate slowing", "vasoconstriction": "vasoconstriction",
    "myopathy": "muscle-injury risk", "hypoglycaemia": "blood-sugar lowering", "nephrotoxicity": "kidney toxicity",
    "hepatotoxicity": "liver toxicity", "myelosuppression": "bone-marrow suppression", "kidney_perfusion": "effect on kidney blood flow",
    "pressor": "pressor effect", "pressor_potentiation": "potentiation of sympathomimetics",
    "low_potassium_toxicity": "sensitivity to low potassium", "hypokalaemia": "potassium lowering",
    "masks_hypoglycaemia": "masking of low blood sugar", "immunosuppression": "immunosuppression",
    "live_vaccine": "live vaccine status", "disulfiram_reaction": "reaction with alcohol", "chelation": "binding to minerals",
    "polyvalent_cations": "mineral content", "acid_dependent_absorption": "need for stomach acid",
    "acid_suppression": "acid suppression", "lithium_clearance": "effect on lithium clearance", "mao_inhibition": "MAO inhibition",
    "vitamin_k": "vitamin K content",
}


@lru_cache(maxsize=4096)
def label(key: str) -> str:
    """A property key in words: "qt" -> "QT risk", "substrate:CYP3A4" -> "CYP3A4 metabolism"."""
    kind, _, enzyme = key.partition(":")
    if enzyme:
        return {"substrate": f"{enzyme} metabolism or transport", "inhibits": f"{enzyme} inhibition",
                "induces": f"{enzyme} induction"}[kind]
    return LABELS.get(key, key.replace("_", " "))


@dataclass(frozen=True, slots=True)
class NotAssessed:
    """One medicine's unrecorded properties that this list needed, and the partners they concern."""

    id: str
    name: str
    properties: tuple[tuple[str, tuple[str, ...]], ...]  # (property key, partner names)

    @property
    def text(self) -> str:
        """One line: "Paracetamol: not recorded, so effects with Codeine were not assessed: sedation, ..."."""
        by_partners: dict[tuple[str, ...], list[str]] = {}
        for key, partners in self.properties:
            by_partners.setdefault(partners, []).append(label(key))
        parts = [f"with {_join(partners)}: {', '.join(labels)}" for partners, labels in by_partners.items()]
        return f"{self.name}: not recorded, so not assessed " + "; ".join(parts) + "."

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "text": self.text,
                "properties": [{"property": key, "label": label(key), "with": list(partners)} for key, partners in self.properties]}


def _join(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# No medicine is known to induce CYP2D6 (FDA's table lists no inducer of it): not worth asking.
NOT_INDUCIBLE = frozenset({"CYP2D6"})


def _needs(partner: DrugProfile) -> list[str]:
    """The property keys another medicine must state to be assessed together with ``partner``."""
    needs = [r for r in SHARED_RISKS if r in partner.risks and partner.risks[r].value]
    for risk, wanted in CROSS_RISKS.items():
        if risk in partner.risks:
            needs += wanted
    for cls, wanted in CLASS_NEEDS.items():
        if partner.has_class(cls):
            needs += wanted
    for enzyme, prop in partner.inhibits.items():
        if STRENGTHS[prop.value] >= 2:
            needs.append(f"substrate:{enzyme}")
    for enzyme, prop in partner.induces.items():
        if STRENGTHS[prop.value] >= 2:
            needs.append(f"substrate:{enzyme}")
    for enzyme, prop in partner.substrates.items():
        if prop.value[0] == "major":
            needs.append(f"inhibits:{enzyme}")
            if enzyme not in NOT_INDUCIBLE:
                needs.append(f"induces:{enzyme}")
    if partner.prodrug is not None:
        needs.append(f"inhibits:{partner.prodrug.value[0]}")
    return needs


def missing_for(drug: DrugProfile, partner: DrugProfile) -> tuple[str, ...]:
    """The properties ``drug`` does not state that ``partner`` makes relevant (pure: cacheable
    per pair of medicines)."""
    if not drug.has_interaction_data or drug.id == partner.id:
        return ()
    return tuple(dict.fromkeys(key for key in _needs(partner) if not drug.knows(key)))


def not_assessed(profiles: Sequence[DrugProfile],
                 missing: Callable[[DrugProfile, DrugProfile], tuple[str, ...]] = missing_for) -> tuple[NotAssessed, ...]:
    """For each medicine, the properties it does not state that some other medicine of the list
    made relevant. Medicines that state nothing at all are reported apart (no interaction data).
    ``missing`` may be a cached :func:`missing_for`."""
    out = []
    for drug in profiles:
        found: dict[str, list[str]] = {}
        for partner in profiles:
            if partner.id == drug.id:
                continue
            for key in missing(drug, partner):
                names = found.setdefault(key, [])
                if partner.name not in names:
                    names.append(partner.name)
        if found:
            out.append(NotAssessed(drug.id, drug.name, tuple((k, tuple(v)) for k, v in found.items())))
    return tuple(out)
