"""The parts of the patients-over-time model, one at a time: per-patient random numbers,
the register, the complaint office run as the days go, the return probability, the
calendar of open days, follow-up booking with the same doctor, SMS reminders, and the
cross-field checks of the settings."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sim.complaints.office import handle
from sim.demand import booking
from sim.patients_over_time.complaint_handling import RunningOffice
from sim.patients_over_time.draws import PatientDraws
from sim.patients_over_time.loyalty import CHRONIC, EPISODE, REVIEW, return_probability
from sim.patients_over_time.population import _next_open_day
from sim.patients_over_time.register import Register
from sim.schema import ComplaintOfficeConfig, Distribution, LoyaltyConfig
from sim.streams import Streams
from tests.conftest import assert_refused

DAY = 1440.0


def test_a_patients_numbers_do_not_depend_on_who_else_draws():
    """The number of patient 7 (counter 3) is the same drawn alone or among others, and
    in another replication or for another purpose it differs."""
    draws = PatientDraws(Streams(5, 0), "population.return")
    alone = draws.uniform(np.array([7]), 3)[0]
    among = draws.uniform(np.array([1, 7, 900_000]), np.array([0, 3, 8]))[1]
    assert alone == among
    assert PatientDraws(Streams(5, 1), "population.return").uniform(np.array([7]), 3)[0] != alone
    assert PatientDraws(Streams(5, 0), "population.chronic").uniform(np.array([7]), 3)[0] != alone


def test_patient_numbers_are_uniform_and_independent_of_the_counter():
    """200,000 numbers over patients and counters: mean 1/2 and variance 1/12 within
    5 standard errors, deciles equally full (chi-square, 9 df, below its 0.999
    quantile 27.9), and consecutive counters of a patient uncorrelated (|r| < 0.01)."""
    draws = PatientDraws(Streams(11, 0), "test")
    patients = np.repeat(np.arange(100_000), 2)
    counters = np.tile([0, 1], 100_000)
    u = draws.uniform(patients, counters)
    n = len(u)
    assert u.min() >= 0 and u.max() < 1
    assert abs(u.mean() - 0.5) < 5 * np.sqrt(1 / 12 / n)
    assert abs(u.var() - 1 / 12) < 5 * np.sqrt(1 / 180 / n)
    counts = np.bincount((u * 10).astype(int), minlength=10)
    assert ((counts - n / 10) ** 2 / (n / 10)).sum() < 27.9
    assert abs(np.corrcoef(u[0::2], u[1::2])[0, 1]) < 0.01


def test_the_register_keeps_every_value_as_it_grows():
    register = Register(capacity=2)
    first = register.add(3, female=True, visits=1)
    second = register.add(5, department=4)
    assert first.tolist() == [0, 1, 2] and second.tolist() == [3, 4, 5, 6, 7]
    assert register["female"].tolist() == [True] * 3 + [False] * 5
    assert register["visits"].tolist() == [1] * 3 + [0] * 5
    assert register["department"][3:].tolist() == [4] * 5
    assert register["lost_day"].tolist() == [-1] * 8


def _office() -> ComplaintOfficeConfig:
    return ComplaintOfficeConfig(
        staff=1, handling=Distribution(kind="lognormal", median=300.0, sigma=0.8), upheld_share=0.5
    )


def test_the_office_run_as_the_days_go_equals_the_office_at_the_end():
    """Complaints made over 30 days (some after their visit, ties included), fed day by
    day as the run would and handled up to each day's end, end exactly where the office
    run once over all of them puts them (one officer, busy enough to queue)."""
    rng = np.random.default_rng(3)
    visit_day = np.sort(rng.integers(0, 30, 120))
    made = (
        visit_day * DAY + 8 * 60 + rng.uniform(0, 600, 120) + rng.exponential(2.0, 120) * DAY * (rng.random(120) < 0.4)
    )
    made[10] = made[11]  # a tie
    start = dt.date(2026, 3, 2)
    once = handle(made, _office(), start, Streams(9, 0))
    running = RunningOffice(_office(), start, Streams(9, 0))
    for day in range(30):
        running.receive(made[visit_day == day])
        running.advance((day + 1) * DAY)
    running.advance(np.inf)
    n = len(made)
    np.testing.assert_array_equal(running.resolved_time[:n], once["resolved_time"])
    np.testing.assert_array_equal(running.within_target[:n], once["within_target"])
    np.testing.assert_array_equal(running.upheld[:n], once["upheld"])
    assert not once["within_target"].all()  # the queue was long enough to miss the target


def _loyalty(**changes) -> LoyaltyConfig:
    return LoyaltyConfig(enabled=True, **changes)


def _register(excess_wait, quality=0.0, complaint=-1) -> Register:
    register = Register()
    count = len(excess_wait)
    register.add(count, excess_wait=np.asarray(excess_wait, float), quality=quality, complaint=complaint)
    return register


def test_the_return_probability_falls_two_percent_of_the_odds_per_minute_of_wait():
    """Camacho 2006: odds x 0.98 per perceived minute beyond tolerance; base odds at the
    reference visit; with loyalty off, the base whatever the wait."""
    loyalty = _loyalty(chronic_return=0.9, reference_excess_wait_min=5.0)
    register = _register([0.0, 5.0, 15.0, 65.0])
    ids = np.arange(4)
    p = return_probability(loyalty, np.full(4, CHRONIC), register, ids, 0.0, None)
    odds = p / (1 - p)
    assert odds[1] == pytest.approx(9.0)
    np.testing.assert_allclose(odds / odds[1], 0.98 ** (np.array([0.0, 5.0, 15.0, 65.0]) - 5.0))
    off = return_probability(LoyaltyConfig(), np.array([CHRONIC, REVIEW, EPISODE, CHRONIC]), register, ids, 0.0, None)
    np.testing.assert_array_equal(off, [0.95, 0.9, 0.4, 0.95])


def test_a_complaint_lowers_the_odds_and_its_handling_raises_them_only_once_it_happened():
    """A complainant's odds x0.3; x1.5 once resolved within target (and x1.5 upheld);
    x2 more after the follow-up call, three days after receipt, not before."""
    start = dt.date(2026, 3, 2)
    office = RunningOffice(_office(), start, Streams(1, 0))
    office.receive(np.array([DAY + 9 * 60]))  # Tuesday 9:00
    office.advance(2 * DAY)
    loyalty = _loyalty(chronic_return=0.5, follow_up_calls=True, follow_up_within_days=3.0)
    register = _register([0.0, 0.0], complaint=np.array([-1, 0]))
    ids = np.arange(2)

    def odds(now):
        p = return_probability(loyalty, np.full(2, CHRONIC), register, ids, now, office)
        return (p / (1 - p))[1]

    resolved = office.resolved_time[0]
    assert odds(resolved - 1) == pytest.approx(0.3)
    recovered = 0.3 * 1.5 ** (int(office.within_target[0]) + int(office.upheld[0]))
    assert odds(resolved) == pytest.approx(recovered)
    called = DAY + 9 * 60 + 3 * DAY
    assert odds(max(called, resolved)) == pytest.approx(recovered * 2.0)


def test_needs_on_closed_days_move_to_the_next_open_day():
    open_days = [True, True, False, False, True, False]
    assert _next_open_day(open_days).tolist() == [0, 1, 4, 4, 4, 6, 6]


def _slots(doctors, times):
    from sim.demand.slots import DepartmentSlots

    return DepartmentSlots(np.array(times, float), np.array(doctors, np.int32))


def test_a_follow_up_gets_its_own_doctor_while_the_doctor_has_a_slot():
    """Three follow-ups of doctor 1, who has two slots left: two get doctor 1, the third
    a colleague's slot; the new patient's request comes after them."""
    bookable = _slots([0, 1, 0, 1], [480, 480, 490, 490])
    requests = np.array([0, 1, 2, 3])
    preferred = np.full(4, 480.0)
    doctor = np.array([1, 1, 1, -1], dtype=np.int32)
    slot_time = np.full(4, np.nan)
    slot_doctor = np.full(4, -1, dtype=np.int32)
    left, free = booking._book_preferred_doctors(requests, preferred, doctor, bookable, slot_time, slot_doctor)
    assert slot_doctor[:2].tolist() == [1, 1] and left.tolist() == [2, 3]
    assert free.doctor.tolist() == [0, 0]


def test_sms_reminders_keep_exactly_the_bookings_they_save():
    """Same draws, risk ratio 0.77: the no-shows with reminders are the baseline's
    no-shows whose draw falls below 0.77 of the probability (a subset, never new ones)."""
    import sim
    from sim.config.compose import to_typed
    from sim.demand.patients import draw_day

    def no_shows(*extra):
        cfg = to_typed(sim.compose(["hospital=general_hospital", *extra]))
        patients = draw_day(cfg.hospital, dt.date(2026, 3, 2), 0, Streams(cfg.run.seed, 0))
        b = patients.bookings
        return {(t, d) for t, d in zip(b.slot_time[b.no_show], b.slot_doctor[b.no_show], strict=True)}

    base = no_shows()
    reminded = no_shows("intervention=visit_reminders")
    assert reminded < base
    assert 0.6 < len(reminded) / len(base) < 0.95  # about 0.77 of ~160 no-shows


@pytest.mark.parametrize(
    "overrides, fragment",
    [
        (["hospital.population.returns.enabled=true"], "needs hospital.population.enabled = true"),
        (
            ["hospital.population.enabled=true", "hospital.population.loyalty.enabled=true"],
            "needs hospital.population.returns.enabled",
        ),
        (
            ["hospital.population.returns.chronic_share={cardiology:0.2}"],
            "chronic_share.cardiology: no such department",
        ),
        (["hospital.charges.exam_fee={mri:300}"], "exam_fee.mri: no such exam"),
        (["hospital.population.returns.new_patient_share=0"], "new_patient_share = 0"),
        (["hospital.population.loyalty.wait_odds_ratio_per_min=1.1"], "wait_odds_ratio_per_min = 1.1"),
        (
            [
                "hospital.population.enabled=true",
                "hospital.population.returns.enabled=true",
                "hospital.population.loyalty.chronic_return=1",
            ],
            "no chronic patient ever leaves",
        ),
    ],
)
def test_bad_population_settings_are_refused_with_their_key(overrides, fragment):
    assert_refused(["hospital=general_hospital", *overrides], [fragment])
