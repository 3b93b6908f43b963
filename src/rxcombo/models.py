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

Level = Literal["high", "moderate", "low"]
Severity = Literal["contraindicated", "major", "moderate", "minor"]
Strength = Literal["strong", "moderate", "weak"]
Enzyme = Literal[
    "CYP1A2", "CYP2B6", "CYP2C8", "CYP2C9", "CYP2C19", "CYP2D6", "CYP2E1", "CYP3A4",
    "UGT1A4", "UGT2B7", "P-gp", "BCRP", "OATP1B1", "OATP1B3", "OCT2", "MATE1",
]


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
    url: Annotated[str, StringConstraints(pattern=r"^https://\S+$")] | None = None
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
    enzyme: Enzyme
    role: Literal["major", "minor"]
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


class Pharmacokinetics(Strict):
    half_life: HalfLife | None = None
    substrate_of: list[Substrate] = []
    inhibits: list[Modulation] = []
    induces: list[Modulation] = []
    prodrug: Prodrug | None = None
    narrow_therapeutic_index: Flag | None = None


class Risk(Sourced):
    level: Level
    note: Text | None = None


class Anticholinergic(Sourced):
    score: int = Field(ge=0, le=3)
    note: Text | None = None


class QT(Sourced):
    category: Literal["known", "possible", "conditional"]
    note: Text | None = None


class Bleeding(Sourced):
    kind: Literal["anticoagulant", "antiplatelet", "nsaid", "serotonergic", "other"]
    note: Text | None = None


class MAOInhibition(Sourced):
    level: Level
    selectivity: Literal["non-selective", "MAO-A", "MAO-B"]
    reversible: bool
    note: Text | None = None


class LithiumClearance(Sourced):
    effect: Literal["decreases", "increases"]
    level: Level
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


class DoseEntry(Sourced):
    indication: Text
    usual: Text
    maximum: Text | None = None


class Form(Sourced):
    form: Text
    strengths: list[Text] = []


class Dosing(Strict):
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


class LabelInteraction(Sourced):
    """An interaction this medicine's own label states (contraindicated, avoid...), with whom.

    The partner is named by id (``with``), by class (``with_classes``), or by what it does to an
    enzyme (``inhibitors_of``/``inducers_of``: e.g. strong CYP3A4 inhibitors)."""

    with_: list[Id] = Field(default=[], alias="with")
    with_classes: list[Id] = []
    inhibitors_of: EnzymeCondition | None = None
    inducers_of: EnzymeCondition | None = None
    severity: Severity
    effect: Text
    management: Text

    @model_validator(mode="after")
    def _has_partner(self) -> "LabelInteraction":
        if not (self.with_ or self.with_classes or self.inhibitors_of or self.inducers_of):
            raise ValueError("name the partner: with, with_classes, inhibitors_of or inducers_of")
        return self


class Evidence(Sourced):
    """A structured summary of a study of benefit (used by combination pages)."""

    with_: list[Id] = Field(default=[], alias="with")
    design: Text
    finding: Text


COUNTRY = Literal["US", "UK", "IN", "EU", "CA", "AU"]


class Medicine(Strict):
    """One medicine or substance: one YAML file in ``kb/medicines``."""

    id: Id
    name: Text
    kind: Literal["medicine", "substance", "supplement"] = "medicine"
    synonyms: list[Text] = []
    salts: list[Text] = []
    brands: dict[COUNTRY, list[Text]] = {}
    codes: Codes = Codes()
    classes: Annotated[list[Id], Field(min_length=1)]
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
    provenance: dict[str, Text] = {}

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
    requires: list[
        Literal[
            "serotonergic", "cns_depression", "respiratory_depression", "anticholinergic", "qt",
            "bleeding", "hyponatraemia", "seizure_threshold", "orthostatic_hypotension",
            "mao_inhibition", "pressor", "lithium_clearance", "hyperkalaemia",
        ]
    ] = []
    plain: Text | None = None


class Alias(Strict):
    """A name (typically a misspelling in a catalogue) that unambiguously means one record."""

    id: Id
    reason: Text


class AmbiguousName(Strict):
    """A name that cannot be resolved to one medicine without guessing ("Vitamin B")."""

    reason: Text
    candidates: list[Text] = []


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


class PairEntry(Strict):
    """A curated interaction between two named medicines, with its sources."""

    drugs: Annotated[list[Id], Field(min_length=2, max_length=2)]
    title: Text | None = None
    severity: Severity
    type: Literal["pharmacodynamic", "pharmacokinetic", "mixed"]
    mechanism: Text
    effect: Text
    management: Text
    monitor: Text | None = None
    summary: Text
    documentation: Literal["established", "probable", "theoretical"]
    refines: list[Id] = []
    sources: Citations
    source_defs: dict[Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$")], Source] = {}


def citation_key(cite: str) -> str:
    """``"label#5.4"`` -> ``"label"``."""
    return cite.split("#", 1)[0]

