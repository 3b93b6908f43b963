"""The schema of an evidence entry (``kb/evidence/<id>.yaml``): why a combination is
prescribed, what guidelines say, and the trials that measured its benefit.

Pydantic checks each field; :func:`entry_problems` checks what spans fields (arms that
do not add up, a trial cited twice, certainty for an outcome no study reports) and
returns every problem with its field path, so that ``kb validate`` reports them all.
Every number is copied from a paper that was read (``url``); nothing here is computed.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=3000)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]

ROLES = ("augmentation", "co-initiation", "fixed-dose", "side-effect-treatment", "switch-comparison", "other")
DESIGNS = ("randomised-double-blind", "randomised-single-blind", "randomised-open", "non-randomised", "observational")
RATINGS = ("high", "moderate", "low", "very-low")
# Outcomes where fewer events is better when an entry does not say otherwise.
LOWER_IS_BETTER = ("dropout-adverse-events", "dropout-any", "relapse", "adverse-events")


class Strict(BaseModel):
    """Unknown keys are errors; objects are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class EvidenceSource(Strict):
    """A paper, guideline or label that was read; ``url`` is where its text was read."""

    kind: Literal["paper", "guideline", "label"]
    title: Text
    authors: Text | None = None
    publisher: Text | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)
    journal: Text | None = None
    pmid: Annotated[str, StringConstraints(pattern=r"^[0-9]{5,9}$")] | None = None
    doi: Annotated[str, StringConstraints(pattern=r"^10\.\S+/\S+$")] | None = None
    registry: Annotated[str, StringConstraints(pattern=r"^\S+$", max_length=40)] | None = None
    url: Url


class Combination(Strict):
    """All ``medicines`` in a list, plus (when classes are given) another medicine of one of them."""

    medicines: Annotated[list[Id], Field(min_length=1)]
    with_one_of_classes: list[Id] = []

    @model_validator(mode="after")
    def _is_a_combination(self) -> "Combination":
        if len(self.medicines) < 2 and not self.with_one_of_classes:
            raise ValueError("a combination needs two medicines, or one with with_one_of_classes")
        if len(set(self.medicines)) != len(self.medicines):
            raise ValueError("a medicine is named twice")
        return self


class WhyCombined(Strict):
    text: Text
    sources: Annotated[list[Key], Field(min_length=1)]


class GuidelinePosition(Strict):
    source: Key
    body: Text
    year: int = Field(ge=1900, le=2100)
    section: Text | None = None
    position: Text
    line: Literal["first", "second", "third", "not-recommended"] | None = None


class ArmDrug(Strict):
    """A medicine of an arm: a record id, or a name for what has no record (placebo)."""

    id: Id | None = None
    name: Text | None = None
    dose: Text | None = None

    @model_validator(mode="after")
    def _named(self) -> "ArmDrug":
        if (self.id is None) == (self.name is None):
            raise ValueError("give either id (a medicine record) or name (e.g. placebo), not both")
        return self


class Arm(Strict):
    id: Id
    label: Text
    drugs: list[ArmDrug] = []
    randomised: int | None = Field(default=None, ge=1)
    analysed: int = Field(ge=1)


class Comparison(Strict):
    intervention: Id
    control: Id


class OutcomeArm(Strict):
    """What one arm reported: ``events``/``total`` for counts; ``mean``, ``sd``, ``n`` for scales."""

    events: int | None = Field(default=None, ge=0)
    total: int | None = Field(default=None, ge=1)
    mean: float | None = None
    sd: float | None = Field(default=None, gt=0)
    n: int | None = Field(default=None, ge=1)


class Outcome(Strict):
    outcome: Id
    definition: Text
    measure: Literal["events", "continuous"]
    higher_is_better: bool | None = None
    arms: dict[Id, OutcomeArm]
    note: Text | None = None

    @property
    def better_higher(self) -> bool:
        """Whether a larger number means benefit (stated, else by the outcome's name)."""
        if self.higher_is_better is not None:
            return self.higher_is_better
        return self.outcome not in LOWER_IS_BETTER


class RiskOfBias(Strict):
    rating: Literal["low", "some-concerns", "high"]
    reason: Text


class Study(Strict):
    id: Id
    source: Key
    design: Literal[
        "randomised-double-blind", "randomised-single-blind", "randomised-open", "non-randomised", "observational"
    ]
    population: Text
    duration_weeks: float | None = Field(default=None, gt=0)
    arms: Annotated[list[Arm], Field(min_length=2)]
    comparison: Comparison
    outcomes: Annotated[list[Outcome], Field(min_length=1)]
    risk_of_bias: RiskOfBias
    note: Text | None = None

    def arm(self, arm_id: str) -> Arm:
        return next(a for a in self.arms if a.id == arm_id)


class DoseEvidence(Strict):
    study: Id
    text: Text


class CertaintyReasons(Strict):
    risk_of_bias: Text | None = None
    inconsistency: Text | None = None
    imprecision: Text | None = None
    indirectness: Text | None = None
    publication_bias: Text | None = None


class Certainty(Strict):
    outcome: Id
    rating: Literal["high", "moderate", "low", "very-low"]
    reasons: CertaintyReasons = CertaintyReasons()


class PublishedPooled(Strict):
    """A published meta-analysis's own pooled result, reproduced from its trials in the tests."""

    source: Key
    outcome: Id
    statistic: Literal["risk-ratio", "odds-ratio", "smd", "mean-difference"]
    method: Literal["mantel-haenszel-fixed", "inverse-variance-fixed", "dersimonian-laird-random", "dersimonian-laird-random-mh"]
    value: float
    ci_low: float
    ci_high: float
    studies: Annotated[list[Id], Field(min_length=1)]
    note: Text | None = None


class EvidenceEntry(Strict):
    """One combination for one indication: one file in ``kb/evidence``."""

    id: Id
    title: Text
    combination: Combination
    indication: Text
    role: Literal["augmentation", "co-initiation", "fixed-dose", "side-effect-treatment", "switch-comparison", "other"]
    evidence_level: Literal["combination", "class"]
    caveat: Text | None = None
    no_trials: Text | None = None
    why_combined: WhyCombined
    sources: Annotated[dict[Key, EvidenceSource], Field(min_length=1)]
    guidelines: list[GuidelinePosition] = []
    studies: list[Study] = []
    dose_evidence: list[DoseEvidence] = []
    certainty: list[Certainty] = []
    published_pooled: list[PublishedPooled] = []

    def study(self, study_id: str) -> Study:
        return next(s for s in self.studies if s.id == study_id)

    def outcomes(self) -> list[str]:
        """Outcome ids in the order they first appear."""
        seen: list[str] = []
        for study in self.studies:
            for outcome in study.outcomes:
                if outcome.outcome not in seen:
                    seen.append(outcome.outcome)
        return seen

    def certainty_for(self, outcome: str) -> Certainty | None:
        return next((c for c in self.certainty if c.outcome == outcome), None)


def entry_problems(entry: EvidenceEntry) -> list[tuple[str, str]]:
    """Every rule that spans fields, as ``(field path, message)``; empty when the entry is sound."""
    problems: list[tuple[str, str]] = []
    add = lambda where, message: problems.append((where, message))  # noqa: E731

    for i, cite in enumerate(entry.why_combined.sources):
        if cite not in entry.sources:
            add(f"why_combined.sources.{i}", f"{cite!r} is not a key of sources")
    for i, g in enumerate(entry.guidelines):
        if g.source not in entry.sources:
            add(f"guidelines.{i}.source", f"{g.source!r} is not a key of sources")
    if entry.no_trials and entry.studies:
        add("no_trials", "set no_trials only when studies is empty")
    if not entry.no_trials and not entry.studies:
        add("studies", "an entry needs studies, or no_trials saying that no trial was found")

    study_ids: dict[str, int] = {}
    cited_by: dict[str, str] = {}
    identifiers: dict[str, str] = {}
    for s, study in enumerate(entry.studies):
        where = f"studies.{s}"
        if study.id in study_ids:
            add(f"{where}.id", f"study id {study.id!r} is used twice (also studies.{study_ids[study.id]})")
        study_ids.setdefault(study.id, s)
        source = entry.sources.get(study.source)
        if source is None:
            add(f"{where}.source", f"{study.source!r} is not a key of sources")
        elif study.source in cited_by:
            add(f"{where}.source", f"source {study.source!r} is already cited by study {cited_by[study.source]!r}: "
                "a trial appears once in an entry")
        else:
            cited_by[study.source] = study.id
            for label, value in (("PMID", source.pmid), ("DOI", source.doi and source.doi.lower())):
                if value is None:
                    continue
                key = f"{label} {value}"
                if key in identifiers:
                    add(f"{where}.source", f"{key} is already cited by study {identifiers[key]!r}: a trial appears once in an entry")
                identifiers.setdefault(key, study.id)
        problems += [(f"{where}.{w}", m) for w, m in _study_problems(study)]

    outcomes = set(entry.outcomes())
    rated: set[str] = set()
    for i, c in enumerate(entry.certainty):
        if c.outcome not in outcomes:
            add(f"certainty.{i}.outcome", f"no study reports the outcome {c.outcome!r}")
        if c.outcome in rated:
            add(f"certainty.{i}.outcome", f"the outcome {c.outcome!r} is rated twice")
        rated.add(c.outcome)
    for outcome in sorted(outcomes - rated):
        add("certainty", f"the outcome {outcome!r} has studies but no certainty rating")
    for i, d in enumerate(entry.dose_evidence):
        if d.study not in study_ids:
            add(f"dose_evidence.{i}.study", f"unknown study {d.study!r}")
    for i, p in enumerate(entry.published_pooled):
        if p.source not in entry.sources:
            add(f"published_pooled.{i}.source", f"{p.source!r} is not a key of sources")
        for j, sid in enumerate(p.studies):
            if sid not in study_ids:
                add(f"published_pooled.{i}.studies.{j}", f"unknown study {sid!r}")
            elif not any(o.outcome == p.outcome for o in entry.study(sid).outcomes):
                add(f"published_pooled.{i}.studies.{j}", f"study {sid!r} does not report {p.outcome!r}")
        if not p.ci_low <= p.value <= p.ci_high:
            add(f"published_pooled.{i}.value", "the value must lie between ci_low and ci_high")
    return problems


def _study_problems(study: Study) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    arms = {a.id: a for a in study.arms}
    if len(arms) != len(study.arms):
        problems.append(("arms", "an arm id is used twice"))
    for i, arm in enumerate(study.arms):
        if arm.randomised is not None and arm.analysed > arm.randomised:
            problems.append((f"arms.{i}.analysed", f"{arm.analysed} analysed is more than {arm.randomised} randomised"))
    for side in ("intervention", "control"):
        arm_id = getattr(study.comparison, side)
        if arm_id not in arms:
            problems.append((f"comparison.{side}", f"{arm_id!r} is not an arm of the study ({', '.join(arms)})"))
    if study.comparison.intervention == study.comparison.control:
        problems.append(("comparison", "intervention and control are the same arm"))
    for o, outcome in enumerate(study.outcomes):
        where = f"outcomes.{o}"
        if outcome.measure == "continuous" and outcome.higher_is_better is None:
            problems.append((f"{where}.higher_is_better", "a continuous outcome must say whether a higher score is better"))
        for arm_id, data in outcome.arms.items():
            at = f"{where}.arms.{arm_id}"
            if arm_id not in arms:
                problems.append((at, f"{arm_id!r} is not an arm of the study ({', '.join(arms)})"))
                continue
            if outcome.measure == "events":
                if data.events is None:
                    problems.append((f"{at}.events", "an events outcome needs events and total"))
                if data.total is None:
                    problems.append((f"{at}.total", "an events outcome needs events and total"))
                if data.events is not None and data.total is not None and data.events > data.total:
                    problems.append((f"{at}.events", f"{data.events} events is more than the total {data.total}"))
                if data.total is not None and data.total != arms[arm_id].analysed:
                    problems.append((f"{at}.total", f"total {data.total} differs from the arm's analysed {arms[arm_id].analysed}"))
                for name in ("mean", "sd", "n"):
                    if getattr(data, name) is not None:
                        problems.append((f"{at}.{name}", "an events outcome takes events and total only"))
            else:
                for name in ("mean", "sd", "n"):
                    if getattr(data, name) is None:
                        problems.append((f"{at}.{name}", "a continuous outcome needs mean, sd and n"))
                for name in ("events", "total"):
                    if getattr(data, name) is not None:
                        problems.append((f"{at}.{name}", "a continuous outcome takes mean, sd and n only"))
        for side in ("intervention", "control"):
            arm_id = getattr(study.comparison, side)
            if arm_id in arms and arm_id not in outcome.arms:
                problems.append((f"{where}.arms", f"the comparison's {side} arm {arm_id!r} is missing"))
    return problems


def medicine_ids(entry: EvidenceEntry) -> list[tuple[str, str]]:
    """``(field path, id)`` of every medicine id the entry names (checked against the records)."""
    ids = [(f"combination.medicines.{i}", m) for i, m in enumerate(entry.combination.medicines)]
    for s, study in enumerate(entry.studies):
        for a, arm in enumerate(study.arms):
            ids += [(f"studies.{s}.arms.{a}.drugs.{d}.id", drug.id) for d, drug in enumerate(arm.drugs) if drug.id]
    return ids
