"""The event log: a run's visits in long format, one row per activity instance, for
process-mining tools (pm4py, bupaR) and the animation (``sim.reporting.animation``).

Built from the visit table (and the complaints table) with column operations only:
each stage a visit reached gives three rows — ``queue`` (joined the queue), ``start``
and ``complete`` — and each visit's arrival, departure (or leaving unseen), no-show
and complaints give one ``complete`` row each. The columns (``COLUMNS``) are described
in the docs (Reference → Output files → Event log).

Stations keep only when each of their identical servers is next free (the FIFO
recursion of ``sim.engine.stations``), not which server served whom, so a station's
rows name the station, not a window; consultations and reviews name the doctor.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LIFECYCLES = ("queue", "start", "complete")
POINT_ACTIVITIES_BEFORE = ("no_show", "arrival")
POINT_ACTIVITIES_AFTER = ("departure", "left_unseen", "complaint")
COLUMNS = [
    "replication",
    "visit_id",
    "patient_id",
    "day",
    "activity",
    "lifecycle",
    "time_min",
    "timestamp",
    "resource",
    "doctor_id",
    "department",
    "outcome",
    "complaint_domain",
    "complaint_category",
]
CASHIER_STAGES = ("exam_payment", "payment")
DOCTOR_STAGES = ("consultation", "review")


def activities(stages: list[str]) -> list[str]:
    """Every activity of a hospital with these stages (``sim.engine.records.stage_names``),
    in the order a patient meets them: the order of the log's ``activity`` categories."""
    return [*POINT_ACTIVITIES_BEFORE, *stages, *POINT_ACTIVITIES_AFTER]


def event_log(visits: pd.DataFrame, complaints: pd.DataFrame, stages: list[str], start_date: str) -> pd.DataFrame:
    """The event log of a visit table (``sim.runs.tables.visits_frame``) and its
    complaints table, rows in replication, visit and time order (activities in pathway
    order at equal times). ``stages``: the hospital's stages; ``start_date``: the date
    of day 0 (``run.start_date``)."""
    parts = [*_point_parts(visits), *(_stage_parts(visits, stage) for stage in stages if f"{stage}_start" in visits)]
    if len(complaints):
        parts.append(_complaint_part(visits, complaints))
    order = activities(stages)
    rows = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    rank = pd.Categorical(rows["activity"], categories=order).codes
    lifecycle_rank = rows["lifecycle"]
    sort = np.lexsort((lifecycle_rank, rank, rows["time_min"], rows["visit_id"], rows["replication"]))
    rows = {name: values[sort] for name, values in rows.items()}
    return _frame(rows, visits, order, start_date)


def _frame(rows: dict[str, np.ndarray], visits: pd.DataFrame, order: list[str], start_date: str) -> pd.DataFrame:
    from sim.complaints import hcat

    doctor = rows["doctor_id"]
    patient = visits["patient_id"].to_numpy()[rows["row"]] if "patient_id" in visits else None
    return pd.DataFrame(
        {
            "replication": rows["replication"].astype(np.int32),
            "visit_id": rows["visit_id"].astype(np.int64),
            "patient_id": pd.array(patient, dtype="Int64") if patient is not None else _missing_ids(len(doctor)),
            "day": visits["day"].to_numpy()[rows["row"]].astype(np.int32),
            "activity": pd.Categorical(rows["activity"], categories=order),
            "lifecycle": pd.Categorical.from_codes(rows["lifecycle"], categories=list(LIFECYCLES)),
            "time_min": rows["time_min"],
            "timestamp": pd.Timestamp(start_date) + pd.to_timedelta(rows["time_min"], unit="min"),
            "resource": pd.Categorical(rows["resource"]),
            "doctor_id": pd.arrays.IntegerArray(np.where(doctor >= 0, doctor, 0).astype(np.int32), mask=doctor < 0),
            "department": pd.Categorical.from_codes(
                visits["department"].cat.codes.to_numpy()[rows["row"]], categories=visits["department"].cat.categories
            ),
            "outcome": pd.Categorical.from_codes(
                visits["outcome"].cat.codes.to_numpy()[rows["row"]], categories=visits["outcome"].cat.categories
            ),
            "complaint_domain": pd.Categorical(rows["complaint_domain"], categories=list(hcat.DOMAINS)),
            "complaint_category": pd.Categorical(rows["complaint_category"], categories=list(hcat.CATEGORIES)),
        },
        columns=COLUMNS,
    )


def _part(visits: pd.DataFrame, rows: np.ndarray, activity: str, lifecycle: str, time: np.ndarray, **extra) -> dict:
    """Rows ``rows`` (positions in ``visits``) as one block of events."""
    n = len(rows)
    return {
        "row": rows,
        "replication": visits["replication"].to_numpy()[rows],
        "visit_id": visits["visit_id"].to_numpy()[rows],
        "activity": np.full(n, activity, dtype=object),
        "lifecycle": np.full(n, LIFECYCLES.index(lifecycle), dtype=np.int8),
        "time_min": np.asarray(time, dtype=float),
        "resource": extra.get("resource", np.full(n, None, dtype=object)),
        "doctor_id": extra.get("doctor", np.full(n, -1, dtype=np.int64)),
        "complaint_domain": extra.get("domain", np.full(n, None, dtype=object)),
        "complaint_category": extra.get("category", np.full(n, None, dtype=object)),
    }


def _point_parts(visits: pd.DataFrame) -> list[dict]:
    outcome = visits["outcome"].astype(str).to_numpy()
    arrival = visits["arrival_time"].to_numpy()
    departure = visits["departure_time"].to_numpy()
    came = np.flatnonzero(~np.isnan(arrival))
    no_show = np.flatnonzero(outcome == "no_show")
    gave_up = (outcome == "left_without_being_seen") & ~np.isnan(departure)
    left = np.flatnonzero(~gave_up & ~np.isnan(departure))
    gave_up = np.flatnonzero(gave_up)
    return [
        _part(visits, no_show, "no_show", "complete", visits["slot_time"].to_numpy()[no_show]),
        _part(visits, came, "arrival", "complete", arrival[came]),
        _part(visits, left, "departure", "complete", departure[left]),
        _part(visits, gave_up, "left_unseen", "complete", departure[gave_up]),
    ]


def _stage_parts(visits: pd.DataFrame, stage: str) -> dict:
    """Queue, start and complete rows of every visit that reached ``stage``; for the
    first consultation also the queue rows of patients who left unseen."""
    start = visits[f"{stage}_start"].to_numpy()
    end = visits[f"{stage}_end"].to_numpy()
    wait = visits[f"wait_{stage}"].to_numpy()
    rows = np.flatnonzero(~np.isnan(start))
    queued_rows, queued_at = rows, start[rows] - wait[rows]
    if stage == "consultation":  # gave up waiting: joined when they left the desk (or arrived)
        unseen = np.flatnonzero(visits["outcome"].astype(str).to_numpy() == "left_without_being_seen")
        joined = visits["registration_end"].fillna(visits["arrival_time"]).to_numpy()[unseen]
        queued_rows, queued_at = np.concatenate([rows, unseen]), np.concatenate([queued_at, joined])
    doctor_column = {"consultation": "doctor_id", "review": "review_doctor_id"}.get(stage)
    blocks = []
    for lifecycle, block_rows, time in (
        ("queue", queued_rows, queued_at),
        ("start", rows, start[rows]),
        ("complete", rows, end[rows]),
    ):
        extra = {"resource": _resources(visits, stage, block_rows)}
        if doctor_column:
            extra["doctor"] = visits[doctor_column].to_numpy()[block_rows].astype(np.int64)
        blocks.append(_part(visits, block_rows, stage, lifecycle, time, **extra))
    return {name: np.concatenate([block[name] for block in blocks]) for name in blocks[0]}


def _resources(visits: pd.DataFrame, stage: str, rows: np.ndarray) -> np.ndarray:
    """Who serves: the registration window or a kiosk, the doctor, or the station."""
    n = len(rows)
    if stage == "registration":
        return np.where(visits["kiosk"].to_numpy()[rows], "kiosk", "registration window").astype(object)
    if stage in DOCTOR_STAGES:
        doctor = visits["doctor_id" if stage == "consultation" else "review_doctor_id"].to_numpy()[rows]
        labels = np.char.add("doctor ", doctor.astype(str)).astype(object)
        labels[doctor < 0] = None  # left unseen: no doctor
        return labels
    return np.full(n, "cashier" if stage in CASHIER_STAGES else stage, dtype=object)


def _complaint_part(visits: pd.DataFrame, complaints: pd.DataFrame) -> dict:
    """One row per complaint, at the time it was made, on the visit it is about."""
    position = pd.Series(
        np.arange(len(visits)), index=pd.MultiIndex.from_arrays([visits["replication"], visits["visit_id"]])
    )
    rows = position.reindex(pd.MultiIndex.from_arrays([complaints["replication"], complaints["visit_id"]])).to_numpy()
    if np.isnan(rows.astype(float)).any():
        raise ValueError("a complaint refers to a visit that is not in the visit table")
    rows = rows.astype(np.int64)
    return _part(
        visits,
        rows,
        "complaint",
        "complete",
        complaints["time"].to_numpy(),
        resource=complaints["channel"].astype(str).map(lambda channel: f"{channel} complaint").to_numpy(dtype=object),
        doctor=complaints["doctor_id"].to_numpy().astype(np.int64),
        domain=complaints["domain"].astype(str).to_numpy(dtype=object),
        category=complaints["category"].astype(str).to_numpy(dtype=object),
    )


def _missing_ids(n: int) -> pd.arrays.IntegerArray:
    """``patient_id`` when the visits have none (visits without patient identities)."""
    return pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), mask=np.ones(n, dtype=bool))


def activity_counts(events: pd.DataFrame) -> pd.Series:
    """Completed instances per activity (the ``complete`` rows): what the visit table's
    counts must equal (the round trip)."""
    done = events[events["lifecycle"] == "complete"]
    return done["activity"].value_counts().reindex(events["activity"].cat.categories, fill_value=0)
