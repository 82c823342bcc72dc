"""Intervals across replications: Student-t intervals, intervals that stay within a
KPI's natural bounds, and the summary table.

Replications are the independent units: each KPI's replication values are
summarised by their mean and a 95% interval for it. The plain t-interval (mean ±
t·s/√n) can leave a KPI's bounds when the spread is large next to the distance to a
bound (a share of 0.96 ± 0.11 reads [0.85, 1.07]; a complaint rate 0.4 ± 0.6 reads
[−0.2, 1.0]). ``bounded_interval`` therefore builds the same interval on a scale on
which the KPI is unbounded and maps it back (the delta method: the standard error
of g(mean) is g'(mean)·s/√n):

* a share, bounded on both sides (0 to 1): the logit scale, g(m) = log(m / (1 − m));
* a quantity bounded below only (a wait, a rate, a count ≥ 0): the log scale,
  g(m) = log(m − low);
* a quantity with no bounds (arrival against slot time): the t-interval as it is.

Such an interval always contains the mean, lies strictly inside the bounds when the
mean does, is asymmetric (longer on the side away from the bound), and is the
t-interval to first order when it is narrow. Wilson's interval for a proportion was
not used: it counts visits as independent trials, but visits of one day share its
queues, so the between-replication spread is the honest one (tests show the logit and
log intervals keep about 95% coverage on skewed cases).

The precision of a KPI, ``rel_half_width``, stays the t half-width over |mean| — the
quantity ``run.replications=auto`` drives below ``run.target_precision`` — so that a
run flagged as imprecise (``output.precision_warning``) is exactly one that
``run.replications=auto`` with that target would have continued.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.special import expit, logit, stdtrit

UNBOUNDED = (-math.inf, math.inf)


def t_quantile(probability: float, dof: float) -> float:
    """Quantile of Student's t distribution: ``scipy.special.stdtrit``, which is what
    ``scipy.stats.t.ppf`` computes, without importing ``scipy.stats`` (about 0.4 s
    of every command's start-up)."""
    return stdtrit(dof, probability)


def t_interval(values: np.ndarray, confidence: float = 0.95) -> dict[str, float]:
    """Mean, standard deviation and t-interval of independent values (NaNs dropped).

    ``rel_half_width`` is the half-width over |mean|: the precision the replication
    helper (``sim.analysis.precision``) aims at. Interval entries are NaN when n < 2.
    """
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    n = len(values)
    mean = float(values.mean()) if n else math.nan
    sd = half = math.nan
    if n >= 2:
        sd = float(values.std(ddof=1))
        half = float(t_quantile(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n))
    relative = math.nan
    if n >= 2:  # an interval of zero width is exact even around a zero mean
        relative = half / abs(mean) if mean != 0 else (0.0 if half == 0 else math.inf)
    return {
        "mean": mean,
        "ci_low": mean - half,
        "ci_high": mean + half,
        "n": n,
        "sd": sd,
        "half_width": half,
        "rel_half_width": relative,
    }


def bounded_interval(
    values: np.ndarray, bounds: tuple[float, float] = UNBOUNDED, confidence: float = 0.95
) -> dict[str, float]:
    """``t_interval``, with the interval built on the logit scale for a KPI bounded on
    both sides and on the log scale for one bounded below (or above) only, so that it
    never leaves ``bounds`` (see the module docstring). ``half_width`` and
    ``rel_half_width`` stay those of the t-interval (the precision)."""
    row = t_interval(values, confidence)
    low, high = bounds
    mean, half = row["mean"], row["half_width"]
    if math.isnan(half) or (math.isinf(low) and math.isinf(high)):
        return row
    if half == 0 or not low < mean < high:  # no spread, or every value on a bound
        row["ci_low"] = row["ci_high"] = mean
        return row
    if math.isfinite(low) and math.isfinite(high):
        width = high - low
        share = (mean - low) / width
        centre, spread = logit(share), half / width / (share * (1 - share))
        row["ci_low"] = low + width * float(expit(centre - spread))
        row["ci_high"] = low + width * float(expit(centre + spread))
    elif math.isfinite(low):
        distance = mean - low
        row["ci_low"] = low + distance * math.exp(-half / distance)
        row["ci_high"] = low + distance * math.exp(half / distance)
    else:
        distance = high - mean
        row["ci_low"] = high - distance * math.exp(half / distance)
        row["ci_high"] = high - distance * math.exp(-half / distance)
    return row


def kpi_bounds(name: str) -> tuple[float, float]:
    """A KPI's natural bounds from the catalogue (unbounded for names it does not know)."""
    from sim.analysis.kpis import describe

    try:
        return describe(name).bounds
    except KeyError:
        return UNBOUNDED


SUMMARY_COLUMNS = ["mean", "ci_low", "ci_high", "n", "sd", "half_width", "rel_half_width"]


def summarise(kpis: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Mean, interval within the KPI's bounds (``bounded_interval``), standard deviation,
    t half-width and relative half-width of every KPI column across replications (rows)."""
    rows = {
        name: bounded_interval(kpis[name].to_numpy(dtype=float), kpi_bounds(name), confidence)
        for name in kpis.columns
        if name != "replication"
    }
    return pd.DataFrame.from_dict(rows, orient="index", columns=SUMMARY_COLUMNS)


def imprecise(summary: pd.DataFrame, threshold: float) -> pd.Series:
    """Which KPIs of a summary are flagged: relative half-width above ``threshold``
    (``output.precision_warning``). KPIs without an interval (one replication, or
    undefined) are not flagged."""
    return summary["rel_half_width"].astype(float) > threshold
