"""Figures of a sweep, drawn from its comparison table (``sim.runs.sweep_table``).

* ``kpis_by_scenario.png`` — each KPI's mean and 95% interval per job;
* ``differences.png`` — each job's change from its baseline, in % of the baseline,
  with the paired 95% interval; significant changes in colour;
* ``kpis_vs_<key>.png`` — the KPIs against each numeric swept parameter, one line per
  combination of the other swept values, 95% interval shaded.

Which KPIs: those named by ``compare.figure_kpis`` (or ``--kpis``), else the ones that
vary across the sweep (``varying_kpis``), so that a pharmacy sweep draws the pharmacy
wait rather than flat lines. Titles and axis labels come from the KPI catalogue,
with units; one y-axis per panel, from zero where zero means none.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.analysis import kpis  # noqa: E402
from sim.reporting import figure_style as style  # noqa: E402
from sim.runs import sweep_table as aggregate  # noqa: E402

BLUE, GREY, RED = style.BLUE, style.GREY, style.RED
FIGURE_KPIS = 6  # KPIs drawn when the user names none


def varying_kpis(table: pd.DataFrame, headline: list[str], limit: int = FIGURE_KPIS) -> list[str]:
    """The KPIs that vary across the sweep, at most ``limit``: first the headline KPIs
    that do, then the others by how much they vary. A KPI varies when some job differs
    significantly from its baseline, or (without baselines) when its means spread
    over more than the widest of their 95% intervals. Ranked by the largest
    significant relative change, else by the spread of the means over their mean."""
    scores = {}
    for kpi, rows in table.groupby("kpi", sort=False):
        means = rows["mean"].astype(float)
        if means.notna().sum() < 2 or not np.isfinite(means).any():
            continue
        significant = rows["significant"].fillna(False).astype(bool)
        if significant.any():
            scores[kpi] = float(rows.loc[significant, "relative_difference"].abs().max())
            continue
        spread = float(means.max() - means.min())
        noise = float((rows["ci_high"] - rows["ci_low"]).max())
        if spread > 0 and (not np.isfinite(noise) or spread > noise) and not rows["difference"].notna().any():
            scores[kpi] = spread / max(float(means.abs().mean()), 1e-12)
    chosen = [k for k in headline if k in scores]
    others = sorted((k for k in scores if k not in chosen), key=lambda k: -np.nan_to_num(scores[k]))
    picked = (chosen + others)[:limit]
    return picked or headline[:4]


def draw(table: pd.DataFrame, jobs: list[aggregate.Job], kpis: list[str], directory: Path) -> list[Path]:
    """Every figure the sweep supports, written into ``directory``; their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    complete = [job for job in jobs if job.status == aggregate.COMPLETE]
    varying = aggregate.varying_keys(complete)
    labels = {job.name: aggregate.label(job, varying) for job in complete}
    kpis = [k for k in kpis if k in set(table["kpi"])]
    if not kpis:
        return []
    paths = [_kpis_by_scenario(table, labels, kpis, directory / "kpis_by_scenario.png")]
    if table["difference"].notna().any():
        paths.append(_differences(table, labels, kpis, directory / "differences.png"))
    for key in varying:
        if pd.api.types.is_numeric_dtype(table[key]) and table[key].nunique() >= 2:
            others = [k for k in varying if k != key]
            paths.append(_against(table, key, others, kpis, directory / f"kpis_vs_{key.split('.')[-1]}.png"))
    return paths


def _grid(count: int, width: float, row_height: float):
    columns = 1 if count == 1 else 2
    rows = int(np.ceil(count / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(width, row_height * rows), layout="constrained", squeeze=False)
    for ax in axes.flat[count:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:count])


def _kpis_by_scenario(table, labels, kpis, path: Path) -> Path:
    names = list(labels)
    fig, axes = _grid(len(kpis), 11, 0.45 * len(names) + 1.5)
    for ax, kpi in zip(axes, kpis, strict=True):
        rows = table[table["kpi"] == kpi].set_index("job").reindex(names)
        mean = rows["mean"].to_numpy(dtype=float)
        err = np.nan_to_num([mean - rows["ci_low"].to_numpy(dtype=float), rows["ci_high"].to_numpy(dtype=float) - mean])
        is_base = rows["baseline_job"].astype(object).eq(pd.Series(names, index=rows.index)).to_numpy()
        y = np.arange(len(names))
        ax.errorbar(mean, y, xerr=err, fmt="o", color=BLUE, ecolor=BLUE, capsize=3)
        ax.scatter(mean[is_base], y[is_base], color="black", zorder=3, label="baseline")
        _scenario_axis(ax, y, names, labels, kpi)
        _value_axis(ax, kpi, "x")
    fig.suptitle("KPIs per scenario: mean and 95% interval over replications")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _scenario_axis(ax, y, names, labels, kpi: str) -> None:
    """One scenario per row, first at the top, titled by the KPI."""
    ax.set_yticks(y, [labels[n] for n in names], fontsize="small")
    ax.invert_yaxis()
    ax.set_title(style.kpi_axis_label(kpi), fontsize="medium")
    ax.grid(axis="x", alpha=0.3)


def _value_axis(ax, kpi: str, axis: str = "x") -> None:
    """From zero for a KPI bounded below by zero; shares in %."""
    entry = kpis.entry(kpi)
    target = ax.xaxis if axis == "x" else ax.yaxis
    if entry is not None and entry.bounds[0] == 0.0:
        if axis == "x":
            ax.set_xlim(left=0.0)
        else:
            ax.set_ylim(bottom=0.0)
    if style.is_share(kpi):
        style.percent_axis(target)


def _differences(table, labels, kpis, path: Path) -> Path:
    compared = table[table["difference"].notna()]
    names = [n for n in labels if n in set(compared["job"])]
    fig, axes = _grid(len(kpis), 11, 0.45 * len(names) + 1.5)
    for ax, kpi in zip(axes, kpis, strict=True):
        rows = compared[compared["kpi"] == kpi].set_index("job").reindex(names)
        base = rows["baseline_mean"].abs().to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            centre = 100 * rows["difference"].to_numpy(dtype=float) / base
            low = 100 * rows["difference_ci_low"].to_numpy(dtype=float) / base
            high = 100 * rows["difference_ci_high"].to_numpy(dtype=float) / base
        significant = rows["significant"].fillna(False).to_numpy(dtype=bool)
        y = np.arange(len(names))
        for i in range(len(names)):
            if np.isfinite(centre[i]):
                colour = RED if significant[i] else GREY
                ax.errorbar(
                    centre[i],
                    y[i],
                    xerr=[[centre[i] - low[i]], [high[i] - centre[i]]],
                    fmt="o",
                    color=colour,
                    capsize=3,
                )
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlabel("change from baseline (% of baseline mean)")
        _scenario_axis(ax, y, names, labels, kpi)
    fig.suptitle("Difference from baseline with paired 95% interval (red: significant)")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _against(table, key: str, others: list[str], kpis, path: Path) -> Path:
    fig, axes = _grid(len(kpis), 11, 3.2)
    for ax, kpi in zip(axes, kpis, strict=True):
        rows = table[table["kpi"] == kpi]
        groups = rows.groupby(others, dropna=False) if others else [((), rows)]
        for name, group in groups:
            group = group.sort_values(key)
            x = group[key].to_numpy(dtype=float)
            ax.plot(x, group["mean"], marker="o", ms=4, label=_legend(others, name))
            ax.fill_between(x, group["ci_low"].to_numpy(dtype=float), group["ci_high"].to_numpy(dtype=float), alpha=0.2)
        ax.set_xlabel(key)
        ax.set_title(style.kpi_axis_label(kpi), fontsize="medium")
        _value_axis(ax, kpi, "y")
        ax.grid(alpha=0.3)
        if others:
            ax.legend(fontsize="x-small")
    fig.suptitle(f"KPIs against {key}: mean and 95% interval")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _legend(keys: list[str], values) -> str:
    values = values if isinstance(values, tuple) else (values,)
    return ", ".join(f"{k.split('.')[-1]}={v}" for k, v in zip(keys, values, strict=False))
