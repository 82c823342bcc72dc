"""The KPI table printed at the end of a run: KPIs by group, in plain words with their
units, the mean and 95% interval formatted for people, the precision (± as a share of
the mean), and a flag on every KPI whose interval is wider than
``output.precision_warning`` with what to do about it."""

from __future__ import annotations

import math

import pandas as pd

from sim.analysis import stats
from sim.analysis.kpis import entry as kpi_entry
from sim.reporting import numbers

FLAG = "!"
OTHER = "Other KPIs"


def kpi_rows(summary: pd.DataFrame) -> list[tuple[str, str, str, pd.Series]]:
    """(group, label, unit, summary row) of every KPI, in table order."""
    rows = []
    for name, row in summary.iterrows():
        entry = kpi_entry(str(name))
        if entry is None:
            rows.append((OTHER, str(name), "", row))
        else:
            rows.append((entry.group, entry.label, entry.unit, row))
    groups = list(dict.fromkeys(group for group, *_ in rows))
    return sorted(rows, key=lambda r: groups.index(r[0]))


def labelled(label: str, unit: str) -> str:
    """``Mean wait for the doctor (min)``; no unit where the label says it (visits, shares in %)."""
    if not unit or unit == "share" or unit.lower() in label.lower():
        return label + (" (%)" if unit == "share" else "")
    return f"{label} ({numbers.unit_text(unit)})"


def precision_advice(threshold: float, replications: int | None = None) -> str:
    now = f" (now {replications})" if replications else ""
    return (
        f"{FLAG} the 95% interval is wider than ±{numbers.percent(threshold)} of the mean: raise "
        f"run.replications{now} or run with run.replications=auto (and run.target_precision="
        f"{threshold:g} or lower) until it is narrow enough"
    )


def kpi_table(summary: pd.DataFrame, threshold: float | None = 0.10, replications: int | None = None) -> str:
    """The summary (``sim.analysis.stats.summarise``) as aligned text, KPIs flagged
    where the relative half-width exceeds ``threshold`` (None: no flags)."""
    rows = kpi_rows(summary)
    flagged = stats.imprecise(summary, threshold) if threshold is not None else pd.Series(False, summary.index)
    width = max([30, *(2 + len(labelled(label, unit)) for _, label, unit, _ in rows)])  # labels are indented by 2
    header = f"{'':<{width}}  {'mean':>10}  {'95% interval':>24}  {'±':>7}"
    lines, group = [], None
    for (this_group, label, unit, row), flag in zip(rows, flagged.reindex([r[3].name for r in rows]), strict=True):
        if this_group != group:
            group = this_group
            lines += ["", f"{group:<{width}}" + header[width:] if not lines else f"{group:<{width}}" + header[width:]]
        mean = numbers.kpi_value(row["mean"], unit)
        interval = numbers.kpi_interval(row["mean"], row["ci_low"], row["ci_high"], unit)
        precision = "" if math.isnan(row["rel_half_width"]) else numbers.percent(row["rel_half_width"], 1)
        mark = f"  {FLAG}" if flag else ""
        lines.append(f"  {labelled(label, unit):<{width - 2}}  {mean:>10}  {interval:>24}  {precision:>7}{mark}")
    notes = ["", "± = half-width of the 95% interval as a share of the mean."]
    if flagged.any():
        notes.append(precision_advice(threshold, replications))
    if len(summary) and summary["n"].max() < 2:
        notes.append("One replication: no intervals. Run at least two (better: run.replications=auto).")
    return "\n".join(lines[1:] + notes)
