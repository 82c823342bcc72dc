"""Numbers for people: KPI values in their unit, with thousands separators, about three
significant figures, never in scientific notation; shares as percentages; clock
times as 17:05. An interval takes the decimals of its mean, so the two line up."""

from __future__ import annotations

import math

from sim.clock import format_clock

DASH = "–"
CLOCK_UNIT = "min after midnight"
SIGNIFICANT = 3
MAX_DECIMALS = 4


def _finite(value) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def decimals(value: float, significant: int = SIGNIFICANT) -> int:
    """Decimals that show ``value`` to about ``significant`` figures (0 for large
    numbers, at most ``MAX_DECIMALS``)."""
    if not _finite(value) or value == 0:
        return 0
    magnitude = math.floor(math.log10(abs(value)))
    return min(MAX_DECIMALS, max(0, significant - 1 - magnitude))


def number(value, places: int | None = None) -> str:
    """``19,980``, ``14.0``, ``0.452``; a dash for NaN or a missing value."""
    if not _finite(value):
        return DASH
    value = float(value)
    places = decimals(value) if places is None else places
    if round(value, places) == 0:
        value = 0.0  # no "-0.0"
    return f"{value:,.{places}f}"


def percent(share, places: int | None = None) -> str:
    """A share as a percentage: ``12.3%``, ``0.04%``, ``100%``."""
    if not _finite(share):
        return DASH
    value = 100 * float(share)
    if places is None:
        places = 0 if value in (0.0, 100.0) else min(MAX_DECIMALS, max(1, decimals(value, 2)))
    return f"{number(value, places)}%"


def places_for(value, unit: str) -> int:
    """Decimals for a KPI value in its unit (shares: of the percentage)."""
    if unit == "share":
        scaled = 100 * float(value) if _finite(value) else value
        return 0 if scaled in (0.0, 100.0) else min(MAX_DECIMALS, max(1, decimals(scaled, 2)))
    return decimals(value)


def kpi_value(value, unit: str, places: int | None = None) -> str:
    """A KPI value in its catalogue unit."""
    if not _finite(value):
        return DASH
    if unit == "share":
        return percent(value, places)
    if unit == CLOCK_UNIT:
        return format_clock(float(value))
    return number(value, places)


def kpi_interval(mean, low, high, unit: str) -> str:
    """``12.1 to 15.9`` in the KPI's unit, with the decimals of the mean (of the
    interval's width when the mean has none, e.g. zero)."""
    if not (_finite(low) and _finite(high)):
        return DASH
    places = places_for(mean, unit) if _finite(mean) and mean != 0 else places_for(max(abs(low), abs(high)), unit)
    return f"{kpi_value(low, unit, places)} to {kpi_value(high, unit, places)}"


def signed_percent(share, places: int = 0) -> str:
    """A relative change: ``−61%``, ``+4%`` (a true minus sign)."""
    if not _finite(share):
        return DASH
    text = f"{100 * float(share):+.{places}f}%"
    return text.replace("-", "−")


def unit_text(unit: str) -> str:
    """A unit for a table header or an axis: shares read as %."""
    return "%" if unit == "share" else "clock time" if unit == CLOCK_UNIT else unit
