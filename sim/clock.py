"""Clock times and calendar days.

Simulation time is in minutes; absolute time = day x 1440 + minute of day.
"""

from __future__ import annotations

import calendar
import datetime as dt

MINUTES_PER_DAY = 1440.0


def parse_clock(text: str) -> float:
    """'8:30' -> 510.0 minutes after midnight. Hours may exceed 24 ('100:00')."""
    hours, sep, minutes = str(text).strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2 or int(minutes) >= 60:
        raise ValueError(f"{text!r} is not a time of day of the form H:MM (e.g. 8:00, 17:30)")
    return int(hours) * 60.0 + int(minutes)


def format_clock(minute_of_day: float) -> str:
    minute_of_day = int(round(minute_of_day))
    return f"{minute_of_day // 60:d}:{minute_of_day % 60:02d}"


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise ValueError(f"{text!r} is not a {_why_not_a_date(str(text))}") from None


def _why_not_a_date(text: str) -> str:
    """What is wrong with a text that is not an ISO date: its form, its month or its day."""
    parts = text.split("-")
    if [len(part) for part in parts] != [4, 2, 2] or not "".join(parts).isdigit():
        return "date of the form YYYY-MM-DD"
    year, month, _ = parts
    if not 1 <= int(month) <= 12:
        return "date: months are 01 to 12"
    if int(year) < dt.MINYEAR:
        return "date: years start at 0001"
    days = calendar.monthrange(int(year), int(month))[1]
    return f"date: {calendar.month_name[int(month)]} {int(year)} has {days} days"


def calendar_days(start_date: str, days: int) -> list[dt.date]:
    start = parse_date(start_date)
    return [start + dt.timedelta(days=d) for d in range(days)]
