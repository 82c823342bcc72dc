"""The doctors' queues keep three promises on any configuration (property-based: small
fuzzed one-day clinics, busy enough for queues, overtime and doctors going home at
different times; the checks rebuild the queues from the tables, ``tests.queue_invariants``):

(a) every patient waiting when a session ends is seen before the doctors of their
    queue stop for that session (not pushed back by anyone who came after the bell);
(b) nobody is turned away (``clinic_closed``, ``review_deferred``) while a doctor of
    the department who could take them is at work;
(c) the queue length recorded at each consultation (and used for hurrying) is the
    number of patients actually waiting then: those who gave up no longer count.
"""

from __future__ import annotations

import copy
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.config.compose import to_typed
from sim.schema import Config, Distribution, Session
from tests.queue_invariants import (
    owed_but_not_seen,
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
