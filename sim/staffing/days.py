"""Which row of a roster or station schedule applies on a day.

Rosters and schedules are tables keyed by day: ``mon`` … ``sun``, ``weekdays``
(Monday to Friday), ``weekend``, ``all`` and ``holiday``. On a day the most specific
key present applies: ``holiday`` (on a holiday), then the weekday's name, then
``weekdays`` or ``weekend``, then ``all``; with none of them the table has no row for
the day and the shorthand (a department's ``doctors``, a station's ``servers``)
applies.

Holidays are dates (``YYYY-MM-DD``) or ranges (``YYYY-MM-DD..YYYY-MM-DD``, both
ends included) in ``hospital.staffing.holidays.dates``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from sim.clock import parse_date

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
GROUPS = {"weekdays": range(0, 5), "weekend": range(5, 7), "all": range(0, 7)}
HOLIDAY = "holiday"
KEYS = (*WEEKDAYS, *GROUPS, HOLIDAY)
RANGE = ".."

Row = TypeVar("Row")


@dataclass(frozen=True)
class DayKind:
    """What a roster or schedule needs to know about a day."""

    weekday: int  # 0 Monday … 6 Sunday
    holiday: bool = False


def row(table: Mapping[str, Row], day: DayKind) -> Row | None:
    """The row of ``table`` for ``day`` (most specific key first), or None."""
    if not table:
        return None
    if day.holiday and HOLIDAY in table:
        return table[HOLIDAY]
    name = WEEKDAYS[day.weekday]
    if name in table:
        return table[name]
    group = "weekdays" if day.weekday < 5 else "weekend"
    if group in table:
        return table[group]
    return table.get("all")


def key_problems(table: Mapping[str, object], key: str) -> list[str]:
    """A problem for each key of ``table`` that is not a day key."""
    return [f"{key}.{name}: not a day; allowed: {', '.join(KEYS)}" for name in table if name not in KEYS]


def holiday_dates(spec: Iterable[str]) -> frozenset[dt.date]:
    """The dates of ``hospital.staffing.holidays.dates``. Raises ``ValueError`` naming
    the entry that is not a date or a range of dates in order."""
    dates: set[dt.date] = set()
    for entry in spec:
        first, sep, last = str(entry).partition(RANGE)
        start = parse_date(first.strip())
        end = parse_date(last.strip()) if sep else start
        if end < start:
            raise ValueError(f"{entry!r}: the range ends before it starts")
        dates.update(start + dt.timedelta(days=k) for k in range((end - start).days + 1))
    return frozenset(dates)


def day_kind(holidays: frozenset[dt.date], date: dt.date) -> DayKind:
    return DayKind(date.weekday(), date in holidays)
