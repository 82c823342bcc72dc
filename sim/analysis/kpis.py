"""Key performance indicators of one replication, and their summary across replications.

Every KPI is computed with NumPy over whole columns. Names are snake_case with the
unit in the name where it is not obvious; the README lists and explains them all.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.clock import MINUTES_PER_DAY
from sim.engine.records import (
    CLINIC_CLOSED,
    COMPLETED,
    LEFT_WITHOUT_BEING_SEEN,
    NO_SHOW,
    REVIEW_DEFERRED,
    counted,
)

WAIT_THRESHOLD_MIN = 30.0


def _mean(values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    return float(values.mean()) if len(values) else math.nan


def visit_kpis(visits: dict[str, np.ndarray], stages: list[str]) -> dict[str, float]:
    """KPIs of the visits of one replication (warm-up visits excluded; booked patients
    who did not come count only in the appointment KPIs)."""
    keep = counted(visits)
    n = int(keep.sum())
    outcome = visits["outcome"][keep]
    kpis: dict[str, float] = {
        "visits": float(n),
        "visits_per_day": n / max(1, len(np.unique(visits["day"][keep]))),
        "completed_share": float(np.mean(outcome == COMPLETED)) if n else math.nan,
        "left_without_being_seen_share": float(np.mean(outcome == LEFT_WITHOUT_BEING_SEEN)) if n else math.nan,
        "review_deferred_share": float(np.mean(outcome == REVIEW_DEFERRED)) if n else math.nan,
    }
    for stage in stages:
        kpis[f"wait_{stage}_mean_min"] = _mean(visits[f"wait_{stage}"][keep])
    consultation_wait = visits["wait_consultation"][keep]
    seen = consultation_wait[~np.isnan(consultation_wait)]
    kpis["wait_consultation_p90_min"] = float(np.percentile(seen, 90)) if len(seen) else math.nan
    kpis["wait_consultation_over_30_min_share"] = float(np.mean(seen > WAIT_THRESHOLD_MIN)) if len(seen) else math.nan
    completed = keep & (visits["outcome"] == COMPLETED)
    kpis["time_in_system_mean_min"] = _mean(visits["departure_time"][completed] - visits["arrival_time"][completed])
    kpis["clinic_closed_share"] = float(np.mean(outcome == CLINIC_CLOSED)) if n else math.nan
    kpis.update(appointment_kpis(visits))
    return kpis


def appointment_kpis(visits: dict[str, np.ndarray]) -> dict[str, float]:
    """Bookings, no-shows and waits measured against slot times.

    A booked patient's wait for the doctor is counted from when they were due: the
    later of their slot time and their joining the doctor's queue (so arriving early
    or late is not the clinic's wait); seen before the slot counts as no wait. A
    walk-in's wait is counted from joining the queue.
    """
    keep = ~visits["in_warmup"]
    booked = keep & visits["booked"]
    bookings = int(booked.sum())
    no_show = booked & (visits["outcome"] == NO_SHOW)
    came = booked & ~no_show
    start = visits["consultation_start"]
    joined = start - visits["wait_consultation"]
    from_slot = start - visits["slot_time"]
    seen = came & ~np.isnan(start)
    booked_wait = np.clip(start - np.fmax(visits["slot_time"], joined), 0.0, None)[seen]
    walk_in_wait = visits["wait_consultation"][keep & ~visits["booked"]]
    due_wait = np.concatenate([booked_wait, walk_in_wait[~np.isnan(walk_in_wait)]])
    return {
        "bookings": float(bookings),
        "booked_share": bookings / int(keep.sum()) if keep.any() else math.nan,
        "booking_full_share": _share(
            visits["booking_full"][keep], visits["booking_full"][keep] | visits["booked"][keep]
        ),
        "no_shows": float(no_show.sum()),
        "no_show_share": float(no_show.sum()) / bookings if bookings else math.nan,
        "late_arrival_share": float(visits["late"][came].mean()) if came.any() else math.nan,
        "punctuality_mean_min": _mean(visits["punctuality_min"][came]),
        "wait_booked_from_slot_mean_min": float(booked_wait.mean()) if len(booked_wait) else math.nan,
        # over every booked patient who came: those never seen count as not seen in time
        "seen_within_30_min_of_slot_share": float(np.mean(from_slot[came] <= WAIT_THRESHOLD_MIN))
        if came.any()
        else math.nan,
        "wait_walk_in_mean_min": _mean(walk_in_wait),
        "wait_doctor_mean_min": float(due_wait.mean()) if len(due_wait) else math.nan,
    }


def _share(flags: np.ndarray, among: np.ndarray) -> float:
    """Share of ``among`` that has ``flags`` (NaN when ``among`` is empty)."""
    count = int(among.sum())
    return float((flags & among).sum()) / count if count else math.nan


def doctor_kpis(sessions: dict[str, np.ndarray]) -> dict[str, float]:
    """KPIs of doctors' sessions: utilisation, overtime, when the clinic empties."""
    if not len(sessions["doctor_id"]):
        return {
            "doctor_utilisation": math.nan,
            "doctor_overtime_per_day_min": math.nan,
            "sessions_with_overtime_share": math.nan,
            "last_doctor_leaves_clock_min": math.nan,
            "doctor_idle_per_session_min": math.nan,
            "doctor_overtime_per_session_min": math.nan,
        }
    length = sessions["end"] - sessions["start"]
    overtime = np.clip(sessions["left"] - sessions["end"], 0.0, None)
    doctor_day = pd.DataFrame({"day": sessions["day"], "doctor": sessions["doctor_id"], "overtime": overtime})
    per_doctor_day = doctor_day.groupby(["day", "doctor"], sort=False)["overtime"].sum()
    last_left = pd.Series(sessions["left"]).groupby(sessions["day"]).max()
    return {
        "doctor_utilisation": float(sessions["busy_in_session"].sum() / length.sum()),
        "doctor_overtime_per_day_min": float(per_doctor_day.mean()),
        "sessions_with_overtime_share": float(np.mean(overtime > 1e-9)),
        "last_doctor_leaves_clock_min": float((last_left - last_left.index * MINUTES_PER_DAY).mean()),
        "doctor_idle_per_session_min": float((length - sessions["busy_in_session"]).mean()),
        "doctor_overtime_per_session_min": float(overtime.mean()),
    }
