"""The complaint office: exact handling times on a working-time clock, office hours,
first come first served, the 5-working-day target, and staff required."""

import datetime as dt

import numpy as np
import pytest

import sim
from sim.complaints.office import OfficeCalendar, handle
from sim.config.compose import ConfigError, to_typed
from sim.schema import ComplaintOfficeConfig, Distribution
from sim.streams import Streams

MONDAY = dt.date(2026, 3, 2)  # day 0 of the run
DAY = 1440.0
OPENS, CLOSES = 8 * 60.0, 17 * 60.0


def office(handling: Distribution, staff: int = 1) -> ComplaintOfficeConfig:
    return ComplaintOfficeConfig(
        staff=staff,
        opens="8:00",
        closes="17:00",
        working_days=[0, 1, 2, 3, 4],
        handling=handling,
        upheld_share=0.5,
        target_working_days=5,
    )


def fixed(minutes: float) -> Distribution:
    return Distribution(kind="fixed", value=minutes)


def test_a_case_interrupted_by_closing_time_resumes_after_the_weekend():
    friday_4pm = 4 * DAY + 16 * 60
    out = handle(np.array([friday_4pm]), office(fixed(120.0)), MONDAY, Streams(1, 0))
    assert out["handling_start"][0] == friday_4pm
    assert out["resolved_time"][0] == pytest.approx(7 * DAY + 9 * 60)  # Monday 9:00: 60 min Friday, 60 Monday
    assert out["resolution_days"][0] == pytest.approx((7 * DAY + 9 * 60 - friday_4pm) / DAY)


def test_complaints_made_out_of_hours_wait_for_the_office_to_open():
    saturday_noon, tuesday_night = 5 * DAY + 12 * 60, 1 * DAY + 22 * 60
    out = handle(np.array([saturday_noon, tuesday_night]), office(fixed(30.0), staff=2), MONDAY, Streams(1, 0))
    np.testing.assert_allclose(out["handling_start"], [7 * DAY + OPENS, 2 * DAY + OPENS])
    np.testing.assert_allclose(out["resolved_time"], [7 * DAY + OPENS + 30, 2 * DAY + OPENS + 30])


def test_one_officer_handles_complaints_in_order_of_receipt():
    monday_9am = 9 * 60.0
    out = handle(np.array([monday_9am + 1, monday_9am]), office(fixed(100.0)), MONDAY, Streams(1, 0))
    np.testing.assert_allclose(out["handling_start"], [monday_9am + 100, monday_9am])
    np.testing.assert_allclose(out["resolved_time"], [monday_9am + 200, monday_9am + 100])


def test_the_target_is_the_close_of_the_fifth_working_day_after_receipt():
    monday_10am = 10 * 60.0
    # Monday 10:00 -> next Monday 17:00: 420 + 4 x 540 + 540 office minutes
    just_in_time = 420 + 4 * 540 + 540
    on_time = handle(np.array([monday_10am]), office(fixed(just_in_time)), MONDAY, Streams(1, 0))
    assert on_time["resolved_time"][0] == pytest.approx(7 * DAY + CLOSES)  # at closing, not the next opening
    assert on_time["within_target"][0]
    late = handle(np.array([monday_10am]), office(fixed(just_in_time + 1)), MONDAY, Streams(1, 0))
    assert not late["within_target"][0]


def test_random_workload_obeys_office_hours_capacity_and_handling_times():
    rng = np.random.default_rng(7)
    received = np.sort(rng.uniform(0, 60 * DAY, 400))
    spec = Distribution(kind="lognormal", median=200.0, sigma=1.0)
    staff = 2
    out = handle(received, office(spec, staff=staff), MONDAY, Streams(3, 1))
    start, end = out["handling_start"], out["resolved_time"]
    assert np.all(out["resolution_days"] >= 0) and np.all(start >= received) and np.all(end >= start)
    for t in (start, end):
        minute = t % DAY
        assert np.all((minute >= OPENS - 1e-6) & (minute <= CLOSES + 1e-6))
        weekday = (MONDAY.weekday() + (t // DAY).astype(int)) % 7
        assert np.all(weekday < 5)
    # office minutes spent on each case are exactly its drawn handling time (drawn in order of receipt)
    calendar = OfficeCalendar(office(spec), MONDAY)
    from sim.distributions import build

    effort = build(spec).sample(Streams(3, 1).stream("complaints.office"), len(received))
    np.testing.assert_allclose(calendar.to_work(end) - calendar.to_work(start), effort, rtol=1e-9, atol=1e-6)
    # never more cases in hand than officers; first come, first served
    w_start, w_end = calendar.to_work(start), calendar.to_work(end)
    events = np.concatenate([np.stack([w_start, np.ones_like(w_start)], 1), np.stack([w_end, -np.ones_like(w_end)], 1)])
    events = events[np.lexsort((events[:, 1], events[:, 0]))]  # ends before starts at equal times
    assert np.cumsum(events[:, 1]).max() <= staff
    assert np.all(np.diff(w_start) >= -1e-9)
    assert 0.4 < out["upheld"].mean() < 0.6  # 400 draws at 50%: SD 0.025, bounds at 4 SD


def test_an_office_without_staff_is_refused_before_running():
    with pytest.raises(ConfigError) as error:
        to_typed(sim.compose(["hospital.complaints.office.staff=0"]))
    assert "hospital.complaints.office.staff = 0: must be an integer >= 1" in str(error.value)
