"""The stations of a hospital, as a planner names them, and which visit columns hold
what happened at each.

A station is a place where patients queue for servers: the registration windows,
the self-service kiosks, each department's doctors (first consultations and reviews
share them), the cashier (paying for examinations and for medicine), each
examination service and the pharmacy. ``stations(hospital)`` lists them in the
order a patient meets them; ``Station.intervals`` gives, for the visits of a table,
when each one joined the station's queue, started and ended service there. The KPI
accumulator (``sim.analysis.kpi_totals``: utilisation) and the station timelines
(``sim.analysis.timelines``) both read the stations from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.clock import parse_clock

DOCTORS_PREFIX = "doctors_"


@dataclass(frozen=True)
class Station:
    """One station: its name (snake_case, used in KPI names and tables), label, the
    pathway stages served there, its servers and when they start work."""

    name: str
    label: str
    stages: tuple[str, ...]
    servers: int
    opens_min: float  # minute of the day the servers start work (doctors: their first session)
    department: int | None = None  # doctors: the department's code; others: None
    kiosk: bool | None = None  # registration: True for the kiosks, False for the windows
    sessions: tuple[tuple[float, float], ...] = ()  # doctors: (start, end) minute of day of each session

    @property
    def is_doctors(self) -> bool:
        return self.department is not None

    @property
    def servers_setting(self) -> str:
        """The configuration key that sets this station's servers."""
        if self.is_doctors:
            return f"hospital.departments.{self.name.removeprefix(DOCTORS_PREFIX)}.doctors"
        if self.kiosk is not None:
            return "hospital.registration." + ("kiosks" if self.kiosk else "servers")
        if self.name in ("cashier", "pharmacy"):
            return f"hospital.{self.name}.servers"
        return f"hospital.exams.{self.name}.servers"

    def servers_at(self, minute: np.ndarray) -> np.ndarray:
        """Servers at work at these minutes of the day: the doctors in session, or
        every server once the station has opened."""
        minute = np.asarray(minute, dtype=float)
        if not self.is_doctors:
            return np.where(minute >= self.opens_min, float(self.servers), 0.0)
        at_work = np.zeros(minute.shape)
        for start, end in self.sessions:
            at_work += (minute >= start) & (minute < end)
        return self.servers * at_work

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
    registration = hospital.registration
    opens = parse_clock(registration.opens)
    out = [
        Station(
            "registration_windows", "Registration windows", ("registration",), registration.servers, opens, kiosk=False
        )
    ]
    if registration.kiosks:
        out.append(
            Station(
                "registration_kiosks", "Registration kiosks", ("registration",), registration.kiosks, opens, kiosk=True
            )
        )
    for code, (name, department) in enumerate(hospital.departments.items()):
        sessions = tuple((parse_clock(s.start), parse_clock(s.end)) for s in department.sessions)
        out.append(
            Station(
                DOCTORS_PREFIX + name,
                _doctor_label(name),
                ("consultation", "review"),
                department.doctors,
                min(start for start, _ in sessions),
                department=code,
                sessions=sessions,
            )
        )
    cashier = hospital.cashier
    out.append(Station("cashier", "Cashier", ("exam_payment", "payment"), cashier.servers, parse_clock(cashier.opens)))
    for name, exam in hospital.exams.items():
        out.append(Station(name, name.replace("_", " ").capitalize(), (name,), exam.servers, parse_clock(exam.opens)))
    pharmacy = hospital.pharmacy
    out.append(Station("pharmacy", "Pharmacy", ("pharmacy",), pharmacy.servers, parse_clock(pharmacy.opens)))
    return out


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
