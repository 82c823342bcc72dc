"""Intervals across replications: Student-t intervals of KPIs and the summary table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.special import stdtrit


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


def summarise(kpis: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Mean, t-interval, standard deviation and relative half-width of every KPI
    column across replications (rows)."""
    rows = {
        name: t_interval(kpis[name].to_numpy(dtype=float), confidence) for name in kpis.columns if name != "replication"
    }
    columns = ["mean", "ci_low", "ci_high", "n", "sd", "half_width", "rel_half_width"]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)
