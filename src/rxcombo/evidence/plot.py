"""Forest plots as SVG from a template (``templates/forest.svg``), no plotting library.

One row per study (label, numbers per arm, a square sized by its weight and a line for
its 95% interval, the estimate as text), a diamond for the pooled estimate, the line of
no effect, a log scale for ratios and an axis labelled "favours ..." in words. Every
number is also in the text and in ``<desc>``, so the plot reads in greyscale and to a
screen reader. The same analysis always gives the same bytes.
"""

from __future__ import annotations

import math
from functools import lru_cache
from jinja2 import Environment, PackageLoader

from rxcombo.evidence.results import OutcomeAnalysis, StudyEffect

RATIO_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
OUTCOME_NAMES = {
    "response": "response", "remission": "remission", "dropout-adverse-events": "stopping because of side effects",
    "dropout-any": "stopping for any reason", "hamd": "HAM-D score", "hama": "HAM-A score", "madrs": "MADRS score",
}
WIDTH, ROW, TOP = 820, 24, 34
PLOT_LEFT, PLOT_RIGHT = 330, 560


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=PackageLoader("rxcombo", "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


def outcome_name(outcome: str) -> str:
    return OUTCOME_NAMES.get(outcome, outcome)


def fmt(value: float) -> str:
    """Two decimals, a true minus sign; "n/a" when not computable."""
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value:.2f}".replace("-", "\u2212")


def interval(estimate: float, low: float, high: float) -> str:
    return f"{fmt(estimate)} ({fmt(low)} to {fmt(high)})"


def _bounds(analysis: OutcomeAnalysis) -> tuple[float, float]:
    values = [v for s in analysis.studies for v in (s.ci_low, s.ci_high) if math.isfinite(v)]
    values += [v for v in (analysis.main.ci_low, analysis.main.ci_high) if math.isfinite(v)]
    if analysis.ratio:
        values = [v for v in values if v > 0] + [1.0]
        low = max([t for t in RATIO_TICKS if t <= min(values)] or [RATIO_TICKS[0]])
        high = min([t for t in RATIO_TICKS if t >= max(values)] or [RATIO_TICKS[-1]])
        low, high = max(low, 0.05), min(high, 20.0)  # wider intervals are clipped with an arrow
        return (low, high) if low < 1.0 < high else (min(low, 0.5), max(high, 2.0))
    values.append(0.0)
    low, high = math.floor(min(values) * 2) / 2, math.ceil(max(values) * 2) / 2
    low, high = max(low, -3.0), min(high, 3.0)
    return (min(low, -0.5), max(high, 0.5))


def _ticks(analysis: OutcomeAnalysis, low: float, high: float) -> list[float]:
    if analysis.ratio:
        return [t for t in RATIO_TICKS if low <= t <= high]
    step = 0.5 if high - low <= 3 else 1.0
    count = int(round((high - low) / step))
    return [round(low + i * step, 2) for i in range(count + 1)]


def forest_svg(analysis: OutcomeAnalysis, intervention: str = "the combination", uid: str = "forest",
               title: str | None = None) -> str:
    """The forest plot of one outcome as a standalone SVG document (no XML declaration: it can be inlined)."""
    low, high = _bounds(analysis)
    scale = (lambda v: math.log(v)) if analysis.ratio else (lambda v: v)

    def x(value: float) -> float:
        value = min(max(value, low), high)
        return round(PLOT_LEFT + (scale(value) - scale(low)) / (scale(high) - scale(low)) * (PLOT_RIGHT - PLOT_LEFT), 1)

    events = analysis.studies[0].events_intervention is not None if analysis.studies else True
    rows = []
    for i, s in enumerate(analysis.studies):
        y = TOP + 12 + i * ROW
        drawn = math.isfinite(s.estimate) and math.isfinite(s.ci_low) and math.isfinite(s.ci_high)
        weight = s.weight_random
        half = 4.0 + (8.0 * math.sqrt(weight / 100) if weight is not None else 2.0)
        rows.append({
            "y": y, "label": s.label + (" *" if s.corrected else ""),
            "n_i": _arm_text(s, True, events), "n_c": _arm_text(s, False, events),
            "drawn": drawn, "x": x(s.estimate) if drawn else 0, "x_low": x(s.ci_low) if drawn else 0,
            "x_high": x(s.ci_high) if drawn else 0, "half": round(half, 1),
            "clip_low": drawn and s.ci_low < low, "clip_high": drawn and s.ci_high > high,
            "text": interval(s.estimate, s.ci_low, s.ci_high) if drawn else "not estimable",
            "weight": f"{weight:.1f}%" if weight is not None else ("" if s.pooled else "not pooled"),
        })
    pooled = None
    y = TOP + 12 + len(rows) * ROW
    main = analysis.main
    if main.method != "single-study" and math.isfinite(main.estimate):
        het = analysis.heterogeneity
        note = f"{main.method_name}; {main.k} studies, {main.n} participants"
        if het is not None:
            note += f"; I\u00b2 = {het.i2 * 100:.0f}%, \u03c4\u00b2 = {het.tau2:.3f}, Q = {het.q:.2f} (p = {het.p:.2f})"
        pooled = {"y": y + 6, "label": "Pooled", "n_i": _total(analysis.studies, True, events),
                  "n_c": _total(analysis.studies, False, events), "x": x(main.estimate), "x_low": x(main.ci_low),
                  "x_high": x(main.ci_high), "text": interval(main.estimate, main.ci_low, main.ci_high), "note": note}
        y += ROW + 10
    axis_y = y + 6
    null_x = x(1.0 if analysis.ratio else 0.0)
    benefit_right = analysis.higher_is_better or not analysis.ratio
    favours_i, favours_c = f"Favours {intervention}", "Favours control"
    stat_label = "Risk ratio, log scale" if analysis.statistic == "risk-ratio" else (
        "Odds ratio, log scale" if analysis.statistic == "odds-ratio" else "Hedges' g")
    name = outcome_name(analysis.outcome)
    notes = [pooled["note"]] if pooled else ["One study: not pooled."]
    if any(s.corrected for s in analysis.studies):
        notes.append("* A zero cell: 0.5 was added to each cell of that study (continuity correction).")
    if any(not s.pooled for s in analysis.studies):
        notes.append("Studies with no events (or only events) in both arms are shown but not pooled.")
    context = {
        "notes": notes, "uid": uid, "width": WIDTH, "height": axis_y + 48 + 16 * len(notes), "header_y": 18, "top": TOP, "rows": rows, "pooled": pooled,
        "col_i": 230, "col_c": 310, "col_est": 580, "plot_left": PLOT_LEFT, "plot_right": PLOT_RIGHT,
        "head_i": "Intervention" if not events else "Int. n/N", "head_c": "Control" if not events else "Ctrl n/N",
        "statistic_label": stat_label, "axis_y": axis_y, "null_x": null_x,
        "ticks": [{"x": x(t), "label": _tick_label(t)} for t in _ticks(analysis, low, high)],
        "left_label": favours_c if benefit_right else favours_i, "right_label": favours_i if benefit_right else favours_c,
        "title": title or f"Forest plot: {name}",
        "desc": describe(analysis),
    }
    return _environment().get_template("forest.svg").render(**context)


def describe(analysis: OutcomeAnalysis) -> str:
    """The plot's numbers in words (its ``<desc>``)."""
    stat = {"risk-ratio": "Risk ratio", "odds-ratio": "Odds ratio", "smd": "Standardised mean difference (Hedges' g)",
            "mean-difference": "Mean difference"}[analysis.statistic]
    parts = [f"{stat} with 95% confidence interval for {outcome_name(analysis.outcome)}, per study:"]
    parts.append("; ".join(f"{s.label}: {interval(s.estimate, s.ci_low, s.ci_high) if math.isfinite(s.estimate) else 'not estimable'}"
                           for s in analysis.studies) + ".")
    main = analysis.main
    if main.method != "single-study" and math.isfinite(main.estimate):
        parts.append(f"Pooled ({main.method_name}): {interval(main.estimate, main.ci_low, main.ci_high)}.")
        if analysis.heterogeneity is not None:
            parts.append(f"I\u00b2 {analysis.heterogeneity.i2 * 100:.0f}%.")
    direction = "higher" if (analysis.higher_is_better or not analysis.ratio) else "lower"
    parts.append(f"Values {direction} than {'1' if analysis.ratio else '0'} favour the intervention.")
    if any(s.corrected for s in analysis.studies):
        parts.append("* a zero cell: 0.5 added to each cell.")
    return " ".join(parts)


def _tick_label(value: float) -> str:
    return (f"{value:g}" if value >= 0 else f"\u2212{-value:g}")


def _arm_text(s: StudyEffect, intervention: bool, events: bool) -> str:
    if events:
        return f"{s.events_intervention}/{s.n_intervention}" if intervention else f"{s.events_control}/{s.n_control}"
    return str(s.n_intervention if intervention else s.n_control)


def _total(studies: tuple[StudyEffect, ...], intervention: bool, events: bool) -> str:
    used = [s for s in studies if s.pooled]
    n = sum(s.n_intervention if intervention else s.n_control for s in used)
    if events:
        e = sum((s.events_intervention if intervention else s.events_control) or 0 for s in used)
        return f"{e}/{n}"
    return str(n)


def svg_filename(entry_id: str, outcome: str) -> str:
    return f"forest-{entry_id}-{outcome}.svg"

