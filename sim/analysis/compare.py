"""Scenario comparison: each scenario's difference from a baseline, per KPI, with a
95% interval, and whether it is significant.

Scenarios run with the same seed share common random numbers: replication r of every
scenario sees the same arrivals, patients and base service lengths (``sim.streams``),
so the difference scenario − baseline is computed replication by replication and its
t-interval (a paired interval) is free of most of the day-to-day noise that both
share. Runs with different seeds are independent: their difference gets Welch's
interval instead. A difference is significant when its interval excludes zero.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.analysis import stats
from sim.analysis.stats import t_quantile

COLUMNS = [
    "kpi",
    "baseline_mean",
    "scenario_mean",
    "difference",
    "difference_ci_low",
    "difference_ci_high",
    "relative_difference",
    "significant",
    "paired",
    "n",
]


def paired_difference(baseline, scenario, confidence: float = 0.95) -> dict:
    """Mean of scenario − baseline over replications that share random numbers (values
    aligned by replication; pairs with a NaN dropped) and its t-interval."""
    baseline, scenario = np.asarray(baseline, dtype=float), np.asarray(scenario, dtype=float)
    keep = ~(np.isnan(baseline) | np.isnan(scenario))
    interval = stats.t_interval(scenario[keep] - baseline[keep], confidence)
    return _row(
        baseline[keep],
        scenario[keep],
        interval["mean"],
        interval["ci_low"],
        interval["ci_high"],
        paired=True,
        n=interval["n"],
    )


def independent_difference(baseline, scenario, confidence: float = 0.95) -> dict:
    """Difference of means of two independent samples and Welch's t-interval."""
    baseline = np.asarray(baseline, dtype=float)
    scenario = np.asarray(scenario, dtype=float)
    baseline, scenario = baseline[~np.isnan(baseline)], scenario[~np.isnan(scenario)]
    n_b, n_s = len(baseline), len(scenario)
    difference = float(scenario.mean() - baseline.mean()) if n_b and n_s else math.nan
    low = high = math.nan
    if n_b >= 2 and n_s >= 2:
        var_b, var_s = baseline.var(ddof=1) / n_b, scenario.var(ddof=1) / n_s
        se = math.sqrt(var_b + var_s)
        if se == 0:
            low = high = difference
        else:
            dof = (var_b + var_s) ** 2 / (var_b**2 / (n_b - 1) + var_s**2 / (n_s - 1))
            half = float(t_quantile(0.5 + confidence / 2, dof) * se)
            low, high = difference - half, difference + half
    return _row(baseline, scenario, difference, low, high, paired=False, n=min(n_b, n_s))


def _row(baseline, scenario, difference, low, high, paired: bool, n: int) -> dict:
    base_mean = float(baseline.mean()) if len(baseline) else math.nan
    relative = difference / abs(base_mean) if base_mean and np.isfinite(base_mean) else math.nan
    significant = bool(np.isfinite(low) and (low > 0 or high < 0))
    return {
        "baseline_mean": base_mean,
        "scenario_mean": float(scenario.mean()) if len(scenario) else math.nan,
        "difference": difference,
        "difference_ci_low": low,
        "difference_ci_high": high,
        "relative_difference": relative,
        "significant": significant,
        "paired": paired,
        "n": n,
    }


def differences(
    baseline_kpis: pd.DataFrame, scenario_kpis: pd.DataFrame, paired: bool = True, confidence: float = 0.95
) -> pd.DataFrame:
    """One row per KPI the two KPI tables (one row per replication) share.

    ``paired``: the runs used the same seed, so replication r of one is paired with
    replication r of the other (only replications both have are used).
    """
    names = [c for c in baseline_kpis.columns if c != "replication" and c in scenario_kpis.columns]
    if paired:
        both = baseline_kpis.merge(scenario_kpis, on="replication", suffixes=("_base", "_scen"))
        rows = [
            {"kpi": name, **paired_difference(both[f"{name}_base"], both[f"{name}_scen"], confidence)} for name in names
        ]
    else:
        rows = [
            {"kpi": name, **independent_difference(baseline_kpis[name], scenario_kpis[name], confidence)}
            for name in names
        ]
    return pd.DataFrame(rows, columns=COLUMNS)


def relative_change(baseline, scenario, paired: bool = True, confidence: float = 0.95) -> dict:
    """Scenario mean / baseline mean − 1 and its interval by Fieller's theorem: the
    ratios ρ for which the t-test of "scenario − ρ × baseline has mean zero" does not
    reject. At ρ = 1 that test is the difference's test (``paired_difference``, or
    Welch's for independent runs, whose degrees of freedom it keeps), so the change is
    significant exactly when the difference is, and unlike the difference's interval
    over the baseline mean the interval counts the baseline's own uncertainty. NaN
    when the baseline mean is not itself clearly away from zero (the interval would be
    unbounded)."""
    baseline, scenario = np.asarray(baseline, dtype=float), np.asarray(scenario, dtype=float)
    if paired:
        keep = ~(np.isnan(baseline) | np.isnan(scenario))
        baseline, scenario = baseline[keep], scenario[keep]
        difference = paired_difference(baseline, scenario, confidence)
    else:
        baseline, scenario = baseline[~np.isnan(baseline)], scenario[~np.isnan(scenario)]
        difference = independent_difference(baseline, scenario, confidence)
    n_b, n_s = len(baseline), len(scenario)
    if not n_b or not n_s or baseline.mean() == 0:
        return {"relative": math.nan, "ci_low": math.nan, "ci_high": math.nan}
    m_b, m_s = float(baseline.mean()), float(scenario.mean())
    out = {"relative": m_s / m_b - 1, "ci_low": math.nan, "ci_high": math.nan}
    if min(n_b, n_s) < 2:
        return out
    v_bb, v_ss = baseline.var(ddof=1) / n_b, scenario.var(ddof=1) / n_s
    v_sb = float(np.cov(scenario, baseline, ddof=1)[0, 1]) / n_s if paired else 0.0
    # the degrees of freedom of the difference's test (Welch's at ratio 1 when independent)
    dof = n_s - 1 if paired else _welch_dof(v_bb, v_ss, n_b, n_s)
    t2 = float(t_quantile(0.5 + confidence / 2, dof)) ** 2
    # (m_s - r m_b)^2 <= t^2 (v_ss - 2 r v_sb + r^2 v_bb): a r^2 + b r + c <= 0
    a = m_b**2 - t2 * v_bb
    b = -2 * (m_s * m_b - t2 * v_sb)
    c = m_s**2 - t2 * v_ss
    discriminant = b * b - 4 * a * c
    if a <= 0 or discriminant < 0:  # the baseline mean is not clearly away from zero
        return out
    root = math.sqrt(discriminant)
    low, high = sorted(((-b - root) / (2 * a), (-b + root) / (2 * a)))
    if difference["difference_ci_low"] == difference["difference_ci_high"]:  # no spread: exact
        low = high = m_s / m_b
    out.update(ci_low=low - 1, ci_high=high - 1)
    return out


def _welch_dof(v_b: float, v_s: float, n_b: int, n_s: int) -> float:
    if v_b + v_s == 0:
        return n_b + n_s - 2
    return (v_b + v_s) ** 2 / (v_b**2 / (n_b - 1) + v_s**2 / (n_s - 1))
