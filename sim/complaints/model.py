"""The complaint model: from what a visit lived through to a classified complaint.

For visit i with drivers z_k >= 0 (log-odds each driver adds; see
``sim.complaints.drivers``):

    base_i = logit(base_per_1000_visits / 1000) + patient factors + log doctor propensity
    p_i    = expit(base_i + z_wait + z_deferral + z_crowding + z_communication + z_quality + z_safety)

    z_wait          = ln(OR per 10 min) / 10 x perceived minutes beyond tolerance
    z_deferral      = ln(deferral OR) if the review was deferred
    z_crowding      = ln(OR per doubling) x log2(max(1, crowding / threshold))
    z_communication = ln(OR per 2 SD lower) / 2 x (perfect quality - quality)+
    z_quality/safety = ln(OR) if the visit had that clinical event

Two estimates come out: the expected complaints (sum of p_i, low variance: compare
scenarios with it) and the realised ones (a Bernoulli draw per visit).

Attribution. The complaint would have happened anyway with probability
expit(base_i) / p_i: it is then a background complaint (causes not modelled: fees,
outcomes...), classified by the configured background shares. Otherwise it is
attributed to driver k with probability proportional to z_k, and classified as that
driver dictates: wait and deferral -> institutional processes, crowding ->
environment, communication -> listening / communication / respect & patient rights
(configured shares), clinical events -> quality or safety. Severity follows the
category (HCAT Table 1 shares).

Every random number a visit might need is drawn per visit and per day from the
streams ``complaints.realised`` and ``complaints.delay`` whether or not the visit
complains, so scenarios keep common random numbers: a visit whose probability rises
can only gain a complaint.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.special import expit, logit

from sim import distributions
from sim.clock import MINUTES_PER_DAY, parse_date
from sim.complaints import hcat, information_gaps
from sim.complaints import office as complaint_office
from sim.complaints.drivers import (
    QUALITY_EVENT,
    SAFETY_EVENT,
    Drivers,
    compute,
    doctor_draws,
    per_visit,
)
from sim.engine.records import NO_SHOW, counted
from sim.schema import ComplaintsConfig, HospitalConfig, RunConfig
from sim.streams import Streams

Columns = dict[str, np.ndarray]
DRIVER_CAUSES = hcat.CAUSES[1:]  # every cause but background
U_COMPLAIN, U_CAUSE, U_CATEGORY, U_SEVERITY, U_ONSITE, U_PHONE = range(6)


def patient_log_odds(columns: Columns, hospital: HospitalConfig) -> np.ndarray:
    """Log odds ratio of each visit's patient factors (sex, age group, education)."""
    f = hospital.complaints.patients
    age = np.log([f.age_group_odds_ratio.get(g, 1.0) for g in hospital.patients.age_groups])
    education = np.log([f.education_odds_ratio.get(g, 1.0) for g in hospital.patients.education])
    return (
        np.log(f.female_odds_ratio) * columns["female"]
        + age[columns["age_group"].astype(np.intp)]
        + education[columns["education"].astype(np.intp)]
    )


def driver_log_odds(drivers: Drivers, cfg: ComplaintsConfig) -> np.ndarray:
    """(visits x driver causes) log odds each driver adds, all >= 0."""
    event = drivers.clinical_event
    return np.column_stack(
        [
            np.log(cfg.waits.odds_ratio_per_10_min) / 10.0 * drivers.excess_wait_min,
            np.log(cfg.waits.deferral_odds_ratio) * drivers.deferred,
            np.log(cfg.crowding.odds_ratio_per_doubling)
            * np.log2(np.maximum(drivers.crowding_per_server / cfg.crowding.threshold_per_server, 1.0)),
            np.log(cfg.communication.odds_ratio_per_2sd_lower) / 2.0 * drivers.communication_deficit,
            np.log(cfg.clinical.quality_odds_ratio) * (event == QUALITY_EVENT),
            np.log(cfg.clinical.safety_odds_ratio) * (event == SAFETY_EVENT),
        ]
    )


def cause_probabilities(base_log_odds: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(p, visits x causes): complaint probability and, given a complaint, the
    probability of each cause (rows sum to 1)."""
    p = expit(base_log_odds + z.sum(axis=1))
    background = expit(base_log_odds) / np.where(p > 0, p, 1.0)
    total = z.sum(axis=1, keepdims=True)
    share = np.divide(z, total, out=np.zeros_like(z), where=total > 0)
    return p, np.column_stack([background, (1.0 - background)[:, None] * share])


def cause_category_matrix(cfg: ComplaintsConfig) -> np.ndarray:
    """(causes x categories): given the cause, the probability of each category."""
    c = cfg.classification
    matrix = np.zeros((len(hcat.CAUSES), len(hcat.CATEGORIES)))
    for row, cause in enumerate(hcat.CAUSES):
        if cause == "background":
            shares = c.background_categories
        elif cause == "communication":
            shares = c.communication_categories
        else:
            shares = {hcat.CAUSE_CATEGORIES[cause][0]: 1.0}
        for category, share in shares.items():
            matrix[row, hcat.category_index(category)] = share
        matrix[row] /= matrix[row].sum()
    return matrix


def severity_matrix(cfg: ComplaintsConfig) -> np.ndarray:
    """(categories x severities): the severity shares of each category."""
    matrix = np.array([cfg.classification.severity[c] for c in hcat.CATEGORIES], dtype=float)
    return matrix / matrix.sum(axis=1, keepdims=True)


def _pick(cumulative: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Row-wise inverse-CDF draw: first column whose cumulative share exceeds u."""
    return np.minimum((u[:, None] >= cumulative).sum(axis=1), cumulative.shape[1] - 1)


def _timing(
    columns: Columns,
    drivers: Drivers,
    cfg: ComplaintsConfig,
    who: np.ndarray,
    cause: np.ndarray,
    u: np.ndarray,
    delay_days: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(channel code, time made) of the complaints of visits ``who``."""
    ch = cfg.channels
    wait_onsite = drivers.wait_onsite_time[who]
    is_wait = cause == hcat.CAUSES.index("wait")
    by_wait = is_wait & ~np.isnan(wait_onsite)
    onsite = np.where(by_wait, u[:, U_ONSITE] < ch.onsite_share_wait, u[:, U_ONSITE] < ch.onsite_share_other)
    at_consultation = np.isin(cause, [hcat.CAUSES.index(c) for c in ("communication", "quality", "safety")])
    departure = columns["departure_time"][who]
    consultation_end = columns["consultation_end"][who]
    # an information gap makes communication complaints possible without a consultation
    # (a patient who left unseen): made on site, they are made on leaving
    at_consultation &= ~np.isnan(consultation_end)
    onsite_time = np.where(by_wait, wait_onsite, np.where(at_consultation, consultation_end, departure))
    later = departure + delay_days[who] * MINUTES_PER_DAY
    channel = np.where(onsite, 0, np.where(u[:, U_PHONE] < ch.phone_share_after_visit, 1, 2)).astype(np.int8)
    return channel, np.where(onsite, onsite_time, later)


@dataclass
class Assessment:
    """The complaint model's output for one replication."""

    visits: Columns  # columns to add to the visit table
    complaints: Columns  # one row per realised complaint
    expected_by_category: np.ndarray  # (visits x categories): p x P(category | complaint)
    expected_by_cause: np.ndarray  # (visits x causes): p x P(cause | complaint)
    doctor_skill: np.ndarray  # per doctor id
    doctor_propensity: np.ndarray


def assess(
    columns: Columns,
    hospital: HospitalConfig,
    streams: Streams,
    stages: list[str],
    doctors: tuple[np.ndarray, np.ndarray] | None = None,
    start_date: str | None = None,
) -> Assessment:
    """Drivers, probabilities, realised and classified complaints of the visits in
    ``columns`` (a day or more of one replication; ``doctors``: its doctor draws;
    ``start_date``: the date of day 0, when rosters or schedules change)."""
    cfg = hospital.complaints
    drivers = compute(columns, hospital, streams, stages, doctors, start_date)
    base = (
        logit(cfg.base_per_1000_visits / 1000.0) + patient_log_odds(columns, hospital) + drivers.doctor_log_propensity
    )
    z = driver_log_odds(drivers, cfg)
    gap_share = None  # of the communication driver, with information gaps on
    if "information_gaps" in columns:
        z, gap_share = information_gaps.add_log_odds(z, columns, hospital)
    p, causes = cause_probabilities(base, z)
    p = np.where(columns["outcome"] == NO_SHOW, 0.0, p)  # no visit, nothing to complain about
    matrix = cause_category_matrix(cfg)
    categories = causes @ matrix
    if gap_share is not None:
        categories += causes[:, information_gaps.CAUSE, None] * information_gaps.category_shift(matrix, gap_share)

    u = per_visit(columns, streams, "complaints.realised", lambda rng, k: rng.random((k, 6)))
    delay = per_visit(
        columns, streams, "complaints.delay", lambda rng, k: distributions.build(cfg.channels.delay_days).sample(rng, k)
    )
    complained = u[:, U_COMPLAIN] < p
    who = np.flatnonzero(complained)
    uw = u[who]
    cause = _pick(np.cumsum(causes[who], axis=1), uw[:, U_CAUSE])
    within = matrix[cause]
    if gap_share is not None:
        within += (cause == information_gaps.CAUSE)[:, None] * information_gaps.category_shift(matrix, gap_share[who])
    category = _pick(np.cumsum(within, axis=1), uw[:, U_CATEGORY])
    severity = _pick(np.cumsum(severity_matrix(cfg)[category], axis=1), uw[:, U_SEVERITY])
    channel, time = _timing(columns, drivers, cfg, who, cause, uw, delay)
    domain = np.asarray(hcat.domain_index_of_categories())[category]

    visit_columns = {
        "perceived_excess_wait_min": drivers.excess_wait_min,
        "crowding_per_server": drivers.crowding_per_server,
        "communication_quality": drivers.communication_quality,
        "clinical_event": drivers.clinical_event,
        "complaint_probability": p,
        "complaint": complained,
    }
    complaints = {
        "visit_id": columns["visit_id"][who] if "visit_id" in columns else who.astype(np.int64),
        "doctor_id": columns["doctor_id"][who],
        "department": columns["department"][who],
        "visit_day": columns["day"][who],
        "time": time,
        "channel": channel,
        "cause": cause.astype(np.int8),
        "domain": domain.astype(np.int8),
        "category": category.astype(np.int8),
        "severity": severity.astype(np.int8),
        "probability": p[who],
    }
    return Assessment(
        visit_columns,
        complaints,
        p[:, None] * categories,
        p[:, None] * causes,
        drivers.doctor_skill,
        drivers.doctor_propensity,
    )


def assess_replication(
    columns: Columns, hospital: HospitalConfig, run: RunConfig, replication: int, stages: list[str]
) -> Assessment:
    """``assess`` one replication's visits, day by day (see ``DayByDay``), and send its
    complaints to the office."""
    days = DayByDay(hospital, run, replication, stages)
    parts = [days.assess(day) for day in _days_of(columns)]
    return replace(_joined(parts), complaints=days.handle([p.complaints for p in parts]))


class DayByDay:
    """The complaint model of one replication, applied to one day's visits at a time.

    A visit's drivers and draws depend only on its own day: per-visit random numbers
    come from daily streams in visit order, doctors are drawn once per replication,
    and crowding is counted in the day's own queues (each day is a separate clinic).
    So a replication assessed day by day — as ``sim.runs.replications`` does while the days
    are simulated, never holding replication-wide temporaries — gets exactly the
    columns and complaints of the same model applied to all its days at once.
    Complaints are collected and handled by the office when the replication ends.
    """

    def __init__(self, hospital: HospitalConfig, run: RunConfig, replication: int, stages: list[str]):
        self.hospital, self.run, self.replication, self.stages = hospital, run, replication, stages
        self.streams = Streams(run.seed, replication)
        self.doctors = doctor_draws(hospital, self.streams)
        self.complaint_parts: list[Columns] = []
        # expected complaints by category over the visits that count (sim.engine.records.counted),
        # added up visit after visit as one sum over the replication's rows would be
        self.expected_by_category = np.zeros(len(hcat.CATEGORIES))

    def assess(self, columns: Columns) -> Assessment:
        return assess(columns, self.hospital, self.streams, self.stages, self.doctors, self.run.start_date)

    def add_day(self, columns: Columns) -> Columns:
        """Assess one day's visits; return the complaint columns to add to them."""
        result = self.assess(columns)
        self.complaint_parts.append(result.complaints)
        counted_rows = result.expected_by_category[counted(columns)]
        # numpy adds the rows of a (rows x categories) array one after the other, so
        # putting the running total first continues the replication-wide sum exactly
        self.expected_by_category = np.vstack([self.expected_by_category[None, :], counted_rows]).sum(axis=0)
        return result.visits

    def handle(self, parts: list[Columns] | None = None) -> Columns:
        """The complaints (of ``parts``, default every day added) handled by the complaint
        office, numbered within the replication."""
        parts = self.complaint_parts if parts is None else parts
        complaints = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
        complaints.update(
            complaint_office.handle(
                complaints["time"], self.hospital.complaints.office, parse_date(self.run.start_date), self.streams
            )
        )
        complaints["replication"] = np.full(len(complaints["time"]), self.replication, dtype=np.int32)
        complaints["complaint_id"] = np.arange(len(complaints["time"]), dtype=np.int64)
        return complaints


def _days_of(columns: Columns) -> list[Columns]:
    """The columns of each day (views; visits are in day order). At least one part,
    so that an empty replication still gives columns of the right types."""
    day = columns["day"]
    if len(day) and np.any(np.diff(day) < 0):
        raise ValueError("visits must be ordered by day")
    bounds = np.flatnonzero(np.diff(day)) + 1
    edges = [0, *bounds.tolist(), len(day)]
    parts = [
        {name: values[a:b] for name, values in columns.items()} for a, b in zip(edges[:-1], edges[1:], strict=True)
    ]
    if "visit_id" not in columns:  # complaints name their visit by its row in the replication
        for part, a, b in zip(parts, edges[:-1], edges[1:], strict=True):
            part["visit_id"] = np.arange(a, b, dtype=np.int64)
    return parts


def _joined(parts: list[Assessment]) -> Assessment:
    first = parts[0]
    if len(parts) == 1:
        return first
    return Assessment(
        visits={name: np.concatenate([p.visits[name] for p in parts]) for name in first.visits},
        complaints={name: np.concatenate([p.complaints[name] for p in parts]) for name in first.complaints},
        expected_by_category=np.concatenate([p.expected_by_category for p in parts]),
        expected_by_cause=np.concatenate([p.expected_by_cause for p in parts]),
        doctor_skill=first.doctor_skill,
        doctor_propensity=first.doctor_propensity,
    )
