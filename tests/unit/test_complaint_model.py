"""Pieces of the complaint model checked by hand: crowding counts, attribution
probabilities, the slot-time hook, concentration shares, the HCAT names."""

import numpy as np
import pytest

from sim.complaints import hcat
from sim.complaints.concentration import top_share
from sim.complaints.crowding import waiting_when_joined
from sim.complaints.drivers import stage_waits
from sim.complaints.model import cause_category_matrix, cause_probabilities, severity_matrix
from sim.engine.records import COMPLETED, LEFT_WITHOUT_BEING_SEEN
from sim.schema import ComplaintsConfig


def test_hcat_names_are_exactly_the_reference_ones():
    # Gillespie & Reader 2016, as written in parameters.md
    assert list(hcat.CATEGORY_LABELS.values()) == [
        "quality",
        "safety",
        "environment",
        "institutional processes",
        "listening",
        "communication",
        "respect & patient rights",
    ]
    assert hcat.DOMAINS == ("clinical", "management", "relationships")
    assert hcat.SEVERITIES == ("low", "medium", "high")
    assert {c for c in hcat.CATEGORIES if hcat.DOMAIN_OF[c] == "clinical"} == {"quality", "safety"}
    assert {c for c in hcat.CATEGORIES if hcat.DOMAIN_OF[c] == "management"} == {
        "environment",
        "institutional_processes",
    }
    for cause, allowed in hcat.CAUSE_CATEGORIES.items():
        assert set(allowed) <= set(hcat.CATEGORIES), cause


def test_waiting_when_joined_counts_those_ahead_still_waiting():
    join = np.array([0.0, 1.0, 2.0, 10.0])
    leave = np.array([5.0, 3.0, 2.0, 10.0])  # the third is served on arrival
    np.testing.assert_array_equal(waiting_when_joined(join, leave), [0, 1, 2, 0])


def test_cause_probabilities_are_the_attributable_fractions():
    base = np.log(np.array([1e-4, 1e-4, 1e-4]))
    z = np.array([[0.0, 0, 0, 0, 0, 0], [np.log(3.0), 0, 0, 0, 0, 0], [np.log(2.0), 0, np.log(2.0), 0, 0, 0]])
    p, causes = cause_probabilities(base, z)
    np.testing.assert_allclose(causes.sum(axis=1), 1.0)
    assert np.all(causes >= 0)
    assert causes[0, 0] == 1.0  # no driver: background only
    # odds x3 from waiting: a third would have happened anyway (rare-event limit)
    assert causes[1, 0] == pytest.approx(1 / 3, rel=1e-3) and causes[1, 1] == pytest.approx(2 / 3, rel=1e-3)
    # two equal drivers share the excess equally
    assert causes[2, 1] == pytest.approx(causes[2, 3]) and causes[2, 0] == pytest.approx(1 / 4, rel=1e-3)


def test_classification_matrices_are_distributions_over_allowed_categories():
    cfg = ComplaintsConfig()
    matrix = cause_category_matrix(cfg)
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0)
    for row, cause in enumerate(hcat.CAUSES):
        allowed = [hcat.category_index(c) for c in hcat.CAUSE_CATEGORIES[cause]]
        assert matrix[row, [k for k in range(len(hcat.CATEGORIES)) if k not in allowed]].sum() == 0
    np.testing.assert_allclose(severity_matrix(cfg).sum(axis=1), 1.0)


def test_booked_patients_judge_the_wait_for_the_doctor_from_their_slot():
    columns = {
        "arrival_time": np.array([60.0, 60.0, 60.0, 60.0]),
        "wait_consultation": np.array([30.0, 30.0, 30.0, np.nan]),
        "consultation_start": np.array([100.0, 100.0, 100.0, np.nan]),
        "registration_end": np.array([70.0, 70.0, 70.0, 70.0]),
        "departure_time": np.array([150.0, 150.0, 150.0, 130.0]),
        "outcome": np.array([COMPLETED, COMPLETED, COMPLETED, LEFT_WITHOUT_BEING_SEEN]),
    }
    wait, began = stage_waits(columns, "consultation")
    np.testing.assert_allclose(wait, [30, 30, 30, 60])  # walk-ins; the last gave up after 60 min
    columns["slot_time"] = np.array([np.nan, 90.0, 50.0, 120.0])  # walk-in, early for slot, late for slot, booked
    wait, began = stage_waits(columns, "consultation")
    np.testing.assert_allclose(wait, [30, 10, 30, 10])
    np.testing.assert_allclose(began, [70, 90, 70, 120])


def test_top_share_interpolates_the_lorenz_curve():
    assert top_share(np.ones(10)) == pytest.approx(0.1)
    assert top_share(np.ones(82)) == pytest.approx(0.1)
    assert top_share(np.r_[np.zeros(9), 10.0]) == pytest.approx(1.0)
    assert top_share(np.r_[np.zeros(18), 5.0, 5.0]) == pytest.approx(1.0)  # top 2 of 20
    assert top_share(np.r_[np.ones(19), 21.0]) == pytest.approx((21 + 1) / 40)  # top 2 of 20: 21 + 1
    assert np.isnan(top_share(np.zeros(5)))


def test_the_queue_for_the_doctor_is_joined_after_registration_or_on_arrival():
    from sim.complaints.crowding import consultation_join

    columns = {
        "arrival_time": np.array([0.0, 0.0, 5.0]),
        "registration_end": np.array([3.0, 3.0, np.nan]),  # the third registered online
        "consultation_start": np.array([20.0, np.nan, np.nan]),
        "wait_consultation": np.array([17.0, np.nan, np.nan]),  # the second and third gave up
    }
    np.testing.assert_array_equal(consultation_join(columns), [3.0, 3.0, 5.0])
