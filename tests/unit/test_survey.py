"""The SERVQUAL survey (``sim.service_quality.survey``) on made-up visits: under common
random numbers (the same visits and streams), worsening one driver of a visit lowers
the perception scores of its dimension — never raises any — and leaves the other
dimensions and every expectation as they were; the share asked and the response
rate are as configured, and dissatisfied patients answer more or less often as the
non-response odds ratio says."""

import copy

import numpy as np
import pytest

import sim
from sim.complaints.drivers import QUALITY_EVENT
from sim.config.compose import to_typed
from sim.engine.records import COMPLETED, REVIEW_DEFERRED
from sim.service_quality import survey
from sim.streams import Streams

N = 20_000
DIMENSIONS = survey.DIMENSIONS


@pytest.fixture(scope="module")
def composed():
    return to_typed(sim.compose(["hospital.survey.enabled=true", "hospital.survey.sampled_share=0.5"])).hospital


@pytest.fixture
def hospital(composed):
    return copy.deepcopy(composed)


def _visits(**changes) -> dict[str, np.ndarray]:
    """N visits where nothing went wrong: seen on time by an average doctor."""
    columns = {
        "day": np.zeros(N, dtype=np.int32),
        "visit_id": np.arange(N),
        "department": np.zeros(N, dtype=np.int32),
        "female": np.arange(N) % 2 == 0,
        "age_group": np.zeros(N, dtype=np.int8),
        "education": np.zeros(N, dtype=np.int8),
        "in_warmup": np.zeros(N, dtype=bool),
        "outcome": np.full(N, COMPLETED, dtype=np.int8),
        "doctor_id": np.arange(N) % 4,
        "crowding_per_server": np.zeros(N),
        "clinical_event": np.zeros(N, dtype=np.int8),
        "consultation_start": np.full(N, 600.0),
        "slot_time": np.full(N, np.nan),
        "communication_quality": np.zeros(N),
        "perceived_excess_wait_min": np.zeros(N),
        "information_gaps": np.zeros(N, dtype=np.int8),
    }
    columns.update(changes)
    return columns


SKILL = np.zeros(4)

# driver -> (changed columns, changed doctor skills, the dimensions it lowers)
DRIVERS = {
    "crowding": ({"crowding_per_server": np.full(N, 12.0)}, SKILL, ["tangibles"]),
    "deferral": ({"outcome": np.full(N, REVIEW_DEFERRED, dtype=np.int8)}, SKILL, ["reliability"]),
    "clinical event": (
        {"clinical_event": np.full(N, QUALITY_EVENT, dtype=np.int8)},
        SKILL,
        ["reliability", "assurance"],
    ),
    "seen after the slot": ({"slot_time": np.full(N, 560.0)}, SKILL, ["reliability"]),
    "perceived wait": ({"perceived_excess_wait_min": np.full(N, 30.0)}, SKILL, ["responsiveness"]),
    "information gaps": ({"information_gaps": np.full(N, 2, dtype=np.int8)}, SKILL, ["responsiveness", "empathy"]),
    "doctor skill": ({}, np.full(4, -1.5), ["assurance"]),
    "rushed consultation": ({"communication_quality": np.full(N, -1.5)}, SKILL, ["empathy"]),
    "charge": ({"charge_total": np.full(N, 900.0)}, SKILL, ["economy"]),
}


def _scores(hospital, columns, skill):
    rows, asked = survey.respond(columns, hospital, Streams(9, 0), skill)
    return rows, asked


@pytest.mark.parametrize("driver", list(DRIVERS))
def test_each_driver_lowers_its_dimension_only(hospital, driver):
    hospital.survey.dissatisfied_response_odds_ratio = 1.0  # the same patients answer in both
    changes, skill, lowered = DRIVERS[driver]
    base, _ = _scores(hospital, _visits(), SKILL)
    worse, _ = _scores(hospital, _visits(**changes), skill)
    assert (base["visit_id"] == worse["visit_id"]).all()
    for dimension in DIMENSIONS:
        items = [f"{dimension}_perception_{j + 1}" for j in range(hospital.survey.items_per_dimension)]
        before = np.column_stack([base[i] for i in items])
        after = np.column_stack([worse[i] for i in items])
        assert (after <= before).all(), (driver, dimension)  # never better, item by item
        if dimension in lowered:
            assert after.mean() < before.mean() - 0.1, (driver, dimension)
        else:
            assert (after == before).all(), (driver, dimension)
        assert (worse[f"expectation_{dimension}"] == base[f"expectation_{dimension}"]).all()
    assert worse["overall_satisfaction"].mean() < base["overall_satisfaction"].mean()
    assert worse["would_recommend"].mean() <= base["would_recommend"].mean()


def test_scores_are_likert_and_the_gap_is_perception_minus_expectation(hospital):
    rows, _ = _scores(hospital, _visits(), SKILL)
    for dimension in DIMENSIONS:
        for j in range(hospital.survey.items_per_dimension):
            for part in ("expectation", "perception"):
                item = rows[f"{dimension}_{part}_{j + 1}"]
                assert item.dtype == np.int8 and item.min() >= 1 and item.max() <= 5
        gap = rows[f"perception_{dimension}"] - rows[f"expectation_{dimension}"]
        assert rows[f"gap_{dimension}"] == pytest.approx(gap)
    assert set(np.unique(rows["overall_satisfaction"])) <= {1, 2, 3, 4, 5}


def test_sampling_and_response_rates(hospital):
    hospital.survey.response_rate = 0.4
    rows, asked = _scores(hospital, _visits(), SKILL)
    assert abs(asked - 0.5 * N) < 4 * np.sqrt(N * 0.25)
    assert abs(len(rows["visit_id"]) - 0.4 * asked) < 4 * np.sqrt(asked * 0.24)


@pytest.mark.parametrize("odds_ratio", [0.25, 4.0])
def test_dissatisfied_patients_answer_as_the_bias_says(hospital, odds_ratio):
    """Among patients asked, the dissatisfied share of respondents moves with the odds
    ratio: with odds ratio 4 the dissatisfied answer more often (their share among
    respondents is higher than with no bias), with 0.25 less."""
    worse = _visits(
        perceived_excess_wait_min=np.full(N, 60.0),
        information_gaps=np.full(N, 2, dtype=np.int8),
        crowding_per_server=np.full(N, 24.0),
        outcome=np.full(N, REVIEW_DEFERRED, dtype=np.int8),
    )
    shares = {}
    for ratio in (1.0, odds_ratio):
        hospital.survey.dissatisfied_response_odds_ratio = ratio
        rows, _ = _scores(hospital, worse, SKILL)
        shares[ratio] = np.mean(rows["overall_satisfaction"] <= 2)
    assert 0.05 < shares[1.0] < 0.6
    assert (shares[odds_ratio] > shares[1.0]) == (odds_ratio > 1)
