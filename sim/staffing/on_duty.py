"""Servers and doctors on duty at given moments of a run's days, for what is
computed from the visit table afterwards: crowding per server in the complaint model,
the station timelines and overload warnings (``sim.analysis.timelines``,
``sim.analysis.overload``), the stations' staff costs and utilisation
(``sim.analysis.staff_costs``).

One day of one station or department is a list of changes ``(minute of day, count)``
(``sim.staffing.schedules``): ``OnDuty.station_changes`` and ``OnDuty.doctor_changes``
give them for run day ``d``, from the day's schedule and roster (holidays, leave and
staffing interventions included); ``at_work`` and ``bin_means`` read them at moments
and over bins.

When nobody's number changes (no schedule, no extra windows, rosters of ``doctors``
in every session, no staffing intervention) the counts are the configured constants,
returned as plain numbers so that what is divided by them is exactly what it was
before rosters and schedules existed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sim.clock import MINUTES_PER_DAY, parse_date
from sim.schema import HospitalConfig
from sim.staffing import days, rosters, schedules


def fixed(hospital: HospitalConfig) -> bool:
    """Whether every station and department has its one configured count all the time."""
    stations_fixed = all(not s.config.schedule and not s.config.extra for s in schedules.stations(hospital)) and (
        not hospital.registration.kiosk_schedule
    )
    extra = hospital.staffing.extra_doctors
    doctors_fixed = (
        all(rosters.is_constant(d) for d in hospital.departments.values())
        and not hospital.staffing.holidays.dates
        and extra.every_session == 0
        and not any(extra.departments.values())
        and extra.wait_above_min is None
    )
    return stations_fixed and doctors_fixed


class OnDuty:
    """Counts on duty on the days of one run (day 0 falls on ``start_date``)."""

    def __init__(self, hospital: HospitalConfig, start_date: str | dt.date | None):
        self.hospital = hospital
        self.fixed = fixed(hospital)
        if start_date is None and not self.fixed:
            raise ValueError("rosters or schedules that change need the run's start date (run.start_date)")
        self.start = start_date if isinstance(start_date, dt.date) or start_date is None else parse_date(start_date)
        self.holidays = days.holiday_dates(hospital.staffing.holidays.dates)
        self._stations = {station.name: station for station in schedules.stations(hospital)}
        self._changes: dict[tuple[str, str, int], schedules.Changes] = {}  # (kind, name, day) -> changes
        self._rosters: dict[int, dict[str, rosters.DayRoster]] = {}

    def date(self, day: int) -> dt.date:
        if self.start is None:
            raise ValueError("rosters or schedules that change need the run's start date (run.start_date)")
        return self.start + dt.timedelta(days=int(day))

    def station_changes(self, name: str, day: int) -> schedules.Changes:
        """Servers of station ``name`` (``sim.staffing.schedules.stations``: registration,
        kiosks, cashier, an exam, pharmacy) on duty through run day ``day``: its day's
        schedule with peak windows, or its fixed count from opening."""
        key = ("station", name, int(day))
        if key not in self._changes:
            station = self._stations[name]
            if self.fixed:  # the same every day (and no start date needed)
                kind = days.DayKind(0)
            else:
                kind = days.day_kind(self.holidays, self.date(day))
            self._changes[key] = schedules.day_changes(station, kind)
        return self._changes[key]

    def doctor_changes(self, department: str, day: int) -> schedules.Changes:
        """Doctors of ``department`` on duty through run day ``day`` (0 outside their
        sessions): the day's roster, lengthened sessions, holidays and leave included."""
        key = ("doctors", department, int(day))
        if key not in self._changes:
            self._changes[key] = roster_changes(self.roster(day)[department])
        return self._changes[key]

    def roster(self, day: int) -> dict[str, rosters.DayRoster]:
        """Every department's roster on run day ``day``."""
        if day not in self._rosters:
            self._rosters[day] = rosters.day_rosters(self.hospital, self.date(day))
        return self._rosters[day]

    def servers(self, station: schedules.Station, day: np.ndarray, time: np.ndarray) -> float | np.ndarray:
        """Servers of ``station`` on duty at absolute ``time`` on run day ``day`` (arrays)."""
        if self.fixed:
            return station.config.kiosks if station.kiosks else station.config.servers
        out = np.zeros(len(time))
        for d in np.unique(day).tolist():
            rows = day == d
            out[rows] = _step(self.station_changes(station.name, d), time[rows] - d * MINUTES_PER_DAY)
        return out

    def doctors(self, department: str, day: np.ndarray, time: np.ndarray) -> float | np.ndarray:
        """Doctors of ``department`` on duty in the session under way (or next to start;
        after the last, the last's) at absolute ``time`` on run day ``day``."""
        if self.fixed:
            return self.hospital.departments[department].doctors
        out = np.zeros(len(time))
        for d in np.unique(day).tolist():
            rows = day == d
            roster = self.roster(d)[department]
            ends = np.array([end for _, end in roster.sessions])
            session = np.minimum(np.searchsorted(ends, time[rows] - d * MINUTES_PER_DAY, side="right"), len(ends) - 1)
            out[rows] = np.asarray(roster.on_duty)[session]
        return out


def _step(changes: schedules.Changes, minute: np.ndarray) -> np.ndarray:
    """Servers on duty at each minute of day; before the station opens, those it opens
    with (as a fixed count counts them all day)."""
    opens, first = changes[0]
    return np.where(minute < opens, float(first), at_work(changes, minute))


def roster_changes(roster: rosters.DayRoster) -> schedules.Changes:
    """A department's day as changes (minute of day, doctors on duty): each session's
    doctors from its start to its end, nobody between sessions."""
    steps: dict[float, int] = {}
    for (start, end), count in zip(roster.sessions, roster.on_duty, strict=True):
        steps[start] = steps.get(start, 0) + count
        steps[end] = steps.get(end, 0) - count
    changes: schedules.Changes = []
    count = 0
    for minute in sorted(steps):
        count += steps[minute]
        if not changes or changes[-1][1] != count:
            changes.append((minute, count))
    return changes or [(0.0, 0)]


def at_work(changes: schedules.Changes, minute: np.ndarray) -> np.ndarray:
    """Servers on duty at each minute of day (0 before the first change; the last count
    holds for the rest of the day, and past midnight in a session that runs on)."""
    times = np.array([t for t, _ in changes])
    counts = np.array([0] + [n for _, n in changes], dtype=float)
    return counts[np.searchsorted(times, np.asarray(minute, dtype=float), side="right")]


def bin_means(changes: schedules.Changes, edges: np.ndarray) -> np.ndarray:
    """Mean servers on duty in each bin between consecutive ``edges`` (minutes of day):
    the server-minutes on duty in the bin over its length, exactly."""
    times = np.array([t for t, _ in changes])
    counts = np.array([n for _, n in changes], dtype=float)
    # server-minutes on duty from the first change until each change
    before = np.concatenate([[0.0], np.cumsum(counts[:-1] * np.diff(times))])
    edges = np.asarray(edges, dtype=float)
    index = np.searchsorted(times, edges, side="right") - 1
    last = np.maximum(index, 0)
    cumulative = np.where(index < 0, 0.0, before[last] + counts[last] * (edges - times[last]))
    return np.diff(cumulative) / np.diff(edges)
