"""Numbers people understand, from a pooled result and the control group's risk.

Patients: "About 1 more person in 6 responded ... (low certainty)", the number needed to
treat (or to harm, for stopping because of side effects) only when the interval excludes
no effect; otherwise the range in people per 100, and never "no benefit". Professionals:
the statistic with its 95% interval, I², k studies, n participants and the method. Every
sentence carries the certainty rating.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rxcombo.evidence.model import Certainty
from rxcombo.evidence.plot import fmt, interval
from rxcombo.evidence.results import OutcomeAnalysis

VERBS = {
    "response": "responded to treatment",
    "remission": "recovered fully (remission)",
    "dropout-adverse-events": "stopped treatment because of side effects",
    "dropout-any": "stopped treatment for any reason",
    "relapse": "relapsed",
}
SCALES = {"hamd": "the depression rating scale (HAM-D)", "madrs": "the depression rating scale (MADRS)",
          "hama": "the anxiety rating scale (HAM-A)"}
REASONS = ("risk_of_bias", "inconsistency", "imprecision", "indirectness", "publication_bias")


@dataclass(frozen=True)
class NumberNeeded:
    """Number needed to treat (benefit) or to harm, from the pooled risk ratio and control risk."""

    kind: str  # "NNT" or "NNH"
    value: int
    risk_difference: float  # intervention risk minus control risk


def certainty_words(certainty: Certainty | None) -> str:
    return f"{certainty.rating.replace('-', ' ')} certainty" if certainty else "certainty not rated"


def certainty_reasons(certainty: Certainty | None) -> str:
    """"risk of bias: open-label; imprecision: wide interval" (the reasons the entry gives)."""
    if certainty is None:
        return ""
    reasons = certainty.reasons
    return "; ".join(f"{name.replace('_', ' ')}: {getattr(reasons, name)}" for name in REASONS if getattr(reasons, name))


def _clear(analysis: OutcomeAnalysis) -> bool:
    """The interval excludes no effect."""
    main = analysis.main
    if not (math.isfinite(main.ci_low) and math.isfinite(main.ci_high)):
        return False
    null = 1.0 if analysis.ratio else 0.0
    return main.ci_low > null or main.ci_high < null


def number_needed(analysis: OutcomeAnalysis) -> NumberNeeded | None:
    """NNT where the intervention clearly does more good, NNH where it clearly does more harm;
    None when the interval includes no effect or there is no control risk."""
    main = analysis.main
    if analysis.statistic != "risk-ratio" or analysis.control_risk is None or not _clear(analysis):
        return None
    difference = analysis.control_risk * (main.estimate - 1)
    if abs(difference) < 1e-9:
        return None
    good = (difference > 0) == analysis.higher_is_better
    return NumberNeeded("NNT" if good else "NNH", math.ceil(1 / abs(difference)), difference)


def plain(analysis: OutcomeAnalysis, certainty: Certainty | None, combination: str = "the combination",
          control: str = "the comparison treatment") -> str:
    """One or two sentences for patients."""
    cert = certainty_words(certainty)
    main = analysis.main
    if not math.isfinite(main.estimate):
        return f"The studies could not give a number for this outcome ({cert})."
    if analysis.statistic == "risk-ratio" and analysis.control_risk is not None:
        verb = VERBS.get(analysis.outcome, f"had the outcome '{analysis.outcome}'")
        base = analysis.control_risk * 100
        low, high = base * (main.ci_low - 1), base * (main.ci_high - 1)
        with_it = base * main.estimate
        numbers = f"about {base:.0f} in 100 people {verb} with {control} and about {with_it:.0f} in 100 with {combination}"
        nn = number_needed(analysis)
        if nn is not None:
            more = "more" if nn.risk_difference > 0 else "fewer"
            return f"About 1 {more} person in {nn.value} {verb} with {combination} ({cert}): {numbers}."
        return (f"The studies cannot tell whether more or fewer people {verb} with {combination} ({cert}): "
                f"{numbers}, but the results fit anything from {_people(low)} to {_people(high)} in 100.")
    if analysis.statistic == "smd":
        scale = SCALES.get(analysis.outcome, f"the {analysis.outcome} scale")
        size = abs(main.estimate)
        words = "little or no" if size < 0.2 else "a small" if size < 0.5 else "a moderate" if size < 0.8 else "a large"
        if _clear(analysis):
            side = "better" if main.estimate > 0 else "worse"
            return f"Scores on {scale} were {side} with {combination}: {words} difference ({cert})."
        return f"The studies cannot tell whether scores on {scale} were better or worse with {combination} ({cert})."
    return f"{analysis.outcome}: {interval(main.estimate, main.ci_low, main.ci_high)} ({cert})."


def _people(value: float) -> str:
    rounded = round(value)
    if rounded == 0:
        return "no difference"
    return f"{abs(rounded)} {'more' if rounded > 0 else 'fewer'}"


def professional(analysis: OutcomeAnalysis, certainty: Certainty | None) -> str:
    """The statistic, its interval, heterogeneity, k, n, method and the certainty with reasons."""
    main = analysis.main
    name = {"risk-ratio": "RR", "odds-ratio": "OR", "smd": "SMD (Hedges' g)", "mean-difference": "MD"}[analysis.statistic]
    parts = [f"{name} {interval(main.estimate, main.ci_low, main.ci_high).replace(' (', ' (95% CI ')}"]
    if analysis.heterogeneity is not None:
        het = analysis.heterogeneity
        parts.append(f"I\u00b2 = {het.i2 * 100:.0f}%, \u03c4\u00b2 = {het.tau2:.3f}")
    k = "1 study" if main.k == 1 else f"{main.k} studies"
    parts.append(f"{k}, {main.n} participants" + (" (not pooled)" if main.method == "single-study" else ""))
    if main.method != "single-study":
        parts.append(main.method_name)
    text = "; ".join(parts) + "."
    if analysis.mantel_haenszel is not None:
        mh = analysis.mantel_haenszel
        text += f" Mantel-Haenszel fixed-effect RR {interval(mh.estimate, mh.ci_low, mh.ci_high).replace(' (', ' (95% CI ')}."
    if analysis.sensitivity is not None:
        s = analysis.sensitivity
        text += (f" Without the {len(analysis.sensitivity_removed)} high risk-of-bias "
                 f"{'study' if len(analysis.sensitivity_removed) == 1 else 'studies'}: {name} "
                 f"{interval(s.estimate, s.ci_low, s.ci_high).replace(' (', ' (95% CI ')} ({s.k} studies).")
    nn = number_needed(analysis)
    if nn is not None and analysis.control_risk is not None:
        text += (f" {nn.kind} {nn.value} at a control risk of {analysis.control_risk * 100:.0f}% "
                 f"(risk difference {fmt(nn.risk_difference * 100)} per 100).")
    reasons = certainty_reasons(certainty)
    text += f" Certainty: {certainty_words(certainty).replace(' certainty', '')}" + (f" ({reasons})." if reasons else ".")
    return text
