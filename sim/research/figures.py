"""Figures of the research tools, each written to a PNG file.

* sensitivity: ``morris_<output>.png`` (μ* against σ, each parameter a point with the
  bootstrap interval of its μ*) and ``sobol_<output>.png`` (first- and total-order
  indices with their intervals);
* PDCA: ``complaint_rate_by_cycle.png`` (the complaint rate of the scenario kept after
  each cycle, and of each change tried, with 95% intervals);
* optimisation: ``pareto_front.png`` (Optuna's plot of the trials' objectives, the
  Pareto-optimal ones highlighted).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

BLUE, ORANGE, GREY, RED, GREEN = "#4c78a8", "#f58518", "#9d9d9d", "#e45756", "#54a24b"
DPI = 110


def _save(fig, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def morris(table: pd.DataFrame, output_label: str, path: Path) -> Path:
    """μ*–σ plot of one output's Morris screening (``table``: its rows)."""
    fig, ax = plt.subplots(figsize=(8, 6), layout="constrained")
    kept = table["kept"].to_numpy(dtype=bool)
    mu, sigma = table["mu_star"].to_numpy(dtype=float), table["sigma"].to_numpy(dtype=float)
    error = np.clip(
        [mu - table["mu_star_ci_low"].to_numpy(dtype=float), table["mu_star_ci_high"].to_numpy(dtype=float) - mu],
        0,
        None,
    )
    for mask, colour, name in ((kept, BLUE, "kept for Sobol"), (~kept, GREY, "fixed at the hospital's value")):
        if mask.any():
            ax.errorbar(
                mu[mask],
                sigma[mask],
                xerr=error[:, mask],
                fmt="o",
                color=colour,
                ecolor=colour,
                alpha=0.85,
                capsize=2,
                label=name,
            )
    top = max(mu.max(initial=0), sigma.max(initial=0)) * 1.05 or 1.0
    ax.plot([0, top], [0, top], ls="--", color=GREY, lw=1, label="σ = μ*: non-linear or interacting above")
    order = np.argsort(-mu)
    for rank, i in enumerate(order):
        if rank < 10 and mu[i] > 0:
            ax.annotate(
                table["label"].iloc[i], (mu[i], sigma[i]), xytext=(4, 3), textcoords="offset points", fontsize=7
            )
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(f"μ*: mean absolute elementary effect on {output_label}")
    ax.set_ylabel("σ: spread of the elementary effects")
    ax.set_title(
        f"Morris screening: {output_label}\n(bars: 95% bootstrap interval of μ*; the 10 largest labelled)", fontsize=10
    )
    ax.legend(fontsize=8, loc="upper left")
    return _save(fig, path)


def sobol(table: pd.DataFrame, output_label: str, path: Path) -> Path:
    """First- and total-order Sobol indices of one output, largest total order on top."""
    rows = table.sort_values("ST", kind="stable")
    y = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.5 * len(rows)), layout="constrained")
    for offset, index, colour, name in (
        (0.2, "S1", BLUE, "first order S1 (alone)"),
        (-0.2, "ST", ORANGE, "total order ST (with interactions)"),
    ):
        value = rows[index].to_numpy(dtype=float)
        error = np.clip(
            [
                value - rows[f"{index}_ci_low"].to_numpy(dtype=float),
                rows[f"{index}_ci_high"].to_numpy(dtype=float) - value,
            ],
            0,
            None,
        )
        ax.barh(
            y + offset,
            value,
            height=0.38,
            color=colour,
            label=name,
            xerr=error,
            capsize=2,
            error_kw={"ecolor": "#444444", "lw": 1},
        )
    ax.set_yticks(y, rows["label"])
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("share of the output's variance")
    ax.set_title(f"Sobol indices: {output_label}\n(bars: 95% bootstrap intervals)", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    return _save(fig, path)


def pdca(cycles: pd.DataFrame, baseline: tuple[float, float, float], kpi_label: str, path: Path) -> Path:
    """Above: the complaint rate of the scenario kept after each cycle (line, 95% band)
    and of the change each cycle tried (green kept, red reverted). Below: each change's
    paired difference from the scenario it was tried on, with its 95% interval: what
    Check decided on. ``baseline``: (mean, low, high) of the scenario as configured."""
    fig, (top, bottom) = plt.subplots(
        2,
        1,
        figsize=(9, 4.5 + 0.35 * len(cycles)),
        layout="constrained",
        height_ratios=[3, 1 + 0.3 * len(cycles)],
    )
    x = np.arange(len(cycles) + 1)
    mean = np.array([baseline[0], *cycles["kpi_after"]], dtype=float)
    low = np.array([baseline[1], *cycles["kpi_after_ci_low"]], dtype=float)
    high = np.array([baseline[2], *cycles["kpi_after_ci_high"]], dtype=float)
    top.plot(x, mean, "-o", color=BLUE, label="scenario kept after the cycle (band: 95% interval)")
    top.fill_between(x, low, high, color=BLUE, alpha=0.12, lw=0)
    colours = [GREEN if decision == "kept" else RED for decision in cycles["decision"]]
    top.scatter(cycles["cycle"], cycles["kpi_tried"], marker="s", c=colours, zorder=3, s=30)
    top.scatter([], [], marker="s", color=GREEN, label="change tried and kept")
    top.scatter([], [], marker="s", color=RED, label="change tried and reverted")
    top.set_xticks(x, ["as configured", *[f"cycle {c}" for c in cycles["cycle"]]])
    top.set_ylabel(kpi_label)
    top.set_title(f"{kpi_label} by PDCA cycle", fontsize=10)
    top.legend(fontsize=8, loc="best")

    rows = cycles.iloc[::-1]
    y = np.arange(len(rows))
    error = np.clip(
        [rows["difference"] - rows["difference_ci_low"], rows["difference_ci_high"] - rows["difference"]], 0, None
    )
    for i, (row, colour) in enumerate(zip(rows.itertuples(), colours[::-1], strict=True)):
        bottom.errorbar(row.difference, y[i], xerr=error[:, [i]], fmt="s", color=colour, capsize=3)
    bottom.axvline(0, color="black", lw=0.8)
    bottom.set_yticks(y, [f"{r.cycle}: {r.cause} → {r.change}" for r in rows.itertuples()], fontsize=8)
    bottom.set_xlabel("change tried − scenario it was tried on (paired by replication, 95% interval)")
    return _save(fig, path)


def pareto_front(study, target_names: list[str], targets: dict[int, float], path: Path) -> Path | None:
    """Optuna's Pareto-front plot of the trials' objectives (two or three of them; None
    for one): feasible Pareto-optimal trials highlighted, infeasible ones apart.
    ``targets``: objective index -> its target, drawn as a dashed line (two objectives)."""
    import warnings

    import optuna
    from optuna.visualization.matplotlib import plot_pareto_front

    if len(target_names) not in (2, 3):
        return None
    # Optuna sets its own style sheet for the whole process: keep it to this figure
    with matplotlib.rc_context(), warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        ax = plot_pareto_front(study, target_names=target_names)
        fig = ax.figure
        fig.set_size_inches(8, 6)
        if len(target_names) == 2:
            for index, value in targets.items():
                line = ax.axvline if index == 0 else ax.axhline
                line(value, ls="--", color=GREY, lw=1)
                ax.annotate(
                    f"target {value:g}",
                    xy=(value, 1) if index == 0 else (1, value),
                    xycoords=("data", "axes fraction") if index == 0 else ("axes fraction", "data"),
                    ha="right",
                    va="bottom",
                    fontsize=8,
                    color="#555555",
                )
        ax.set_title("Trials by objective (Best Trial: Pareto-optimal among those meeting every target)", fontsize=10)
        fig.tight_layout()
        return _save(fig, path)
