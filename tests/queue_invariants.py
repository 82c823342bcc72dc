"""Three promises of the doctors' queues, checked from a run's tables alone.

The tables do not record the queues, so each check first rebuilds who waited in
which doctor's queue and when (``queue_stays``): every first consultation (from
leaving the registration desk, or arriving if registered when booking) and every
review (from the results being ready) until the patient was called or gave up.

* ``owed_but_not_seen``: a patient waiting when a session ends is seen before the
  doctors of their queue stop for that session (booked patients who came early for a
  slot of a later session excepted: they wait for it);
* ``turned_away_while_doctor_at_work``: nobody leaves as ``clinic_closed`` or
  ``review_deferred`` while a doctor who could have taken them is still at work (for
  a booked patient, the doctor of their slot; for a review with
  ``review_same_doctor``, the doctor, or pool, who saw them first; otherwise any
  doctor of the department);
* ``waiting_count_errors``: the queue length recorded at a first consultation
  (``waiting_at_consultation`` x doctors of the queue) is the number of patients
  actually waiting in that queue at that moment.

A walk-in who gave up waiting for a doctor of their own (per-doctor assignment) left
no trace of which doctor's queue they were in; their queue is unknown, and the
checks that need it skip that department's day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

POOL = -1  # queue ids of pooled departments are POOL - department index
TOLERANCE = 1e-9


def _queue_ids(hospital) -> tuple[dict[str, bool], dict[int, list[int]], dict[str, list[int]]]:
    """(department -> pooled?, queue id -> its doctors, department -> its doctors)."""
    pooled, doctors_of_queue, doctors_of_department = {}, {}, {}
    first = 0
    for index, (name, department) in enumerate(hospital.departments.items()):
        ids = list(range(first, first + department.doctors))
        first += department.doctors
        pooled[name] = department.assignment == "pooled"
        doctors_of_department[name] = ids
        if pooled[name]:
            doctors_of_queue[POOL - index] = ids
        else:
            doctors_of_queue.update({doctor: [doctor] for doctor in ids})
    return pooled, doctors_of_queue, doctors_of_department


def queue_joined(visits: pd.DataFrame) -> pd.Series:
    """When each patient reached the doctor's queue: left the registration desk (the
    clock gets there by a timeout from the arrival), or arrived if they skipped it."""
    arrival = visits["arrival_time"]
    return (arrival + (visits["registration_end"] - arrival)).fillna(arrival)


def queue_stays(result) -> pd.DataFrame:
    """One row per wait in a doctor's queue: replication, day, department, queue (NaN
    when unknown), review, visit_id, joined, left (called, or gave up), seen, slot_time."""
    visits = result.visits
    pooled, _, doctors_of_department = _queue_ids(result.config.hospital)
    department_index = {name: i for i, name in enumerate(result.config.hospital.departments)}
    dept = visits["department"].astype(str)
    is_pool = dept.map(pooled).to_numpy(dtype=bool)
    pool_id = (POOL - dept.map(department_index)).to_numpy(dtype=float)

    joined_first = ~visits["outcome"].isin(["no_show", "clinic_closed"]).to_numpy()
    seen = visits["consultation_start"].notna().to_numpy()
    own_doctor = np.where(
        seen, visits["doctor_id"], np.where(visits["slot_doctor_id"] >= 0, visits["slot_doctor_id"], np.nan)
    )
    only_doctor = dept.map({name: ids[0] for name, ids in doctors_of_department.items() if len(ids) == 1})
    first = pd.DataFrame(
        {
            "replication": visits["replication"],
            "day": visits["day"],
            "department": dept,
            "queue": np.where(is_pool, pool_id, np.where(np.isnan(own_doctor), only_doctor, own_doctor)),
            "review": False,
            "visit_id": visits["visit_id"],
            "joined": queue_joined(visits),
            "left": visits["consultation_start"].fillna(visits["departure_time"]),
            "seen": seen,
            "slot_time": visits["slot_time"],
        }
    )[joined_first]
    reviewed = visits["review_start"].notna().to_numpy()
    review = pd.DataFrame(
        {
            "replication": visits["replication"],
            "day": visits["day"],
            "department": dept,
            "queue": np.where(is_pool, pool_id, visits["review_doctor_id"]),
            "review": True,
            "visit_id": visits["visit_id"],
            "joined": visits["results_ready"],
            "left": visits["review_start"],
            "seen": True,
            "slot_time": np.nan,
        }
    )[reviewed]
    return pd.concat([first, review], ignore_index=True)


def _days_with_unknown_queues(stays: pd.DataFrame) -> set[tuple]:
    unknown = stays[stays["queue"].isna()]
    return set(zip(unknown["replication"], unknown["day"], unknown["department"], strict=True))


def owed_but_not_seen(result) -> pd.DataFrame:
    """Stays of patients waiting at a session's end who were still waiting when the
    doctors of their queue stopped for that session."""
    stays = queue_stays(result)
    stays = stays[stays["queue"].notna()]
    _, doctors_of_queue, _ = _queue_ids(result.config.hospital)
    queue_of_doctor = {d: q for q, ds in doctors_of_queue.items() for d in ds}
    sessions = result.doctor_sessions.assign(queue=lambda s: s["doctor_id"].map(queue_of_doctor))
    stopped = (
        sessions.groupby(["replication", "day", "queue", "session"], observed=True)
        .agg(end=("end", "first"), stopped=("left", "max"))
        .reset_index()
    )
    both = stays.merge(stopped, on=["replication", "day", "queue"])
    waiting_at_bell = (both["joined"] < both["end"]) & (both["left"] >= both["end"])
    later_slot = ~both["review"] & (both["slot_time"] > both["end"] + 1e-6)
    return both[waiting_at_bell & ~later_slot & (both["left"] > both["stopped"] + TOLERANCE)]


def turned_away_while_doctor_at_work(result) -> pd.DataFrame:
    """Visits that left as clinic_closed or review_deferred while a doctor who could
    have seen them was still at work, with ``turned_away`` (when) and
    ``doctor_home`` (when the last such doctor went home)."""
    visits = result.visits
    hospital = result.config.hospital
    pooled, doctors_of_queue, doctors_of_department = _queue_ids(hospital)
    queue_of_doctor = {d: q for q, ds in doctors_of_queue.items() for d in ds}
    home = result.doctor_sessions.sort_values("session").groupby(["replication", "day", "doctor_id"]).last()["left"]
    rows = []
    same_doctor = hospital.consultation_queue.review_same_doctor
    closed = visits[visits["outcome"].isin(["clinic_closed", "review_deferred"])]
    closed_at = np.where(closed["outcome"] == "clinic_closed", queue_joined(closed), closed["results_ready"])
    for (_, visit), when in zip(closed.iterrows(), closed_at, strict=True):
        department = str(visit["department"])
        if visit["outcome"] == "clinic_closed":
            own = visit["slot_doctor_id"] if visit["slot_doctor_id"] >= 0 else None
        else:
            own = visit["doctor_id"] if same_doctor else None
        able = doctors_of_department[department] if own is None else doctors_of_queue[queue_of_doctor[own]]
        latest = max(home.get((visit["replication"], visit["day"], doctor), -np.inf) for doctor in able)
        if latest > when + TOLERANCE:
            rows.append(
                {
                    "visit_id": visit["visit_id"],
                    "replication": visit["replication"],
                    "outcome": visit["outcome"],
                    "turned_away": when,
                    "doctor_home": latest,
                }
            )
    return pd.DataFrame(rows, columns=["visit_id", "replication", "outcome", "turned_away", "doctor_home"])


def waiting_count_errors(result) -> tuple[pd.DataFrame, int]:
    """(first consultations whose recorded queue length is not the number actually
    waiting, with ``recorded`` and ``actual``; how many consultations were checked).

    At a moment when k patients of a queue are called at once, the recorded lengths
    are those left after each call, so each must lie within [actual, actual + k - 1],
    where actual counts those still waiting after all k calls."""
    stays = queue_stays(result)
    _, doctors_of_queue, _ = _queue_ids(result.config.hospital)
    unknown = _days_with_unknown_queues(stays)
    visits = result.visits.set_index(["replication", "visit_id"])
    errors, checked = [], 0
    for (replication, day, department, queue), group in stays[stays["queue"].notna()].groupby(
        ["replication", "day", "department", "queue"], observed=True
    ):
        if (replication, day, department) in unknown:
            continue
        pool_size = len(doctors_of_queue[int(queue)])
        joined, left, seen = (group[c].to_numpy() for c in ("joined", "left", "seen"))
        called = group[group["seen"] & ~group["review"]]
        recorded = visits.loc[[(replication, v) for v in called["visit_id"]], "waiting_at_consultation"].to_numpy()
        for t, value, visit in zip(called["left"].to_numpy(), recorded, called["visit_id"], strict=True):
            still = np.where(seen, left > t, left >= t)  # a patient gives up once their deadline has passed
            actual = int(np.sum((joined <= t) & still))
            at_once = int(np.sum(seen & (left == t)))
            value = round(value * pool_size)
            checked += 1
            if not actual <= value <= actual + at_once - 1:
                errors.append(
                    {
                        "replication": replication,
                        "day": day,
                        "queue": queue,
                        "visit_id": visit,
                        "time": t,
                        "recorded": value,
                        "actual": actual,
                        "called_at_once": at_once,
                    }
                )
    return pd.DataFrame(errors), checked
