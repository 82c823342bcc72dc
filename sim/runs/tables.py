"""Turn a run's columns into tidy pandas tables (once, at the end of a run)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.complaints import hcat
from sim.complaints.drivers import CLINICAL_EVENTS
from sim.demand.booking import CHANNELS
from sim.engine.records import OUTCOMES
from sim.patients_over_time.loyalty import KINDS
from sim.patients_over_time.register import COHORTS
from sim.schema import HospitalConfig
from sim.service_quality.disputes import ROUTES

# the order of columns in visits.parquet; stage columns follow in pathway order
LEADING = [
    "replication",
    "visit_id",
    "day",
    "weekday",
    "month",
    "arrival_time",
    "booked",
    "channel",
    "slot_time",
    "department",
    "female",
    "age_group",
    "education",
    "in_warmup",
    "outcome",
    "departure_time",
    "time_in_system",
]


def _categorical(codes: np.ndarray, names) -> pd.Categorical:
    return pd.Categorical.from_codes(codes.astype(np.int64), categories=list(names))


def visits_frame(columns: dict[str, np.ndarray], hospital: HospitalConfig) -> pd.DataFrame:
    data = dict(columns)
    data["department"] = _categorical(data["department"], hospital.departments)
    data["age_group"] = _categorical(data["age_group"], hospital.patients.age_groups)
    data["education"] = _categorical(data["education"], hospital.patients.education)
    data["outcome"] = _categorical(data["outcome"], OUTCOMES)
    if "clinical_event" in data:
        data["clinical_event"] = _categorical(data["clinical_event"], CLINICAL_EVENTS)
    data["channel"] = _categorical(data["channel"], CHANNELS)
    if "visit_kind" in data:  # hospital.population on: patient_id and visit_kind follow visit_id
        data["visit_kind"] = _categorical(data["visit_kind"], KINDS)
    data["time_in_system"] = columns["departure_time"] - columns["arrival_time"]
    leading = LEADING if "patient_id" not in data else [*LEADING[:2], "patient_id", "visit_kind", *LEADING[2:]]
    order = leading + [c for c in data if c not in leading]
    # copy=False: the columns become the frame's as they are (no consolidated copy of a
    # table that can hold millions of rows)
    return pd.DataFrame({name: data[name] for name in order}, copy=False)


def sessions_frame(columns: dict[str, np.ndarray], hospital: HospitalConfig) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    frame["department"] = pd.Categorical(frame["department"], categories=list(hospital.departments))
    frame["overtime_min"] = np.clip(frame["left"] - frame["end"], 0.0, None)
    frame["idle_in_session_min"] = (frame["end"] - frame["start"]) - frame["busy_in_session"]
    first = ["replication", "day", "doctor_id", "department", "session"]
    return frame[first + [c for c in frame.columns if c not in first]]


# the order of columns in complaints.parquet
COMPLAINT_COLUMNS = [
    "replication",
    "complaint_id",
    "visit_id",
    "doctor_id",
    "department",
    "visit_day",
    "time",
    "channel",
    "cause",
    "domain",
    "category",
    "severity",
    "probability",
    "handling_start",
    "resolved_time",
    "resolution_days",
    "within_target",
    "upheld",
]


# added when complaints may escalate to disputes (hospital.complaints.disputes.enabled)
DISPUTE_COLUMNS = ["escalated", "dispute_route", "dispute_opened", "dispute_settled", "dispute_settle_days"]


def complaints_frame(columns: dict[str, np.ndarray], hospital: HospitalConfig) -> pd.DataFrame:
    """One row per complaint, categories as pandas categoricals (HCAT machine names);
    the dispute columns too when complaints may escalate."""
    data = dict(columns)
    names = COMPLAINT_COLUMNS
    if "escalated" in data:
        names = COMPLAINT_COLUMNS + DISPUTE_COLUMNS
        data["dispute_route"] = _categorical(data["dispute_route"], ROUTES)  # -1 (no dispute): missing
    data["department"] = _categorical(data["department"], hospital.departments)
    for name, labels in (
        ("channel", hcat.CHANNELS),
        ("cause", hcat.CAUSES),
        ("domain", hcat.DOMAINS),
        ("category", hcat.CATEGORIES),
        ("severity", hcat.SEVERITIES),
    ):
        data[name] = _categorical(data[name], labels)
    return pd.DataFrame({name: data[name] for name in names})


SURVEY_LEADING = ["replication", "visit_id", "day", "department", "doctor_id", "female", "age_group", "education"]


def survey_frame(columns: dict[str, np.ndarray], hospital: HospitalConfig) -> pd.DataFrame:
    """One row per survey respondent (``sim.service_quality.survey``): who they are,
    their mean expectation, perception and gap per dimension, overall satisfaction,
    whether they would recommend the hospital, then every item's score."""
    if not columns:
        return pd.DataFrame()
    data = dict(columns)
    data["department"] = _categorical(data["department"], hospital.departments)
    data["age_group"] = _categorical(data["age_group"], hospital.patients.age_groups)
    data["education"] = _categorical(data["education"], hospital.patients.education)
    order = SURVEY_LEADING + [c for c in data if c not in SURVEY_LEADING]
    return pd.DataFrame({name: data[name] for name in order})


def patients_frame(columns: dict[str, np.ndarray], hospital: HospitalConfig) -> pd.DataFrame:
    """One row per patient of each replication (``hospital.population``): who they are
    and what they did over the run. Empty when the population is off."""
    if not columns:
        return pd.DataFrame()
    data = dict(columns)
    data["cohort"] = _categorical(data["cohort"], COHORTS)
    data["department"] = _categorical(data["department"], hospital.departments)
    data["age_group"] = _categorical(data["age_group"], hospital.patients.age_groups)
    data["education"] = _categorical(data["education"], hospital.patients.education)
    kind = data.pop("next_kind")
    data["next_kind"] = pd.Categorical.from_codes(np.where(kind >= 0, kind, -1).astype(np.int64), categories=KINDS)
    data["lost"] = data["lost_day"] >= 0
    return pd.DataFrame(data)
