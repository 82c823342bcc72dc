"""The stations of a hospital, as a planner names them, and which visit columns hold
what happened at each.

A station is a place where patients queue for servers: the registration windows,
the self-service kiosks, each department's doctors (first consultations and reviews
share them), the cashier (paying for examinations and for medicine), each
examination service and the pharmacy. ``stations(hospital)`` lists them in the
order a patient meets them; ``Station.intervals`` gives, for the visits of a table,
when each one joined the station's queue, started and ended service there, and
``Station.changes`` its servers at work through a day of the run, from the same
rosters and schedules the engine runs (``sim.staffing.on_duty``). The KPI
accumulator (``sim.analysis.kpi_totals``: utilisation), the station timelines
(``sim.analysis.timelines``) and the overload warnings (``sim.analysis.overload``)
read the stations from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.clock import parse_clock
from sim.staffing import days, rosters, schedules
from sim.staffing.on_duty import OnDuty
from sim.staffing.schedules import Changes

DOCTORS_PREFIX = "doctors_"


@dataclass(frozen=True)
class Station:
    """One station: its name (snake_case, used in KPI names and tables), label, the
    pathway stages served there, its configured servers and when they start work, and
    where its servers on duty come from (``sim.staffing``)."""

    name: str
    label: str
    stages: tuple[str, ...]
    servers: int  # the configured count (doctors: a department's shorthand ``doctors``)
    opens_min: float  # minute of the day the servers start work (doctors: their first session)
    department: int | None = None  # doctors: the department's code; others: None
    kiosk: bool | None = None  # registration: True for the kiosks, False for the windows
    sessions: tuple[tuple[float, float], ...] = ()  # doctors: (start, end) minute of day of each session, lengthened
    duty: str = ""  # its name in sim.staffing: the department, or registration, kiosks, cashier, <exam>, pharmacy
    servers_setting: str = ""  # the configuration key that sets its servers: a roster or schedule when it has one
    servers_now: str = ""  # what that key gives now, in words ("3", "1 to 3 by time of day")
    by_time: bool = False  # its servers follow a roster or a schedule (or peak windows) rather than one count

    @property
    def is_doctors(self) -> bool:
        return self.department is not None

    def changes(self, on_duty: OnDuty, day: int) -> Changes:
        """Servers at work through run day ``day``: the doctors of the day's roster in
        their sessions, or the day's schedule of the station (``sim.staffing.on_duty``)."""
        if self.is_doctors:
            return on_duty.doctor_changes(self.duty, day)
        return on_duty.station_changes(self.duty, day)

    def selected(self, visits: dict[str, np.ndarray]) -> np.ndarray | None:
        """Which visits this station may serve (None: every visit)."""
        if self.department is not None:
            return visits["department"] == self.department
        if self.kiosk is not None:
            return visits["kiosk"] if self.kiosk else ~visits["kiosk"]
        return None

    def intervals(self, visits: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(row, joined, start, end) of every service at this station: the visit's row,
        when it joined the queue, started and ended service (absolute minutes). A visit
        served twice (a doctor's consultation and review) has two rows."""
        selected = self.selected(visits)
        rows, joined, starts, ends = [], [], [], []
        for stage in self.stages:
            start = visits[f"{stage}_start"]
            served = ~np.isnan(start) if selected is None else selected & ~np.isnan(start)
            index = np.flatnonzero(served)
            rows.append(index)
            starts.append(start[index])
            joined.append(start[index] - visits[f"wait_{stage}"][index])
            ends.append(visits[f"{stage}_end"][index])
        return tuple(np.concatenate(part) for part in (rows, joined, starts, ends))


def _doctor_label(department: str) -> str:
    return f"Doctors, {department.replace('_', ' ')}"


def stations(hospital) -> list[Station]:
    """The stations of a hospital (``HospitalConfig``) in the order a patient meets them."""
    staffed = {station.name: station for station in schedules.stations(hospital)}
    registration = hospital.registration
    opens = parse_clock(registration.opens)

    def station(name: str, label: str, stages: tuple[str, ...], duty: str, **kiosk) -> Station:
        staffing = staffed[duty]
        count = staffing.config.kiosks if staffing.kiosks else staffing.config.servers
        opens_min = opens if duty in ("registration", "kiosks") else parse_clock(staffing.config.opens)
        return Station(
            name, label, stages, count, opens_min, duty=duty, **_station_servers(hospital, staffing), **kiosk
        )

    out = [station("registration_windows", "Registration windows", ("registration",), "registration", kiosk=False)]
    if registration.kiosks:
        out.append(station("registration_kiosks", "Registration kiosks", ("registration",), "kiosks", kiosk=True))
    for code, (name, department) in enumerate(hospital.departments.items()):
        sessions = tuple(rosters.lengthened_sessions(hospital, name))
        out.append(
            Station(
                DOCTORS_PREFIX + name,
                _doctor_label(name),
                ("consultation", "review"),
                department.doctors,
                min(start for start, _ in sessions),
                department=code,
                sessions=sessions,
                duty=name,
                **_doctor_servers(hospital, name),
            )
        )
    out.append(station("cashier", "Cashier", ("exam_payment", "payment"), "cashier"))
    for name in hospital.exams:
        out.append(station(name, name.replace("_", " ").capitalize(), (name,), name))
    out.append(station("pharmacy", "Pharmacy", ("pharmacy",), "pharmacy"))
    return out


def _uncovered(hospital, table) -> bool:
    """Whether a weekday the clinic opens has no row in a roster or schedule (its
    shorthand count applies that day)."""
    return any(days.row(table, days.DayKind(weekday)) is None for weekday in hospital.arrivals.open_weekdays)


def _span(counts: set[int]) -> str:
    low, high = min(counts), max(counts)
    return f"{low}" if low == high else f"{low} to {high}"


def _doctor_servers(hospital, name: str) -> dict:
    """Where a department's doctors are set: its roster, when it has one, else ``doctors``."""
    department = hospital.departments[name]
    key = f"hospital.departments.{name}"
    if not department.roster:
        return {"servers_setting": f"{key}.doctors", "servers_now": str(department.doctors), "by_time": False}
    counts = {count for row in department.roster.values() for count in row}
    if _uncovered(hospital, department.roster):
        counts.add(department.doctors)
    return {"servers_setting": f"{key}.roster", "servers_now": f"{_span(counts)} a session", "by_time": True}


def _station_servers(hospital, staffing: schedules.Station) -> dict:
    """Where a station's servers are set: its schedule, when it has one, else its count
    (with the peak windows on top, when it has them)."""
    config = staffing.config
    count = config.kiosks if staffing.kiosks else config.servers
    schedule = config.kiosk_schedule if staffing.kiosks else config.schedule
    extra = [] if staffing.kiosks else config.extra
    windows = f", plus {_span({e.servers for e in extra})} in peak windows" if extra else ""
    if not schedule:
        key = schedules.setting(staffing, "kiosks" if staffing.kiosks else "servers")
        return {"servers_setting": key, "servers_now": f"{count}{windows}", "by_time": bool(extra)}
    table = schedules.by_days(schedule)
    counts = {change.servers for change in schedule}
    if _uncovered(hospital, table):
        counts.add(count)
    return {
        "servers_setting": schedules.schedule_setting(staffing),
        "servers_now": f"{_span(counts)} by time of day{windows}",
        "by_time": True,
    }


def station_words(name: str) -> str:
    """A station's name in words, for KPI labels (``doctors_internal_medicine`` ->
    ``internal medicine doctors``)."""
    if name.startswith(DOCTORS_PREFIX):
        return f"{name.removeprefix(DOCTORS_PREFIX).replace('_', ' ')} doctors"
    return name.replace("_", " ")


def session_breaks(station_list: list[Station]) -> list[tuple[float, float]]:
    """(start, end) minutes of the day, between the first session's start and the last
    one's end, when no doctor of any department is in session: the lunch gap and other
    breaks that time-of-day figures shade."""
    sessions = sorted(session for station in station_list for session in station.sessions)
    breaks, covered_until = [], None
    for start, end in sessions:
        if covered_until is not None and start > covered_until:
            breaks.append((covered_until, start))
        covered_until = end if covered_until is None else max(covered_until, end)
    return breaks
