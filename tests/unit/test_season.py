"""The seasonal profile (``sim.demand.season``): department month indexes scale the
expected demand and the department mix as the formula says, holidays scale demand and
send the department's last doctors on leave (never all), and a run honours it —
fewer doctors work on holiday dates and none of those on leave is given a booked
slot."""

import datetime as dt

import numpy as np
import pytest

import sim
from sim.config.compose import to_typed
from sim.demand import arrivals, season
from sim.demand.booking import doctor_ids
from sim.schema import HolidayPeriod
from tests.conftest import run

JANUARY_MONDAY = dt.date(2027, 1, 4)
JULY_MONDAY = dt.date(2026, 7, 6)
RESPIRATORY = "hospital.season.department_month_index={pediatrics:[2.0,2.0,1.5,1.5,1.0,1.0,1.0,1.0,1.0,1.0,1.0,2.0]}"


@pytest.fixture
def hospital():
    return to_typed(sim.compose(["hospital=general_hospital", RESPIRATORY])).hospital


def test_department_index_scales_its_demand_and_the_mix(hospital):
    """Paediatrics (15% of patients) doubled in January: 15% more patients in all, of
    whom 0.30 / 1.15 are children; July is untouched."""
    plain = to_typed(sim.compose(["hospital=general_hospital"])).hospital
    assert arrivals.expected_arrivals(hospital, JANUARY_MONDAY) == pytest.approx(
        1.15 * arrivals.expected_arrivals(plain, JANUARY_MONDAY)
    )
    assert arrivals.expected_arrivals(hospital, JULY_MONDAY) == pytest.approx(
        arrivals.expected_arrivals(plain, JULY_MONDAY)
    )
    shares = season.department_shares(hospital, JANUARY_MONDAY)
    pediatrics = list(hospital.departments).index("pediatrics")
    assert shares.sum() == pytest.approx(1.0)
    assert shares[pediatrics] == pytest.approx(0.30 / 1.15)
    drawn = arrivals.departments(hospital, 200_000, np.random.default_rng(1), JANUARY_MONDAY)
    assert np.mean(drawn == pediatrics) == pytest.approx(0.30 / 1.15, abs=4 * np.sqrt(0.26 * 0.74 / 200_000))


def test_holidays_scale_demand_and_send_the_last_doctors_on_leave(hospital):
    hospital.season.holidays = [
        HolidayPeriod(start="2027-01-01", end="2027-01-07", doctors_on_leave_share=0.5, demand_index=0.6)
    ]
    plain = to_typed(sim.compose(["hospital=general_hospital", RESPIRATORY])).hospital
    assert arrivals.expected_arrivals(hospital, JANUARY_MONDAY) == pytest.approx(
        0.6 * arrivals.expected_arrivals(plain, JANUARY_MONDAY)
    )
    ids = doctor_ids(hospital)
    on_duty = season.doctors_on_duty(hospital, JANUARY_MONDAY, ids)
    assert on_duty["internal_medicine"] == ids["internal_medicine"][:13]  # 26 doctors, 13 on leave
    assert on_duty["dermatology"] == ids["dermatology"][:4]  # 7 doctors: floor(3.5) = 3 on leave
    assert season.doctors_on_duty(hospital, dt.date(2027, 1, 8), ids) == ids  # the day after
    assert season.at_work(1, 0.9) == 1 and season.at_work(10, 1.0) == 1  # one always stays


def test_a_run_honours_the_holiday():
    """teaching_demo with 35% booked and a two-day holiday (doctors 2 of 3 and 1 of 2
    on leave): only the doctors at work have sessions and booked slots on those days;
    the other days every doctor works."""
    result = run(
        "hospital=teaching_demo",
        "run.days=4",
        "run.replications=1",
        "run.start_date=2026-03-02",
        "hospital.booking.booked_share=0.35",
        "hospital.season.holidays=[{start:'2026-03-03',end:'2026-03-04',doctors_on_leave_share:0.6}]",
    )
    sessions = result.doctor_sessions
    working = sessions.groupby("day")["doctor_id"].unique().map(sorted)
    assert working[0] == working[3] == [0, 1, 2, 3, 4]
    assert working[1] == working[2] == [0, 1, 3]  # internal medicine 0-2 keeps 0, 1; surgery 3-4 keeps 3
    visits = result.visits
    holiday = visits["day"].isin([1, 2])
    assert visits.loc[holiday & visits["booked"], "slot_doctor_id"].isin([0, 1, 3]).all()
    assert visits.loc[holiday & (visits["doctor_id"] >= 0), "doctor_id"].isin([0, 1, 3]).all()
    assert visits.loc[~holiday & visits["booked"], "slot_doctor_id"].isin([2, 4]).any()


def test_bad_seasons_are_refused():
    from tests.conftest import assert_refused

    assert_refused(
        ["hospital=general_hospital", "hospital.season.department_month_index={cardiology:[1.0]}"],
        ["department_month_index.cardiology: no such department", "has 1 values: it needs exactly 12"],
    )
    assert_refused(
        ["hospital.season.holidays=[{start:'2026-02-20',end:'2026-02-01'}]"],
        ["hospital.season.holidays[0]: ends on 2026-02-01, before it starts on 2026-02-20"],
    )


def test_season_leave_comes_off_the_day_roster_after_the_staffing_holidays():
    """Issue 15's leave (``hospital.season.holidays``) and issue 13's holidays
    (``hospital.staffing.holidays``) together, on teaching_demo with internal
    medicine rostered [4, 3] on weekdays: a season holiday with 60% on leave keeps
    ``at_work(k, 0.6)`` of each session's k (4 -> 2, 3 -> 2, 2 -> 1); on a date in
    both, the staffing holiday's share (0.5, rounded) applies first, then the leave;
    other days keep the roster."""
    from sim.staffing import rosters

    hospital = to_typed(
        sim.compose(
            [
                "hospital=teaching_demo",
                "hospital.departments.internal_medicine.roster={weekdays:[4,3]}",
                "hospital.season.holidays=[{start:'2026-03-03',end:'2026-03-04',doctors_on_leave_share:0.6}]",
                "hospital.staffing.holidays.dates=['2026-03-04']",
            ]
        )
    ).hospital

    def on_duty(date):
        day = rosters.day_rosters(hospital, date)
        return day["internal_medicine"].on_duty, day["surgery"].on_duty

    assert on_duty(dt.date(2026, 3, 2)) == ((4, 3), (2, 2))  # no holiday
    assert on_duty(dt.date(2026, 3, 3)) == ((2, 2), (1, 1))  # season leave only
    assert on_duty(dt.date(2026, 3, 4)) == ((1, 1), (1, 1))  # staffing holiday (2, 2), then the leave
