"""Effect sizes and pooled estimates computed from an entry's study data with statsmodels.

Per study: the risk ratio from events/total (``effectsize_2proportions``, log scale) or the
standardised mean difference, Hedges' g (``effectsize_smd``), signed so that a positive
value favours the intervention. Pooling: ``combine_effects`` with the DerSimonian-Laird
random-effects variance (tau², Q, I²) and the fixed inverse-variance result; the
Mantel-Haenszel risk ratio and odds ratio from ``StratifiedTable``.

Zero cells: a study with no events (or only events) in an arm gets 0.5 added to each cell,
as ``effectsize_2proportions(zero_correction=0.5)`` does (passed for that study only: the
library would otherwise add 0.5 to the counts of every study); a study with no events (or only
events) in both arms says nothing about a ratio and is shown but not pooled. The
Mantel-Haenszel estimates need no correction. statsmodels 0.15 does not truncate the
DerSimonian-Laird tau² at zero; a negative estimate is reported as 0 (the usual
convention), which makes the random-effects result equal the fixed one.

Everything here is a pure function of the entry; results are frozen dataclasses.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Literal

import numpy as np
from scipy import stats
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.meta_analysis import combine_effects, effectsize_2proportions, effectsize_smd

from rxcombo.evidence.model import EvidenceEntry, Outcome, Study
from rxcombo.evidence.results import RATIO, EntryAnalysis, Heterogeneity, OutcomeAnalysis, Pooled, Statistic, StudyEffect

Z = float(stats.norm.isf(0.025))  # 95% intervals
ZERO_CORRECTION = 0.5


def study_label(entry: EvidenceEntry, study: Study) -> str:
    """First author's surname and year ("Trivedi 2006"), else the study id."""
    source = entry.sources[study.source]
    if source.authors:
        surname = source.authors.split(",")[0].strip().split(" ")[0]
        return f"{surname} {source.year}" if source.year else surname
    return study.id


def _arms(study: Study, outcome: Outcome) -> tuple[Any, Any]:
    return outcome.arms[study.comparison.intervention], outcome.arms[study.comparison.control]


def study_effect(entry: EvidenceEntry, study: Study, outcome: Outcome) -> StudyEffect:
    """The study's risk ratio (events) or Hedges' g (continuous) for the outcome."""
    i, c = _arms(study, outcome)
    common = dict(study=study.id, label=study_label(entry, study),
                  intervention=study.arm(study.comparison.intervention).label,
                  control=study.arm(study.comparison.control).label, risk_of_bias=study.risk_of_bias.rating)
    if outcome.measure == "events":
        double = (i.events == 0 and c.events == 0) or (i.events == i.total and c.events == c.total)
        single = not double and (i.events in (0, i.total) or c.events in (0, c.total))
        if double:
            eff, var = math.nan, math.nan
        else:
            # statsmodels 0.15 adds zero_correction to the counts of every study it is given (only the
            # totals are masked), so it is passed only for a study that has a zero cell.
            arr = effectsize_2proportions(np.array([i.events]), np.array([i.total]), np.array([c.events]), np.array([c.total]),
                                          statistic="risk-ratio", zero_correction=ZERO_CORRECTION if single else None)
            eff, var = float(arr[0][0]), float(arr[1][0])
        low, high = (math.exp(eff - Z * math.sqrt(var)), math.exp(eff + Z * math.sqrt(var))) if not double else (math.nan, math.nan)
        return StudyEffect(**common, n_intervention=i.total, n_control=c.total, events_intervention=i.events,
                           events_control=c.events, estimate=math.exp(eff) if not double else math.nan, ci_low=low, ci_high=high,
                           effect=eff, variance=var, corrected=single, pooled=not double)
    g, var = effectsize_smd(i.mean, i.sd, i.n, c.mean, c.sd, c.n)
    g = float(g) if outcome.better_higher else -float(g)
    var = float(var)
    return StudyEffect(**common, n_intervention=i.n, n_control=c.n, events_intervention=None, events_control=None,
                       estimate=g, ci_low=g - Z * math.sqrt(var), ci_high=g + Z * math.sqrt(var), effect=g, variance=var)


def _natural(statistic: Statistic, value: float) -> float:
    return math.exp(value) if statistic in RATIO else value


def pool_inverse_variance(effects: tuple[StudyEffect, ...], statistic: Statistic) -> tuple[Pooled, Pooled, Heterogeneity, list[float], list[float]]:
    """DerSimonian-Laird random effects and fixed inverse variance over two or more studies.

    Returns (random, fixed, heterogeneity, random weights %, fixed weights %)."""
    eff = np.array([e.effect for e in effects])
    var = np.array([e.variance for e in effects])
    with np.errstate(all="ignore"):  # statsmodels computes HKSJ scales we do not use; they may be nan
        res = combine_effects(eff, var, method_re="dl", use_t=False)
    k = len(effects)
    tau2 = float(res.tau2)
    q = float(res.q)
    w_fixed = 1 / var
    if tau2 <= 0:  # not truncated by statsmodels: the DL estimate is max(0, .)
        tau2 = 0.0
        mean_re, se_re = float(res.mean_effect_fe), float(res.sd_eff_w_fe)
        w_random = w_fixed
    else:
        mean_re, se_re = float(res.mean_effect_re), float(res.sd_eff_w_re)
        w_random = 1 / (var + tau2)
    mean_fe, se_fe = float(res.mean_effect_fe), float(res.sd_eff_w_fe)
    n = sum(e.n for e in effects)
    ids = tuple(e.study for e in effects)
    random = Pooled("dersimonian-laird-random", statistic, _natural(statistic, mean_re), _natural(statistic, mean_re - Z * se_re),
                    _natural(statistic, mean_re + Z * se_re), k, n, ids)
    fixed = Pooled("inverse-variance-fixed", statistic, _natural(statistic, mean_fe), _natural(statistic, mean_fe - Z * se_fe),
                   _natural(statistic, mean_fe + Z * se_fe), k, n, ids)
    df = k - 1
    heterogeneity = Heterogeneity(tau2=tau2, q=q, df=df, p=float(stats.chi2.sf(q, df)), i2=max(0.0, (q - df) / q) if q > 0 else 0.0)
    return (random, fixed, heterogeneity, [float(w) for w in 100 * w_random / w_random.sum()],
            [float(w) for w in 100 * w_fixed / w_fixed.sum()])


def pool_mantel_haenszel(effects: tuple[StudyEffect, ...], statistic: Literal["risk-ratio", "odds-ratio"]) -> Pooled:
    """Mantel-Haenszel fixed-effect risk ratio or odds ratio (StratifiedTable) with its 95% interval.

    statsmodels gives the odds ratio's interval (Robins-Breslow-Greenland); for the risk ratio it
    gives the estimate only, so its interval uses the Greenland-Robins variance of log RR_MH."""
    tables = [np.array([[e.events_intervention, e.n_intervention - e.events_intervention],
                        [e.events_control, e.n_control - e.events_control]]) for e in effects]
    table = StratifiedTable(tables)
    if statistic == "odds-ratio":
        low, high = table.oddsratio_pooled_confint()
        estimate = float(table.oddsratio_pooled)
    else:
        estimate = float(table.riskratio_pooled)
        a, n1 = np.array([e.events_intervention for e in effects], float), np.array([e.n_intervention for e in effects], float)
        c, n2 = np.array([e.events_control for e in effects], float), np.array([e.n_control for e in effects], float)
        big_n = n1 + n2
        r = np.sum(a * n2 / big_n)
        s = np.sum(c * n1 / big_n)
        var = np.sum((n1 * n2 * (a + c) - a * c * big_n) / big_n**2) / (r * s)
        low, high = math.exp(math.log(estimate) - Z * math.sqrt(var)), math.exp(math.log(estimate) + Z * math.sqrt(var))
    return Pooled("mantel-haenszel-fixed", statistic, estimate, float(low), float(high), len(effects),
                  sum(e.n for e in effects), tuple(e.study for e in effects))


def pool_dersimonian_laird_mh(effects: tuple[StudyEffect, ...], statistic: Literal["risk-ratio", "odds-ratio"]) -> Pooled:
    """DerSimonian-Laird random effects whose heterogeneity Q is measured around the
    Mantel-Haenszel estimate rather than the inverse-variance one: what RevMan 5 (and so most
    Cochrane reviews) reports as "M-H, Random". tau² = max(0, (Q - df) / (sum w - sum w² / sum w))
    with w = 1 / variance of each study's log ratio; the pooled log ratio weights each study by
    1 / (variance + tau²)."""
    eff = np.array([e.effect for e in effects])
    var = np.array([e.variance for e in effects])
    centre = math.log(pool_mantel_haenszel(effects, statistic).estimate)
    w = 1 / var
    q = float(np.sum(w * (eff - centre) ** 2))
    tau2 = max(0.0, (q - (len(effects) - 1)) / float(w.sum() - (w**2).sum() / w.sum()))
    w_random = 1 / (var + tau2)
    mean = float(np.sum(w_random * eff) / w_random.sum())
    se = math.sqrt(1 / float(w_random.sum()))
    return Pooled("dersimonian-laird-random-mh", statistic, math.exp(mean), math.exp(mean - Z * se), math.exp(mean + Z * se),
                  len(effects), sum(e.n for e in effects), tuple(e.study for e in effects))


def _single(effect: StudyEffect, statistic: Statistic) -> Pooled:
    return Pooled("single-study", statistic, effect.estimate, effect.ci_low, effect.ci_high, 1, effect.n, (effect.study,))


def analyse_outcome(entry: EvidenceEntry, outcome: str) -> OutcomeAnalysis:
    """Per-study effects, pooled estimates, heterogeneity and the sensitivity analysis for one outcome."""
    pairs = [(s, o) for s in entry.studies for o in s.outcomes if o.outcome == outcome]
    measure = pairs[0][1].measure
    higher = pairs[0][1].better_higher
    statistic: Statistic = "risk-ratio" if measure == "events" else "smd"
    notes: list[str] = []
    if any(o.measure != measure for _, o in pairs):
        pairs = [(s, o) for s, o in pairs if o.measure == measure]
        notes.append(f"studies that report {outcome} on another kind of measure are left out")
    effects = tuple(study_effect(entry, s, o) for s, o in pairs)
    usable = tuple(e for e in effects if e.pooled)
    for e in effects:
        if not e.pooled:
            notes.append(f"{e.label}: no events (or only events) in both arms, so it is shown but not pooled")
        elif e.corrected:
            notes.append(f"{e.label}: a zero cell, so 0.5 was added to each cell for its risk ratio (statsmodels' continuity correction)")
    control_risk = None
    if measure == "events" and usable:
        control_risk = sum(e.events_control or 0 for e in usable) / sum(e.n_control for e in usable)
    if len(usable) < 2:
        main = _single(usable[0], statistic) if usable else Pooled("single-study", statistic, math.nan, math.nan, math.nan, 0, 0, ())
        return OutcomeAnalysis(outcome, tuple(dict.fromkeys(o.definition for _, o in pairs)), statistic, higher, effects, main,
                               control_risk=control_risk, notes=tuple(notes))
    random, fixed, het, w_random, w_fixed = pool_inverse_variance(usable, statistic)
    weights = {e.study: (wr, wf) for e, wr, wf in zip(usable, w_random, w_fixed)}
    effects = tuple(_with_weights(e, weights.get(e.study)) for e in effects)
    mh = pool_mantel_haenszel(usable, "risk-ratio") if measure == "events" else None
    kept = tuple(e for e in usable if e.risk_of_bias != "high")
    sensitivity, removed = None, ()
    if len(kept) >= 2 and len(kept) < len(usable):
        sensitivity = pool_inverse_variance(kept, statistic)[0]
        removed = tuple(e.study for e in usable if e.risk_of_bias == "high")
    return OutcomeAnalysis(outcome, tuple(dict.fromkeys(o.definition for _, o in pairs)), statistic, higher, effects, random,
                           fixed=fixed, mantel_haenszel=mh, heterogeneity=het, sensitivity=sensitivity,
                           sensitivity_removed=removed, control_risk=control_risk, notes=tuple(notes))


def _with_weights(effect: StudyEffect, weights: tuple[float, float] | None) -> StudyEffect:
    if weights is None:
        return effect
    return replace(effect, weight_random=weights[0], weight_fixed=weights[1])


def analyse(entry: EvidenceEntry) -> EntryAnalysis:
    """Every outcome of the entry, in the order the studies report them."""
    return EntryAnalysis(entry.id, tuple(analyse_outcome(entry, o) for o in entry.outcomes()))


def reproduce(entry: EvidenceEntry, index: int) -> Pooled:
    """Recompute the entry's ``published_pooled[index]`` from its included studies, with the
    published method and statistic. Mean differences and SMDs keep the papers' usual sign:
    intervention minus control."""
    published = entry.published_pooled[index]
    pairs = [(entry.study(sid), next(o for o in entry.study(sid).outcomes if o.outcome == published.outcome))
             for sid in published.studies]
    statistic = published.statistic
    if statistic in RATIO:
        effects = tuple(e for e in (study_effect(entry, s, o) for s, o in pairs) if e.pooled)
        if published.method == "mantel-haenszel-fixed":
            return pool_mantel_haenszel(effects, statistic)  # type: ignore[arg-type]
        if statistic == "odds-ratio":
            effects = tuple(_log_odds(e) for e in effects)
        if published.method == "dersimonian-laird-random-mh":
            return pool_dersimonian_laird_mh(effects, statistic)  # type: ignore[arg-type]
    else:
        effects = tuple(_difference(entry, s, o, statistic) for s, o in pairs)
    if len(effects) == 1:
        return _single(effects[0], statistic)
    random, fixed, *_ = pool_inverse_variance(effects, statistic)
    return random if published.method == "dersimonian-laird-random" else fixed


def _log_odds(effect: StudyEffect) -> StudyEffect:
    arr = effectsize_2proportions(np.array([effect.events_intervention]), np.array([effect.n_intervention]),
                                  np.array([effect.events_control]), np.array([effect.n_control]),
                                  statistic="odds-ratio", zero_correction=ZERO_CORRECTION if effect.corrected else None)
    eff, var = float(arr[0][0]), float(arr[1][0])
    return replace(effect, effect=eff, variance=var, estimate=math.exp(eff))


def _difference(entry: EvidenceEntry, study: Study, outcome: Outcome, statistic: Statistic) -> StudyEffect:
    """Intervention minus control, unsigned by direction of benefit (SMD: Hedges' g; MD: raw)."""
    i, c = _arms(study, outcome)
    base = study_effect(entry, study, outcome)
    if statistic == "smd":
        g, var = effectsize_smd(i.mean, i.sd, i.n, c.mean, c.sd, c.n)
        eff, var = float(g), float(var)
    else:
        eff, var = i.mean - c.mean, i.sd**2 / i.n + c.sd**2 / c.n
    return replace(base, effect=eff, variance=var, estimate=eff, ci_low=eff - Z * math.sqrt(var), ci_high=eff + Z * math.sqrt(var))
