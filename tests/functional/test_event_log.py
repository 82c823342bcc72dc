"""The event log (``output.event_log``): the visit table in long format round-trips
(counts per activity equal the visit table's), its times agree with the visit
columns, streamed and kept runs write the same rows, pm4py reads the XES file and
discovers the outpatient pathway from the Parquet file."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from sim.analysis.event_log import activity_counts, event_log
from sim.engine.records import stage_names
from sim.runs.event_files import write_xes
from tests.conftest import assert_refused, run


@pytest.fixture(scope="module")
def demo():
    """teaching_demo 2 days x 2 replications with a booked share high enough for no-shows
    and on-site complaints made likely (so every activity occurs)."""
    result = run(
        "hospital=teaching_demo",
        "run.days=2",
        "run.replications=2",
        "hospital.booking.booked_share=0.6",
        "hospital.complaints.base_per_1000_visits=50",
    )
    stages = stage_names(result.config.hospital)
    return result, event_log(result.visits, result.complaints, stages, result.config.run.start_date)


def test_counts_per_activity_equal_the_visit_tables(demo):
    """Round trip: completed instances per activity equal what the visit table counts."""
    result, events = demo
    visits = result.visits
    counts = activity_counts(events)
    came = visits["arrival_time"].notna()
    assert counts["arrival"] == came.sum() > 0
    assert counts["no_show"] == (visits["outcome"] == "no_show").sum() > 0
    assert counts["left_unseen"] == (visits["outcome"] == "left_without_being_seen").sum()
    assert counts["departure"] + counts["left_unseen"] == came.sum()
    for stage in stage_names(result.config.hospital):
        assert counts[stage] == visits[f"{stage}_start"].notna().sum(), stage
    assert counts["complaint"] == len(result.complaints) == visits["complaint"].sum() > 0


def test_times_agree_with_the_visit_columns(demo):
    """Each stage's queue row is its start minus its wait, start and complete are the
    visit's columns, and the timestamps are run.start_date plus the minutes."""
    result, events = demo
    visits = result.visits.set_index(["replication", "visit_id"])
    rows = events[events["activity"] == "consultation"].pivot_table(
        index=["replication", "visit_id"], columns="lifecycle", values="time_min", observed=True
    )
    seen = rows.dropna()
    own = visits.loc[seen.index]
    np.testing.assert_allclose(seen["start"], own["consultation_start"])
    np.testing.assert_allclose(seen["complete"], own["consultation_end"])
    np.testing.assert_allclose(seen["queue"], own["consultation_start"] - own["wait_consultation"])
    day0 = pd.Timestamp(result.config.run.start_date)
    expected = day0 + pd.to_timedelta(events["time_min"], unit="min")
    assert (events["timestamp"] == expected).all()
    assert (events["timestamp"].dt.normalize() - day0).dt.days.min() == 0


def test_rows_are_ordered_and_doctors_named(demo):
    """Rows run in replication, visit and time order; consultations name the doctor
    the visit table names."""
    result, events = demo
    key = events[["replication", "visit_id", "time_min"]].to_numpy()
    assert (np.lexsort(key.T[::-1]) == np.arange(len(key))).all()
    consult = events[(events["activity"] == "consultation") & (events["lifecycle"] == "start")]
    doctors = result.visits.set_index(["replication", "visit_id"])["doctor_id"]
    expected = doctors.loc[list(zip(consult["replication"], consult["visit_id"], strict=True))].to_numpy()
    assert (consult["doctor_id"].to_numpy() == expected).all()
    assert (consult["resource"].astype(str) == "doctor " + consult["doctor_id"].astype(str)).all()


def test_patient_id_is_carried_when_the_visits_have_one(demo):
    """A visit table with ``patient_id`` gives every row its visit's patient."""
    result, _ = demo
    visits = result.visits.assign(patient_id=result.visits["visit_id"] * 10 + 7)
    events = event_log(visits, result.complaints, stage_names(result.config.hospital), "2026-03-02")
    assert (events["patient_id"] == events["visit_id"] * 10 + 7).all()


def test_patient_id_of_a_run_with_patient_identities():
    """With ``hospital.population.enabled`` (issue 14) the visits carry patient ids and
    every event row carries its visit's patient, as the visit table has it."""
    result = run("hospital=teaching_demo", "run.days=3", "run.replications=1", "hospital.population.enabled=true")
    visits = result.visits
    events = event_log(visits, result.complaints, stage_names(result.config.hospital), result.config.run.start_date)
    expected = events[["replication", "visit_id"]].merge(
        visits[["replication", "visit_id", "patient_id"]], how="left", on=["replication", "visit_id"]
    )
    assert events["patient_id"].notna().all()
    assert (events["patient_id"].to_numpy() == expected["patient_id"].to_numpy()).all()


def test_run_writes_events_streamed_or_kept(tmp_path):
    """``output.event_log=true`` writes events.parquet; a streamed run writes the same
    rows as a dataset; turning it off removes an earlier run's file."""
    overrides = ["hospital=teaching_demo", "run.days=2", "run.replications=2", "output.event_log=true"]
    kept = run(*overrides).save(tmp_path / "kept", figures=False)
    streamed = run(*overrides, "output.stream=true", f"output.dir={tmp_path / 'streamed'}")
    streamed.save(tmp_path / "streamed", figures=False)
    a = pd.read_parquet(kept / "events.parquet")
    b = pd.read_parquet(tmp_path / "streamed" / "events.parquet")
    pd.testing.assert_frame_equal(a, b, check_categorical=False)
    run("hospital=teaching_demo", "run.days=1", "run.replications=1").save(kept, figures=False)
    assert not (kept / "events.parquet").exists()


def test_bad_event_log_settings_are_refused():
    """XES without the event log, or an event log of visits neither kept nor written."""
    assert_refused(["output.event_log_xes=true"], ["output.event_log_xes = true", "output.event_log = true"])
    assert_refused(
        ["output.event_log=true", "output.stream=true", "output.save_visits=false"],
        ["output.event_log = true", "output.save_visits=true"],
    )


@pytest.fixture(scope="module")
def pm4py():
    pm4py = pytest.importorskip("pm4py")
    warnings.filterwarnings("ignore", module="pm4py")
    return pm4py


# every step of the pathway (sim.engine.pathway) may follow only these
PATHWAY = {
    "arrival": {"registration", "consultation"},
    "registration": {"consultation", "left_unseen", "departure"},
    "consultation": {"exam_payment", "lab", "imaging", "payment", "pharmacy", "departure"},
    "exam_payment": {"lab", "imaging"},
    "lab": {"imaging", "review", "departure"},
    "imaging": {"review", "departure"},
    "review": {"payment", "pharmacy", "departure"},
    "payment": {"pharmacy"},
    "pharmacy": {"departure"},
}


def test_pm4py_discovers_the_pathway(demo, pm4py):
    """The directly-follows graph pm4py discovers from the completed activities is the
    pathway: every edge is a step the pathway allows, and its main steps are there."""
    _, events = demo
    done = events[(events["lifecycle"] == "complete") & (events["activity"] != "complaint")].copy()
    done["case"] = done["replication"].astype(str) + "-" + done["visit_id"].astype(str)
    frame = pm4py.format_dataframe(done, case_id="case", activity_key="activity", timestamp_key="timestamp")
    graph, starts, ends = pm4py.discover_dfg(frame)
    assert set(starts) == {"arrival", "no_show"}
    assert set(ends) == {"departure", "left_unseen", "no_show"}
    strays = [edge for edge in graph if edge[1] not in PATHWAY.get(edge[0], set())]
    assert not strays, strays
    for edge in [("arrival", "registration"), ("registration", "consultation"), ("consultation", "exam_payment")]:
        assert graph[edge] > 0
    for edge in [("exam_payment", "lab"), ("lab", "review"), ("review", "payment"), ("pharmacy", "departure")]:
        assert graph[edge] > 0


def test_pm4py_reads_the_xes_file(demo, pm4py, tmp_path):
    """The XES export holds every event, one trace per visit, lifecycle transitions
    standard (queue written as schedule)."""
    _, events = demo
    path = tmp_path / "events.xes"
    write_xes(events, path)
    log = pm4py.read_xes(str(path), return_legacy_log_object=False, show_progress_bar=False)
    assert len(log) == len(events)
    assert log["case:concept:name"].nunique() == events.groupby(["replication", "visit_id"]).ngroups
    assert set(log["lifecycle:transition"]) == {"schedule", "start", "complete"}
    assert (log["concept:name"].to_numpy() == events["activity"].astype(str).to_numpy()).all()
