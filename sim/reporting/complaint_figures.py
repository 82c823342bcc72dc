"""Figures of the complaint model: complaints by HCAT category and domain, by hour
and by month (when the run spans two months or more), and the Lorenz curve of
complaints across doctors. Each takes the run's result and a matplotlib Figure."""

from __future__ import annotations

import numpy as np

from sim.clock import MINUTES_PER_DAY
from sim.complaints import hcat
from sim.complaints.concentration import top_share
from sim.reporting import figure_style as style
from sim.reporting.run_figures import breaks_of

DOMAIN_COLOURS = {"clinical": "#e45756", "management": "#4c78a8", "relationships": "#54a24b"}


def by_domain(result, fig) -> None:
    ax = fig.subplots()
    summary = result.summary
    x = np.arange(len(hcat.CATEGORIES))
    expected = summary.reindex([f"expected_complaints_{c}_per_1000_visits" for c in hcat.CATEGORIES])
    realised = summary.reindex([f"complaints_{c}_per_1000_visits" for c in hcat.CATEGORIES])
    mean = expected["mean"].to_numpy(dtype=float)
    error = [
        np.nan_to_num(mean - expected["ci_low"].to_numpy(dtype=float)),
        np.nan_to_num(expected["ci_high"].to_numpy(dtype=float) - mean),
    ]
    colours = [DOMAIN_COLOURS[hcat.DOMAIN_OF[c]] for c in hcat.CATEGORIES]
    ax.bar(x, np.nan_to_num(mean), yerr=error, capsize=3, color=colours)
    ax.plot(x, realised["mean"].to_numpy(dtype=float), "k_", ms=14, mew=2, label="realised")
    ax.set_xticks(x, [hcat.CATEGORY_LABELS[c] for c in hcat.CATEGORIES], rotation=30, ha="right")
    ax.set_ylabel("complaints per 1,000 visits")
    ax.set_ylim(bottom=0)
    shares = ", ".join(f"{d} {summary['mean'].get(f'expected_complaints_{d}_share', np.nan):.0%}" for d in hcat.DOMAINS)
    ax.set_title(f"Complaints by HCAT category (share of expected complaints: {shares})", fontsize="medium")
    for domain, colour in DOMAIN_COLOURS.items():
        ax.bar([np.nan], [np.nan], color=colour, label=f"{domain}: expected, with 95% interval")
    ax.legend(fontsize="small")


def by_hour(result, fig) -> None:
    """Two panels, one y-axis each: the expected complaint rate by hour of arrival, and
    the on-site complaints made in each hour of the day."""
    rate_ax, made_ax = fig.subplots(2, 1, sharex=True)
    breaks = breaks_of(result)
    data = result.figure_data
    hours = np.flatnonzero(data.came_by_hour)
    rate = 1000 * data.p_by_hour[hours] / data.came_by_hour[hours]
    style.shade_breaks(rate_ax, breaks)
    rate_ax.plot(hours + 0.5, rate, "o-", color=style.BLUE, label="expected complaints, by hour of arrival")
    rate_ax.set_ylabel("per 1,000 visits")
    rate_ax.set_title("Expected complaints per 1,000 visits, by hour of arrival", fontsize="medium")
    rate_ax.set_ylim(bottom=0)
    rate_ax.legend(loc="upper right", fontsize="small")
    style.shade_breaks(made_ax, breaks, label=False)
    complaints = result.complaints
    with np.errstate(divide="ignore", invalid="ignore"):  # open days, from visits and visits per day
        days = max(1.0, float(np.nansum(result.kpis["visits"] / result.kpis["visits_per_day"])))
    if len(complaints):
        made = ((complaints["time"] % MINUTES_PER_DAY) // 60).astype(int)
        onsite = made[complaints["channel"] == "onsite"].value_counts().sort_index()
        made_ax.bar(onsite.index + 0.5, onsite.to_numpy() / days, width=0.8, color=style.ORANGE)
    made_ax.set_ylabel("per day")
    made_ax.set_title("On-site complaints made, by hour of the day (mean per simulated day)", fontsize="medium")
    made_ax.set_ylim(bottom=0)
    made_ax.set_xlabel("time of day (hour)")
    style.clock_axis(made_ax.xaxis)


def spans_two_months(result) -> bool:
    """Whether the run's visits fall in at least two calendar months."""
    return int(np.count_nonzero(result.figure_data.came_by_month)) >= 2


def by_month(result, fig) -> None:
    ax = fig.subplots()
    data = result.figure_data
    index = np.flatnonzero(data.came_by_month)
    month = index + 1
    expected = 1000 * data.p_by_month[index] / data.came_by_month[index]
    realised = 1000 * data.complaints_by_month[index] / data.came_by_month[index]
    width = 0.4
    ax.bar(month - width / 2, expected, width, color="#4c78a8", label="expected")
    ax.bar(month + width / 2, realised, width, color="#f58518", label="realised")
    ax.set_xticks(range(1, 13), ["J", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D"])
    ax.set_xlabel("month of the visit")
    ax.set_ylabel("complaints per 1,000 visits")
    ax.set_ylim(bottom=0)
    ax.set_title("Complaints per 1,000 visits by month")
    ax.legend(fontsize="small")


def lorenz(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(share of doctors, share of complaints) from the doctors with the fewest."""
    counts = np.sort(np.asarray(counts, dtype=float))
    total = counts.sum()
    y = np.concatenate([[0.0], np.cumsum(counts) / total]) if total > 0 else np.linspace(0, 1, len(counts) + 1)
    return np.linspace(0.0, 1.0, len(counts) + 1), y


def lorenz_curve(result, fig) -> None:
    ax = fig.subplots()
    data = result.figure_data
    for row, label, colour in ((1, "expected", "#4c78a8"), (2, "realised", "#f58518")):
        counts = data.doctor_totals(row)
        x, y = lorenz(counts)
        ax.plot(x, y, color=colour, label=f"{label}: top 10% draw {top_share(counts):.0%}")
    ax.plot([0, 1], [0, 1], "k:", lw=1, label="equal shares")
    ax.axvline(0.9, color="grey", lw=0.8)
    ax.set_xlabel("share of doctors (fewest complaints first; all replications)")
    ax.set_ylabel("share of complaints")
    ax.set_title("Concentration of complaints across doctors")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    style.percent_axis(ax.xaxis)
    style.percent_axis(ax.yaxis)
    ax.legend(fontsize="small")
