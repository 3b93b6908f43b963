"""What a meta-analysis of an evidence entry produced: frozen dataclasses, serialisable.

Kept apart from :mod:`.meta` (which imports statsmodels, several seconds) so that pages,
the API and the site read analyses computed at compile time without importing it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, Literal

Statistic = Literal["risk-ratio", "odds-ratio", "smd", "mean-difference"]
Method = Literal["dersimonian-laird-random", "dersimonian-laird-random-mh", "inverse-variance-fixed", "mantel-haenszel-fixed", "single-study"]
METHOD_NAMES = {
    "dersimonian-laird-random": "random effects (DerSimonian-Laird), inverse variance",
    "dersimonian-laird-random-mh": "random effects (DerSimonian-Laird, heterogeneity around the Mantel-Haenszel estimate, as RevMan 5)",
    "inverse-variance-fixed": "fixed effect, inverse variance",
    "mantel-haenszel-fixed": "fixed effect, Mantel-Haenszel",
    "single-study": "one study, not pooled",
}
STATISTIC_NAMES = {"risk-ratio": "risk ratio", "odds-ratio": "odds ratio", "smd": "standardised mean difference (Hedges' g)",
                   "mean-difference": "mean difference"}
RATIO = ("risk-ratio", "odds-ratio")


def finite(value: Any) -> Any:
    """NaN and infinities become None (JSON has no NaN)."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _number(value: Any) -> Any:
    return math.nan if value is None else value


def _own(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    return {f.name: data[f.name] for f in fields(cls) if f.name in data}


@dataclass(frozen=True)
class StudyEffect:
    """One study's effect for one outcome, on the natural scale (a ratio, or g)."""

    study: str
    label: str  # "Trivedi 2006"
    intervention: str  # arm labels
    control: str
    n_intervention: int
    n_control: int
    events_intervention: int | None
    events_control: int | None
    estimate: float
    ci_low: float
    ci_high: float
    effect: float  # analysis scale: log ratio, or g
    variance: float
    risk_of_bias: str
    corrected: bool = False  # continuity correction applied
    pooled: bool = True  # False: no events (or only events) in both arms
    weight_random: float | None = None  # percent
    weight_fixed: float | None = None

    @property
    def n(self) -> int:
        return self.n_intervention + self.n_control

    def to_dict(self) -> dict[str, Any]:
        return {**{k: finite(v) for k, v in self.__dict__.items()}, "n": self.n}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "StudyEffect":
        values = _own(cls, data)
        for key in ("estimate", "ci_low", "ci_high", "effect", "variance"):
            values[key] = _number(values.get(key))
        return cls(**values)


@dataclass(frozen=True)
class Pooled:
    """A pooled estimate with its 95% interval, on the natural scale."""

    method: Method
    statistic: Statistic
    estimate: float
    ci_low: float
    ci_high: float
    k: int
    n: int
    studies: tuple[str, ...]

    @property
    def method_name(self) -> str:
        return METHOD_NAMES[self.method]

    def to_dict(self) -> dict[str, Any]:
        return {**{k: finite(v) for k, v in self.__dict__.items()}, "studies": list(self.studies), "method_name": self.method_name}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Pooled":
        values = _own(cls, data)
        for key in ("estimate", "ci_low", "ci_high"):
            values[key] = _number(values.get(key))
        return cls(**{**values, "studies": tuple(values["studies"])})


@dataclass(frozen=True)
class Heterogeneity:
    tau2: float
    q: float
    df: int
    p: float
    i2: float  # 0..1

    def to_dict(self) -> dict[str, Any]:
        return {k: finite(v) for k, v in self.__dict__.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Heterogeneity":
        return cls(**{k: _number(v) if k != "df" else v for k, v in _own(cls, data).items()})


@dataclass(frozen=True)
class OutcomeAnalysis:
    """Everything computed for one outcome of one entry."""

    outcome: str
    definitions: tuple[str, ...]
    statistic: Statistic
    higher_is_better: bool
    studies: tuple[StudyEffect, ...]
    main: Pooled  # random effects when two or more studies are pooled, else the one study
    fixed: Pooled | None = None
    mantel_haenszel: Pooled | None = None
    heterogeneity: Heterogeneity | None = None
    sensitivity: Pooled | None = None  # random effects without high risk-of-bias studies
    sensitivity_removed: tuple[str, ...] = ()
    control_risk: float | None = None  # events / total over the control arms of pooled studies
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ratio(self) -> bool:
        return self.statistic in RATIO

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome, "definitions": list(self.definitions), "statistic": self.statistic,
            "statistic_name": STATISTIC_NAMES[self.statistic], "higher_is_better": self.higher_is_better,
            "studies": [s.to_dict() for s in self.studies], "pooled": self.main.to_dict(),
            "fixed": self.fixed.to_dict() if self.fixed else None,
            "mantel_haenszel": self.mantel_haenszel.to_dict() if self.mantel_haenszel else None,
            "heterogeneity": self.heterogeneity.to_dict() if self.heterogeneity else None,
            "sensitivity": ({**self.sensitivity.to_dict(), "removed": list(self.sensitivity_removed)}
                            if self.sensitivity else None),
            "control_risk": self.control_risk, "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "OutcomeAnalysis":
        def opt(key: str, kind: Any) -> Any:
            return kind.from_dict(data[key]) if data.get(key) else None

        sensitivity = data.get("sensitivity")
        return cls(outcome=data["outcome"], definitions=tuple(data["definitions"]), statistic=data["statistic"],
                   higher_is_better=data["higher_is_better"], studies=tuple(StudyEffect.from_dict(s) for s in data["studies"]),
                   main=Pooled.from_dict(data["pooled"]), fixed=opt("fixed", Pooled), mantel_haenszel=opt("mantel_haenszel", Pooled),
                   heterogeneity=opt("heterogeneity", Heterogeneity), sensitivity=opt("sensitivity", Pooled),
                   sensitivity_removed=tuple(sensitivity["removed"]) if sensitivity else (),
                   control_risk=data.get("control_risk"), notes=tuple(data.get("notes", ())))


@dataclass(frozen=True)
class EntryAnalysis:
    entry: str
    outcomes: tuple[OutcomeAnalysis, ...]

    def outcome(self, name: str) -> OutcomeAnalysis | None:
        return next((o for o in self.outcomes if o.outcome == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {"entry": self.entry, "outcomes": [o.to_dict() for o in self.outcomes]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "EntryAnalysis":
        return cls(data["entry"], tuple(OutcomeAnalysis.from_dict(o) for o in data["outcomes"]))
