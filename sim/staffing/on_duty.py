"""Servers and doctors on duty at given moments of a run's days, for what is
computed from the visit table afterwards (crowding per server in the complaint model,
the invariants of the tests).

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

    def date(self, day: int) -> dt.date:
        return self.start + dt.timedelta(days=int(day))

    def servers(self, station: schedules.Station, day: np.ndarray, time: np.ndarray) -> float | np.ndarray:
        """Servers of ``station`` on duty at absolute ``time`` on run day ``day`` (arrays)."""
        if self.fixed:
            return station.config.kiosks if station.kiosks else station.config.servers
        out = np.zeros(len(time))
        for d in np.unique(day).tolist():
            rows = day == d
            changes = schedules.day_changes(station, days.day_kind(self.holidays, self.date(d)))
            out[rows] = _step(changes, time[rows] - d * MINUTES_PER_DAY)
        return out

    def doctors(self, department: str, day: np.ndarray, time: np.ndarray) -> float | np.ndarray:
        """Doctors of ``department`` on duty in the session under way (or next to start;
        after the last, the last's) at absolute ``time`` on run day ``day``."""
        if self.fixed:
            return self.hospital.departments[department].doctors
        out = np.zeros(len(time))
        for d in np.unique(day).tolist():
            rows = day == d
            roster = rosters.day_rosters(self.hospital, self.date(d))[department]
            ends = np.array([end for _, end in roster.sessions])
            session = np.minimum(np.searchsorted(ends, time[rows] - d * MINUTES_PER_DAY, side="right"), len(ends) - 1)
            out[rows] = np.asarray(roster.on_duty)[session]
        return out


def _step(changes: schedules.Changes, minute: np.ndarray) -> np.ndarray:
    """Servers on duty at each minute of day; before the station opens, those it opens
    with (as a fixed count counts them all day)."""
    times = np.array([t for t, _ in changes])
    counts = np.array([changes[0][1]] + [n for _, n in changes])
    return counts[np.searchsorted(times, minute, side="right")].astype(float)
