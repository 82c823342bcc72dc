"""Invariants every run must satisfy, checked on teaching_demo and general_hospital."""

import numpy as np
import pandas as pd
import pytest

from sim.tables import stage_names


@pytest.fixture(params=["demo_result", "general_result"])
def result(request):
    return request.getfixturevalue(request.param)


def test_every_arrival_is_accounted_for(result):
    visits = result.visits
    assert set(visits["outcome"].unique()) <= {"completed", "left_without_being_seen", "review_deferred"}
    # terminating days: everybody has left by the end of the day
    assert visits["departure_time"].notna().all()
    assert (visits["departure_time"] >= visits["arrival_time"]).all()
    # visit ids are unique within a replication and count every arrival
    for _, group in visits.groupby("replication"):
        assert np.array_equal(group["visit_id"].to_numpy(), np.arange(len(group)))
    completed = visits["outcome"] == "completed"
    assert visits.loc[completed, "consultation_end"].notna().all()
    lwbs = visits["outcome"] == "left_without_being_seen"
    assert visits.loc[lwbs, "consultation_start"].isna().all()
    deferred = visits["outcome"] == "review_deferred"
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
    """At no moment are more patients in service at the pharmacy than it has windows."""
    visits = result.visits
    servers = result.config.hospital.pharmacy.servers
    for _, group in visits.groupby("replication"):
        starts = group["pharmacy_start"].dropna().to_numpy()
        ends = group["pharmacy_end"].dropna().to_numpy()
        events = np.concatenate([np.stack([ends, -np.ones_like(ends)], 1), np.stack([starts, np.ones_like(starts)], 1)])
        events = events[np.lexsort((events[:, 1], events[:, 0]))]  # ends before starts at equal times
        assert np.cumsum(events[:, 1]).max() <= servers


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
    assert row["half_width"] == pytest.approx((row["ci_high"] - row["ci_low"]) / 2)
    assert row["rel_half_width"] == pytest.approx(row["half_width"] / abs(row["mean"]))
    assert row["sd"] == pytest.approx(result.kpis["wait_consultation_mean_min"].std(ddof=1))
