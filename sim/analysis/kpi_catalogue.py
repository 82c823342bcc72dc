"""The KPI reference page, rendered from the KPI definitions (``sim.analysis.kpis``) so
that it cannot drift from what runs compute.

    python -m sim.analysis.kpi_catalogue > docs/reference/kpis.md
"""

from __future__ import annotations

import math

from sim.analysis.kpis import GROUPS, OPTIONAL_SWITCHES, Family, Kpi

INTRODUCTION = """\
# KPIs

Every run reports these KPIs per replication (`kpis.csv`, one row per replication) and
summarises each across replications (`summary.json`: mean and 95% interval). Visits
arriving in a warm-up are left out; bookings not kept count only in the appointment
KPIs. *Better* says which direction is an improvement (*none*: neither, it depends);
*bounds* are the values the KPI can take, and its 95% interval stays within them
(see [Intervals and precision](../background/intervals.md)). The labels and units are
what the printed table, the reports, the figures and `comparison.csv`/`.xlsx` show.
"""


def bounds_text(bounds: tuple[float, float]) -> str:
    """``(0, 1)`` -> ``0 to 1``; ``(0, inf)`` -> ``≥ 0``; ``(-inf, inf)`` -> ``any``."""
    low, high = bounds
    if math.isinf(low) and math.isinf(high):
        return "any"
    if math.isinf(high):
        return f"≥ {low:g}"
    if math.isinf(low):
        return f"≤ {high:g}"
    return f"{low:g} to {high:g}"


def _row(kpi: Kpi, name: str, words: dict[str, str]) -> str:
    cells = (
        f"`{name}`",
        kpi.label.format(**words),
        kpi.unit,
        kpi.better.value,
        bounds_text(kpi.bounds),
        kpi.meaning.format(**words),
    )
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _group(title: str, entries) -> list[str]:
    lines = [f"## {title}", ""]
    if title in OPTIONAL_SWITCHES:
        lines += [f"Only in runs with `{OPTIONAL_SWITCHES[title]}=true`.", ""]
    lines += ["| KPI | label | unit | better | bounds | meaning |", "|---|---|---|---|---|---|"]
    notes = []
    for entry in entries:
        if isinstance(entry, Family):
            words = {entry.placeholder: f"*{entry.placeholder}*"}  # <stage> would read as an HTML tag
            lines += [_row(member, entry.pattern_of(member), words) for member in entry.members]
            notes.append(f"`<{entry.placeholder}>`: {entry.described}.")
        else:
            lines.append(_row(entry, entry.name, {}))
    return [*lines, "", *(f"{note}\n" for note in notes)]


def markdown() -> str:
    """The KPI reference page: an introduction, then one table per group."""
    lines = [INTRODUCTION]
    for title, entries in GROUPS.items():
        lines += _group(title, entries)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
