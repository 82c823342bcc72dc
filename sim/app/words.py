"""KPIs in plain words for the page's cards: a value with its unit, its 95% interval,
and the paired difference from baseline as a sentence ("3.2 min shorter than
baseline (95% interval 2.1 to 4.3 shorter)"). Labels, units and which direction is
better come from the KPI catalogue (``sim.analysis.kpis``)."""

from __future__ import annotations

import math

from sim.analysis.kpis import Better, describe

# the cards, in order: waits, the doctors' day, complaints
HEADLINE = [
    "wait_doctor_mean_min",
    "time_in_system_mean_min",
    "wait_pharmacy_mean_min",
    "left_without_being_seen_share",
    "doctor_idle_per_session_min",
    "doctor_overtime_per_day_min",
    "expected_complaints_per_1000_visits",
    "expected_complaints_top10_doctors_share",
]
COMPARED = [*HEADLINE, "wait_consultation_mean_min", "doctor_utilisation", "wait_imaging_mean_min"]


def value_text(name: str, value: float) -> str:
    """``12.3 min``, ``4.5%``, ``0.38 per 1,000 visits``; ``–`` when undefined."""
    if value is None or not math.isfinite(value):
        return "–"
    unit = describe(name).unit
    if unit == "min":
        return f"{value:.1f} min"
    if unit == "share":
        return f"{100 * value:.1f}%"
    if unit == "per 1,000 visits":
        return f"{value:.2f} per 1,000 visits"
    return f"{value:,.3g} {unit}".strip()


def amount_text(name: str, amount: float) -> str:
    """A size of difference: ``3.2 min``, ``2.1 percentage points``, ``0.05 per 1,000 visits``."""
    unit = describe(name).unit
    amount = abs(amount)
    if unit == "min":
        return f"{amount:.1f} min"
    if unit == "share":
        return f"{100 * amount:.1f} percentage points"
    if unit == "per 1,000 visits":
        return f"{amount:.2f} per 1,000 visits"
    return f"{amount:,.3g} {unit}".strip()


def interval_text(name: str, low: float, high: float) -> str:
    """The 95% interval, cut to the KPI's natural bounds (no negative waits or rates,
    no share above 100%)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "no interval (it needs at least 2 replications)"
    floor, ceiling = describe(name).bounds
    low, high = max(low, floor), min(high, ceiling)
    return f"95% interval {value_text(name, low)} to {value_text(name, high)}"


def _direction(name: str, sign: float) -> str:
    if describe(name).unit == "min":
        return "longer" if sign > 0 else "shorter"
    return "higher" if sign > 0 else "lower"


def difference_text(name: str, difference: dict) -> str:
    """The paired difference scenario − baseline (``sim.analysis.compare.paired_difference``)
    as a sentence."""
    mean, low, high = difference["difference"], difference["difference_ci_low"], difference["difference_ci_high"]
    if not math.isfinite(mean):
        return "not defined in one of the runs"
    if not (math.isfinite(low) and math.isfinite(high)):
        return f"{amount_text(name, mean)} {_direction(name, mean)} than baseline (no interval: 2+ replications needed)"
    if low == high == mean == 0:
        return "the same as baseline"
    if not difference["significant"]:
        return (
            f"no clear change from baseline (95% interval from {amount_text(name, low)} "
            f"{_direction(name, low)} to {amount_text(name, high)} {_direction(name, high)})"
        )
    return (
        f"{amount_text(name, mean)} {_direction(name, mean)} than baseline "
        f"(95% interval {amount_text(name, min(abs(low), abs(high)))} to {amount_text(name, max(abs(low), abs(high)))} "
        f"{_direction(name, mean)})"
    )


def verdict(name: str, difference: dict) -> str:
    """``better``, ``worse`` or ``unclear`` (no significant change, or no better direction)."""
    better = describe(name).better
    if not difference.get("significant") or better == Better.NONE:
        return "unclear"
    lower = difference["difference"] < 0
    return "better" if lower == (better == Better.LOWER) else "worse"


def label(name: str) -> str:
    return describe(name).label
