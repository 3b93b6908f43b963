"""The knowledge-base schema: what a medicine record, a source, a class, a rule
text and a curated pair entry may contain.

Every fact carries ``sources``: a list of citations, each ``"key"`` or
``"key#section"``, where ``key`` names a source in the record's own ``sources``
map or in the shared ``kb/sources.yaml``. Fields that are unknown are left out;
the schema never invents a default for a fact.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator



Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Cite = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*(#[^\s#][^#]*)?$")]
Citations = Annotated[list[Cite], Field(min_length=1)]

# "none" states an absence that a source supports (a label saying "no clinically relevant
# effect"); a property that is left out is unknown, and the engine reports it as not assessed.
Level = Literal["high", "moderate", "low", "none"]
Severity = Literal["contraindicated", "major", "moderate", "minor"]
# "unrated": a clinically relevant inhibitor or inducer whose source gives no strength (FDA's table
# lists transporter inhibitors without one); the rules count it as moderate.
Strength = Literal["strong", "moderate", "weak", "unrated", "none"]
ENZYMES = (
    "CYP1A2", "CYP2A6", "CYP2B6", "CYP2C8", "CYP2C9", "CYP2C19", "CYP2D6", "CYP2E1", "CYP3A4",
    "UGT1A1", "UGT1A4", "UGT2B7", "XO",
)
TRANSPORTERS = ("P-gp", "BCRP", "OATP1B1", "OATP1B3", "OCT2", "MATE1", "MATE2-K", "OAT1", "OAT3")
Enzyme = Literal[
    "CYP1A2", "CYP2A6", "CYP2B6", "CYP2C8", "CYP2C9", "CYP2C19", "CYP2D6", "CYP2E1", "CYP3A4",
    "UGT1A1", "UGT1A4", "UGT2B7", "XO",
    "P-gp", "BCRP", "OATP1B1", "OATP1B3", "OCT2", "MATE1", "MATE2-K", "OAT1", "OAT3",
]
Ion = Literal["calcium", "magnesium", "aluminium", "iron", "zinc", "bismuth", "lanthanum", "sevelamer"]


class Strict(BaseModel):
    """Base for every schema object: unknown keys are errors, objects are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(Strict):
    sources: Citations


class Source(Strict):
    """A real, checkable publication: a label, a guideline or a paper."""

    kind: Literal["label", "guideline", "paper", "regulatory", "reference"]
    title: Text
    publisher: Text | None = None
    authors: Text | None = None
    journal: Text | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None  # the address as published
    pmid: Annotated[str, StringConstraints(pattern=r"^[0-9]{5,9}$")] | None = None
    doi: Annotated[str, StringConstraints(pattern=r"^10\.\S+/\S+$")] | None = None

    @model_validator(mode="after")
    def _identifiable(self) -> "Source":
        if self.kind == "paper" and not (self.pmid or self.doi):
            raise ValueError("a paper needs a pmid or a doi")
        if self.kind in ("label", "regulatory", "guideline") and not (self.publisher or self.url):
            raise ValueError(f"a {self.kind} needs a publisher or a url")
        return self


class Statement(Sourced):
    text: Text


class ItemList(Sourced):
    items: Annotated[list[Text], Field(min_length=1)]


class Codes(Strict):
    atc: list[Annotated[str, StringConstraints(pattern=r"^[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}$")]] = []
    rxcui: Annotated[str, StringConstraints(pattern=r"^[0-9]+$")] | None = None
    unii: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{10}$")] | None = None


class Target(Strict):
    target: Text
    action: Text


class Mechanism(Sourced):
    summary: Text
    targets: list[Target] = []


class HalfLife(Sourced):
    text: Text
    hours: float | None = Field(default=None, gt=0)


class Substrate(Sourced):
    """A pathway of elimination or uptake: ``major`` (clinically relevant), ``minor``, or
    ``none`` (a source says the medicine is not a substrate)."""

    enzyme: Enzyme
    role: Literal["major", "minor", "none"]
    fraction: float | None = Field(default=None, gt=0, le=1)
    sensitive: bool = False


class Modulation(Sourced):
    enzyme: Enzyme
    strength: Strength


class Prodrug(Sourced):
    enzyme: Enzyme
    active_metabolite: Text
    loss_of_activation: Literal["major", "moderate", "minor"]


class Flag(Sourced):
    value: bool
    note: Text | None = None


class NarrowMargin(Sourced):
    """A small rise in exposure is dangerous (narrow therapeutic index, or a boxed warning about
    inhibitors of the medicine's clearance): a moderate inhibitor of its main pathway is then major."""

    value: bool
    note: Text | None = None


class NotInvolved(Sourced):
    """Enzymes and transporters that a source says the medicine does not inhibit, induce or
    depend on (e.g. "no clinically relevant inhibition of CYP1A2, 2C9, 2C19, 2D6 or 3A4")."""

    enzymes: Annotated[list[Enzyme], Field(min_length=1)]
    note: Text | None = None


class Pharmacokinetics(Strict):
    half_life: HalfLife | None = None
    not_inhibits: list[NotInvolved] = []
    not_induces: list[NotInvolved] = []
    not_substrate_of: list[NotInvolved] = []
    substrate_of: list[Substrate] = []
    inhibits: list[Modulation] = []
    induces: list[Modulation] = []
    prodrug: Prodrug | None = None
    narrow_therapeutic_index: NarrowMargin | None = None
    # A fall in exposure is dangerous (an antiretroviral losing effect and selecting resistance,
    # a transplant drug losing effect): a strong inducer of its main pathway is then major.
    critical_loss_of_effect: Flag | None = None


class Risk(Sourced):
    level: Level
    note: Text | None = None


class Anticholinergic(Sourced):
    """Anticholinergic burden score; 0 is a stated absence (the medicine was looked up on the
    scale and is not on it: say which scale)."""

    score: int = Field(ge=0, le=3)
    scale: Text | None = None
    note: Text | None = None


class QT(Sourced):
    category: Literal["known", "possible", "conditional", "none"]
    note: Text | None = None


class Bleeding(Sourced):
    kind: Literal["anticoagulant", "antiplatelet", "nsaid", "serotonergic", "other", "none"]
    note: Text | None = None


class MAOInhibition(Sourced):
    level: Level
    selectivity: Literal["non-selective", "MAO-A", "MAO-B"] | None = None
    reversible: bool | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _described(self) -> "MAOInhibition":
        if self.level != "none" and (self.selectivity is None or self.reversible is None):
            raise ValueError("an MAO inhibitor needs selectivity and reversible")
        return self


class LithiumClearance(Sourced):
    effect: Literal["decreases", "increases"] | None = None
    level: Level
    note: Text | None = None

    @model_validator(mode="after")
    def _described(self) -> "LithiumClearance":
        if self.level != "none" and self.effect is None:
            raise ValueError("say whether lithium clearance decreases or increases")
        return self


class KidneyPerfusion(Sourced):
    """How a medicine affects the kidney's blood flow and filtration (the "triple whammy":
    an NSAID, a drug that blocks the renin-angiotensin system, and a diuretic)."""

    role: Literal["prostaglandin-inhibition", "raas-blockade", "volume-depletion", "none"]
    note: Text | None = None


class Chelation(Sourced):
    """Absorption is reduced when taken with polyvalent cations (chelation or binding).
    ``spacing`` says how the label tells people to space the doses."""

    level: Level
    ions: list[Ion] = []  # empty: every polyvalent cation
    spacing: Text | None = None
    note: Text | None = None


class Cations(Sourced):
    """The medicine, supplement or food carries polyvalent cations that bind other medicines."""

    ions: list[Ion] = []  # empty with level none: a stated absence
    level: Level = "high"
    note: Text | None = None


class AcidDependentAbsorption(Sourced):
    """Absorption needs stomach acid: acid suppressants lower it."""

    level: Level
    spacing: Text | None = None
    note: Text | None = None


class LiveVaccine(Sourced):
    value: bool
    note: Text | None = None


class Risks(Strict):
    serotonergic: Risk | None = None
    cns_depression: Risk | None = None
    respiratory_depression: Risk | None = None
    anticholinergic: Anticholinergic | None = None
    qt: QT | None = None
    bleeding: Bleeding | None = None
    hyponatraemia: Risk | None = None
    seizure_threshold: Risk | None = None
    orthostatic_hypotension: Risk | None = None
    mao_inhibition: MAOInhibition | None = None
    pressor: Risk | None = None
    lithium_clearance: LithiumClearance | None = None
    hyperkalaemia: Risk | None = None
    # heart, vessels, muscle, metabolism, organs
    bradycardia: Risk | None = None  # slows heart rate or AV conduction
    vasoconstriction: Risk | None = None  # constricts coronary and peripheral arteries
    myopathy: Risk | None = None  # muscle injury, rhabdomyolysis
    hypoglycaemia: Risk | None = None  # lowers blood sugar
    masks_hypoglycaemia: Risk | None = None  # hides the warning signs of low blood sugar
    hypokalaemia: Risk | None = None  # lowers potassium
    low_potassium_toxicity: Risk | None = None  # toxicity is more likely when potassium is low
    pressor_potentiation: Risk | None = None  # potentiates sympathomimetic amines (e.g. tricyclics)
    kidney_perfusion: KidneyPerfusion | None = None
    nephrotoxicity: Risk | None = None
    hepatotoxicity: Risk | None = None
    myelosuppression: Risk | None = None
    immunosuppression: Risk | None = None
    live_vaccine: LiveVaccine | None = None
    disulfiram_reaction: Risk | None = None  # reaction with alcohol
    chelation: Chelation | None = None
    polyvalent_cations: Cations | None = None
    acid_dependent_absorption: AcidDependentAbsorption | None = None
    acid_suppression: Risk | None = None
    vitamin_k: Risk | None = None  # vitamin K content that opposes vitamin K antagonists


class DoseEntry(Sourced):
    indication: Text
    usual: Text
    maximum: Text | None = None


class Form(Sourced):
    form: Text
    strengths: list[Text] = []


class DailyMaximum(Sourced):
    """The most a person may take in a day, across all products (used by the same-ingredient check)."""

    amount: float = Field(gt=0)
    unit: Literal["mg", "g", "mcg", "units", "mL"]
    note: Text | None = None


class Dosing(Strict):
    max_daily: DailyMaximum | None = None
    adult: list[DoseEntry] = []
    forms: list[Form] = []
    elderly: Statement | None = None
    renal: Statement | None = None
    hepatic: Statement | None = None
    paediatric: Statement | None = None


class AdverseEffects(Strict):
    common: ItemList | None = None
    serious: ItemList | None = None


class EnzymeCondition(Strict):
    enzyme: Enzyme
    strength: Strength = "strong"  # this strength or stronger


class SubstrateCondition(Strict):
    enzyme: Enzyme
    sensitive: bool = False  # only substrates the records mark sensitive; else every major substrate


class LabelInteraction(Sourced):
    """An interaction this medicine's own label states (contraindicated, avoid...), with whom.

    The partner is named by id (``with``), by class (``with_classes``), by what it does to an
    enzyme (``inhibitors_of``/``inducers_of``: e.g. strong CYP3A4 inhibitors), or by what depends
    on an enzyme (``substrates_of``: e.g. sensitive CYP3A4 substrates, which a strong inducer's
    label may tell prescribers to avoid)."""

    with_: list[Id] = Field(default=[], alias="with")
    with_classes: list[Id] = []
    inhibitors_of: EnzymeCondition | None = None
    inducers_of: EnzymeCondition | None = None
    substrates_of: SubstrateCondition | None = None
    severity: Severity
    effect: Text
    management: Text

    @model_validator(mode="after")
    def _has_partner(self) -> "LabelInteraction":
        conditions = [c for c in (self.inhibitors_of, self.inducers_of, self.substrates_of) if c is not None]
        if not (self.with_ or self.with_classes or conditions):
            raise ValueError("name the partner: with, with_classes, inhibitors_of, inducers_of or substrates_of")
        if len(conditions) > 1:
            raise ValueError("name at most one of inhibitors_of, inducers_of and substrates_of (write one entry each)")
        return self


class Evidence(Sourced):
    """A structured summary of a study of benefit (used by combination pages)."""

    with_: list[Id] = Field(default=[], alias="with")
    design: Text
    finding: Text


Route = Literal["oral", "sublingual", "buccal", "intravenous", "intramuscular", "subcutaneous", "inhaled", "nasal",
                "topical", "ophthalmic", "otic", "vaginal", "rectal", "transdermal", "intrauterine", "implant"]


class SystemicExposure(Sourced):
    """How much reaches the blood by the record's routes. ``negligible`` (a source says so, e.g.
    a cream with no measurable absorption at normal use): the engine raises no systemic
    interaction for it and says why; ``low`` and ``relevant`` are checked like any medicine."""

    level: Literal["negligible", "low", "relevant"]
    note: Text | None = None


class CheckedDocument(Strict):
    """A document whose text was read to check a record, with the address it was read at."""

    source: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$")]
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None  # exactly where it was read
    sections: list[Text] = []


class Review(Strict):
    """The review trail: when the record's engine-relevant facts were checked, against what,
    and which facts could not be checked (they stay marked until someone checks them)."""

    date: Annotated[str, StringConstraints(pattern=r"^20[0-9]{2}-[01][0-9]-[0-3][0-9]$")]
    checked_against: Annotated[list[CheckedDocument], Field(min_length=1)]
    unchecked: list[Text] = []


COUNTRY = Literal["US", "UK", "IN", "EU", "CA", "AU"]


class Medicine(Strict):
    """One medicine or substance: one YAML file in ``kb/medicines``."""

    id: Id
    name: Text
    kind: Literal["medicine", "substance", "supplement", "food"] = "medicine"
    synonyms: list[Text] = []
    salts: list[Text] = []
    brands: dict[COUNTRY, list[Text]] = {}
    codes: Codes = Codes()
    classes: Annotated[list[Id], Field(min_length=1)]
    routes: list[Route] = []
    systemic_exposure: SystemicExposure | None = None
    sources: dict[Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$")], Source] = {}
    indications: list[Statement] = []
    mechanism: Mechanism | None = None
    pharmacokinetics: Pharmacokinetics = Pharmacokinetics()
    risks: Risks = Risks()
    dosing: Dosing = Dosing()
    adverse_effects: AdverseEffects = AdverseEffects()
    contraindications: list[Statement] = []
    boxed_warnings: list[Statement] = []
    pregnancy: Statement | None = None
    lactation: Statement | None = None
    dependence: Statement | None = None
    withdrawal: Statement | None = None
    beers: list[Statement] = []
    driving: Statement | None = None
    alcohol: Statement | None = None
    missed_dose: Statement | None = None
    storage: Statement | None = None
    evidence: list[Evidence] = []
    label_interactions: list[LabelInteraction] = []
    # The label's Contraindications, Boxed Warning and Drug Interactions sections (SmPC 4.3-4.5)
    # were read and name no partner that can be recorded: a stated absence, not an unknown.
    no_label_interactions: Statement | None = None
    provenance: dict[str, Text] = {}
    review: Review | None = None

    @model_validator(mode="after")
    def _label_interactions_or_none(self) -> "Medicine":
        if self.label_interactions and self.no_label_interactions is not None:
            raise ValueError("no_label_interactions contradicts the label_interactions the record lists")
        return self

    @field_validator("synonyms", "salts")
    @classmethod
    def _no_blank_names(cls, names: list[str]) -> list[str]:
        if len(set(n.casefold() for n in names)) != len(names):
            raise ValueError("names repeat")
        return names


class DrugClass(Strict):
    """A class of medicines, declared in ``kb/classes.yaml``."""

    name: Text
    parent: Id | None = None
    duplication: bool = False
    cns_active: bool = False
    nervous_system: bool = False  # counts as a nervous-system medicine in catalogue coverage
    psychiatric: bool = False  # the site builds a page for every pair of psychiatric medicines
    requires: list[Annotated[str, StringConstraints(pattern=r"^[a-z_]+$")]] = []  # risk names (checked)
    plain: Text | None = None


class Alias(Strict):
    """A name (typically a misspelling in a catalogue) that unambiguously means one record."""

    id: Id
    reason: Text


class AmbiguousName(Strict):
    """A name that cannot be resolved to one medicine without guessing ("Vitamin B")."""

    reason: Text
    candidates: list[Text] = []


class Product(Strict):
    """A brand that combines several ingredients ("Percocet": oxycodone and paracetamol)."""

    ingredients: Annotated[list[Id], Field(min_length=2)]
    country: COUNTRY | None = None
    sources: Citations


class ImportedNames(Strict):
    unii: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{10}$")]
    synonyms: list[Text] = []
    brands: list[Text] = []


class ImportedFile(Strict):
    """``kb/imported/unii.yaml``, written by ``rxcombo kb import-names``."""

    source: Text
    medicines: dict[Id, ImportedNames] = {}


class RuleText(Strict):
    """The words and sources of one engine rule, in ``kb/rules.yaml``; the logic is in Python."""

    title: Text
    plain_title: Text | None = None  # the title in everyday words, for patient pages
    type: Literal["pharmacodynamic", "pharmacokinetic", "duplication", "cumulative"]
    mechanism: Text
    effect: Text
    management: Text
    monitor: Text | None = None
    summary: Text
    documentation: Literal["established", "probable", "theoretical"]
    sources: list[Cite] = []  # general sources; findings also cite the medicines' property sources


class InteractionWords(Strict):
    """What a curated statement says: severity, kind and the words of the finding."""

    severity: Severity
    type: Literal["pharmacodynamic", "pharmacokinetic", "mixed"]
    mechanism: Text
    effect: Text
    management: Text
    monitor: Text | None = None
    summary: Text
    documentation: Literal["established", "probable", "theoretical"]


class PairEntry(InteractionWords):
    """A curated interaction between two named medicines, with its sources."""

    drugs: Annotated[list[Id], Field(min_length=2, max_length=2)]
    title: Text | None = None
    refines: list[Id] = []
    sources: Citations
    source_defs: dict[Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$")], Source] = {}


class Group(Strict):
    """Medicines named by id, by class, and/or by what they do to an enzyme (strong CYP3A4
    inhibitors...)."""

    ids: list[Id] = []
    classes: list[Id] = []
    inhibitors_of: EnzymeCondition | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> "Group":
        if not (self.ids or self.classes or self.inhibitors_of):
            raise ValueError("name at least one medicine id, class or inhibitors_of")
        return self


class GroupInteraction(InteractionWords):
    """A published statement about two groups of medicines (a guideline's table row, e.g. the
    AGS Beers Criteria: non-selective alpha-1 blockers with loop diuretics), in
    ``kb/guidelines/<id>.yaml``. Shown when it is more severe than what the rules found."""

    title: Text
    first: Group
    second: Group
    sources: Citations


def citation_key(cite: str) -> str:
    """``"label#5.4"`` -> ``"label"``."""
    return cite.split("#", 1)[0]



RISK_NAMES: tuple[str, ...] = tuple(Risks.model_fields)
