"""Calibration of the SERVQUAL survey: the published targets, what a sample of
replications gives for each, and the fit of the dimensions' latent means.

The survey is a function of finished visits (and the complaint model's drivers), so a
sample of replications spread over a year is simulated once, assessed by the
complaint model once, and surveyed again under any survey settings (every patient
asked and answering, so that the whole sample informs the means). Expectation and
perception latent means are fitted dimension by dimension: the observed mean of
rounded, clipped Likert items rises with its latent mean, so a bisection finds the
latent mean that gives each target.

Targets (docs/background/service-quality.md): Fan et al. 2017's order of the gaps,
from the largest, economy, responsiveness, empathy, assurance, reliability,
tangibles, with every gap negative; expectations and perceptions where the published
outpatient surveys put them. Fan et al. report the order, not the sizes we could use,
so the gap targets are spaced evenly within the published range.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from sim.complaints import model as complaints
from sim.complaints.calibration import Replication, stratified_interval
from sim.schema import SERVQUAL_DIMENSIONS, HospitalConfig
from sim.service_quality.survey import respond
from sim.streams import Streams

# Fan et al. 2017 (27 hospitals, 15 provinces): from the largest gap to the smallest
FAN_ORDER = ("economy", "responsiveness", "empathy", "assurance", "reliability", "tangibles")

# Targets: expectations as PMC6131925 (386 outpatients: 4.44-4.56, empathy highest, as
# Al Fraihi 2016's 4.7); gaps from PMC6131925's -0.13 to -0.25 for the classic
# dimensions towards Al Fraihi's responsiveness (perception 3.2), in Fan's order,
# evenly spaced; economy's gap the largest (Fan), its size an estimate.
TARGET_EXPECTATION = dict(zip(SERVQUAL_DIMENSIONS, (4.44, 4.49, 4.48, 4.50, 4.56, 4.50), strict=True))
TARGET_GAP = dict(zip(FAN_ORDER, (-0.75, -0.55, -0.42, -0.32, -0.24, -0.17), strict=True))
BANDS = {"expectation": (4.40, 4.70), "perception": (3.20, 4.45), "gap": (-1.30, -0.10)}
BAND_SOURCES = {
    "expectation": "PMC6131925 4.44-4.56; Al Fraihi 2016 empathy 4.7",
    "perception": "Al Fraihi 2016 responsiveness 3.2; PMC6131925 4.19-4.40",
    "gap": "PMC6131925 -0.13 to -0.25; Al Fraihi 2016 about -1.3 (responsiveness)",
}


@dataclass
class Surveyed:
    """A replication of the sample, assessed by the complaint model: the survey's inputs."""

    replication: Replication
    columns: dict[str, np.ndarray]  # visit columns with the complaint model's
    doctor_skill: np.ndarray


def assess(sample: list[Replication]) -> list[Surveyed]:
    """Run the complaint model over each replication once."""
    out = []
    for rep in sample:
        assessment = complaints.assess_replication(rep.columns, rep.hospital, rep.run, rep.replication, rep.stages)
        columns = {**rep.columns, **assessment.visits, "visit_id": np.arange(len(rep.columns["day"]))}
        out.append(Surveyed(rep, columns, assessment.doctor_skill))
    return out


def with_survey(hospital: HospitalConfig, **changes) -> HospitalConfig:
    """``hospital`` with survey settings changed (e.g. ``perception={...}``)."""
    return dataclasses.replace(hospital, survey=dataclasses.replace(hospital.survey, **changes))


def respondents(sample: list[Surveyed], everybody: bool = True, **changes) -> list[dict[str, np.ndarray]]:
    """Each replication's respondents under the survey settings ``changes`` (with
    ``everybody``: every patient asked and answering)."""
    if everybody:
        changes = {"sampled_share": 1.0, "response_rate": 1.0, "dissatisfied_response_odds_ratio": 1.0, **changes}
    rows = []
    for s in sample:
        rep = s.replication
        hospital = with_survey(rep.hospital, **changes)
        rows.append(respond(s.columns, hospital, Streams(rep.run.seed, rep.replication), s.doctor_skill)[0])
    return rows


def measure(sample: list[Surveyed], rows: list[dict] | None = None, **changes) -> dict[str, tuple[float, float, float]]:
    """Mean and 95% interval (stratified by month, each month weighing as its days) of
    every dimension's expectation, perception and gap (``<part>_<dimension>``), overall
    satisfaction and the would-recommend share."""
    rows = respondents(sample, **changes) if rows is None else rows
    reps = [s.replication for s in sample]
    strata = [r.stratum for r in reps]
    days = [r.stratum_days for r in reps]
    weights = [len(r["visit_id"]) for r in rows]
    names = [f"{part}_{d}" for part in ("expectation", "perception", "gap") for d in SERVQUAL_DIMENSIONS]
    names += ["overall_satisfaction", "would_recommend"]
    return {name: stratified_interval([float(np.mean(r[name])) for r in rows], strata, days, weights) for name in names}


def _bisect(observed, target: float, low: float = 1.0, high: float = 5.0, steps: int = 18) -> float:
    """The latent mean in [low, high] whose observed mean is ``target`` (observed rises with it)."""
    for _ in range(steps):
        middle = (low + high) / 2
        if observed(middle) < target:
            low = middle
        else:
            high = middle
    return round((low + high) / 2, 3)


def fit(sample: list[Surveyed]) -> dict[str, dict[str, float]]:
    """Latent expectation and perception means giving the target expectations and gaps."""
    hospital = sample[0].replication.hospital
    expectation, perception = dict(hospital.survey.expectation), dict(hospital.survey.perception)
    for d in SERVQUAL_DIMENSIONS:

        def observed_expectation(x, d=d):
            return measure(sample, expectation={**expectation, d: x})[f"expectation_{d}"][0]

        expectation[d] = _bisect(observed_expectation, TARGET_EXPECTATION[d])
    for d in SERVQUAL_DIMENSIONS:

        def observed_gap(x, d=d):
            return measure(sample, expectation=expectation, perception={**perception, d: x})[f"gap_{d}"][0]

        perception[d] = _bisect(observed_gap, TARGET_GAP[d])
    return {"expectation": expectation, "perception": perception}
