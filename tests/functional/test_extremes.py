"""Extreme values: unlimited capacity gives zero waits; no capacity beyond demand
behaves sensibly; a zero-volume day is empty."""

import numpy as np

from sim.engine.records import stage_names
from tests.conftest import run

PLENTY = [
    "hospital=teaching_demo",
    "run.days=2",
    "run.replications=2",
    "hospital.registration.servers=1000",
    "hospital.cashier.servers=1000",
    "hospital.pharmacy.servers=1000",
    "hospital.exams.lab.servers=1000",
    "hospital.exams.imaging.servers=1000",
    "hospital.cashier.opens=0:00",
    "hospital.pharmacy.opens=0:00",
    "hospital.registration.opens=0:00",
    "hospital.exams.lab.opens=0:00",
    "hospital.exams.imaging.opens=0:00",
    "hospital.departments.internal_medicine.doctors=500",
    "hospital.departments.surgery.doctors=500",
    "hospital.departments.internal_medicine.sessions=[{start:'0:00',end:'24:00'}]",
    "hospital.departments.surgery.sessions=[{start:'0:00',end:'24:00'}]",
    "hospital.consultation_queue.review_same_doctor=false",
    # walk-ins only: a booked patient is tied to the doctor of their slot, who may be
    # seeing the previous booking of a block however many other doctors are free
    "hospital.booking.booked_share=0",
]


def test_unlimited_capacity_means_no_waiting():
    result = run(*PLENTY)
    for stage in stage_names(result.config.hospital):
        waits = result.visits[f"wait_{stage}"].dropna()
        assert len(waits) > 0, stage
        assert (waits == 0).all(), stage
    assert (result.visits["outcome"] == "completed").all()
    # nobody waits, so nobody hurries
    assert (result.visits["consultation_rush_factor"] == 1.0).all()


def test_zero_volume_runs_and_reports_no_visits():
    result = run("hospital=teaching_demo", "run.days=2", "run.replications=2", "hospital.arrivals.daily_volume=0")
    assert len(result.visits) == 0
    assert (result.kpis["visits"] == 0).all()


def test_overload_is_finished_in_overtime_not_dropped():
    """Four times the usual demand, nobody gives up: every registered patient is still
    seen, every doctor works past the end of the last session, and doctors hurry."""
    result = run(
        "hospital=teaching_demo",
        "run.days=1",
        "run.replications=1",
        "hospital.patience.enabled=false",
        "hospital.arrivals.daily_volume=600",
    )
    visits = result.visits
    came = visits["outcome"] != "no_show"
    assert came.sum() > 500
    assert visits.loc[came, "consultation_start"].notna().all()
    sessions = result.doctor_sessions
    last = sessions[sessions["session"] == sessions["session"].max()]
    assert (last["overtime_min"] > 0).all()
    assert visits["consultation_rush_factor"].min() == 0.5  # rush_min_factor of teaching_demo
    assert np.isfinite(result.kpis.loc[0, "time_in_system_mean_min"])
