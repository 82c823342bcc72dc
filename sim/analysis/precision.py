"""How many replications? The confidence-interval method.

A KPI's precision after n replications is the half-width of its 95% t-interval
relative to the mean. The confidence-interval method (Robinson, *Simulation: The
Practice of Model Development and Use*; Hoad, Robinson & Davies 2010, JORS 61:1632)
adds replications until that relative half-width falls to a target, e.g. 5%.

Two uses:

* ``precision_table`` / ``replications_needed`` analyse replications already run
  (one KPI column): the cumulative interval after 1, 2, … n replications and the
  first n that reaches the target.
* ``run.replications=auto`` (``sim.runs.replications.run_until_precise``) runs ``run.min_replications``,
  then more in batches — each sized by projecting the current mean and standard
  deviation to the n whose interval would be narrow enough, but at most doubling the
  count, since a few replications estimate the spread poorly — until every KPI in
  ``run.precision_kpis`` reaches ``run.target_precision`` or ``run.max_replications``
  is hit.

Replication r always draws from its own streams, so running replications in batches
gives exactly the tables of running the same number in one go. Stopping when the
interval is narrow enough makes its coverage slightly below nominal (Law, *Simulation
Modeling and Analysis*, §9.4.1); the precision reached is recorded in provenance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis import stats
from sim.analysis.stats import t_quantile

__all__ = ["describe", "precision_table", "replications_needed", "projected_replications"]


def precision_table(values, confidence: float = 0.95) -> pd.DataFrame:
    """Cumulative mean, interval and relative half-width after each replication
    (row n uses replications 1..n)."""
    values = np.asarray(values, dtype=float)
    rows = [stats.t_interval(values[:n], confidence) for n in range(1, len(values) + 1)]
    table = pd.DataFrame(rows, index=pd.RangeIndex(1, len(values) + 1, name="replications"))
    return table[["mean", "ci_low", "ci_high", "sd", "rel_half_width"]]


def replications_needed(values, target: float, confidence: float = 0.95, lookahead: int = 0) -> int | None:
    """The smallest n whose cumulative relative half-width is <= ``target`` and stays
    so for the next ``lookahead`` replications; None when the values given never get
    there (run more)."""
    precision = precision_table(values, confidence)["rel_half_width"].to_numpy()
    for n in range(2, len(precision) + 1):
        window = precision[n - 1 : n + lookahead]
        if len(window) == lookahead + 1 and np.all(window <= target):
            return n
    return None


def projected_replications(values: np.ndarray, target: float, confidence: float, cap: int) -> int:
    """The smallest m <= cap with t(m-1)·s/√m <= target·|mean| for the current mean
    and standard deviation s (Law's n*(γ)); cap when none."""
    n = len(values)
    mean, sd = float(values.mean()), float(values.std(ddof=1))
    if sd == 0:
        return n
    m = np.arange(max(2, n), cap + 1)
    ok = t_quantile(0.5 + confidence / 2, m - 1) * sd / np.sqrt(m) <= target * abs(mean)
    return int(m[ok][0]) if ok.any() else cap


def describe(rule: dict) -> str:
    """One line for the terminal and the report."""
    achieved = ", ".join(f"{name} {value:.1%}" for name, value in rule["precision"].items())
    if rule["reached"]:
        return (
            f"replications=auto: {rule['replications_run']} replications reached the target relative "
            f"half-width {rule['target_precision']:.1%} ({achieved})"
        )
    return (
        f"replications=auto: stopped at the cap of {rule['max_replications']} replications without reaching "
        f"the target relative half-width {rule['target_precision']:.1%} ({achieved}); "
        "raise run.max_replications or run longer days"
    )
