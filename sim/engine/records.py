"""Columnar logs of one simulated day: one list per column, filled by index.

Nothing here allocates per event: the pathway writes floats into preallocated lists
and the lists become NumPy arrays once, when the day is over.
"""

from __future__ import annotations

import numpy as np

NAN = float("nan")

# outcome codes of a visit
COMPLETED = 0
LEFT_WITHOUT_BEING_SEEN = 1
REVIEW_DEFERRED = 2  # exams done, but the doctor had gone home: comes back another day
NO_SHOW = 3  # booked an appointment and never came
CLINIC_CLOSED = 4  # reached the doctor's queue after the doctors had gone home
BAULKED = 5  # found the doctor's queue too long and left (hospital.baulking)
OUTCOMES = ("completed", "left_without_being_seen", "review_deferred", "no_show", "clinic_closed", "baulked")


class Stage:
    """The columns of one stage of the pathway: base service lengths in, times out."""

    __slots__ = ("name", "service", "start", "end", "wait")

    def __init__(self, name: str, service: list[float], size: int):
        self.name = name
        self.service = service
        self.start = [NAN] * size
        self.end = [NAN] * size
        self.wait = [NAN] * size


class VisitLog:
    """Per-visit outcome columns of a day, in arrival order. Baulking and exam
    pre-booking, when switched on, add columns of their own (``optional``)."""

    def __init__(self, size: int, stages: dict[str, Stage], baulking: bool = False, exam_slots: bool = False):
        self.size = size
        self.stages = stages
        self.optional: dict[str, list] = {}
        if baulking:
            # patients waiting per doctor seen on reaching the queue (the last look), NaN if it was not looked at
            self.baulk_queue = self.optional["baulk_queue_per_doctor"] = [NAN] * size
            self.baulk_returned_at = self.optional["baulk_returned_at"] = [NAN] * size  # came back then
        if exam_slots:
            self.exam_slot_delay = self.optional["exam_slot_delay_min"] = [NAN] * size  # waited for booked slots
        self.doctor = [-1] * size
        self.review_doctor = [-1] * size
        self.waiting_at_consultation = [NAN] * size  # patients waiting per doctor at the start
        self.rush_factor = [NAN] * size
        self.results_ready = [NAN] * size
        self.departure = [NAN] * size
        self.outcome = [COMPLETED] * size

    def columns(self) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for name, stage in self.stages.items():
            out[f"{name}_start"] = _times(stage.start)
            out[f"{name}_end"] = _times(stage.end)
            out[f"wait_{name}"] = _times(stage.wait)
        out["doctor_id"] = np.array(self.doctor, dtype=np.int32)
        out["review_doctor_id"] = np.array(self.review_doctor, dtype=np.int32)
        out["waiting_at_consultation"] = _times(self.waiting_at_consultation)
        out["consultation_rush_factor"] = _times(self.rush_factor)
        out["results_ready"] = _times(self.results_ready)
        out["departure_time"] = _times(self.departure)
        out["outcome"] = np.array(self.outcome, dtype=np.int8)
        for name, values in self.optional.items():
            out[name] = _times(values)
        return out


def _times(values: list) -> np.ndarray:
    """``np.array(values)`` of a logged column of numbers (NaN where not reached),
    faster: ``np.fromiter`` knows the type and length (a third less time, 40 columns a
    day). Where the column has no NaN it may hold only integers, which ``np.array``
    would make an integer array: then ``np.array`` itself decides. (Only numbers:
    ``np.fromiter`` would make None a NaN where ``np.array`` keeps objects.)"""
    try:
        out = np.fromiter(values, dtype=np.float64, count=len(values))
    except (TypeError, ValueError):  # not numbers after all: np.array's own rules
        return np.array(values)
    if len(out) and not np.isnan(out).any():
        return np.array(values)
    return out


class SessionLog:
    """One row per doctor and clinic session: when they worked and how busy they were."""

    FIELDS = ("doctor_id", "department", "session", "start", "end", "left", "busy_in_session", "busy", "patients")

    def __init__(self):
        self.rows: dict[str, list] = {name: [] for name in self.FIELDS}

    def add(self, **row) -> None:
        for name in self.FIELDS:
            self.rows[name].append(row[name])

    def columns(self) -> dict[str, np.ndarray]:
        return {name: np.array(values) for name, values in self.rows.items()}


def stage_names(hospital) -> list[str]:
    """The stages of the pathway a hospital has, in the order a patient meets them."""
    return ["registration", "consultation", "exam_payment", *hospital.exams, "review", "payment", "pharmacy"]


def counted(visits: dict[str, np.ndarray]) -> np.ndarray:
    """Visits that count in KPIs: the patient came (not a no-show) after any warm-up."""
    return ~visits["in_warmup"] & (visits["outcome"] != NO_SHOW)


def gap_stages_reached(visits: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per stage of an information gap (``sim.schema.GAP_STAGES``), the visits that
    reached it: came (registration), saw a doctor (consultation), had examinations
    (examination), collected medicine (treatment)."""
    return {
        "registration": visits["outcome"] != NO_SHOW,
        "consultation": visits["doctor_id"] >= 0,
        "examination": ~np.isnan(visits["results_ready"]),
        "treatment": ~np.isnan(visits["pharmacy_start"]),
    }
