"""What every figure shares: titles and axis labels from the KPI catalogue (with their
units), shares drawn as percentages, clock times on time-of-day axes, and the
doctors' breaks (the lunch gap) shaded where no doctor is in session."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter  # noqa: E402

from sim.analysis import kpis  # noqa: E402
from sim.clock import format_clock  # noqa: E402

BLUE, ORANGE, GREEN, GREY, RED = "#4c78a8", "#f58518", "#54a24b", "#9d9d9d", "#e45756"
BREAK_COLOUR = "#bbbbbb"
BREAK_LABEL = "no doctor in session"


def kpi_title(name: str) -> str:
    """A KPI's label (its name when the catalogue does not know it)."""
    entry = kpis.entry(name)
    return entry.label if entry else name


def kpi_axis_label(name: str) -> str:
    """``Mean wait for the doctor (min)``; shares in %."""
    entry = kpis.entry(name)
    if entry is None:
        return name
    unit = "%" if entry.unit == "share" else entry.unit
    return f"{entry.label} ({unit})"


def is_share(name: str) -> bool:
    entry = kpis.entry(name)
    return entry is not None and entry.unit == "share"


def percent_axis(axis) -> None:
    """Values that are shares (0-1) shown as percentages on this axis (``ax.xaxis``/``ax.yaxis``)."""
    axis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))


def starts_at_zero(ax, bounds: tuple[float, float] | None = (0.0, float("inf"))) -> None:
    """A y-axis starting at zero, for quantities where zero means none."""
    if bounds is not None and bounds[0] == 0.0:
        ax.set_ylim(bottom=0.0)


def clock_axis(axis, hours: bool = True) -> None:
    """Ticks as clock times (8:00); the axis values are hours (or minutes) of the day."""
    scale = 60.0 if hours else 1.0
    axis.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 3, 4, 6, 10], integer=True))
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: format_clock(value * scale) if value >= 0 else ""))


def shade_breaks(ax, breaks: list[tuple[float, float]], hours: bool = True, label: bool = True) -> None:
    """Shade the doctors' breaks (minutes of the day) on a time-of-day axis."""
    scale = 60.0 if hours else 1.0
    for index, (start, end) in enumerate(breaks):
        ax.axvspan(
            start / scale,
            end / scale,
            color=BREAK_COLOUR,
            alpha=0.35,
            lw=0,
            zorder=0,
            label=BREAK_LABEL if label and index == 0 else None,
        )
