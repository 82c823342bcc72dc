"""How many replications? The confidence-interval method.

A KPI's precision after n replications is the half-width of its 95% t-interval
relative to the mean. The confidence-interval method (Robinson, *Simulation: The
Practice of Model Development and Use*; Hoad, Robinson & Davies 2010, JORS 61:1632)
adds replications until that relative half-width falls to a target, e.g. 5%.

Two uses:

* ``precision_table`` / ``replications_needed`` analyse replications already run
  (one KPI column): the cumulative interval after 1, 2, … n replications and the
  first n that reaches the target.
* ``run_until_precise`` is ``run.replications=auto``: it runs ``run.min_replications``,
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

import math

import numpy as np
import pandas as pd

from sim.analysis import kpis as metrics
from sim.analysis.kpis import t_quantile
from sim.config.compose import AUTO, ConfigError
from sim.runs import runners
from sim.schema import Config

__all__ = ["AUTO", "precision_table", "replications_needed", "run_until_precise"]


def precision_table(values, confidence: float = 0.95) -> pd.DataFrame:
    """Cumulative mean, interval and relative half-width after each replication
    (row n uses replications 1..n)."""
    values = np.asarray(values, dtype=float)
    rows = [metrics.t_interval(values[:n], confidence) for n in range(1, len(values) + 1)]
    table = pd.DataFrame(rows, index=pd.RangeIndex(1, len(values) + 1, name="replications"))
    return table[["mean", "ci_low", "ci_high", "sd", "rel_half_width"]]


def replications_needed(values, target: float, confidence: float = 0.95, lookahead: int = 0) -> int | None:
    """The smallest n whose cumulative relative half-width is <= ``target`` and stays
    so for the next ``lookahead`` replications; None when the values given never get
    there (run more)."""
    precision = precision_table(values, confidence)["rel_half_width"].to_numpy()
    for n in range(2, len(precision) + 1):
        window = precision[n - 1:n + lookahead]
        if len(window) == lookahead + 1 and np.all(window <= target):
            return n
    return None


def _projected(values: np.ndarray, target: float, confidence: float, cap: int) -> int:
    """The smallest m <= cap with t(m-1)·s/√m <= target·|mean| for the current mean
    and standard deviation s (Law's n*(γ)); cap when none."""
    n = len(values)
    mean, sd = float(values.mean()), float(values.std(ddof=1))
    if sd == 0:
        return n
    m = np.arange(max(2, n), cap + 1)
    ok = t_quantile(0.5 + confidence / 2, m - 1) * sd / np.sqrt(m) <= target * abs(mean)
    return int(m[ok][0]) if ok.any() else cap


def _precision(kpis: pd.DataFrame, names: list[str]) -> dict[str, float]:
    missing = [name for name in names if name not in kpis.columns]
    if missing:
        known = ", ".join(c for c in kpis.columns if c != "replication")
        raise ConfigError([f"run.precision_kpis: no KPI named {', '.join(missing)}; KPIs of this run: {known}"])
    precision = {name: metrics.t_interval(kpis[name].to_numpy(dtype=float))["rel_half_width"] for name in names}
    undefined = [name for name, value in precision.items() if math.isnan(value)]
    if undefined:
        raise ConfigError([f"run.precision_kpis: {', '.join(undefined)} is undefined in this scenario "
                           "(no visit counted towards it): choose another KPI"])
    return precision


def run_until_precise(cfg: Config, progress: bool = False, stream_to=None):
    """``run.replications=auto``: (outputs in replication order, record of the rule)."""
    from sim.runs.replications import run_replications  # experiment imports this module

    run = cfg.run
    outputs, history = [], []
    wanted = run.min_replications
    with runners.open_executor(cfg, run.max_replications) as executor:
        while True:
            outputs += run_replications(cfg, progress, range(len(outputs), wanted), executor, stream_to)
            kpis = pd.DataFrame([o.kpis for o in outputs])
            precision = _precision(kpis, list(run.precision_kpis))
            history.append({"replications": len(outputs), "precision": precision})
            reached = all(value <= run.target_precision for value in precision.values())
            if reached or len(outputs) >= run.max_replications:
                break
            projected = max(_projected(kpis[name].dropna().to_numpy(dtype=float), run.target_precision, 0.95,
                                       run.max_replications) for name in run.precision_kpis)
            # a few replications estimate the spread poorly: at most double each time
            wanted = min(run.max_replications, 2 * len(outputs), max(len(outputs) + 1, projected))
    rule = {"replications": AUTO, "target_precision": run.target_precision,
            "precision_kpis": list(run.precision_kpis), "min_replications": run.min_replications,
            "max_replications": run.max_replications, "replications_run": len(outputs),
            "reached": reached, "precision": precision, "history": history}
    return outputs, rule


def describe(rule: dict) -> str:
    """One line for the terminal and the report."""
    achieved = ", ".join(f"{name} {value:.1%}" for name, value in rule["precision"].items())
    if rule["reached"]:
        return (f"replications=auto: {rule['replications_run']} replications reached the target relative "
                f"half-width {rule['target_precision']:.1%} ({achieved})")
    return (f"replications=auto: stopped at the cap of {rule['max_replications']} replications without reaching "
            f"the target relative half-width {rule['target_precision']:.1%} ({achieved}); "
            "raise run.max_replications or run longer days")
