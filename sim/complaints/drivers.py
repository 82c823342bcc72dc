"""What each visit lived through that can make a patient complain: the drivers of the
complaint model, computed with NumPy over a replication's visit columns.

Drivers (all zero on a perfect visit):

* perceived excess wait: at every stage, max(0, multiplier x wait - tolerance), summed;
  tolerances are per patient (one draw per patient scales every stage's median); a
  patient who baulked at the doctor's queue judges the wait they foresaw;
* deferral: the results came back after the doctor had gone home;
* crowding: patients waiting per server on joining the worst queue, above a threshold;
* communication deficit: perfect quality - consultation quality (never negative);
  quality = the doctor's skill, lowered when the doctor rushed the consultation;
* clinical events: a quality or a safety problem, drawn per visit.

Patient factors and each doctor's propensity do not cause complaints; they scale
the odds of every cause (see sim.complaints.model).

Random draws come from named streams: per day and in visit order for visits
(``complaints.tolerance``, ``complaints.clinical``), per replication and department
for doctors (``complaints.skill.<department>``, ``complaints.propensity.<department>``),
so scenarios keep common random numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim import distributions
from sim.complaints import crowding
from sim.engine.records import BAULKED, LEFT_WITHOUT_BEING_SEEN, REVIEW_DEFERRED
from sim.schema import ComplaintsConfig, HospitalConfig
from sim.staffing.rosters import staff
from sim.streams import Streams

NO_EVENT, QUALITY_EVENT, SAFETY_EVENT = 0, 1, 2
CLINICAL_EVENTS = ("none", "quality", "safety")


@dataclass
class Drivers:
    """Per-visit drivers (arrays of the visit count) and per-doctor draws."""

    excess_wait_min: np.ndarray  # perceived minutes beyond tolerance, all stages
    worst_wait_stage: np.ndarray  # index into stages of the largest excess; -1 if none
    wait_onsite_time: np.ndarray  # when the worst stage's excess reached the on-site threshold; NaN if never
    deferred: np.ndarray  # bool
    crowding_per_server: np.ndarray
    communication_quality: np.ndarray  # NaN without a consultation
    communication_deficit: np.ndarray  # >= 0
    clinical_event: np.ndarray  # NO_EVENT / QUALITY_EVENT / SAFETY_EVENT
    doctor_log_propensity: np.ndarray  # per visit (0 without a doctor)
    doctor_skill: np.ndarray  # per doctor id
    doctor_propensity: np.ndarray  # per doctor id: odds multiplier (mean one)
    stages: list[str]


def per_visit(
    columns: dict[str, np.ndarray], streams: Streams, name: str, draw: Callable[[np.random.Generator, int], np.ndarray]
) -> np.ndarray:
    """Draw one value per visit from stream ``name`` keyed by day, in visit order, so a
    visit's draw depends only on its day and its place in that day's list."""
    day = columns["day"]
    if len(day) and np.any(np.diff(day) < 0):
        raise ValueError("visits must be ordered by day")
    days, first, counts = np.unique(day, return_index=True, return_counts=True)
    parts = [draw(streams.stream(name, int(d)), int(k)) for d, k in zip(days, counts, strict=True)]
    if not parts:
        return draw(np.random.default_rng(0), 0)
    return np.concatenate(parts)


def doctor_draws(hospital: HospitalConfig, streams: Streams) -> tuple[np.ndarray, np.ndarray]:
    """(skill, odds multiplier) of every doctor, by doctor id (department order).

    One stream per department, so changing one department's staff leaves the other
    doctors as they were."""
    c = hospital.complaints.communication
    sd = c.doctor_propensity_sd
    skill, propensity = [], []
    for name in hospital.departments:
        doctors = staff(hospital, name)  # the department's named doctors: doctor k is the same in every scenario
        skill.append(c.skill_mean + c.skill_sd * streams.stream(f"complaints.skill.{name}").standard_normal(doctors))
        z = streams.stream(f"complaints.propensity.{name}").standard_normal(doctors)
        propensity.append(np.exp(sd * z - sd * sd / 2))  # lognormal with mean one
    return np.concatenate(skill), np.concatenate(propensity)


def stage_waits(columns: dict[str, np.ndarray], stage: str) -> tuple[np.ndarray, np.ndarray]:
    """(wait as the patient judges it, when that wait began) at ``stage``; NaN if not queued.

    Patients who gave up waiting for the doctor waited until they left. Booked
    patients (a ``slot_time`` column, NaN for walk-ins) judge the wait for the doctor
    from their slot when they came early: from max(joining the queue, slot time).
    """
    wait = columns[f"wait_{stage}"]
    began = columns[f"{stage}_start"] - wait
    if stage == "consultation":
        gave_up = columns["outcome"] == LEFT_WITHOUT_BEING_SEEN
        began = crowding.consultation_join(columns)
        ended = np.where(gave_up, columns["departure_time"], columns["consultation_start"])
        if "slot_time" in columns:
            began = np.fmax(began, columns["slot_time"])  # fmax: walk-ins' NaN slot is ignored
        wait = np.where(np.isnan(began), np.nan, np.maximum(ended - began, 0.0))
    return wait, began


def _waits(columns, hospital: HospitalConfig, stages: list[str], tolerance_z: np.ndarray):
    w = hospital.complaints.waits
    onsite_excess = hospital.complaints.channels.onsite_after_excess_min
    n = len(tolerance_z)
    excess = np.zeros((n, len(stages)))
    onsite_time = np.full((n, len(stages)), np.nan)
    scale = np.exp(w.tolerance_sigma * tolerance_z)
    for k, stage in enumerate(stages):
        wait, began = stage_waits(columns, stage)
        if stage == "consultation" and "baulk_queue_per_doctor" in columns:
            wait, began = _with_foreseen_waits(columns, hospital, wait, began)
        tolerance = w.tolerance_median_min.get(stage, w.tolerance_median_min["consultation"]) * scale
        excess[:, k] = np.nan_to_num(np.maximum(w.perception_multiplier * wait - tolerance, 0.0))
        # the perceived wait reaches tolerance + onsite_excess after this many real minutes
        crossing = (tolerance + onsite_excess) / w.perception_multiplier
        onsite_time[:, k] = np.where(wait >= crossing, began + crossing, np.nan)
    worst = np.where(excess.max(axis=1) > 0, excess.argmax(axis=1), -1)
    rows = np.arange(n)
    worst_onsite = np.where(worst >= 0, onsite_time[rows, np.maximum(worst, 0)], np.nan)
    return excess.sum(axis=1), worst, worst_onsite


def _with_foreseen_waits(columns, hospital: HospitalConfig, wait: np.ndarray, began: np.ndarray):
    """Baulking patients judge the wait they foresaw and refused: the patients waiting
    per doctor they saw times their department's mean consultation, as if lived until
    they left (so an on-site complaint is made as they leave, at the latest)."""
    baulked = columns["outcome"] == BAULKED
    if not baulked.any():
        return wait, began
    mean = np.array([distributions.build(d.consultation).mean for d in hospital.departments.values()])
    foreseen = columns["baulk_queue_per_doctor"] * mean[columns["department"].astype(np.intp)]
    return (
        np.where(baulked, foreseen, wait),
        np.where(baulked, columns["departure_time"] - foreseen, began),
    )


def _communication(columns, c, skill: np.ndarray) -> np.ndarray:
    """Quality of the worse of the visit's consultations (NaN without one). Only
    first consultations record a rush factor; a review counts at the doctor's skill."""
    doctor = columns["doctor_id"]
    seen = doctor >= 0
    rush = np.nan_to_num(columns["consultation_rush_factor"], nan=1.0)
    quality = np.full(len(doctor), np.nan)
    quality[seen] = skill[doctor[seen]] - c.rush_quality_loss * (1.0 - rush[seen]) / 0.5
    reviewer = columns["review_doctor_id"]
    reviewed = reviewer >= 0
    quality[reviewed] = np.fmin(quality[reviewed], skill[reviewer[reviewed]])
    return quality


def compute(
    columns: dict[str, np.ndarray],
    hospital: HospitalConfig,
    streams: Streams,
    stages: list[str],
    doctors: tuple[np.ndarray, np.ndarray] | None = None,
    start_date: str | None = None,
) -> Drivers:
    """The drivers of the visits in ``columns`` (``doctors``: the replication's
    ``doctor_draws``, drawn here when not given; ``start_date``: the date of day 0,
    needed for crowding when rosters or schedules change)."""
    cfg: ComplaintsConfig = hospital.complaints
    n = len(columns["arrival_time"])
    tolerance_z = per_visit(columns, streams, "complaints.tolerance", lambda rng, k: rng.standard_normal(k))
    excess, worst, onsite_time = _waits(columns, hospital, stages, tolerance_z)

    skill, propensity = doctors if doctors is not None else doctor_draws(hospital, streams)
    quality = _communication(columns, cfg.communication, skill)
    deficit = np.nan_to_num(np.maximum(cfg.communication.perfect_quality - quality, 0.0))

    doctor = columns["doctor_id"]
    seen = doctor >= 0
    u = per_visit(columns, streams, "complaints.clinical", lambda rng, k: rng.random(k))
    q, s = cfg.clinical.quality_probability, cfg.clinical.safety_probability
    event = np.where(u < q, QUALITY_EVENT, np.where(u < q + s, SAFETY_EVENT, NO_EVENT)).astype(np.int8)
    event[~seen] = NO_EVENT

    log_propensity = np.zeros(n)
    log_propensity[seen] = np.log(propensity[doctor[seen]])
    return Drivers(
        excess_wait_min=excess,
        worst_wait_stage=worst.astype(np.int16),
        wait_onsite_time=onsite_time,
        deferred=columns["outcome"] == REVIEW_DEFERRED,
        crowding_per_server=crowding.crowding_per_server(columns, hospital, start_date) if n else np.zeros(0),
        communication_quality=quality,
        communication_deficit=deficit,
        clinical_event=event,
        doctor_log_propensity=log_propensity,
        doctor_skill=skill,
        doctor_propensity=propensity,
        stages=stages,
    )
