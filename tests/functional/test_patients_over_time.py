"""Patients over time on whole runs: identity alone changes nothing but adds who each
visit's patient is; every visit's patient exists, with the visit's attributes; the
same patients exist in every scenario; follow-ups come when they were booked, with
the same doctor when possible; retention falls as waits feel longer (common random
numbers); streamed runs give the same patients."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.patients_over_time.population import _next_open_day
from tests.conftest import run

IDENTITY = ["hospital.population.enabled=true"]
RETURNS = [
    *IDENTITY,
    "hospital.population.returns.enabled=true",
    "hospital.population.returns.new_patient_share=0.3",
    "hospital.population.returns.chronic_share={internal_medicine:0.2,surgery:0.1}",
    "hospital.population.returns.chronic_interval_days={internal_medicine:14,surgery:21}",
    "hospital.population.loyalty.enabled=true",
    "hospital.charges.enabled=true",
]
DEMO = ["hospital=teaching_demo", "run.replications=2"]


@pytest.fixture(scope="module")
def returning_result():
    """teaching_demo with returns, loyalty and charges, 45 days from a Monday, closed
    on Sundays (so that some needs move), 2 replications."""
    return run(*DEMO, "run.days=45", "hospital.arrivals.open_weekdays=[0,1,2,3,4,5]", *RETURNS)


def test_identity_alone_reproduces_todays_run_and_adds_who_each_patient_is():
    """Population on, no returns, no loyalty: every table of teaching_demo (3 days x 2)
    is today's, the visits with patient_id and visit_kind added (every visit a first
    visit of a new patient), the KPIs with the patients' group added."""
    today = run(*DEMO, "run.days=3")
    with_ids = run(*DEMO, "run.days=3", *IDENTITY)
    added = [c for c in with_ids.visits.columns if c not in today.visits.columns]
    assert added == ["patient_id", "visit_kind"]
    pd.testing.assert_frame_equal(with_ids.visits[today.visits.columns], today.visits)
    pd.testing.assert_frame_equal(with_ids.complaints, today.complaints)
    pd.testing.assert_frame_equal(with_ids.kpis[today.kpis.columns], today.kpis)
    assert (with_ids.visits["visit_kind"] == "first").all()
    for _, visits in with_ids.visits.groupby("replication"):
        assert visits["patient_id"].is_unique
    assert with_ids.kpis["return_visit_share"].eq(0).all()


def test_every_visit_belongs_to_a_registered_patient_with_the_visits_attributes(returning_result):
    visits, patients = returning_result.visits, returning_result.patients
    key = ["replication", "patient_id"]
    joined = visits.merge(patients, on=key, how="left", suffixes=("", "_patient"), indicator=True)
    assert (joined["_merge"] == "both").all()
    for column in ("female", "age_group", "education", "department"):
        assert (joined[column].astype(str) == joined[f"{column}_patient"].astype(str)).all(), column
    came = visits[visits["outcome"] != "no_show"]
    counts = came.groupby(key).size()
    registered = patients.set_index(key)["visits"]
    assert (counts.index == registered[registered > 0].index).all()
    assert (counts.to_numpy() == registered[registered > 0].to_numpy()).all()
    assert (visits["visit_kind"] != "first").mean() > 0.5  # most visits are by patients who came back


def test_follow_ups_come_when_they_were_booked(returning_result):
    """Each visit after a patient's first comes on the day its need was booked for,
    moved to the next open day when that is a Sunday: a chronic follow-up the
    condition's interval after the visit before (no-shows included), a deferred
    review the next open day, a review 2 to 14 days after (triangular 2-7-14, rounded
    up), a new episode at least a day after."""
    visits = returning_result.visits.sort_values(["replication", "patient_id", "day"])
    days = returning_result.config.run.days
    next_open = _next_open_day([d % 7 != 6 for d in range(days)])  # day 0 is a Monday
    interval = {"internal_medicine": 14, "surgery": 21}
    previous = visits.groupby(["replication", "patient_id"]).shift(1)
    later = visits[previous["day"].notna()].assign(before=previous["day"].dropna().astype(int))
    kind, gap = later["visit_kind"], later["day"] - later["before"]
    chronic = later[kind == "chronic_follow_up"]
    expected = [
        next_open[b + interval[d]] for b, d in zip(chronic["before"], chronic["department"].astype(str), strict=True)
    ]
    assert (chronic["day"].to_numpy() == np.array(expected)).all()
    deferred = later[kind == "deferred_review"]
    assert (deferred["day"].to_numpy() == next_open[deferred["before"].to_numpy() + 1]).all()
    review = gap[kind == "review"]
    assert review.between(2, 14 + 1).all()  # +1: a Sunday moves it a day
    assert (gap[kind == "new_episode"] >= 1).all()
    assert len(chronic) > 500 and len(deferred) > 20 and len(review) > 100
    assert (visits["day"] % 7 != 6).all()


def test_follow_ups_see_the_same_doctor_when_possible(returning_result):
    """Booked chronic follow-ups are given a slot with the doctor who saw them last in
    nearly every case (teaching_demo's slots are rarely full)."""
    visits = returning_result.visits.sort_values(["replication", "patient_id", "day"])
    last_doctor = visits.groupby(["replication", "patient_id"])["doctor_id"].shift(1)
    follow_ups = visits[(visits["visit_kind"] == "chronic_follow_up") & visits["booked"] & (last_doctor >= 0)]
    same = (follow_ups["slot_doctor_id"] == last_doctor[follow_ups.index]).mean()
    assert len(follow_ups) > 300 and same > 0.9, same


def test_the_same_patients_exist_in_every_scenario():
    """Baseline and online appointments share the registered patients of the first
    days: same ids, same attributes, same first day (common random numbers)."""
    base = run("hospital=teaching_demo", "run.days=5", *RETURNS)
    online = run("hospital=teaching_demo", "run.days=5", *RETURNS, "intervention=online_appointments")
    columns = [
        "replication",
        "patient_id",
        "cohort",
        "first_day",
        "female",
        "age_group",
        "education",
        "department",
        "chronic",
    ]
    pd.testing.assert_frame_equal(base.patients[columns], online.patients[columns])
    assert not base.visits["wait_consultation"].equals(online.visits["wait_consultation"])


@pytest.mark.slow
def test_retention_falls_as_waits_feel_longer():
    """With everything else the same (common random numbers), waits perceived 1, 1.5,
    2.5 and 4 times as long: the share of patients due who come back falls at each
    step (teaching_demo, 60 days, 2 replications; the smallest step is about 10
    times the replications' noise in the paired differences)."""
    retention = []
    for multiplier in (1.0, 1.5, 2.5, 4.0):
        result = run(
            *DEMO,
            "run.days=60",
            *RETURNS,
            "hospital.population.returns.start_in_steady_state=false",
            f"hospital.complaints.waits.perception_multiplier={multiplier}",
        )
        retention.append(result.kpis["patient_retention_share"].mean())
    assert all(a > b for a, b in zip(retention, retention[1:], strict=False)), retention


def test_a_streamed_run_has_the_same_patients_and_kpis(tmp_path):
    """output.stream=true: the patient tables equal the kept run's and the streamed
    visits carry patient_id; the KPIs of the patients and charges groups are equal."""
    overrides = [*DEMO, "run.days=8", *RETURNS]
    kept = run(*overrides)
    streamed = run(*overrides, "output.stream=true", f"output.dir={tmp_path}")
    pd.testing.assert_frame_equal(streamed.patients, kept.patients)
    pd.testing.assert_frame_equal(streamed.patient_days, kept.patient_days)
    written = pd.read_parquet(tmp_path / "visits.parquet")
    assert written["patient_id"].tolist() == kept.visits["patient_id"].tolist()
    names = ["new_patients_per_day", "return_visit_share", "patient_retention_share", "patients_lost"]
    pd.testing.assert_frame_equal(streamed.kpis[names], kept.kpis[names])
    np.testing.assert_allclose(
        streamed.kpis["charge_per_visit_mean_cny"], kept.kpis["charge_per_visit_mean_cny"], rtol=1e-12
    )


def test_the_patient_tables_are_saved_and_a_run_without_them_removes_them(tmp_path):
    result = run(*DEMO, "run.days=2", *IDENTITY)
    result.save(tmp_path, figures=False)
    assert pd.read_parquet(tmp_path / "patients.parquet").shape[0] == len(result.patients)
    assert (tmp_path / "patient_days.parquet").exists()
    run(*DEMO, "run.days=2").save(tmp_path, figures=False)
    assert not (tmp_path / "patients.parquet").exists()
