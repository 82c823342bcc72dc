"""The run's figures of waits and stations (``sim.reporting.render`` draws them into
files). Each takes the run's result and a matplotlib Figure to draw on."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import numpy as np  # noqa: E402

from sim.analysis.stations import session_breaks, stations  # noqa: E402
from sim.engine.records import stage_names  # noqa: E402
from sim.reporting import figure_style as style  # noqa: E402


def breaks_of(result) -> list[tuple[float, float]]:
    """The doctors' breaks of the run's hospital (minutes of the day)."""
    return session_breaks(stations(result.config.hospital))


def waits_by_stage(result, fig) -> None:
    ax = fig.subplots()
    stages = stage_names(result.config.hospital)
    names = [f"wait_{s}_mean_min" for s in stages]
    summary = result.summary.reindex(names)
    mean = summary["mean"].to_numpy(dtype=float)
    low = np.nan_to_num(mean - summary["ci_low"].to_numpy(dtype=float))
    high = np.nan_to_num(summary["ci_high"].to_numpy(dtype=float) - mean)
    ax.bar(range(len(stages)), np.nan_to_num(mean), yerr=[low, high], capsize=3, color=style.BLUE)
    ax.set_xticks(range(len(stages)), [s.replace("_", " ") for s in stages], rotation=30, ha="right")
    ax.set_ylabel("mean wait (min), with 95% interval")
    ax.set_title("Mean wait at each stage of the visit")
    ax.set_ylim(bottom=0)


def waits_by_hour(result, fig) -> None:
    ax = fig.subplots()
    data = result.figure_data
    style.shade_breaks(ax, breaks_of(result))
    for department, total, count in zip(data.departments, data.wait_sum, data.wait_count, strict=True):
        hours = np.flatnonzero(count)
        if len(hours):
            ax.plot(hours + 0.5, total[hours] / count[hours], marker="o", ms=3, label=department.replace("_", " "))
    style.clock_axis(ax.xaxis)
    ax.set_xlabel("time of arrival (hour)")
    ax.set_ylabel("mean wait for the doctor (min)")
    ax.set_title("Wait for the doctor by hour of arrival")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize="small", ncol=2)


STATION_COLUMNS = 3


def station_timelines(result, fig) -> None:
    """One panel per station: patients waiting and patients being served over the day
    (mean, and the 10th-90th percentile band across days and replications), with the
    servers at work."""
    table = result.stations
    names = list(dict.fromkeys(table["station"]))
    if not names:
        return
    rows = int(np.ceil(len(names) / STATION_COLUMNS))
    axes = fig.subplots(rows, STATION_COLUMNS, squeeze=False, sharex=True, gridspec_kw=_station_margins(fig, rows))
    breaks = breaks_of(result)
    for ax, name in zip(axes.flat, names, strict=False):
        station = table[table["station"] == name]
        hour = (station["bin_start_min"].to_numpy() + 7.5) / 60.0
        style.shade_breaks(ax, breaks, label=False)
        ax.fill_between(hour, station["waiting_p10"], station["waiting_p90"], color=style.ORANGE, alpha=0.25, lw=0)
        ax.plot(hour, station["waiting_mean"], color=style.ORANGE, label="waiting")
        ax.fill_between(hour, station["busy_p10"], station["busy_p90"], color=style.BLUE, alpha=0.25, lw=0)
        ax.plot(hour, station["busy_mean"], color=style.BLUE, label="being served")
        ax.step(hour, station["servers_at_work"], where="mid", color="black", lw=0.8, ls="--", label="servers at work")
        ax.set_title(station["label"].iloc[0], fontsize="medium")
        ax.set_ylim(bottom=0)
        style.clock_axis(ax.xaxis)
    for empty in range(len(names), axes.size):
        axes.flat[empty].set_visible(False)
        if empty >= STATION_COLUMNS:  # the panel above an empty one is the last of its column: its clock
            axes.flat[empty - STATION_COLUMNS].xaxis.set_tick_params(labelbottom=True)
    for ax in axes[:, 0]:
        ax.set_ylabel("patients")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    if breaks:
        handles.append(matplotlib.patches.Patch(color=style.BREAK_COLOUR, alpha=0.35))
        labels.append(style.BREAK_LABEL)
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize="small", frameon=False)
    fig.suptitle(
        "Patients waiting and being served at each station over the day\n"
        "(mean per 15 minutes; band: 10th to 90th percentile across days and replications)",
        fontsize="medium",
        y=1 - 0.08 / fig.get_figheight(),
        va="top",
    )


# The station panels are drawn without a layout engine (render.FIGURES: layout None):
# their margins are known in inches, and matplotlib's constrained layout measured every
# tick label of nine panels twice, half the figure's cost.
PANEL_ROW_IN = 2.4
MARGINS_IN = {"left": 0.65, "right": 0.15, "top": 0.95, "bottom": 0.75}
PANEL_GAPS_IN = {"wspace": 0.55, "hspace": 0.6}


def station_figure_size(result) -> tuple[float, float]:
    count = len(stations(result.config.hospital))
    rows = int(np.ceil(count / STATION_COLUMNS))
    return (11.0, PANEL_ROW_IN * rows + MARGINS_IN["top"] + MARGINS_IN["bottom"] - PANEL_GAPS_IN["hspace"])


def _station_margins(fig, rows: int) -> dict[str, float]:
    """Subplot parameters (shares of the figure, gaps as shares of a panel) for
    ``rows`` rows of station panels on ``fig``, from margins in inches."""
    width, height = fig.get_size_inches()
    panel_width = (width - MARGINS_IN["left"] - MARGINS_IN["right"] - 2 * PANEL_GAPS_IN["wspace"]) / STATION_COLUMNS
    panel_height = (height - MARGINS_IN["top"] - MARGINS_IN["bottom"] - (rows - 1) * PANEL_GAPS_IN["hspace"]) / rows
    return {
        "left": MARGINS_IN["left"] / width,
        "right": 1 - MARGINS_IN["right"] / width,
        "top": 1 - MARGINS_IN["top"] / height,
        "bottom": MARGINS_IN["bottom"] / height,
        "wspace": PANEL_GAPS_IN["wspace"] / panel_width,
        "hspace": PANEL_GAPS_IN["hspace"] / panel_height,
    }
