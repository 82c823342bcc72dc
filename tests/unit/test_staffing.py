"""Rosters, station schedules and their servers (``sim.staffing``,
``sim.engine.stations.ShiftServers``): which row applies on a day, what a day's
roster is after holidays and interventions, and that a scheduled station serves
first come first served with a server going off duty finishing their patient — and
with a constant schedule exactly as the fixed-count station does."""

from __future__ import annotations

import datetime as dt
from heapq import heapify

import numpy as np
import pytest

import sim
from sim.analysis.theory import mmc_mean_wait
from sim.config.compose import to_typed
from sim.engine.records import Stage
from sim.engine.stations import ShiftServers, book
from sim.schema import ExtraServers, ServerChange
from sim.staffing import days, rosters, schedules

MONDAY, SATURDAY = dt.date(2026, 3, 2), dt.date(2026, 3, 7)


def _demo():
    return to_typed(sim.compose(["hospital=teaching_demo", "output.progress=false"]))


def test_the_most_specific_day_key_applies():
    table = {"all": 1, "weekend": 2, "sat": 3, "holiday": 4}
    assert days.row(table, days.DayKind(0)) == 1
    assert days.row(table, days.DayKind(6)) == 2
    assert days.row(table, days.DayKind(5)) == 3
    assert days.row(table, days.DayKind(0, holiday=True)) == 4
    assert days.row({"weekdays": 5}, days.DayKind(6)) is None


def test_holiday_ranges_include_both_ends():
    dates = days.holiday_dates(["2026-02-16..2026-02-18", "2026-05-01"])
    assert dates == {dt.date(2026, 2, 16), dt.date(2026, 2, 17), dt.date(2026, 2, 18), dt.date(2026, 5, 1)}
    with pytest.raises(ValueError, match="ends before it starts"):
        days.holiday_dates(["2026-02-18..2026-02-16"])


def test_a_days_roster_follows_its_row_holidays_and_interventions():
    cfg = _demo()
    h = cfg.hospital
    h.departments["surgery"].roster = {"weekdays": [3, 1], "sat": [1, 0]}
    h.staffing.holidays.dates = ["2026-03-03"]
    h.staffing.holidays.doctor_share = 0.5
    assert rosters.day_rosters(h, MONDAY)["surgery"].on_duty == (3, 1)
    assert rosters.day_rosters(h, SATURDAY)["surgery"].on_duty == (1, 0)
    assert rosters.day_rosters(h, dt.date(2026, 3, 3))["surgery"].on_duty == (2, 1)  # round(1.5), round(0.5)
    assert rosters.day_rosters(h, MONDAY)["internal_medicine"].on_duty == (3, 3)  # no roster: doctors
    assert rosters.staff(h, "surgery") == 3
    h.staffing.extra_doctors.every_session = 1
    h.staffing.extended_hours.start_earlier_min = 15
    h.staffing.extended_hours.end_later_min = 30
    monday = rosters.day_rosters(h, MONDAY)["surgery"]
    assert monday.on_duty == (4, 2)
    assert monday.sessions == ((465.0, 750.0), (795.0, 1050.0))
    assert rosters.day_rosters(h, SATURDAY)["surgery"].on_duty == (2, 0)  # a closed session stays closed
    assert monday.sessions_of(0) == [0, 1] and monday.sessions_of(3) == [0]


def test_the_wait_rule_adds_doctors_only_where_the_predicted_wait_is_too_long():
    """At the session's mean load, an M/M/c queue with the rostered doctors; doctors
    are added while Erlang C predicts a mean wait above the threshold."""
    h = _demo().hospital
    h.arrivals.daily_volume = 600.0  # the teaching clinic overloaded
    h.staffing.extra_doctors.wait_above_min = 10.0
    h.staffing.extra_doctors.max_per_session = 20
    roster = rosters.day_rosters(h, MONDAY)["internal_medicine"]
    patients = rosters.session_patients(h, "internal_medicine", list(roster.sessions), MONDAY)
    assert sum(patients) == pytest.approx(600.0 * 0.6)
    mean = 5.0 * np.exp(0.6**2 / 2) + (1 - 0.6 * 0.8) * 3.0 * np.exp(0.5**2 / 2)
    for (start, end), count, expected in zip(roster.sessions, roster.on_duty, patients, strict=True):
        rate = expected / (end - start)
        assert count > 3
        assert mmc_mean_wait(rate, mean, count) <= 10.0
        assert count - 1 <= rate * mean or mmc_mean_wait(rate, mean, count - 1) > 10.0


def test_a_stations_day_with_extra_windows():
    h = _demo().hospital
    h.pharmacy.schedule = [ServerChange("weekdays", "7:30", 1), ServerChange("weekdays", "12:00", 2)]
    h.pharmacy.extra = [ExtraServers("9:00", "11:00", 2)]
    station = next(s for s in schedules.stations(h) if s.name == "pharmacy")
    assert schedules.day_changes(station, days.DayKind(0)) == [(450.0, 1), (540.0, 3), (660.0, 1), (720.0, 2)]
    saturday = schedules.day_changes(station, days.DayKind(6))
    assert saturday == [(450.0, 1), (540.0, 3), (660.0, 1)]  # servers from opens, plus the window
    assert schedules.server_minutes(saturday, 450.0, 720.0) == 90 * 1 + 120 * 3 + 60 * 1


def _stage(service):
    return Stage("s", list(service), len(service))


def test_a_constant_schedule_serves_exactly_as_the_fixed_count():
    """Same starts, ends and waits, to the bit, for random arrivals and services."""
    rng = np.random.default_rng(1)
    arrivals = np.sort(rng.uniform(400, 900, 500)).tolist()
    service = rng.lognormal(1.0, 0.6, 500).tolist()
    fixed, shifts = _stage(service), _stage(service)
    free_at = [420.0] * 3
    heapify(free_at)
    servers = ShiftServers([(420.0, 3)])
    for visit, arrival in enumerate(arrivals):
        book(free_at, fixed, visit, arrival)
        servers.book(shifts, visit, arrival)
    assert fixed.start == shifts.start and fixed.end == shifts.end and fixed.wait == shifts.wait


def test_a_server_going_off_duty_finishes_the_patient_first():
    stage = _stage([5.0, 5.0, 5.0])
    servers = ShiftServers([(0.0, 2), (10.0, 1)])
    servers.book(stage, 0, 8.0)  # server 1 (highest free) until 13, though off duty from 10
    servers.book(stage, 1, 9.0)  # server 0, 9-14
    servers.book(stage, 2, 11.0)  # only server 0 is on duty: waits for it
    assert stage.start == [8.0, 9.0, 14.0]
    assert stage.end == [13.0, 14.0, 19.0]


def test_servers_coming_on_duty_take_the_queue_and_a_break_holds_it():
    stage = _stage([30.0, 30.0, 30.0, 1.0])
    servers = ShiftServers([(0.0, 1), (10.0, 3), (100.0, 0), (120.0, 1)])
    for visit, arrival in enumerate([0.0, 1.0, 2.0, 105.0]):
        servers.book(stage, visit, arrival)
    assert stage.start == [0.0, 10.0, 10.0, 120.0]  # two start when servers come on; nobody during the break


def test_a_patient_who_baulked_is_judged_on_the_wait_they_foresaw():
    """The complaint model's wait for a baulking patient is the patients per doctor they
    saw times their department's mean consultation, as if lived until they left;
    everyone else keeps their own wait."""
    from sim import distributions
    from sim.complaints.drivers import _with_foreseen_waits
    from sim.engine.records import BAULKED, COMPLETED

    h = _demo().hospital
    means = [distributions.build(d.consultation).mean for d in h.departments.values()]
    columns = {
        "outcome": np.array([BAULKED, COMPLETED, BAULKED]),
        "department": np.array([0, 0, 1]),
        "baulk_queue_per_doctor": np.array([4.0, 1.0, 2.5]),
        "departure_time": np.array([600.0, 700.0, 650.0]),
    }
    wait, began = _with_foreseen_waits(columns, h, np.array([np.nan, 12.0, np.nan]), np.array([np.nan, 500.0, np.nan]))
    np.testing.assert_allclose(wait, [4 * means[0], 12.0, 2.5 * means[1]])
    np.testing.assert_allclose(began, [600 - 4 * means[0], 500.0, 650 - 2.5 * means[1]])
