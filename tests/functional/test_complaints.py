"""The complaint model on whole runs: monotone in what drives it (with common random
numbers, on the expected complaints), the base rate alone on a perfect visit, every
complaint attributed to a driver the visit really had, channels timed within or
after the visit, outputs written, parallel = serial."""

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit, logit

from sim.analysis import kpis
from sim.complaints import hcat
from sim.complaints.model import patient_log_odds
from tests.conftest import run
from tests.functional.test_extremes import PLENTY

DEMO = ["hospital=teaching_demo", "run.days=3", "run.replications=2"]
# identical doctors: removing one then only changes congestion, not which doctors patients see
IDENTICAL_DOCTORS = [
    "hospital.complaints.communication.skill_sd=0",
    "hospital.complaints.communication.doctor_propensity_sd=0",
]
# many complaints, so that every cause occurs
LOUD = [
    "hospital=teaching_demo",
    "run.days=8",
    "run.replications=2",
    "hospital.arrivals.daily_volume=200",
    "hospital.complaints.base_per_1000_visits=10",
    "hospital.complaints.clinical.quality_probability=0.05",
    "hospital.complaints.clinical.safety_probability=0.03",
]
FLOW = ["arrival_time", "department", "doctor_id", "consultation_start", "departure_time", "outcome"]


@pytest.fixture(scope="module")
def demo():
    return run(*DEMO)


@pytest.fixture(scope="module")
def loud():
    return run(*LOUD)


def expected(result) -> np.ndarray:
    return result.kpis["expected_complaints_per_1000_visits"].to_numpy()


def test_communication_training_lowers_the_odds_by_the_configured_ratio(demo):
    """+0.5 SD of skill: the odds fall by 1.4^(-0.25) on every visit whose consultation
    stays below perfect quality, and never rise."""
    better = run(*DEMO, "intervention=communication_training")
    pd.testing.assert_frame_equal(better.visits[FLOW], demo.visits[FLOW])  # the flow is untouched
    p, p0 = better.visits["complaint_probability"], demo.visits["complaint_probability"]
    assert (p <= p0).all()
    perfect = demo.config.hospital.complaints.communication.perfect_quality
    below = demo.visits["communication_quality"] < perfect - 0.5
    assert below.mean() > 0.5
    odds_ratio = (p / (1 - p) / (p0 / (1 - p0)))[below]
    np.testing.assert_allclose(odds_ratio, 1.4**-0.25, rtol=1e-9)
    assert (expected(better) < expected(demo)).all()


def test_queue_information_lowers_the_risk_of_exactly_the_visits_that_waited_too_long(demo):
    informed = run(*DEMO, "intervention=queue_information")
    pd.testing.assert_frame_equal(informed.visits[FLOW], demo.visits[FLOW])
    p, p0 = informed.visits["complaint_probability"], demo.visits["complaint_probability"]
    waited_too_long = demo.visits["perceived_excess_wait_min"] > 0
    assert waited_too_long.mean() > 0.1
    assert (p <= p0).all()
    np.testing.assert_array_equal(p < p0, waited_too_long)
    assert (expected(informed) < 0.97 * expected(demo)).all()


def test_interventions_combine_and_add_up(demo):
    training = run(*DEMO, "intervention=communication_training")
    both = run(*DEMO, "intervention=[communication_training,queue_information]")
    assert set(both.config.interventions) == {"communication_training", "queue_information"}
    assert (both.visits["complaint_probability"] <= training.visits["complaint_probability"]).all()
    assert (expected(both) < expected(training)).all()


def test_lower_skill_raises_every_consulted_visits_risk(demo):
    worse = run(*DEMO, "hospital.complaints.communication.skill_mean=-1")
    consulted = demo.visits["doctor_id"] >= 0
    assert (
        worse.visits.loc[consulted, "complaint_probability"] > demo.visits.loc[consulted, "complaint_probability"]
    ).all()
    assert (expected(worse) > expected(demo)).all()


def test_more_arrivals_mean_more_expected_complaints_per_visit(demo):
    busier = run(*DEMO, "hospital.arrivals.daily_volume=190")
    assert (busier.kpis["wait_consultation_mean_min"] > demo.kpis["wait_consultation_mean_min"]).all()
    assert (expected(busier) > expected(demo)).all()


def test_fewer_doctors_mean_more_expected_complaints_per_visit():
    staffed = run(*DEMO, *IDENTICAL_DOCTORS)
    short = run(*DEMO, *IDENTICAL_DOCTORS, "hospital.departments.surgery.doctors=1")
    assert (expected(short) > expected(staffed)).all()


def test_a_perfect_visit_carries_the_base_rate_only():
    """No waits (unlimited capacity), perfect communication, no clinical events,
    identical doctors: every visit's probability is the base rate times its patient
    factors, and every complaint is a background one."""
    perfect = run(
        *PLENTY,
        "hospital.complaints.communication.skill_sd=0",
        "hospital.complaints.communication.skill_mean=10",
        "hospital.complaints.communication.doctor_propensity_sd=0",
        "hospital.complaints.clinical.quality_probability=0",
        "hospital.complaints.clinical.safety_probability=0",
        "hospital.complaints.base_per_1000_visits=50",
    )
    visits = perfect.visits
    assert (visits["perceived_excess_wait_min"] == 0).all() and (visits["crowding_per_server"] == 0).all()
    hospital = perfect.config.hospital
    columns = {
        "female": visits["female"].to_numpy(),
        "age_group": visits["age_group"].cat.codes.to_numpy(),
        "education": visits["education"].cat.codes.to_numpy(),
    }
    base = expit(logit(0.05) + patient_log_odds(columns, hospital))
    np.testing.assert_allclose(visits["complaint_probability"], base, rtol=1e-12)
    assert len(perfect.complaints) > 0 and (perfect.complaints["cause"] == "background").all()
    # and without patient factors, exactly the configured base rate
    plain = run(
        *PLENTY,
        "hospital.complaints.communication.skill_sd=0",
        "hospital.complaints.communication.skill_mean=10",
        "hospital.complaints.communication.doctor_propensity_sd=0",
        "hospital.complaints.clinical.quality_probability=0",
        "hospital.complaints.clinical.safety_probability=0",
        "hospital.complaints.patients.female_odds_ratio=1",
        "hospital.complaints.patients.age_group_odds_ratio={under_40:1,40_to_64:1,65_plus:1}",
        "hospital.complaints.patients.education_odds_ratio={basic:1,secondary:1,tertiary:1}",
    )
    base_rate = plain.config.hospital.complaints.base_per_1000_visits  # the default, not overridden
    np.testing.assert_allclose(plain.visits["complaint_probability"], base_rate / 1000, rtol=1e-12)
    assert plain.kpis["expected_complaints_per_1000_visits"].to_numpy() == pytest.approx(base_rate)


def test_each_complaint_comes_from_a_driver_its_visit_had(loud):
    complaints = loud.complaints
    assert set(complaints["cause"]) == set(hcat.CAUSES)  # every cause occurs in this run
    visits = loud.visits.set_index(["replication", "visit_id"])
    visit = visits.loc[list(zip(complaints["replication"], complaints["visit_id"], strict=True))]
    cfg = loud.config.hospital.complaints
    had = {
        "background": np.ones(len(visit), dtype=bool),
        "wait": visit["perceived_excess_wait_min"].to_numpy() > 0,
        "deferral": (visit["outcome"] == "review_deferred").to_numpy(),
        "crowding": visit["crowding_per_server"].to_numpy() > cfg.crowding.threshold_per_server,
        "communication": visit["communication_quality"].to_numpy() < cfg.communication.perfect_quality,
        "quality": (visit["clinical_event"] == "quality").to_numpy(),
        "safety": (visit["clinical_event"] == "safety").to_numpy(),
    }
    cause = complaints["cause"].astype(str).to_numpy()
    category = complaints["category"].astype(str).to_numpy()
    for k in range(len(complaints)):
        assert had[cause[k]][k], (cause[k], k)
        assert category[k] in hcat.CAUSE_CATEGORIES[cause[k]]
    assert (complaints["domain"].astype(str) == complaints["category"].astype(str).map(hcat.DOMAIN_OF)).all()
    assert set(complaints["severity"].astype(str)) <= set(hcat.SEVERITIES)


def test_shares_sum_to_one_and_realised_agrees_with_expected(loud):
    kpis = loud.kpis
    shares = sum(kpis[f"expected_complaints_{d}_share"] for d in hcat.DOMAINS)
    np.testing.assert_allclose(shares, 1.0)
    for prefix in ("expected_complaints", "complaints"):
        by_domain = sum(kpis[f"{prefix}_{d}_per_1000_visits"] for d in hcat.DOMAINS)
        by_category = sum(kpis[f"{prefix}_{c}_per_1000_visits"] for c in hcat.CATEGORIES)
        np.testing.assert_allclose(by_domain, kpis[f"{prefix}_per_1000_visits"])
        np.testing.assert_allclose(by_category, kpis[f"{prefix}_per_1000_visits"])
    # realised complaints are Bernoulli draws of the expected: total within 4 SD
    p = loud.visits["complaint_probability"]
    assert abs(loud.visits["complaint"].sum() - p.sum()) < 4 * np.sqrt((p * (1 - p)).sum())
    assert loud.visits["complaint"].sum() == len(loud.complaints)


def test_complaints_are_made_during_or_after_the_visit(loud):
    complaints = loud.complaints
    visits = loud.visits.set_index(["replication", "visit_id"])
    visit = visits.loc[list(zip(complaints["replication"], complaints["visit_id"], strict=True))]
    time = complaints["time"].to_numpy()
    onsite = (complaints["channel"] == "onsite").to_numpy()
    assert onsite.any() and (~onsite).any()
    assert np.all(time[onsite] >= visit["arrival_time"].to_numpy()[onsite])
    assert np.all(time[onsite] <= visit["departure_time"].to_numpy()[onsite] + 1e-9)
    assert np.all(time[~onsite] >= visit["departure_time"].to_numpy()[~onsite])
    assert np.all(complaints["resolved_time"] >= complaints["time"])
    assert np.all(complaints["resolution_days"] >= 0)


def test_run_files_and_kpis(demo, tmp_path):
    demo.save(tmp_path, figures=True)
    table = pd.read_parquet(tmp_path / "complaints.parquet")
    assert list(table.columns) == [
        "replication",
        "complaint_id",
        "visit_id",
        "doctor_id",
        "department",
        "visit_day",
        "time",
        "channel",
        "cause",
        "domain",
        "category",
        "severity",
        "probability",
        "handling_start",
        "resolved_time",
        "resolution_days",
        "within_target",
        "upheld",
    ]
    for name in ("complaints_by_domain", "complaints_by_hour", "complaints_lorenz"):
        assert (tmp_path / "figures" / f"{name}.png").is_file()
    assert not (tmp_path / "figures" / "complaints_by_month.png").exists()  # a run shorter than two months
    visits = pd.read_parquet(tmp_path / "visits.parquet")
    for column in (
        "perceived_excess_wait_min",
        "crowding_per_server",
        "communication_quality",
        "clinical_event",
        "complaint_probability",
        "complaint",
    ):
        assert column in visits.columns


def test_every_complaint_kpi_is_documented(demo):
    """Every complaint KPI of a run has a catalogue entry (the KPI reference page is
    rendered from the catalogue): its own, or its family's by HCAT domain or category."""
    complaint_kpis = [name for name in demo.kpis.columns if "complaint" in name]
    assert len(complaint_kpis) == 9 + 3 * len(hcat.DOMAINS) + 2 * len(hcat.CATEGORIES)
    for name in complaint_kpis:
        entry = kpis.describe(name)
        assert entry.group == "Complaints" and entry.label and entry.meaning, name
        for key in (*hcat.DOMAINS, *hcat.CATEGORIES):
            if f"_{key}_" in name:
                assert entry.pattern in (name.replace(key, "<domain>"), name.replace(key, "<category>")), name


def test_parallel_equals_serial_for_complaints():
    serial = run(*LOUD, "run.jobs=1")
    parallel = run(*LOUD, "run.jobs=2")
    pd.testing.assert_frame_equal(serial.complaints, parallel.complaints)
