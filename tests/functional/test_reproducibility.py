"""Same seed, same tables; parallel = serial; common random numbers across scenarios."""

import numpy as np
import pandas as pd

from tests.conftest import run

DEMO = ["hospital=teaching_demo", "run.days=2", "run.replications=3"]


def test_same_seed_gives_identical_visits(demo_result):
    again = run("hospital=teaching_demo", "run.days=3", "run.replications=3")
    pd.testing.assert_frame_equal(demo_result.visits, again.visits)
    pd.testing.assert_frame_equal(demo_result.kpis, again.kpis)


def test_different_seed_gives_different_visits():
    a = run(*DEMO, "run.seed=1")
    b = run(*DEMO, "run.seed=2")
    assert not np.array_equal(a.visits["arrival_time"].to_numpy()[:50], b.visits["arrival_time"].to_numpy()[:50])


def test_parallel_equals_serial():
    serial = run(*DEMO, "run.jobs=1")
    parallel = run(*DEMO, "run.jobs=2")
    pd.testing.assert_frame_equal(serial.visits, parallel.visits)
    pd.testing.assert_frame_equal(serial.doctor_sessions, parallel.doctor_sessions)
    pd.testing.assert_frame_equal(serial.kpis, parallel.kpis)


def test_pharmacy_staffing_does_not_reshuffle_other_randomness():
    """Common random numbers: with one more pharmacy window, patients arrive at the same
    times, need the same things and have consultations of the same length."""
    base = run(*DEMO)
    more = run(*DEMO, "hospital.pharmacy.servers=3")
    same = ["arrival_time", "department", "female", "age_group", "prescription", "needs_lab", "needs_imaging"]
    pd.testing.assert_frame_equal(base.visits[same], more.visits[same])
    a = base.visits["consultation_end"] - base.visits["consultation_start"]
    b = more.visits["consultation_end"] - more.visits["consultation_start"]
    np.testing.assert_array_equal(a.to_numpy(), b.to_numpy())
    # ... while the pharmacy itself did change
    assert more.visits["wait_pharmacy"].mean() < base.visits["wait_pharmacy"].mean()
