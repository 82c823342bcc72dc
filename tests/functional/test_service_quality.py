"""Service quality in runs: the survey and disputes only add to a run (the visits,
complaints and every other KPI stay exactly as without them); their KPIs are those
of the catalogue, within bounds; the survey's responsiveness and empathy gaps narrow
under the interventions that act on them (paired, common random numbers); the files
are written; and the doctors with the most complaints carry a disproportionate share
of disputes, also of the disputes of a later period (complaints predict disputes, as
PARS found for malpractice claims)."""

import numpy as np
import pandas as pd
import pytest

from sim.analysis import kpi_totals, kpis
from sim.analysis.stations import stations
from sim.engine.records import stage_names
from sim.service_quality.disputes import top_complaint_doctors_share
from tests.conftest import run

GENERAL = ["hospital=general_hospital", "run.days=2", "run.replications=2"]
SURVEY = ["hospital.survey.enabled=true", "hospital.survey.sampled_share=0.5"]
ALL_ON = [*SURVEY, "hospital.information.enabled=true", "hospital.complaints.disputes.enabled=true"]


@pytest.fixture(scope="module")
def plain(general_result):
    return general_result  # general_hospital, 2 days x 2 replications (tests/conftest.py)


@pytest.fixture(scope="module")
def surveyed():
    return run(*GENERAL, *SURVEY, "hospital.complaints.disputes.enabled=true")


def test_survey_and_disputes_only_add_to_a_run(plain, surveyed):
    pd.testing.assert_frame_equal(plain.visits, surveyed.visits)
    pd.testing.assert_frame_equal(plain.complaints, surveyed.complaints[plain.complaints.columns])
    pd.testing.assert_frame_equal(plain.kpis, surveyed.kpis[plain.kpis.columns])
    assert plain.survey.empty and len(surveyed.survey) > 500


def test_kpis_are_the_catalogues_and_within_bounds(surveyed):
    result = run(*GENERAL, *ALL_ON)
    for res, features in ((surveyed, {"survey", "disputes"}), (result, set(kpi_totals.FEATURES))):
        names = [c for c in res.kpis.columns if c != "replication"]
        hospital = res.config.hospital
        optional = [kpis.TITLES[feature] for feature in features]
        assert names == kpis.names(stage_names(hospital), [s.name for s in stations(hospital)], optional)
        for name in names:
            kpi = kpis.describe(name)
            assert all(kpi.holds(float(value)) for value in res.kpis[name]), name
    assert result.kpis[[n for n in names if n.startswith("information_gap_")]].notna().all().all()


def test_the_files_of_a_surveyed_run(plain, surveyed, tmp_path):
    """survey.parquet, the dispute columns and the survey figure are written; a run
    without the survey saved into the same folder removes the old survey."""
    out = surveyed.save(tmp_path, figures=True)
    survey = pd.read_parquet(out / "survey.parquet")
    pd.testing.assert_frame_equal(survey, surveyed.survey)
    assert {"gap_economy", "overall_satisfaction", "would_recommend", "tangibles_perception_4"} <= set(survey.columns)
    complaints = pd.read_parquet(out / "complaints.parquet")
    assert {"escalated", "dispute_route", "dispute_settle_days"} <= set(complaints.columns)
    assert (out / "figures" / "servqual_gaps.png").is_file()
    plain.save(tmp_path, figures=False)
    assert not (tmp_path / "survey.parquet").exists()


def _paired(base, other, kpi):
    return (other.kpis[kpi] - base.kpis[kpi]).to_numpy()


def test_interventions_move_the_dimensions_they_act_on():
    """Same seed (common random numbers), survey on: queue information narrows the
    responsiveness gap in every replication; communication training the empathy and
    assurance gaps; neither moves expectations."""
    one_day = [
        "hospital=general_hospital",
        "run.days=1",
        "run.replications=2",
        *SURVEY,
        "hospital.information.enabled=true",
    ]
    base = run(*one_day)
    informed = run(*one_day, "intervention=queue_information")
    trained = run(*one_day, "intervention=communication_training")
    guided = run(*one_day, "intervention=guidance_system")
    assert (_paired(base, informed, "servqual_gap_responsiveness") > 0).all()
    assert (_paired(base, trained, "servqual_gap_empathy") > 0).all()
    assert (_paired(base, trained, "servqual_gap_assurance") > 0).all()
    assert (_paired(base, guided, "information_gap_registration_share") < 0).all()
    assert (_paired(base, guided, "servqual_gap_responsiveness") > 0).all()
    for other in (informed, trained):
        assert _paired(base, other, "servqual_expectation_empathy") == pytest.approx(0.0)


@pytest.mark.slow
def test_doctors_with_the_most_complaints_carry_a_disproportionate_share_of_disputes():
    """general_hospital with complaints 25 times as frequent and a third of them
    escalating (so that a week gives about a hundred disputes), 3 replications of 8 days: the 10% of doctors with the most complaints
    carry far more than 10% of the disputes of the same period, and of the disputes
    of the next four days among doctors ranked on the first four (the predictive form
    of the PARS finding). Lower bounds: 10% (proportionate) plus a margin; the
    replications' shares sit near 0.5."""
    result = run(
        "hospital=general_hospital",
        "run.days=8",
        "run.replications=3",
        "hospital.complaints.base_per_1000_visits=1.4",
        "hospital.complaints.disputes.enabled=true",
        "hospital.complaints.disputes.base_probability=0.3",  # many disputes: concentration, not rates
    )
    same_period = result.kpis["disputes_top10_complaint_doctors_share"]
    assert (same_period > 0.25).all(), same_period.tolist()
    doctors = sum(d.doctors for d in result.config.hospital.departments.values())
    later = []
    for _, c in result.complaints.groupby("replication"):
        c = c[c["doctor_id"] >= 0]
        first, second = c[c["visit_day"] < 4], c[c["visit_day"] >= 4]
        complaints = np.bincount(first["doctor_id"], minlength=doctors)
        disputes = np.bincount(second.loc[second["escalated"], "doctor_id"], minlength=doctors)
        later.append(top_complaint_doctors_share(complaints, disputes))
    assert np.mean(later) > 0.25 and min(later) > 0.1, later
