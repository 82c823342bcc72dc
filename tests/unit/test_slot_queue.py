"""The slot-aware queue discipline on hand-made scenarios: one doctor, patients joining
at given times, fixed 10-minute consultations; the order in which they are called."""

import math

import simpy

from sim.engine.doctors import Doctor, GiveUps, doctor_day
from sim.engine.records import SessionLog, Stage, VisitLog
from sim.engine.slot_queue import SlotQueue

NAN = math.nan


def call_order(patients, see_early=True, review_priority=True, sessions=((0.0, 120.0),)):
    """patients: list of (join time, slot time or NaN, slot priority, elderly). Returns
    the consultation start of each patient."""
    env = simpy.Environment()
    size = len(patients)
    consultation = Stage("consultation", [10.0] * size, size)
    review = Stage("review", [10.0] * size, size)
    log = VisitLog(size, {"consultation": consultation, "review": review})
    doctor = Doctor(0, "clinic")
    queue = SlotQueue(
        env,
        [doctor],
        list(sessions),
        review_priority,
        GiveUps(env, log, consultation),
        [p[1] for p in patients],
        [p[2] for p in patients],
        [p[3] for p in patients],
        see_early,
    )
    env.process(doctor_day(env, doctor, queue, consultation, review, log, SessionLog(), 0.0, 1.0))

    def arrive(visit, at):
        yield env.timeout(at)
        yield queue.join(visit, review=False, deadline=math.inf)

    for visit, (at, *_rest) in enumerate(patients):
        env.process(arrive(visit, at))
    env.run()
    return consultation.start


def test_booked_patient_due_is_called_before_earlier_walk_ins():
    # walk-ins at 0, 1, 2; booked (slot 10) joins at 5: the doctor is busy 0-10, then
    # calls the booked patient (due at 10) before the walk-ins of 1 and 2
    starts = call_order(
        [(0, NAN, False, False), (1, NAN, False, False), (2, NAN, False, False), (5, 10.0, True, False)]
    )
    assert starts == [0.0, 20.0, 30.0, 10.0]


def test_walk_ins_fill_the_gap_before_a_slot():
    # walk-in at 0 (seen 0-10); booked (slot 30) joins at 1; walk-in at 2. At 10 the slot
    # is not due: the walk-in of 2 is seen; at 20 only the early booked patient waits:
    # seen early (seen_if_free)
    assert call_order([(0, NAN, False, False), (1, 30.0, True, False), (2, NAN, False, False)]) == [0.0, 20.0, 10.0]
    # an early booked patient alone with an idle doctor is seen at once
    assert call_order([(0, 30.0, True, False)]) == [0.0]


def test_wait_for_slot_keeps_the_doctor_idle_until_the_slot():
    starts = call_order([(0, NAN, False, False), (1, 30.0, True, False), (2, NAN, False, False)], see_early=False)
    assert starts == [0.0, 30.0, 10.0]
    # alone, the early patient waits for the slot and the doctor is woken at 30
    assert call_order([(0, 30.0, True, False)], see_early=False) == [30.0]


def test_late_patient_kept_booked_or_demoted_to_walk_in():
    # doctor busy 0-10 and 10-20 with walk-ins; a walk-in joins at 11; the booked
    # patient (slot 5) arrives late at 12.
    patients = [(0, NAN, False, False), (8, NAN, False, False), (11, NAN, False, False), (12, 5.0, True, False)]
    # seen when free: at 20 the late booked patient goes first
    assert call_order(patients) == [0.0, 10.0, 30.0, 20.0]
    # treated as a walk-in (slot priority dropped): behind the walk-in of 11
    patients[3] = (12, 5.0, False, False)
    assert call_order(patients) == [0.0, 10.0, 20.0, 30.0]


def test_elderly_walk_ins_go_first_among_walk_ins_only():
    # busy 0-10; young walk-in at 1, elderly at 2, booked slot 10 at 3
    starts = call_order([(0, NAN, False, False), (1, NAN, False, False), (2, NAN, False, True), (3, 10.0, True, False)])
    assert starts == [0.0, 30.0, 20.0, 10.0]


def test_early_patient_of_a_later_session_waits_for_that_session():
    # sessions 0-60 and 100-160; a patient booked at 110 is there from 50: the morning
    # doctor (idle) does not see them; the afternoon session calls them at its start
    assert call_order([(50, 110.0, True, False)], sessions=((0.0, 60.0), (100.0, 160.0))) == [100.0]
