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
