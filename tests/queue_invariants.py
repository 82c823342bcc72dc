"""Promises of the doctors' queues, the rosters and the station schedules, checked
from a run's tables alone.

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

And two of staffing (``sim.staffing``), from the configuration's rosters and
schedules of each day:

* ``outside_roster``: every doctor-session is on the day's roster (the department's
  first k doctors in a session with k on duty, at the session's times), and every
  consultation happens within one of its doctor's sessions or in its overtime, for a
  patient who joined the queue before the bell (after the queue's last session of
  the day: anyone);
* ``station_overloads``: no service at a station starts unless a server on duty
  then is free (servers going off duty finish their patient), i.e. the services can
  be given to servers so that server j serves only while more than j are on duty.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from sim.clock import MINUTES_PER_DAY, parse_date
from sim.staffing import days, rosters, schedules

POOL = -1  # queue ids of pooled departments are POOL - department index
TOLERANCE = 1e-9


def _queue_ids(hospital) -> tuple[dict[str, bool], dict[int, list[int]], dict[str, list[int]]]:
    """(department -> pooled?, queue id -> its doctors, department -> its doctors)."""
    pooled, doctors_of_queue, doctors_of_department = {}, {}, {}
    named = rosters.doctor_ids(hospital)
    for index, (name, department) in enumerate(hospital.departments.items()):
        ids = named[name]
        pooled[name] = department.assignment == "pooled"
        doctors_of_department[name] = ids
        if pooled[name]:
            doctors_of_queue[POOL - index] = ids
        else:
            doctors_of_queue.update({doctor: [doctor] for doctor in ids})
    return pooled, doctors_of_queue, doctors_of_department


def queue_joined(visits: pd.DataFrame) -> pd.Series:
    """When each patient reached the doctor's queue: left the registration desk (the
    clock gets there by a timeout from the arrival), or arrived if they skipped it;
    a patient who baulked and came back, when they came back."""
    arrival = visits["arrival_time"]
    joined = (arrival + (visits["registration_end"] - arrival)).fillna(arrival)
    if "baulk_returned_at" in visits:
        joined = visits["baulk_returned_at"].fillna(joined)
    return joined


def queue_stays(result) -> pd.DataFrame:
    """One row per wait in a doctor's queue: replication, day, department, queue (NaN
    when unknown), review, visit_id, joined, left (called, or gave up), seen, slot_time."""
    visits = result.visits
    pooled, _, doctors_of_department = _queue_ids(result.config.hospital)
    department_index = {name: i for i, name in enumerate(result.config.hospital.departments)}
    dept = visits["department"].astype(str)
    is_pool = dept.map(pooled).to_numpy(dtype=bool)
    pool_id = (POOL - dept.map(department_index)).to_numpy(dtype=float)

    joined_first = ~visits["outcome"].isin(["no_show", "clinic_closed", "baulked"]).to_numpy()
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
    closed_at = np.where(closed["outcome"] == "clinic_closed", closed["departure_time"], closed["results_ready"])
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
    unknown = _days_with_unknown_queues(stays)
    visits = result.visits.set_index(["replication", "visit_id"])
    pool = _pool_sizes(result)
    errors, checked = [], 0
    for (replication, day, department, queue), group in stays[stays["queue"].notna()].groupby(
        ["replication", "day", "department", "queue"], observed=True
    ):
        if (replication, day, department) in unknown:
            continue
        joined, left, seen = (group[c].to_numpy() for c in ("joined", "left", "seen"))
        called = group[group["seen"] & ~group["review"]]
        recorded = visits.loc[[(replication, v) for v in called["visit_id"]], "waiting_at_consultation"].to_numpy()
        for t, value, visit in zip(called["left"].to_numpy(), recorded, called["visit_id"], strict=True):
            still = np.where(seen, left > t, left >= t)  # a patient gives up once their deadline has passed
            actual = int(np.sum((joined <= t) & still))
            at_once = int(np.sum(seen & (left == t)))
            value = round(value * pool[(replication, visit)])
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


def _pool_sizes(result) -> dict[tuple[int, int], int]:
    """Per first consultation (replication, visit_id): the doctors of its queue on duty
    in the session in which it took place (1 for a doctor's own queue)."""
    hospital = result.config.hospital
    sessions = result.doctor_sessions
    on_duty = sessions.groupby(["replication", "day", "department", "session"], observed=True).size()
    seen = consultations(result)
    seen = seen[~seen["review"]]
    pooled = {name: d.assignment == "pooled" for name, d in hospital.departments.items()}
    out = {}
    for row in seen.itertuples():
        if not pooled[row.department]:
            out[(row.replication, row.visit_id)] = 1
        else:
            out[(row.replication, row.visit_id)] = int(on_duty[(row.replication, row.day, row.department, row.session)])
    return out


def consultations(result) -> pd.DataFrame:
    """One row per consultation (first or review) with its doctor's session: replication,
    day, department, visit_id, review, doctor_id, start, joined (the queue), session,
    session_start, session_end, left (when the doctor left after that session), last
    (the session is the last of the day of the queue the patient was in); the session
    is the latest of the doctor's sessions begun by the consultation that it lasted
    until, NaN when there is none."""
    visits = result.visits
    hospital = result.config.hospital
    first = visits[visits["consultation_start"].notna()]
    reviewed = visits[visits["review_start"].notna()]
    both = pd.concat(
        [
            pd.DataFrame(
                {
                    "replication": first["replication"],
                    "day": first["day"],
                    "department": first["department"].astype(str),
                    "visit_id": first["visit_id"],
                    "review": False,
                    "doctor_id": first["doctor_id"],
                    "start": first["consultation_start"],
                    "joined": first["consultation_start"] - first["wait_consultation"],
                }
            ),
            pd.DataFrame(
                {
                    "replication": reviewed["replication"],
                    "day": reviewed["day"],
                    "department": reviewed["department"].astype(str),
                    "visit_id": reviewed["visit_id"],
                    "review": True,
                    "doctor_id": reviewed["review_doctor_id"],
                    "start": reviewed["review_start"],
                    "joined": reviewed["results_ready"],
                }
            ),
        ],
        ignore_index=True,
    )
    rows = result.doctor_sessions.rename(columns={"start": "session_start", "end": "session_end"})
    rows = rows.assign(department=rows["department"].astype(str))
    pooled = {name: d.assignment == "pooled" for name, d in hospital.departments.items()}
    queue = np.where(rows["department"].map(pooled), rows["department"], rows["doctor_id"].astype(str))
    rows = rows.assign(queue=queue)
    rows["last"] = rows["session"] == rows.groupby(["replication", "day", "queue"])["session"].transform("max")
    merged = both.merge(
        rows[["replication", "day", "doctor_id", "session", "session_start", "session_end", "left", "last"]],
        on=["replication", "day", "doctor_id"],
        how="left",
    )
    inside = (merged["session_start"] - TOLERANCE <= merged["start"]) & (merged["start"] <= merged["left"] + TOLERANCE)
    # the latest session begun by then: overtime of one session may run into the next
    matched = (
        merged[inside]
        .sort_values("session_start", ascending=False, kind="stable")
        .drop_duplicates(["replication", "visit_id", "review"])
    )
    return both.merge(
        matched[["replication", "visit_id", "review", "session", "session_start", "session_end", "left", "last"]],
        on=["replication", "visit_id", "review"],
        how="left",
    )


def _date(result, day: int) -> dt.date:
    return parse_date(result.config.run.start_date) + dt.timedelta(days=int(day))


def outside_roster(result) -> pd.DataFrame:
    """Doctor-sessions not on the day's roster, and consultations outside their
    doctor's sessions or in overtime for a patient who joined after the bell (``why``)."""
    hospital = result.config.hospital
    ids = rosters.doctor_ids(hospital)
    problems = []
    for (replication, day), rows in result.doctor_sessions.groupby(["replication", "day"]):
        day_rosters = rosters.day_rosters(hospital, _date(result, day))
        for row in rows.itertuples():
            roster = day_rosters[str(row.department)]
            index = ids[str(row.department)].index(row.doctor_id)
            start, end = roster.sessions[row.session]
            if index >= roster.on_duty[row.session]:
                problems.append(
                    {"replication": replication, "day": day, "doctor_id": row.doctor_id, "why": "not on duty"}
                )
            elif (
                abs(row.start - (day * MINUTES_PER_DAY + start)) > TOLERANCE
                or abs(row.end - (day * MINUTES_PER_DAY + end)) > TOLERANCE
            ):
                problems.append({"replication": replication, "day": day, "doctor_id": row.doctor_id, "why": "times"})
    seen = consultations(result)
    outside = seen[seen["session"].isna()]
    late = seen[
        (seen["start"] > seen["session_end"] + TOLERANCE)
        & ~seen["last"].astype(bool)
        & (seen["joined"] > seen["session_end"] + TOLERANCE)
    ]
    for frame, why in ((outside, "outside the doctor's sessions"), (late, "overtime for a patient who came later")):
        for row in frame.itertuples():
            problems.append({"replication": row.replication, "day": row.day, "doctor_id": row.doctor_id, "why": why})
    return pd.DataFrame(problems, columns=["replication", "day", "doctor_id", "why"])


def station_overloads(result) -> pd.DataFrame:
    """Services that started when no server on duty was free: per station, replication
    and day, services are given in start order to a free server on duty (the
    highest-numbered one, who goes off duty first: if any assignment keeps every
    server within its duty, this one does)."""
    hospital = result.config.hospital
    visits = result.visits
    holidays = days.holiday_dates(hospital.staffing.holidays.dates)
    problems = []
    for station in schedules.stations(hospital):
        parts = []
        for stage in station.stages:
            part = visits[["replication", "day", f"{stage}_start", f"{stage}_end"]].dropna()
            if stage == "registration":
                kiosk = visits.loc[part.index, "kiosk"].to_numpy(dtype=bool)
                part = part[kiosk] if station.kiosks else part[~kiosk]
            parts.append(part.set_axis(["replication", "day", "start", "end"], axis=1))
        services = pd.concat(parts, ignore_index=True)
        for (replication, day), group in services.groupby(["replication", "day"]):
            kind = days.day_kind(holidays, _date(result, day))
            changes = schedules.day_changes(station, kind)
            day_start = day * MINUTES_PER_DAY
            busy: dict[int, float] = {}
            group = group.sort_values(["start", "end"], ascending=[True, False])
            for start, end in zip(group["start"].to_numpy(), group["end"].to_numpy(), strict=True):
                busy = {j: e for j, e in busy.items() if e > start + TOLERANCE}
                on_duty = schedules.servers_at(changes, start - day_start + TOLERANCE)
                free = [j for j in range(on_duty) if j not in busy]
                if not free:
                    problems.append({"station": station.name, "replication": replication, "day": day, "start": start})
                    continue
                busy[free[-1]] = end
    return pd.DataFrame(problems, columns=["station", "replication", "day", "start"])
