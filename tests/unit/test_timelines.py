"""Station timelines (``sim.analysis.timelines``): the time-average count of open
intervals per bin, exact on hand-made intervals; the servers at work per bin, exact
on hand-made schedules; the area under every station's
curves equals the sum of its waits and service times (Little's law over the day);
a streamed run gives the table a kept run does; the stations of a hospital."""

import numpy as np
import pandas as pd
import pytest

from sim.analysis.stations import session_breaks, stations
from sim.analysis.timelines import COLUMNS, occupancy, station_timelines
from sim.staffing import rosters
from sim.staffing.on_duty import at_work, bin_means, roster_changes
from tests.conftest import run


def test_occupancy_splits_an_interval_over_the_bins_it_covers():
    """[5, 40) in 15-minute bins: 10 of the first bin's 15 minutes, all of the second,
    10 of the third; a second interval inside one bin adds its length; groups apart."""
    group = np.array([0, 0, 1])
    begin = np.array([5.0, 16.0, 0.0])
    end = np.array([40.0, 19.0, 15.0])
    counts = occupancy(group, begin, end, groups=2, bins=3, bin_min=15.0)
    np.testing.assert_allclose(counts[0], [10 / 15, 1 + 3 / 15, 10 / 15])
    np.testing.assert_allclose(counts[1], [1.0, 0.0, 0.0])


def test_occupancy_of_intervals_that_all_cross_a_bin_edge_or_of_none():
    """No interval inside a single bin (or no interval at all, a station nobody used
    that day): still the time-average counts, as floats (an empty bincount is integer)."""
    counts = occupancy(np.array([0]), np.array([10.0]), np.array([20.0]), groups=1, bins=2, bin_min=15.0)
    np.testing.assert_allclose(counts, [[5 / 15, 5 / 15]])
    empty = occupancy(np.zeros(0), np.zeros(0), np.zeros(0), groups=1, bins=2, bin_min=15.0)
    np.testing.assert_array_equal(empty, [[0.0, 0.0]])


def test_servers_at_work_per_bin_are_the_scheduled_server_minutes_over_its_length():
    """Two servers from 7:50, one from 10:05 (and for the rest of the day): the bin
    7:45-8:00 has 2 x 10 / 15, the bin 10:00-10:15 (2 x 5 + 1 x 10) / 15; a doctors'
    roster day is its sessions' counts with nobody between them."""
    changes = [(470.0, 2), (605.0, 1)]
    edges = np.array([450.0, 465.0, 480.0, 600.0, 615.0, 2000.0])
    np.testing.assert_allclose(bin_means(changes, edges), [0.0, 20 / 15, 2.0, 20 / 15, 1.0])
    np.testing.assert_array_equal(at_work(changes, np.array([0.0, 470.0, 604.9, 605.0, 3000.0])), [0, 2, 2, 1, 1])
    day = rosters.DayRoster(sessions=((480.0, 720.0), (810.0, 1020.0)), on_duty=(3, 2))
    assert roster_changes(day) == [(480.0, 3), (720.0, 0), (810.0, 2), (1020.0, 0)]


def test_the_stations_of_a_hospital_in_the_order_a_patient_meets_them():
    """general_hospital with kiosks: windows, kiosks, each department's doctors, the
    cashier, each exam, the pharmacy; one lunch gap from 12:00 to 13:30 (its sessions)."""
    from sim import compose
    from sim.config.compose import to_typed

    hospital = to_typed(compose(["intervention=self_service_kiosks"])).hospital
    names = [s.name for s in stations(hospital)]
    assert names == [
        "registration_windows",
        "registration_kiosks",
        *(f"doctors_{d}" for d in hospital.departments),
        "cashier",
        *hospital.exams,
        "pharmacy",
    ]
    assert session_breaks(stations(hospital)) == [(12 * 60.0, 13.5 * 60.0)]


def test_area_under_the_curves_is_the_sum_of_waits_and_services(demo_result):
    """For every station, the mean number waiting times the bin length times the days
    is the total time waited there (and the same for busy servers and service time)."""
    table = station_timelines(demo_result.visits, demo_result.config.hospital, demo_result.config.run.start_date)
    assert list(table.columns) == COLUMNS
    visits = demo_result.visits
    stages = {"cashier": ["exam_payment", "payment"], "pharmacy": ["pharmacy"], "lab": ["lab"]}
    for hospital_station in stations(demo_result.config.hospital):
        rows = table[table["station"] == hospital_station.name]
        days = rows["days"].iloc[0]
        chosen = stages.get(hospital_station.name)
        if chosen is None:
            continue
        waited = sum(np.nansum(visits[f"wait_{s}"]) for s in chosen)
        served = sum(np.nansum(visits[f"{s}_end"] - visits[f"{s}_start"]) for s in chosen)
        assert rows["waiting_mean"].sum() * 15 * days == pytest.approx(waited, rel=1e-9)
        assert rows["busy_mean"].sum() * 15 * days == pytest.approx(served, rel=1e-9)
    doctors = table[table["station"].str.startswith("doctors_")]
    consulted = np.nansum(visits["consultation_end"] - visits["consultation_start"]) + np.nansum(
        visits["review_end"] - visits["review_start"]
    )
    assert (doctors["busy_mean"] * 15 * doctors["days"]).sum() == pytest.approx(consulted, rel=1e-9)
    assert (table["busy_p10"] <= table["busy_mean"] + 1e-12).all()
    assert (table["busy_mean"] <= table["busy_p90"] + 1e-12).all()


def test_a_streamed_run_has_the_timelines_of_a_kept_run(tmp_path):
    """output.stream adds the timelines up day by day: the same table."""
    overrides = ["hospital=teaching_demo", "run.days=3", "run.replications=2"]
    kept = run(*overrides).stations
    streamed = run(*overrides, "output.stream=true", "output.save_visits=false").stations
    pd.testing.assert_frame_equal(kept, streamed, rtol=1e-12)
