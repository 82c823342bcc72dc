"""Invariants every run must satisfy, checked on teaching_demo, general_hospital,
teaching_demo with online appointments and every booking option switched on, and a
week of teaching_demo with rosters, station schedules, a holiday, lengthened
sessions, exam pre-booking and baulking (``staffing_result``)."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.engine.records import stage_names
from sim.staffing import rosters
from tests.queue_invariants import (
    _date,
    outside_roster,
    owed_but_not_seen,
    station_overloads,
    turned_away_while_doctor_at_work,
    waiting_count_errors,
)


@pytest.fixture(params=["demo_result", "general_result", "appointments_result", "staffing_result"])
def result(request):
    return request.getfixturevalue(request.param)


def test_every_arrival_is_accounted_for(result):
    visits = result.visits
    assert set(visits["outcome"].unique()) <= {
        "completed",
        "left_without_being_seen",
        "review_deferred",
        "no_show",
        "clinic_closed",
        "baulked",
    }
    came = visits[visits["outcome"] != "no_show"]
    # terminating days: everybody who came has left by the end of the day
    assert came["departure_time"].notna().all()
    assert (came["departure_time"] >= came["arrival_time"]).all()
    # visit ids are unique within a replication and count every arrival
    for _, group in visits.groupby("replication"):
        assert np.array_equal(group["visit_id"].to_numpy(), np.arange(len(group)))
    completed = visits["outcome"] == "completed"
    assert completed.sum() > 100
    assert visits.loc[completed, "consultation_end"].notna().all()
    # everyone who came sees a doctor, except those who left without being seen, found
    # the doctors gone or baulked (some fixtures have none who left: this checks everyone who came)
    not_seen = came["outcome"].isin(["left_without_being_seen", "clinic_closed", "baulked"])
    assert (came["consultation_start"].isna() == not_seen).all()
    deferred = visits["outcome"] == "review_deferred"
    assert deferred.sum() > 10  # every fixture has results that come back after the doctors left
    assert visits.loc[deferred, "results_ready"].notna().all()
    assert visits.loc[deferred, "review_start"].isna().all()


def test_no_negative_waits(result):
    for stage in stage_names(result.config.hospital):
        waits = result.visits[f"wait_{stage}"].dropna()
        assert (waits >= 0).all(), stage
        durations = (result.visits[f"{stage}_end"] - result.visits[f"{stage}_start"]).dropna()
        assert (durations >= 0).all(), stage


def test_stage_timestamps_are_in_pathway_order(result):
    visits = result.visits
    order = ["arrival_time"]
    for stage in stage_names(result.config.hospital):
        order += [f"{stage}_start", f"{stage}_end"]
    order.append("departure_time")
    times = visits[order].to_numpy()
    # ignoring stages not visited (NaN), each timestamp is >= every earlier one
    running_max = np.fmax.accumulate(np.where(np.isnan(times), -np.inf, times), axis=1)
    visited = ~np.isnan(times)
    assert np.all(times[visited] >= running_max[:, :][visited] - 1e-9)
    shifted = np.concatenate([np.full((len(times), 1), -np.inf), running_max[:, :-1]], axis=1)
    assert np.all(times[visited] >= shifted[visited] - 1e-9)
    # a review starts no earlier than the results are ready
    reviewed = visits["review_start"].notna()
    assert reviewed.sum() > 100
    assert (visits.loc[reviewed, "review_start"] >= visits.loc[reviewed, "results_ready"] - 1e-9).all()


def test_doctors_see_one_patient_at_a_time(result):
    visits = result.visits
    first = visits[["replication", "doctor_id", "consultation_start", "consultation_end"]].dropna()
    review = visits[["replication", "review_doctor_id", "review_start", "review_end"]].dropna()
    review.columns = first.columns
    both = pd.concat([first, review]).sort_values(["replication", "doctor_id", "consultation_start"])
    for _, group in both.groupby(["replication", "doctor_id"]):
        starts = group["consultation_start"].to_numpy()
        ends = group["consultation_end"].to_numpy()
        assert np.all(starts[1:] >= ends[:-1] - 1e-9)


def test_stations_never_exceed_their_servers(result):
    """At no moment are more patients in service at the pharmacy than it ever has
    windows; and at every station every service starts with a free server on duty,
    by the day's schedule (``tests.queue_invariants.station_overloads``)."""
    visits = result.visits
    pharmacy = result.config.hospital.pharmacy
    servers = max([pharmacy.servers, *(c.servers for c in pharmacy.schedule)]) + sum(e.servers for e in pharmacy.extra)
    for _, group in visits.groupby("replication"):
        starts = group["pharmacy_start"].dropna().to_numpy()
        ends = group["pharmacy_end"].dropna().to_numpy()
        events = np.concatenate([np.stack([ends, -np.ones_like(ends)], 1), np.stack([starts, np.ones_like(starts)], 1)])
        events = events[np.lexsort((events[:, 1], events[:, 0]))]  # ends before starts at equal times
        assert np.cumsum(events[:, 1]).max() <= servers
    overloads = station_overloads(result)
    assert overloads.empty, f"services started with no server on duty free:\n{overloads}"


def test_doctors_work_only_their_rostered_sessions(result):
    """Every doctor-session is on the day's roster, and every consultation is within
    its doctor's session or its overtime for a patient who was waiting at the bell
    (``tests.queue_invariants.outside_roster``)."""
    outside = outside_roster(result)
    assert outside.empty, f"outside the roster:\n{outside}"
    assert len(result.doctor_sessions) > 0


def test_doctor_sessions_are_consistent(result):
    sessions = result.doctor_sessions
    assert (sessions["left"] >= sessions["end"] - 1e-9).all()  # nobody leaves before the session ends
    assert (sessions["busy_in_session"] <= sessions["end"] - sessions["start"] + 1e-9).all()
    assert (sessions["overtime_min"] >= 0).all()
    seen = result.visits["consultation_start"].notna().sum() + result.visits["review_start"].notna().sum()
    assert sessions["patients"].sum() == seen


def test_kpis_have_one_row_per_replication(result):
    assert list(result.kpis["replication"]) == list(range(result.config.run.replications))
    assert set(result.summary.columns) == {"mean", "ci_low", "ci_high", "n", "sd", "half_width", "rel_half_width"}
    row = result.summary.loc["wait_consultation_mean_min"]
    assert row["ci_low"] <= row["mean"] <= row["ci_high"]
    # the interval is built on the log scale (it stays >= 0), so it need not be symmetric;
    # half_width stays the t half-width that the precision flags and replications=auto use
    n = row["n"]
    assert row["half_width"] == pytest.approx(stats.t.ppf(0.975, n - 1) * row["sd"] / np.sqrt(n))
    assert row["rel_half_width"] == pytest.approx(row["half_width"] / abs(row["mean"]))
    assert row["sd"] == pytest.approx(result.kpis["wait_consultation_mean_min"].std(ddof=1))


def test_every_booking_is_accounted_for(result):
    """Each booked patient holds one slot of a doctor of their department, within that
    doctor's sessions, and either came (and has an outcome like any visit) or is a
    no-show row with no arrival and no stage times. Walk-ins hold no slot."""
    visits = result.visits
    hospital = result.config.hospital
    booked = visits[visits["booked"]]
    walk_ins = visits[~visits["booked"]]
    assert len(booked) > 0
    assert (walk_ins["channel"] == "walk_in").all() and walk_ins["slot_time"].isna().all()
    assert (walk_ins["slot_doctor_id"] == -1).all() and (walk_ins["outcome"] != "no_show").all()
    assert (booked["channel"] != "walk_in").all() and booked["slot_time"].notna().all()
    assert not (booked["booking_full"]).any()
    # the slot's doctor belongs to the patient's department and is on duty in the session
    # (of the day's roster) the slot lies in
    ids = rosters.doctor_ids(hospital)
    in_session = []
    for row in booked.itertuples():
        department = str(row.department)
        roster = rosters.day_rosters(hospital, _date(result, row.day))[department]
        minute = row.slot_time - row.day * 1440
        index = ids[department].index(row.slot_doctor_id) if row.slot_doctor_id in ids[department] else None
        in_session.append(
            index is not None
            and any(
                start <= minute < end and index < count
                for (start, end), count in zip(roster.sessions, roster.on_duty, strict=True)
            )
        )
    assert all(in_session)
    # no-shows: booked, never arrived, no stage visited
    no_show = booked[booked["outcome"] == "no_show"]
    assert len(no_show) > 0
    assert no_show["arrival_time"].isna().all() and no_show["departure_time"].isna().all()
    assert no_show[[c for c in visits.columns if c.endswith("_start")]].isna().all().all()
    # those who came arrived at slot time + punctuality, and booked patients seen by a
    # doctor of their own queue (per-doctor assignment) were seen by their slot's doctor
    came = booked[booked["outcome"] != "no_show"]
    np.testing.assert_allclose(came["arrival_time"] - came["slot_time"], came["punctuality_min"])
    own_doctor = [name for name, d in hospital.departments.items() if d.assignment != "pooled"]
    seen = came[came["consultation_start"].notna() & came["department"].isin(own_doctor)]
    assert len(seen) > 100
    assert (seen["doctor_id"] == seen["slot_doctor_id"]).all()


def test_skipped_stages_are_not_visited(result):
    """Patients registered when booking skip the registration desk and everyone else
    who came passes it; patients paying on their phone never queue at the cashier and
    everyone else sent there (for examinations, for medicine) does. Each check covers
    every patient who came: in fixtures without pre-registration or mobile payment,
    that nobody skips. The patients who skip exist where configured, and only there."""
    visits = result.visits
    hospital = result.config.hospital
    booking = hospital.booking
    came = visits[visits["outcome"] != "no_show"]
    pre_registration = any(c.pre_registration for c in booking.channels.values())
    mobile_payment = booking.walk_in_mobile_payment_share > 0 or any(
        c.mobile_payment_share > 0 for c in booking.channels.values()
    )
    pre_registered = came["pre_registered"]
    mobile = came["mobile_payment"]
    assert pre_registered.sum() > 50 if pre_registration else not pre_registered.any()
    assert mobile.sum() > 50 if mobile_payment else not mobile.any()
    assert (came["registration_start"].isna() == pre_registered).all()
    sent_to_exams = came["consultation_end"].notna() & came[[f"needs_{e}" for e in hospital.exams]].any(axis=1)
    buying_medicine = came["prescription"] & (came["outcome"] == "completed")
    for stage, sent in (("exam_payment", sent_to_exams), ("payment", buying_medicine)):
        assert sent.sum() > 50, stage
        assert (came[f"{stage}_start"].notna() == (sent & ~mobile)).all(), stage


def test_queues_keep_their_promises(result):
    """Everyone waiting at a session's end is seen before the doctors stop for it;
    nobody is turned away while a doctor who could see them is at work; the recorded
    queue length is the number actually waiting (``tests.queue_invariants``)."""
    assert owed_but_not_seen(result).empty
    assert turned_away_while_doctor_at_work(result).empty
    errors, checked = waiting_count_errors(result)
    assert checked > 100 and errors.empty
