"""Typed schema of a hospital-sim configuration.

Plain dataclasses: Hydra registers them as structured configs (see ``sim.config``), so
YAML files and command-line overrides are type-checked against them, and the model
receives instances of them (``OmegaConf.to_object``) without knowing about Hydra.

Times of day are strings ``"H:MM"`` (hours may exceed 24 for validation sessions that
run for days of simulated time); durations are minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from omegaconf import MISSING


@dataclass
class Distribution:
    """A non-negative random duration or quantity, flat ``{kind, <parameters>}``.

    kind: exponential(mean) · lognormal(median, sigma) · gamma(mean, cv) ·
    triangular(low, mode, high) · fixed(value) · empirical(values[, weights]).
    Parameters the kind does not use are ignored, so an override can switch kind
    without clearing the old kind's parameters.
    """

    kind: str = "exponential"
    mean: float | None = None
    median: float | None = None
    sigma: float | None = None
    cv: float | None = None
    low: float | None = None
    mode: float | None = None
    high: float | None = None
    value: float | None = None
    values: list[float] | None = None
    weights: list[float] | None = None


@dataclass
class Session:
    """A clinic session, e.g. 08:00-12:00."""

    start: str = "8:00"
    end: str = "12:00"


@dataclass
class StationConfig:
    """A first-come-first-served station with identical servers (windows, counters)."""

    servers: int = 1
    service: Distribution = field(default_factory=Distribution)
    opens: str = "0:00"  # servers start work at this time of day


@dataclass
class RegistrationConfig(StationConfig):
    """Registration windows; walk-ins arrive only while registration is open."""

    closes: str = "24:00"


@dataclass
class ExamConfig(StationConfig):
    """An examination service (laboratory, imaging…) and the delay until its result."""

    result_delay: Distribution = field(default_factory=lambda: Distribution(kind="fixed", value=0.0))


@dataclass
class DepartmentConfig:
    """A clinical department: its doctors, their sessions and what patients need."""

    share: float = MISSING  # share of the day's patients who come for this department
    doctors: int = 1
    sessions: list[Session] = field(default_factory=lambda: [Session()])
    consultation: Distribution = field(default_factory=Distribution)
    review: Distribution = field(default_factory=Distribution)
    exam_probability: dict[str, float] = field(default_factory=dict)
    prescription_probability: float = 0.0
    # pooled: one queue served by any free doctor; shortest_queue / random: each
    # patient is registered to one doctor (as in Chinese hospitals) and queues for them.
    assignment: str = "shortest_queue"


@dataclass
class ConsultationQueueConfig:
    """How doctors call patients and how they hurry when the queue is long."""

    review_priority: bool = True  # returning patients with results are called first
    review_same_doctor: bool = True
    # consultation length x max(rush_min_factor, 1 - rush_per_waiting_patient * waiting)
    rush_per_waiting_patient: float = 0.0
    rush_min_factor: float = 1.0


@dataclass
class PatienceConfig:
    """Leaving without being seen: a patient waiting for a first consultation longer
    than their patience leaves."""

    enabled: bool = False
    distribution: Distribution = field(default_factory=lambda: Distribution(kind="exponential", mean=240.0))


@dataclass
class PatientMixConfig:
    """Shares of patient attributes (used by the complaint model)."""

    female_share: float = 0.5
    age_groups: dict[str, float] = field(default_factory=lambda: {"under_40": 0.4, "40_to_64": 0.4, "65_plus": 0.2})
    education: dict[str, float] = field(default_factory=lambda: {"basic": 0.5, "secondary": 0.3, "tertiary": 0.2})


@dataclass
class ArrivalsConfig:
    """Walk-in demand: a non-homogeneous Poisson process.

    Expected visits on a day = daily_volume x weekday_index[weekday] x
    month_index[month - 1], spread over registration hours by hourly_profile
    (24 relative weights). When rate_per_hour is set, arrivals are homogeneous at that
    rate over registration hours instead (validation configs); when interval_min is
    set, one patient arrives every interval_min minutes from registration opening, with
    no randomness (deterministic teaching and test configs).
    """

    daily_volume: float = 100.0
    hourly_profile: list[float] = field(default_factory=lambda: [1.0] * 24)
    rate_per_hour: float | None = None
    interval_min: float | None = None
    weekday_index: list[float] = field(default_factory=lambda: [1.0] * 7)
    month_index: list[float] = field(default_factory=lambda: [1.0] * 12)
    open_weekdays: list[int] = field(default_factory=lambda: [0, 1, 2, 3, 4, 5, 6])


@dataclass
class HospitalConfig:
    name: str = MISSING
    description: str = ""
    arrivals: ArrivalsConfig = field(default_factory=ArrivalsConfig)
    registration: RegistrationConfig = field(default_factory=RegistrationConfig)
    departments: dict[str, DepartmentConfig] = field(default_factory=dict)
    consultation_queue: ConsultationQueueConfig = field(default_factory=ConsultationQueueConfig)
    exams: dict[str, ExamConfig] = field(default_factory=dict)
    cashier: StationConfig = field(default_factory=StationConfig)
    pharmacy: StationConfig = field(default_factory=StationConfig)
    patience: PatienceConfig = field(default_factory=PatienceConfig)
    patients: PatientMixConfig = field(default_factory=PatientMixConfig)
    # visits arriving before this many minutes into a day are simulated but left out
    # of KPIs (steady-state validation configs only; hospital days start empty)
    warmup_min: float = 0.0


@dataclass
class RunConfig:
    days: int = 5
    start_date: str = "2026-03-02"
    # an integer >= 1, or "auto": run replications in batches until the 95% interval
    # of every KPI in precision_kpis is within target_precision of its mean (relative
    # half-width), starting with min_replications and stopping at max_replications.
    # Typed Any because OmegaConf 2.3 has no int-or-string type; sim.config checks it.
    replications: Any = 5
    seed: int = 20261125
    jobs: int = 1  # worker processes for replications; 0 = one per CPU core
    target_precision: float = 0.05
    min_replications: int = 5
    max_replications: int = 100
    precision_kpis: list[str] = field(default_factory=lambda: ["wait_consultation_mean_min"])


@dataclass
class OutputConfig:
    dir: str | None = None  # where `python -m sim` writes; None = Hydra's run directory
    figures: bool = True
    save_visits: bool = True
    progress: bool = True
    print_kpis: bool = True
    report: bool = True  # write report.html (a single file a planner can open) with the run files


@dataclass
class RunnerConfig:
    """Where replications run. local: a process pool of run.jobs workers on this
    machine. dask: a dask.distributed cluster at `address` (e.g. "tcp://10.0.0.5:8786"),
    or, when address is null, a LocalCluster of `workers` workers (0 = one per core)
    using processes (or threads in this process when processes is false)."""

    kind: str = "local"
    address: str | None = None
    workers: int = 0
    processes: bool = True


@dataclass
class CompareConfig:
    """How runs are compared. `baseline` picks the comparator among a sweep's jobs:
    the job whose values of these keys are as given and whose other swept values are
    the same. `headline_kpis` (names or fnmatch patterns; missing ones are skipped)
    are drawn in the figures and shown first in the reports."""

    baseline: list[str] = field(default_factory=lambda: ["intervention=none"])
    headline_kpis: list[str] = field(default_factory=lambda: [
        "wait_consultation_mean_min", "time_in_system_mean_min", "doctor_overtime_per_day_min",
        "*complaints_per_1000_visits*"])


@dataclass
class Config:
    hospital: HospitalConfig = MISSING
    run: RunConfig = field(default_factory=RunConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    runner: RunnerConfig = field(default_factory=RunnerConfig)
    compare: CompareConfig = field(default_factory=CompareConfig)
    # Each selected intervention patches `hospital` and adds its name -> one-line
    # description here, so a run records what was switched on.
    interventions: dict[str, str] = field(default_factory=dict)
