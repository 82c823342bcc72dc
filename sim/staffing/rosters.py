"""Doctors' rosters: how many doctors of each department are on duty in each session
of a day, and who they are.

A department has named doctors, numbered in config order across the hospital
(``doctor_ids``): ``max(doctors, every roster count)`` of them, plus room for the
doctors the ``extra_doctors`` intervention adds. A session with k doctors on duty is
worked by the department's first k, so doctor k is the same person (the same
communication skill and complaint propensity, drawn per department in
``sim.complaints.drivers``; the same turn among the slots) in every scenario, and a
doctor works a session only if every doctor numbered before them does.

The roster of a day (``day_rosters``): the department's row for the day
(``sim.staffing.days``), else ``doctors`` in every session; on a holiday without a
``holiday`` row, ``holidays.doctor_share`` of it, rounded; in a holiday period of the seasonal profile
(``hospital.season.holidays``, ``sim.demand.season``) the last
``floor(doctors_on_leave_share x k)`` of each session's k on leave (one always stays);
then the interventions:
``extended_hours`` lengthens every session, ``extra_doctors`` adds
doctors to every session (``every_session``, ``departments``) or to the sessions whose
predicted mean wait for the doctor is too long (``wait_above_min``, see
``_added_by_rule``). Sessions with nobody on duty stay closed.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sim import distributions
from sim.clock import parse_clock
from sim.demand import arrivals, season
from sim.schema import DepartmentConfig, HospitalConfig
from sim.staffing import days
from sim.staffing.queueing import predicted_wait


@dataclass(frozen=True)
class DayRoster:
    """A department's sessions on one day and the doctors on duty in each."""

    sessions: tuple[tuple[float, float], ...]  # (start, end), minutes after midnight
    on_duty: tuple[int, ...]  # doctors on duty in each session

    def sessions_of(self, doctor_index: int) -> list[int]:
        """The sessions worked by the department's doctor ``doctor_index`` (0 first)."""
        return [k for k, count in enumerate(self.on_duty) if count > doctor_index]

    @property
    def working(self) -> int:
        """Doctors of the department who work at least one session of the day."""
        return max(self.on_duty, default=0)


def staff(hospital: HospitalConfig, name: str) -> int:
    """The named doctors of department ``name``."""
    department = hospital.departments[name]
    counts = [department.doctors, *(count for row in department.roster.values() for count in row)]
    extra = hospital.staffing.extra_doctors
    by_rule = extra.max_per_session if extra.wait_above_min is not None else 0
    return max(counts) + extra.every_session + extra.departments.get(name, 0) + by_rule


def doctor_ids(hospital: HospitalConfig) -> dict[str, list[int]]:
    """Doctor ids by department: numbered in config order across the hospital."""
    ids, first = {}, 0
    for name in hospital.departments:
        count = staff(hospital, name)
        ids[name] = list(range(first, first + count))
        first += count
    return ids


def is_constant(department: DepartmentConfig) -> bool:
    """Whether the department's roster is ``doctors`` in every session of every day."""
    return all(count == department.doctors for row in department.roster.values() for count in row)


def day_kind(hospital: HospitalConfig, date: dt.date) -> days.DayKind:
    return days.day_kind(days.holiday_dates(hospital.staffing.holidays.dates), date)


def day_rosters(hospital: HospitalConfig, date: dt.date) -> dict[str, DayRoster]:
    """Every department's roster on ``date``."""
    kind = day_kind(hospital, date)
    return {name: _department_day(hospital, name, kind, date) for name in hospital.departments}


def _department_day(hospital: HospitalConfig, name: str, kind: days.DayKind, date: dt.date) -> DayRoster:
    department = hospital.departments[name]
    sessions = lengthened_sessions(hospital, name)
    row = days.row(department.roster, kind)
    on_duty = list(row) if row is not None else [department.doctors] * len(sessions)
    if kind.holiday and days.HOLIDAY not in department.roster:
        share = hospital.staffing.holidays.doctor_share
        on_duty = [math.floor(count * share + 0.5) for count in on_duty]
    on_duty = _season_leave(hospital, date, on_duty)
    extra = hospital.staffing.extra_doctors
    added = extra.every_session + extra.departments.get(name, 0)
    on_duty = [count + added if count > 0 else 0 for count in on_duty]
    if extra.wait_above_min is not None:
        on_duty = _added_by_rule(hospital, name, sessions, on_duty, date)
    return DayRoster(tuple(sessions), tuple(on_duty))


def _season_leave(hospital: HospitalConfig, date: dt.date, on_duty: list[int]) -> list[int]:
    """``on_duty`` less the doctors on leave in a holiday period of the seasonal profile
    (the last of each session's, as ``sim.demand.season.at_work`` counts them)."""
    if not hospital.season.holidays:
        return on_duty
    holiday = season.holiday_on(hospital.season, date)
    if holiday is None or holiday.doctors_on_leave_share == 0:
        return on_duty
    return [season.at_work(count, holiday.doctors_on_leave_share) if count > 0 else 0 for count in on_duty]


def lengthened_sessions(hospital: HospitalConfig, name: str) -> list[tuple[float, float]]:
    """The department's sessions (minutes after midnight), lengthened by extended_hours."""
    sessions = [(parse_clock(s.start), parse_clock(s.end)) for s in hospital.departments[name].sessions]
    longer = hospital.staffing.extended_hours
    if longer.departments and name not in longer.departments:
        return sessions
    return [(start - longer.start_earlier_min, end + longer.end_later_min) for start, end in sessions]


def _added_by_rule(
    hospital: HospitalConfig, name: str, sessions: list[tuple[float, float]], on_duty: list[int], date: dt.date
) -> list[int]:
    """``on_duty`` with doctors added to each open session, one at a time (at most
    ``max_per_session``), while the predicted mean wait for the doctor exceeds
    ``wait_above_min``. The prediction is the M/M/c queue's (Erlang C) at the
    session's mean load — a planner's rule of thumb (pointwise-stationary, exponential
    consultations), not the simulation: first consultations of the patients expected
    to reach the department before the session ends (and after the previous one
    ended), each with a review of results as often as exams are ordered."""
    rule = hospital.staffing.extra_doctors
    department = hospital.departments[name]
    no_exam = math.prod(1.0 - p for p in department.exam_probability.values())
    mean_service = (
        distributions.build(department.consultation).mean
        + (1.0 - no_exam) * distributions.build(department.review).mean
    )
    patients = session_patients(hospital, name, sessions, date)
    out = []
    for (start, end), count, expected in zip(sessions, on_duty, patients, strict=True):
        rate = expected / (end - start)
        added = 0
        while (
            count > 0
            and added < rule.max_per_session
            and predicted_wait(rate, mean_service, count) > rule.wait_above_min
        ):
            count += 1
            added += 1
        out.append(count)
    return out


def session_patients(
    hospital: HospitalConfig, name: str, sessions: list[tuple[float, float]], date: dt.date
) -> list[float]:
    """Expected patients of department ``name`` reaching it in time for each session:
    arriving before the session ends and after the previous one ended (the first
    session takes everyone before it, the last everyone after)."""
    shares = [d.share for d in hospital.departments.values()]
    share = hospital.departments[name].share / sum(shares)
    expected = arrivals.expected_arrivals(hospital, date) * share
    start, end, probability = arrivals.intensity_bins(hospital)
    bounds = [-math.inf] + [session_end for _, session_end in sessions[:-1]] + [math.inf]
    out = []
    for low, high in zip(bounds[:-1], bounds[1:], strict=True):
        overlap = [max(0.0, min(e, high) - max(s, low)) / (e - s) for s, e in zip(start, end, strict=True)]
        out.append(expected * float(sum(p * o for p, o in zip(probability, overlap, strict=True))))
    return out
