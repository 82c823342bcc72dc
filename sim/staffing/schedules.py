"""Station schedules: how many servers a station has on duty at each time of a day.

A station's day is a list of changes ``(minute of day, servers)``: from each change's
time until the next, that many servers are on duty; before the first the station is
closed, and the last count holds for the rest of the day. Without a schedule row for
the day it is one change, ``(opens, servers)``: today's fixed count, which the engine
runs exactly as before (``sim.engine.stations.FifoStation``). Extra servers of peak
windows (``extra``) are added on top between their start and end.

Server j (0 first) is on duty whenever more than j servers are, so every change
adds or removes the highest-numbered servers. A server who goes off duty while
serving finishes the patient first (``sim.engine.stations.ShiftServers``).
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from sim.clock import parse_clock
from sim.schema import HospitalConfig, ServerChange, StationConfig
from sim.staffing import days

Changes = list[tuple[float, int]]  # (minute of day, servers from then on)


@dataclass(frozen=True)
class Station:
    """A station of the hospital as rosters and costs see it."""

    name: str  # registration, kiosks, cashier, <exam>, pharmacy
    config: StationConfig
    stages: tuple[str, ...]  # the visit stages served there
    role: str  # the staff role paid for it (sim.schema.StaffCostsConfig)
    kiosks: bool = False  # the registration kiosks (their schedule is kiosk_schedule)


def stations(hospital: HospitalConfig) -> list[Station]:
    """Every FIFO station of the hospital, in pathway order."""
    registration = hospital.registration
    out = [Station("registration", registration, ("registration",), "registration_clerk")]
    if registration.kiosks or registration.kiosk_schedule:
        out.append(Station("kiosks", registration, ("registration",), "kiosk", kiosks=True))
    out.append(Station("cashier", hospital.cashier, ("exam_payment", "payment"), "cashier"))
    out.extend(Station(name, exam, (name,), "technician") for name, exam in hospital.exams.items())
    out.append(Station("pharmacy", hospital.pharmacy, ("pharmacy",), "pharmacist"))
    return out


def setting(station: Station, key: str) -> str:
    """The configuration key ``key`` (servers, kiosks, schedule, extra …) of the
    station: ``hospital.pharmacy.schedule``, ``hospital.exams.lab.servers``."""
    if station.name in ("registration", "kiosks", "cashier", "pharmacy"):
        path = "registration" if station.name == "kiosks" else station.name
    else:
        path = f"exams.{station.name}"
    return f"hospital.{path}.{key}"


def schedule_setting(station: Station) -> str:
    """The key of the station's schedule (the kiosks': ``kiosk_schedule``)."""
    return setting(station, "kiosk_schedule" if station.kiosks else "schedule")


def day_changes(station: Station, kind: days.DayKind) -> Changes:
    """The station's servers on a day of ``kind`` as changes (minute of day, servers):
    the changes of the schedule's most specific days key for the day
    (``sim.staffing.days``), else ``servers`` from ``opens``."""
    config = station.config
    if station.kiosks:
        table, count = by_days(config.kiosk_schedule), config.kiosks
    else:
        table, count = by_days(config.schedule), config.servers
    row = days.row(table, kind)
    if row is None:
        changes = [(parse_clock(config.opens), count)]
    else:
        changes = [(parse_clock(change.start), change.servers) for change in row]
    if config.extra and not station.kiosks:
        changes = with_extra(changes, [(parse_clock(e.start), parse_clock(e.end), e.servers) for e in config.extra])
    return changes


def by_days(schedule: list[ServerChange]) -> dict[str, list[ServerChange]]:
    """A schedule's changes grouped by their ``days`` key, in order."""
    table: dict[str, list[ServerChange]] = {}
    for change in schedule:
        table.setdefault(change.days, []).append(change)
    return table


def with_extra(changes: Changes, extra: list[tuple[float, float, int]]) -> Changes:
    """``changes`` with ``servers`` added between each window's start and end (before
    the station opens, the extra servers open it)."""
    times = sorted({t for t, _ in changes} | {t for s, e, _ in extra for t in (s, e)})
    out: Changes = []
    for t in times:
        count = servers_at(changes, t) + sum(n for s, e, n in extra if s <= t < e)
        if not out or out[-1][1] != count:
            out.append((t, count))
    return out


def servers_at(changes: Changes, minute: float) -> int:
    """Servers on duty at ``minute`` (0 before the first change)."""
    index = bisect.bisect_right([t for t, _ in changes], minute) - 1
    return changes[index][1] if index >= 0 else 0


def is_constant(changes: Changes) -> bool:
    return len(changes) == 1


def day_schedules(hospital: HospitalConfig, date: dt.date) -> dict[str, Changes]:
    """Every station's changes on ``date``, by station name."""
    kind = days.day_kind(days.holiday_dates(hospital.staffing.holidays.dates), date)
    return {station.name: day_changes(station, kind) for station in stations(hospital)}


def server_minutes(changes: Changes, start: float, end: float) -> float:
    """Server-minutes on duty between ``start`` and ``end`` (minutes of day)."""
    total = 0.0
    bounds = [t for t, _ in changes] + [float("inf")]
    for (t, count), next_t in zip(changes, bounds[1:], strict=True):
        low, high = max(t, start), min(next_t, end)
        if high > low:
            total += count * (high - low)
    return total
