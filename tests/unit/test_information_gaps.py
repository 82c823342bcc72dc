"""Information gaps (``sim.demand.information``): the drawn gap rates follow the
configured odds by sex, age group and education (each group's rate within its
binomial interval of the formula, and in the configured order), measures in place
only remove gaps (common random numbers), app notifications reach online bookers
only, and the complaint model's gap term adds to communication and to its HCAT
category only; a communication complaint of a patient who left unseen (possible only
through a gap), made on site, is made when they leave."""

import numpy as np
import pytest
from scipy.special import expit, logit

import sim
from sim.complaints import information_gaps
from sim.config.compose import to_typed
from sim.demand import information
from sim.demand.booking import CHANNELS, DayBookings
from sim.schema import GAP_STAGES
from sim.streams import Streams

N = 120_000


@pytest.fixture
def hospital():
    return to_typed(sim.compose(["hospital=general_hospital", "hospital.information.enabled=true"])).hospital


def _patients(seed: int = 3):
    rng = np.random.default_rng(seed)
    female = rng.random(N) < 0.5
    age = rng.integers(0, 3, N).astype(np.int8)
    education = rng.integers(0, 3, N).astype(np.int8)
    online = rng.random(N) < 0.3
    bookings = DayBookings(
        booked=online,
        channel=np.where(online, CHANNELS.index("online"), 0).astype(np.int8),
        **{
            name: np.zeros(N, dtype=bool)
            for name in ("no_show", "late", "slot_priority", "pre_registered", "mobile_payment", "booking_full")
        },
        slot_time=np.full(N, np.nan),
        slot_doctor=np.full(N, -1, dtype=np.int32),
    )
    return female, age, education, bookings


def _binomial_ok(gaps: np.ndarray, p: np.ndarray) -> bool:
    """The count of gaps is within 4 standard deviations of the sum of probabilities."""
    return abs(gaps.sum() - p.sum()) <= 4 * np.sqrt((p * (1 - p)).sum())


def test_gap_rates_follow_the_configured_odds_and_their_order(hospital):
    female, age, education, bookings = _patients()
    gap, delay = information.draw(hospital, female, age, education, bookings, Streams(5, 0), 0)
    p = information.gap_probabilities(hospital, female, age, education, bookings.booked)
    cfg = hospital.information
    for k, stage in enumerate(GAP_STAGES):
        # the reference patient's probability is the configured one
        reference = female & (age == 0) & (education == 2)
        assert p[reference, k] == pytest.approx(cfg.reference_probability[stage])
        groups = {
            "sex": [~female, female],  # men feel more gaps (Tian 2020)
            "age": [age == 2, age == 1, age == 0],  # older more
            "education": [education == 0, education == 1, education == 2],  # less educated more
        }
        for name, masks in groups.items():
            rates = [gap[mask, k].mean() for mask in masks]
            assert all(_binomial_ok(gap[mask, k], p[mask, k]) for mask in masks), (stage, name)
            assert rates == sorted(rates, reverse=True), (stage, name, rates)
            gaps_ = [gap[mask, k].sum() for mask in masks]
            for first, second, m1, m2 in zip(gaps_, gaps_[1:], masks, masks[1:], strict=False):
                # each step of the order is significant: the difference exceeds 3 standard errors
                r1, r2, n1, n2 = first / m1.sum(), second / m2.sum(), m1.sum(), m2.sum()
                assert r1 - r2 > 3 * np.sqrt(r1 * (1 - r1) / n1 + r2 * (1 - r2) / n2), (stage, name)
        assert (delay[stage][~gap[:, k]] == 0).all() and (delay[stage][gap[:, k]] > 0).all()


def test_measures_only_remove_gaps_and_the_app_reaches_online_bookers_only(hospital):
    female, age, education, bookings = _patients()
    before, _ = information.draw(hospital, female, age, education, bookings, Streams(5, 0), 0)
    hospital.information.guidance.in_place = True
    hospital.information.app_notifications.in_place = True
    after, _ = information.draw(hospital, female, age, education, bookings, Streams(5, 0), 0)
    assert not (after & ~before).any()  # the same draws: nobody gains a gap
    consultation = GAP_STAGES.index("consultation")  # neither measure acts there
    assert (after[:, consultation] == before[:, consultation]).all()
    hospital.information.guidance.in_place = False
    app_only, _ = information.draw(hospital, female, age, education, bookings, Streams(5, 0), 0)
    assert (app_only[~bookings.booked] == before[~bookings.booked]).all()
    assert app_only[bookings.booked].sum() < before[bookings.booked].sum()


def test_gaps_add_to_communication_only():
    """Log odds: ln(OR) per gap added to the communication driver; the share from gaps
    moves a communication complaint's category shares towards *communication*."""
    hospital = to_typed(sim.compose(["hospital.information.complaint_odds_ratio=2.0"])).hospital
    z = np.array([[0.1, 0, 0, 0.2, 0, 0], [0.1, 0, 0, 0.0, 0, 0], [0, 0, 0, 0.5, 0, 0]])
    columns = {"information_gaps": np.array([0, 2, 1])}
    added, share = information_gaps.add_log_odds(z, columns, hospital)
    assert added[:, information_gaps.DRIVER] == pytest.approx([0.2, 2 * np.log(2), 0.5 + np.log(2)])
    assert np.delete(added, information_gaps.DRIVER, axis=1) == pytest.approx(
        np.delete(z, information_gaps.DRIVER, axis=1)
    )
    assert share == pytest.approx([0.0, 1.0, np.log(2) / (0.5 + np.log(2))])
    from sim.complaints.model import cause_category_matrix

    matrix = cause_category_matrix(hospital.complaints)
    rows = matrix[information_gaps.CAUSE] + information_gaps.category_shift(matrix, share)
    assert rows.sum(axis=1) == pytest.approx(1.0)
    assert rows[1] == pytest.approx(np.eye(matrix.shape[1])[information_gaps.CATEGORY])
    assert rows[0] == pytest.approx(matrix[information_gaps.CAUSE])


def test_probability_formula(hospital):
    """A 70-year-old man with basic education: the reference odds times 1.3 x 2.0 x 2.0."""
    p = information.gap_probabilities(hospital, np.array([False]), np.array([2]), np.array([0]), np.array([False]))
    for k, stage in enumerate(GAP_STAGES):
        expected = expit(logit(hospital.information.reference_probability[stage]) + np.log(1.3 * 2.0 * 2.0))
        assert p[0, k] == pytest.approx(expected)


def test_onsite_communication_complaint_without_a_consultation_is_made_on_leaving():
    """Fault found in kunming_tertiary runs: such a complaint had no time (NaN, the
    consultation's end), which the complaint office cannot handle."""
    from types import SimpleNamespace

    from sim.complaints import hcat
    from sim.complaints.model import U_ONSITE, _timing

    hospital = to_typed(sim.compose(["hospital=general_hospital"])).hospital
    columns = {"departure_time": np.array([600.0, 700.0]), "consultation_end": np.array([np.nan, 650.0])}
    drivers = SimpleNamespace(wait_onsite_time=np.full(2, np.nan))
    cause = np.full(2, hcat.CAUSES.index("communication"))
    u = np.zeros((2, 6))
    u[:, U_ONSITE] = 0.0  # on site
    channel, time = _timing(columns, drivers, hospital.complaints, np.arange(2), cause, u, np.zeros(2))
    assert list(channel) == [0, 0]
    assert time == pytest.approx([600.0, 650.0])
