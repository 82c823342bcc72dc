"""Deterministic configurations (fixed arrivals and service times) give exact times."""

import numpy as np
import pytest

import sim
from sim.schema import (
    ArrivalsConfig,
    Config,
    ConsultationQueueConfig,
    DepartmentConfig,
    Distribution,
    ExamConfig,
    HospitalConfig,
    OutputConfig,
    RegistrationConfig,
    RunConfig,
    Session,
    StationConfig,
)


def fixed(value: float) -> Distribution:
    return Distribution(kind="fixed", value=value)


def clinic(
    interval: float,
    consultation: float,
    sessions,
    opens="8:00",
    closes="9:00",
    exam_probability=None,
    prescription_probability=0.0,
    days=1,
    doctors=1,
    assignment="pooled",
    review_priority=False,
    result_delay=20.0,
    **extra,
) -> Config:
    hospital = HospitalConfig(
        name="deterministic",
        arrivals=ArrivalsConfig(interval_min=interval),
        registration=RegistrationConfig(
            servers=1, opens=opens, closes=closes, service=fixed(extra.get("registration", 0.0))
        ),
        departments={
            "clinic": DepartmentConfig(
                share=1.0,
                doctors=doctors,
                assignment=assignment,
                sessions=[Session(s, e) for s, e in sessions],
                consultation=fixed(consultation),
                review=fixed(extra.get("review", 2.0)),
                exam_probability=exam_probability or {},
                prescription_probability=prescription_probability,
            )
        },
        consultation_queue=ConsultationQueueConfig(review_priority=review_priority),
        exams={"lab": ExamConfig(servers=1, service=fixed(3.0), result_delay=fixed(result_delay), opens="0:00")},
        cashier=StationConfig(servers=1, service=fixed(1.0), opens="0:00"),
        pharmacy=StationConfig(servers=1, service=fixed(2.0), opens="0:00"),
    )
    return Config(
        hospital=hospital,
        run=RunConfig(days=days, replications=1, start_date="2026-03-02"),
        output=OutputConfig(progress=False),
    )


def test_whole_pathway_one_patient_at_a_time():
    """A patient every 20 min, every stage fixed and no overlap between patients:
    arrive t, register [t, t+2], consult [t+2, t+7], pay [t+7, t+8], lab [t+8, t+11],
    results at t+31, review [t+31, t+33], pay [t+33, t+34], pharmacy [t+34, t+36]."""
    cfg = clinic(
        20.0, 5.0, [("8:00", "12:00")], exam_probability={"lab": 1.0}, prescription_probability=1.0, registration=2.0
    )
    visits = sim.simulate(cfg).visits
    t = visits["arrival_time"].to_numpy()
    assert np.array_equal(t, 480.0 + 20.0 * np.arange(3))  # 8:00, 8:20, 8:40
    expected = {
        "registration": (0, 2),
        "consultation": (2, 7),
        "exam_payment": (7, 8),
        "lab": (8, 11),
        "review": (31, 33),
        "payment": (33, 34),
        "pharmacy": (34, 36),
    }
    for stage, (start, end) in expected.items():
        np.testing.assert_allclose(visits[f"{stage}_start"] - t, start, err_msg=stage)
        np.testing.assert_allclose(visits[f"{stage}_end"] - t, end, err_msg=stage)
        np.testing.assert_allclose(visits[f"wait_{stage}"], 0.0, err_msg=stage)
    np.testing.assert_allclose(visits["results_ready"] - t, 31.0)
    np.testing.assert_allclose(visits["time_in_system"], 36.0)
    assert (visits["outcome"] == "completed").all()


def test_overloaded_single_doctor_waits_grow_linearly_and_overtime_is_exact():
    """D/D/1: a patient every 10 min, 15-min consultations, session 8:00-9:00 (the last of
    the day, so the doctor stays until the queue is empty). Patient k waits 5k min; the
    sixth patient (8:50) starts at 9:15 and ends at 9:30: 30 min overtime."""
    result = sim.simulate(clinic(10.0, 15.0, [("8:00", "9:00")]))
    visits = result.visits
    np.testing.assert_allclose(visits["wait_consultation"], 5.0 * np.arange(6))
    assert visits["consultation_end"].max() == 9.5 * 60
    session = result.doctor_sessions.iloc[0]
    assert session["overtime_min"] == 30.0
    assert session["busy_in_session"] == 60.0
    assert session["idle_in_session_min"] == 0.0
    assert result.kpis.loc[0, "doctor_overtime_per_day_min"] == 30.0


def test_session_end_and_next_session():
    """Two sessions, 8:00-9:00 and 10:00-11:00; registration until 9:30. At 9:00 the
    doctor still sees the two patients then waiting (until 9:30); the patients of 9:00,
    9:10 and 9:20 wait for the 10:00 session."""
    result = sim.simulate(clinic(10.0, 15.0, [("8:00", "9:00"), ("10:00", "11:00")], closes="9:30"))
    visits = result.visits
    np.testing.assert_allclose(visits["consultation_start"] / 60 - 8, [0, 0.25, 0.5, 0.75, 1.0, 1.25, 2.0, 2.25, 2.5])
    np.testing.assert_allclose(visits["wait_consultation"], [0, 5, 10, 15, 20, 25, 60, 65, 70])
    sessions = result.doctor_sessions
    np.testing.assert_allclose(sessions["overtime_min"], [30.0, 0.0])
    np.testing.assert_allclose(sessions["left"] / 60, [9.5, 11.0])  # in session 2 the doctor waits until 11:00
    np.testing.assert_allclose(sessions["idle_in_session_min"], [0.0, 15.0])


def test_review_after_doctors_left_is_deferred():
    """Results are ready 20 min after the lab; if the doctor has gone home by then the
    patient is recorded as review_deferred and leaves."""
    cfg = clinic(30.0, 5.0, [("8:00", "8:30")], closes="8:30", exam_probability={"lab": 1.0})
    visits = sim.simulate(cfg).visits
    # 8:00 patient: consult 8:00-8:05, pay 8:05-8:06, lab 8:06-8:09, results 8:29:
    # the doctor is still in session and reviews at 8:29. Nobody else arrives.
    assert list(visits["outcome"]) == ["completed"]
    np.testing.assert_allclose(visits["review_start"], 8 * 60 + 29)
    cfg = clinic(30.0, 5.0, [("8:00", "8:20")], closes="8:30", exam_probability={"lab": 1.0})
    visits = sim.simulate(cfg).visits
    assert list(visits["outcome"]) == ["review_deferred"]
    assert np.isnan(visits["review_start"].iloc[0])


def test_walk_ins_waiting_at_the_bell_are_seen_in_overtime_before_reviews_returning_after_it():
    """One doctor, sessions 8:00-12:00 and 13:30-17:00; a patient every 10 min from
    11:10 to 11:50, 20-min consultations, everyone sent to the lab (results 31 min
    after it) and back for a 5-min review, reviews called first. At 12:00 the doctor
    is seeing the 11:30 patient and the 11:40 and 11:50 walk-ins are waiting: they are
    owed overtime (12:10-12:30, 12:30-12:50). The 11:10 patient's review returns at
    12:05, after the bell, and does not take their place: it waits for 13:30 with the
    other reviews, which are then called first, in the order they returned."""
    cfg = clinic(
        10.0,
        20.0,
        [("8:00", "12:00"), ("13:30", "17:00")],
        opens="11:10",
        closes="11:55",
        exam_probability={"lab": 1.0},
        review=5.0,
        review_priority=True,
        result_delay=31.0,
    )
    result = sim.simulate(cfg)
    visits = result.visits
    np.testing.assert_allclose(visits["arrival_time"] / 60, 11 + np.arange(1, 6) / 6)
    np.testing.assert_allclose(visits["consultation_start"] - 11 * 60, [10, 30, 50, 70, 90])
    np.testing.assert_allclose(visits["results_ready"] - 12 * 60, [5, 25, 45, 65, 85])
    np.testing.assert_allclose(visits["review_start"] - 13.5 * 60, [0, 5, 10, 15, 20])
    sessions = result.doctor_sessions
    np.testing.assert_allclose(sessions["left"] / 60, [12 + 50 / 60, 17.0])
    assert list(sessions["patients"]) == [5, 5]
    np.testing.assert_allclose(sessions["overtime_min"], [50.0, 0.0])


def test_patient_goes_to_the_doctor_still_at_work_not_one_gone_home():
    """Two doctors with queues of their own, one session 8:00-9:00 (the last), 40-min
    consultations, a patient every 25 min. A sees 8:00-8:40 and 8:50-9:30, B 8:25-9:05;
    B's queue is then empty and B goes home at 9:05. The patient of 9:15 would have tied
    with A (one patient being seen) and, by round-robin, been sent to B's closed queue;
    they join A's queue instead and are seen 9:30-10:10."""
    cfg = clinic(25.0, 40.0, [("8:00", "9:00")], closes="9:20", doctors=2, assignment="shortest_queue")
    result = sim.simulate(cfg)
    visits = result.visits
    assert list(visits["outcome"]) == ["completed"] * 4
    assert list(visits["doctor_id"]) == [0, 1, 0, 0]
    np.testing.assert_allclose(visits["consultation_start"] / 60 - 8, [0, 25 / 60, 50 / 60, 1.5])
    went_home = result.doctor_sessions.set_index("doctor_id")["left"].sort_index()
    np.testing.assert_allclose(went_home / 60 - 8, [130 / 60, 65 / 60])


@pytest.mark.parametrize("days", [3])
def test_days_are_independent_and_offset_by_1440(days):
    visits = sim.simulate(clinic(20.0, 5.0, [("8:00", "12:00")], days=days)).visits
    per_day = visits.groupby("day")["arrival_time"].apply(lambda s: (s - s.name * 1440).tolist())
    assert all(times == per_day.iloc[0] for times in per_day)
