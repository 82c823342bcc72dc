"""The doctors' queues keep three promises on any configuration (property-based: small
fuzzed one-day clinics, busy enough for queues, overtime and doctors going home at
different times; the checks rebuild the queues from the tables, ``tests.queue_invariants``):

(a) every patient waiting when a session ends is seen before the doctors of their
    queue stop for that session (not pushed back by anyone who came after the bell);
(b) nobody is turned away (``clinic_closed``, ``review_deferred``) while a doctor of
    the department who could take them is at work;
(c) the queue length recorded at each consultation (and used for hurrying) is the
    number of patients actually waiting then: those who gave up no longer count;

and, on clinics with fuzzed rosters (doctors per session, a pooled department, a
session nobody works) and station schedules (servers by time of day, extra windows),
with baulking sometimes on, two promises of staffing:

(d) no doctor works outside their rostered sessions, except the overtime rule;
(e) no station serves more patients at once than its schedule allows;

and (a)-(c) still hold there.
"""

from __future__ import annotations

import copy
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.config.compose import to_typed
from sim.schema import Config, Distribution, ExtraServers, ServerChange, Session
from tests.queue_invariants import (
    outside_roster,
    owed_but_not_seen,
    station_overloads,
    turned_away_while_doctor_at_work,
    waiting_count_errors,
)


@cache
def _demo() -> Config:
    return to_typed(
        sim.compose(["hospital=teaching_demo", "run.days=1", "run.replications=1", "output.progress=false"])
    )


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


@st.composite
def clinics(draw, min_sessions: int = 1, traceable_queues: bool = False) -> Config:
    """teaching_demo on one day with its doctors, sessions, demand, patience, queue
    rules and bookings drawn at random. With ``traceable_queues`` every queue a
    patient who gave up could have been in is known from the tables (pooled
    departments, or a single doctor), so every queue length can be checked."""
    cfg = copy.deepcopy(_demo())
    cfg.run.seed = draw(st.integers(0, 2**31 - 1))
    hospital = cfg.hospital
    hospital.arrivals.daily_volume = draw(st.sampled_from([150.0, 300.0, 450.0]))
    start = 8 * 60
    sessions = []
    for _ in range(draw(st.integers(min_sessions, 3))):
        end = start + draw(st.integers(60, 180))
        sessions.append(Session(_clock(start), _clock(end)))
        start = end + draw(st.integers(10, 90))
    for department in hospital.departments.values():
        department.doctors = draw(st.integers(1, 3))
        department.assignment = draw(st.sampled_from(["pooled", "shortest_queue", "random"]))
        if traceable_queues and department.assignment != "pooled":
            department.doctors = 1
        department.sessions = list(sessions)
        department.consultation = Distribution(kind="lognormal", median=draw(st.sampled_from([4.0, 7.0])), sigma=0.6)
    hospital.exams["lab"].result_delay = Distribution(
        kind="lognormal", median=draw(st.sampled_from([15.0, 60.0])), sigma=0.4
    )
    hospital.patience.enabled = draw(st.booleans())
    hospital.patience.distribution = Distribution(kind="gamma", mean=draw(st.sampled_from([30.0, 90.0])), cv=0.5)
    rules = hospital.consultation_queue
    rules.review_priority = draw(st.booleans())
    rules.review_same_doctor = draw(st.booleans())
    rules.rush_per_waiting_patient = draw(st.sampled_from([0.0, 0.03]))
    booking = hospital.booking
    booking.booked_share = draw(st.sampled_from([0.0, 0.35]))
    booking.early_arrivals = draw(st.sampled_from(["seen_if_free", "wait_for_slot"]))
    booking.late_policy = draw(st.sampled_from(["seen_when_free", "walk_in"]))
    booking.elderly_priority = draw(st.booleans())
    return to_typed(cfg)


FUZZ = settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(clinics(min_sessions=2))
def test_patients_waiting_at_a_session_end_are_seen_before_the_doctors_stop(cfg):
    """(a) of the module docstring."""
    owed = owed_but_not_seen(sim.simulate(cfg))
    assert owed.empty, f"waiting at a session's end, not seen before the doctors stopped:\n{owed}"


@FUZZ
@given(clinics())
def test_nobody_is_turned_away_while_a_doctor_who_could_see_them_is_at_work(cfg):
    """(b) of the module docstring."""
    turned_away = turned_away_while_doctor_at_work(sim.simulate(cfg))
    assert turned_away.empty, f"turned away while a doctor who could see them was at work:\n{turned_away}"


@FUZZ
@given(clinics(traceable_queues=True))
def test_recorded_queue_length_is_the_number_waiting(cfg):
    """(c) of the module docstring."""
    errors, checked = waiting_count_errors(sim.simulate(cfg))
    assert checked > 0
    assert errors.empty, f"recorded queue length is not the number waiting:\n{errors}"


DAYS = ["all", "weekdays", "weekend", "mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@st.composite
def rostered_clinics(draw) -> Config:
    """``clinics`` (two or three sessions) on one random day of a week, with a random
    roster row per department (0-3 doctors per session, at least one somewhere),
    random schedules for the pharmacy, the cashier and the lab (a change every
    half hour or more, 1-3 servers, sometimes a break with none) and an extra window,
    and baulking on or off."""
    cfg = draw(clinics(min_sessions=2))
    cfg.run.start_date = f"2026-03-{draw(st.integers(2, 8)):02d}"
    hospital = cfg.hospital
    for department in hospital.departments.values():
        counts = draw(st.lists(st.integers(0, 3), min_size=len(department.sessions), max_size=len(department.sessions)))
        if not any(counts):
            counts[0] = 1
        department.roster = {draw(st.sampled_from(DAYS)): counts}
    clinic_opens = 8 * 60
    for station in (hospital.pharmacy, hospital.cashier, hospital.exams["lab"]):
        start, changes = clinic_opens - 30, []
        for index in range(draw(st.integers(1, 4))):
            servers = draw(st.integers(1, 3)) if index == 0 else draw(st.integers(0, 3))
            changes.append(ServerChange("all", _clock(start), servers))
            start += draw(st.integers(31, 150))  # the count at opening (8:00) is the first one
        if changes[-1].servers == 0:
            changes.append(ServerChange("all", _clock(start), 1))
        station.schedule = changes
    hospital.pharmacy.extra = [ExtraServers("9:00", _clock(9 * 60 + draw(st.integers(30, 120))), 1)]
    hospital.baulking.enabled = draw(st.booleans())
    hospital.baulking.threshold = Distribution(kind="lognormal", median=draw(st.sampled_from([2.0, 6.0])), sigma=0.5)
    return to_typed(cfg)


STAFFING_FUZZ = settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@STAFFING_FUZZ
@given(rostered_clinics())
def test_rosters_and_schedules_are_kept_and_the_queues_keep_their_promises(cfg):
    """(d) and (e) of the module docstring, and (a)-(c) under rosters (queue lengths
    checked where every queue is known); one run per example checks them all."""
    result = sim.simulate(cfg)
    outside = outside_roster(result)
    assert outside.empty, f"a doctor worked outside the roster:\n{outside}"
    overloads = station_overloads(result)
    assert overloads.empty, f"a station served more than its schedule allows:\n{overloads}"
    owed = owed_but_not_seen(result)
    assert owed.empty, f"waiting at a session's end, not seen before the doctors stopped:\n{owed}"
    turned_away = turned_away_while_doctor_at_work(result)
    assert turned_away.empty, f"turned away while a doctor who could see them was at work:\n{turned_away}"
    errors, _ = waiting_count_errors(result)
    assert errors.empty, f"recorded queue length is not the number waiting:\n{errors}"
