"""Figures of the complaint model: complaints by HCAT category and domain, by hour
and by month, and the Lorenz curve of complaints across doctors."""

from __future__ import annotations

import numpy as np

from sim.clock import MINUTES_PER_DAY
from sim.complaints import hcat
from sim.complaints.concentration import top_share

DOMAIN_COLOURS = {"clinical": "#e45756", "management": "#4c78a8", "relationships": "#54a24b"}


def _by_domain(result, ax) -> None:
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
    shares = ", ".join(f"{d} {summary['mean'].get(f'expected_complaints_{d}_share', np.nan):.0%}" for d in hcat.DOMAINS)
    ax.set_title(f"Complaints by HCAT category (domains: {shares})", fontsize="medium")
    for domain, colour in DOMAIN_COLOURS.items():
        ax.bar([np.nan], [np.nan], color=colour, label=f"{domain}: expected (95% CI)")
    ax.legend(fontsize="small")


def _by_hour(result, ax) -> None:
    data = result.figure_data
    hours = np.flatnonzero(data.came_by_hour)
    rate = 1000 * data.p_by_hour[hours] / data.came_by_hour[hours]
    ax.plot(hours, rate, "o-", color="#4c78a8", label="expected, by hour of arrival")
    ax.set_xlabel("hour of day")
    ax.set_ylabel("expected complaints per 1,000 visits")
    ax.set_title("Complaints by hour")
    complaints = result.complaints
    if len(complaints):
        made = ((complaints["time"] % MINUTES_PER_DAY) // 60).astype(int)
        onsite = made[complaints["channel"] == "onsite"].value_counts().sort_index()
        twin = ax.twinx()
        twin.bar(onsite.index, onsite.to_numpy(), alpha=0.3, color="#f58518", label="on-site complaints made (count)")
        twin.set_ylabel("on-site complaints made (all replications)")
        twin.legend(loc="upper right", fontsize="small")
    ax.legend(loc="upper left", fontsize="small")


def _by_month(result, ax) -> None:
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
    ax.set_title("Complaints by month")
    ax.legend(fontsize="small")


def lorenz(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(share of doctors, share of complaints) from the doctors with the fewest."""
    counts = np.sort(np.asarray(counts, dtype=float))
    total = counts.sum()
    y = np.concatenate([[0.0], np.cumsum(counts) / total]) if total > 0 else np.linspace(0, 1, len(counts) + 1)
    return np.linspace(0.0, 1.0, len(counts) + 1), y


def _lorenz(result, ax) -> None:
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
    ax.legend(fontsize="small")


FIGURE_SIZE = (7, 4.5)
FIGURES = {
    "complaints_by_domain.png": _by_domain,
    "complaints_by_hour.png": _by_hour,
    "complaints_by_month.png": _by_month,
    "complaints_lorenz.png": _lorenz,
}
