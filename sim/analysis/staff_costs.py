"""What the staff of a simulated day cost (``hospital.staffing.costs``, yuan per hour).

* **Doctors**: each rostered doctor-session is paid in full (its end − start), and the
  minutes the doctor stays past its end at ``overtime_premium`` times the rate (from
  the doctor-session table).
* **Stations** (registration windows, cashiers, laboratory and imaging technicians,
  pharmacy windows): the server-minutes of the day's schedule from the station's
  opening until ``shift_ends``; if the station is still serving after that, the
  minutes until its last patient's service ends, times the servers on duty at
  ``shift_ends`` (at least one), at the overtime rate. Kiosks are paid their hourly
  running cost while registration staff are paid, and no overtime.
* **Complaint office**: its officers for its opening hours on its working days.

Days are priced when they have visits (``add`` is fed days that were simulated).
Every figure is an estimate unless the configuration says otherwise
(``sim.schema.StaffCostsConfig``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sim.clock import MINUTES_PER_DAY, parse_clock, parse_date
from sim.schema import HospitalConfig
from sim.staffing import schedules
from sim.staffing.on_duty import OnDuty


class StaffCosts:
    """Prices the days of one replication."""

    def __init__(self, hospital: HospitalConfig, start_date: str):
        self.hospital = hospital
        self.start = parse_date(start_date)
        self.rates = hospital.staffing.costs
        self.premium = self.rates.overtime_premium
        self.shift_ends = parse_clock(self.rates.shift_ends)
        self.stations = schedules.stations(hospital)
        self.on_duty = OnDuty(hospital, self.start)  # the servers on duty by each day's schedule
        renamed = {"registration": "registration_windows", "kiosks": "registration_kiosks"}
        self._by_analysis_name = {renamed.get(s.name, s.name): s for s in self.stations}

    def doctors(self, sessions: dict[str, np.ndarray]) -> dict[str, float]:
        """Cost, overtime cost and rostered hours of the doctor-sessions."""
        rostered = sessions["end"] - sessions["start"]
        overtime = np.clip(sessions["left"] - sessions["end"], 0.0, None)
        per_minute = self.rates.doctor / 60.0
        overtime_cost = float(overtime.sum()) * per_minute * self.premium
        return {
            "cost": float(rostered.sum()) * per_minute + overtime_cost,
            "overtime_cost": overtime_cost,
            "hours": float(rostered.sum()) / 60.0,
        }

    def day(self, visits: dict[str, np.ndarray], rows: slice, day: int) -> dict[str, float]:
        """Cost and overtime cost of the stations and the complaint office on ``day``,
        whose visits are ``rows`` of ``visits``."""
        date = self.start + dt.timedelta(days=day)
        day_start = day * MINUTES_PER_DAY
        cost = overtime_cost = 0.0
        for station in self.stations:
            changes = self.on_duty.station_changes(station.name, day)
            per_minute = getattr(self.rates, station.role) / 60.0
            cost += per_minute * schedules.server_minutes(changes, changes[0][0], self.shift_ends)
            if station.kiosks:
                continue  # machines: no overtime
            last = self._last_service_end(visits, rows, station) - day_start
            if last > self.shift_ends:
                servers = max(1, schedules.servers_at(changes, self.shift_ends))
                extra = per_minute * self.premium * (last - self.shift_ends) * servers
                cost += extra
                overtime_cost += extra
        office = self.hospital.complaints.office
        if date.weekday() in office.working_days:
            hours = (parse_clock(office.closes) - parse_clock(office.opens)) / 60.0
            cost += office.staff * hours * self.rates.complaint_officer
        return {"cost": cost, "overtime_cost": overtime_cost}

    def on_duty_minutes(self, station_name: str, day: int, start: float, end: float) -> float | None:
        """Server-minutes on duty at a station between two minutes of day ``day``, by
        its schedule and peak windows; None when its servers are a fixed count (no
        schedule, no peak window), whose minutes are servers x span. Station names as
        ``sim.analysis.stations`` gives them (registration_windows, registration_kiosks,
        cashier, an exam, pharmacy)."""
        station = self._by_analysis_name.get(station_name)
        if station is None:
            return None
        schedule = station.config.kiosk_schedule if station.kiosks else station.config.schedule
        if not schedule and (station.kiosks or not station.config.extra):
            return None
        changes = self.on_duty.station_changes(station.name, day)
        return schedules.server_minutes(changes, max(start, changes[0][0]), end)

    def _last_service_end(self, visits: dict[str, np.ndarray], rows: slice, station: schedules.Station) -> float:
        """When the station's last service of the day ended (-inf if it served nobody)."""
        last = -np.inf
        for stage in station.stages:
            ends = visits[f"{stage}_end"][rows]
            if station.name == "registration" and "kiosk" in visits:
                ends = ends[~visits["kiosk"][rows]]  # the windows' patients
            if len(ends) and not np.all(np.isnan(ends)):
                last = max(last, float(np.nanmax(ends)))
        return last


def day_rows(day: np.ndarray) -> list[tuple[int, slice]]:
    """(day, rows) of each day of visits in day order."""
    if not len(day):
        return []
    bounds = np.flatnonzero(np.diff(day)) + 1
    edges = [0, *bounds.tolist(), len(day)]
    return [(int(day[a]), slice(a, b)) for a, b in zip(edges[:-1], edges[1:], strict=True)]
