"""Typed schema of a hospital-sim configuration.

Plain dataclasses: Hydra registers them as structured configs (see ``sim.config.compose``), so
YAML files and command-line overrides are type-checked against them, and the model
receives instances of them (``OmegaConf.to_object``) without knowing about Hydra.

Times of day are strings ``"H:MM"`` (hours may exceed 24 for validation sessions that
run for days of simulated time); durations are minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# A value that must be given: OmegaConf (which reads this schema in sim.config) treats
# the string "???" as missing and refuses to build a config that still holds it.
MISSING: Any = "???"


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
    """Registration windows; walk-ins arrive only while registration is open.

    With self-service kiosks, a share of the patients who register (those not
    pre-registered online) use a kiosk instead of a window: the kiosks are a
    first-come-first-served station of their own, open with the windows."""

    closes: str = "24:00"
    kiosks: int = 0
    kiosk_share: float = 0.0  # of patients registering, when there are kiosks
    kiosk_service: Distribution = field(default_factory=lambda: Distribution(kind="lognormal", median=0.7, sigma=0.5))


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
class ChannelConfig:
    """A booking channel (online/app, phone, on-site booking): how many booked patients
    use it, how often they fail to come, and what booking through it lets them skip."""

    share: float = 0.0  # share of booked patients who book through this channel
    no_show: float = 0.15  # probability a booking through this channel is not kept
    pre_registration: bool = False  # registered when booking: skips the registration window
    mobile_payment_share: float = 0.0  # share who pay on their phone and skip the cashier


@dataclass
class PunctualityConfig:
    """When booked patients arrive relative to their slot time (minutes, negative = early).

    kind: normal(mean_min, sd_min) · empirical(values[, weights]).
    Default Normal(-15, 12): patients arrive early on average (mean 20.5 min early,
    Williams 2014; 84.4% early, Cerruti 2023), about 11% after their slot.
    """

    kind: str = "normal"
    mean_min: float = -15.0
    sd_min: float = 12.0
    values: list[float] | None = None
    weights: list[float] | None = None


@dataclass
class SlotTemplateConfig:
    """One doctor's appointment slots in one session.

    The session is cut into slots_per_session slots of slot_length_min from its start
    (null: as many as fit). released_share of them are released for booking, spread
    evenly over the session; the rest are left for walk-ins. The rule places the
    bookings on the released slots: ``individual`` (one per slot), ``bailey_welch``
    (two at the first, then one per slot; the last released slot stays free) or
    ``block`` (block_slots consecutive released slots form a block whose patients are
    all given the block's start). overbooking adds round(overbooking x bookings) more,
    doubled up on evenly spaced appointments, to offset no-shows.
    """

    slot_length_min: float = 10.0
    slots_per_session: int | None = None
    released_share: float = 1.0
    rule: str = "individual"
    block_slots: int = 3
    overbooking: float = 0.0


@dataclass
class SlotTemplateOverride:
    """A department's changes to the default slot template; null keys inherit it."""

    slot_length_min: float | None = None
    slots_per_session: int | None = None
    released_share: float | None = None
    rule: str | None = None
    block_slots: int | None = None
    overbooking: float | None = None


def _default_channels() -> dict[str, ChannelConfig]:
    # Channel mix: estimate (online/WeChat booking dominates in Chinese tertiary
    # hospitals). No-shows: online 15% (Su 2020, 48,777 online bookings, Jinan; 14.4%
    # Cao 2011, Xijing); phone 10% and on-site 5% are estimates (booked closer to the
    # visit, often by the patient in person; English outpatients 7.3%).
    return {
        "online": ChannelConfig(share=0.6, no_show=0.15),
        "phone": ChannelConfig(share=0.15, no_show=0.10),
        "onsite_booking": ChannelConfig(share=0.25, no_show=0.05),
    }


@dataclass
class BookingConfig:
    """Appointments: which share of the day's demand books a slot, through which
    channel, when they arrive, and how doctors call them.

    Off by default (booked_share 0: everybody walks in); hospital configs set their
    share (general_hospital 35%: 34.95% appointment share before a Guangzhou hospital
    made booking the default, BMC HSR 2019).
    """

    booked_share: float = 0.0
    channels: dict[str, ChannelConfig] = field(default_factory=_default_channels)
    punctuality: PunctualityConfig = field(default_factory=PunctualityConfig)
    slots: SlotTemplateConfig = field(default_factory=SlotTemplateConfig)
    department_slots: dict[str, SlotTemplateOverride] = field(default_factory=dict)
    # a booked patient arriving more than late_grace_min after the slot is late: with
    # seen_when_free they keep their booking (called at the doctor's next free
    # moment, before walk-ins); with walk_in they queue as a walk-in
    late_policy: str = "seen_when_free"
    late_grace_min: float = 0.0
    # a booked patient present before their slot: seen_if_free (the doctor calls them
    # early when nobody else is waiting) or wait_for_slot (never before the slot time)
    early_arrivals: str = "seen_if_free"
    elderly_priority: bool = False  # elderly walk-ins are called before other walk-ins
    elderly_age_groups: list[str] = field(default_factory=lambda: ["65_plus"])
    walk_in_mobile_payment_share: float = 0.0  # walk-ins who pay on their phone


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
    # the complaint model and the complaint office (defined below, with their sources)
    complaints: ComplaintsConfig = field(default_factory=lambda: ComplaintsConfig())
    booking: BookingConfig = field(default_factory=BookingConfig)


@dataclass
class RunConfig:
    days: int = 5
    start_date: str = "2026-03-02"
    # an integer >= 1, or "auto": run replications in batches until the 95% interval
    # of every KPI in precision_kpis is within target_precision of its mean (relative
    # half-width), starting with min_replications and stopping at max_replications.
    # Typed Any because OmegaConf 2.3 has no int-or-string type; sim.config.compose checks it.
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
    # stream: do not keep visits in memory; write them (and doctor sessions) to Parquet day
    # by day (with save_visits) and add KPIs up as the days go: memory stays flat however long the run
    stream: bool = False


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
    headline_kpis: list[str] = field(
        default_factory=lambda: [
            "wait_doctor_mean_min",
            "time_in_system_mean_min",
            "doctor_overtime_per_day_min",
            "*complaints_per_1000_visits*",
        ]
    )


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


# ---------------------------------------------------------------------------------
# The complaint model (sim.complaints.model) and the complaint office (sim.complaints.office).
# Sources are in ../shared/reference/parameters.md; "calibrated" marks a value fitted
# so that general_hospital reproduces the published targets (see
# experiments/complaint_calibration/), "estimate" a judgement where nothing was found.
# Odds ratios of drivers are >= 1: a driver can only add risk, so every complaint can
# be attributed to what produced it.


@dataclass
class PatientFactorsConfig:
    """Patient factors: multiply the odds of complaining, whatever the cause."""

    female_odds_ratio: float = 1.3  # Taylor, Wolfe & Cameron 2004: female rate ratio 1.3
    # odds ratio per group of hospital.patients.age_groups / .education; groups not
    # listed have 1. Estimates: middle-aged and better-informed patients complain more.
    age_group_odds_ratio: dict[str, float] = field(
        default_factory=lambda: {"under_40": 1.0, "40_to_64": 1.1, "65_plus": 0.8}
    )
    education_odds_ratio: dict[str, float] = field(
        default_factory=lambda: {"basic": 1.0, "secondary": 1.1, "tertiary": 1.25}
    )


@dataclass
class WaitComplaintConfig:
    """Perceived waits against each patient's tolerance."""

    # perceived wait = multiplier x actual wait. 1 = uninformed waiting (the
    # tolerances below were measured that way); queue information lowers it.
    perception_multiplier: float = 1.0
    # median tolerated wait per stage (minutes); stages not listed use the
    # consultation's. Consultation: 20 min (Zhang et al. 2023, median expected wait,
    # IQR 10-30). Other stages: estimates.
    tolerance_median_min: dict[str, float] = field(
        default_factory=lambda: {
            "registration": 10.0,
            "consultation": 20.0,
            "exam_payment": 10.0,
            "lab": 15.0,
            "imaging": 30.0,
            "review": 20.0,
            "payment": 10.0,
            "pharmacy": 15.0,
        }
    )
    # a patient's tolerances are median x exp(sigma x z), one z per patient for all
    # stages; sigma 0.8 puts the consultation quartiles at 12 and 34 min (Zhang 2023: 10-30)
    tolerance_sigma: float = 0.8
    # complaint odds per 10 perceived minutes beyond tolerance: Camacho et al. 2006,
    # odds of being willing to return fall 2% per minute of wait -> 0.98^-10 = 1.22
    odds_ratio_per_10_min: float = 1.22
    # results came back after the doctor had gone home: come back another day (calibrated)
    deferral_odds_ratio: float = 3.0


@dataclass
class CrowdingComplaintConfig:
    """Crowded waiting areas: patients waiting per server (window, doctor) when the
    patient joined a queue, worst station of the visit. The effect is per doubling
    above the threshold: a packed hall feels packed, however packed."""

    threshold_per_server: float = 3.0  # estimate: below this the waiting area feels normal
    odds_ratio_per_doubling: float = 1.5  # estimate (sets the environment share)


@dataclass
class CommunicationComplaintConfig:
    """Doctors' communication skill and the quality of each consultation.

    Skill is in standard-deviation units of the baseline population of doctors.
    Consultation quality = skill - rush_quality_loss x (1 - rush factor) / 0.5, so a
    consultation cut to half its length loses rush_quality_loss SD. Risk grows with
    the shortfall from perfect_quality.
    """

    skill_mean: float = 0.0
    skill_sd: float = 1.0
    # quality at or above which communication adds no risk (calibrated: sets how many
    # complaints are about communication)
    perfect_quality: float = 3.23
    # estimate: DrScore 2011 ratings 9.2 for visits > 10 min, 6.7 for 5-10, 2.7 for < 5
    rush_quality_loss: float = 2.0
    odds_ratio_per_2sd_lower: float = 1.4  # Tamblyn et al. 2007: RR 1.38 (1.18-1.61) per 2 SD
    # Unmeasured doctor factors: a mean-one lognormal multiplier of each doctor's
    # patients' complaint odds, sd of its log. Communication skill at Tamblyn's effect
    # size cannot concentrate complaints the way they are (Kohanim 2016: top 10% of
    # doctors draw 61%, 63% none); this does (calibrated). 0 = identical doctors.
    doctor_propensity_sd: float = 1.562


@dataclass
class ClinicalEventConfig:
    """A per-visit chance of a clinical quality or a safety problem (visits with a
    consultation). Probabilities: estimates; odds ratios: calibrated."""

    quality_probability: float = 0.02
    safety_probability: float = 0.005
    quality_odds_ratio: float = 14.09
    safety_odds_ratio: float = 28.18


@dataclass
class ComplaintClassificationConfig:
    """Shares that split complaints over HCAT categories and severities."""

    # complaints from causes the model does not simulate (fees, outcomes, ...): the
    # HCAT problem counts of Gillespie & Reader 2016, Table 1 (low+medium+high, n = 251)
    background_categories: dict[str, float] = field(
        default_factory=lambda: {
            "quality": 44 / 251,
            "safety": 52 / 251,
            "environment": 24 / 251,
            "institutional_processes": 39 / 251,
            "listening": 26 / 251,
            "communication": 29 / 251,
            "respect_and_patient_rights": 37 / 251,
        }
    )
    # complaints produced by poor communication: the relationships rows of Table 1
    communication_categories: dict[str, float] = field(
        default_factory=lambda: {"listening": 26 / 92, "communication": 29 / 92, "respect_and_patient_rights": 37 / 92}
    )
    # [low, medium, high] per category: Gillespie & Reader 2016, Table 1 counts
    severity: dict[str, list[float]] = field(
        default_factory=lambda: {
            "quality": [10 / 44, 22 / 44, 12 / 44],
            "safety": [5 / 52, 24 / 52, 23 / 52],
            "environment": [6 / 24, 10 / 24, 8 / 24],
            "institutional_processes": [10 / 39, 18 / 39, 11 / 39],
            "listening": [5 / 26, 11 / 26, 10 / 26],
            "communication": [7 / 29, 14 / 29, 8 / 29],
            "respect_and_patient_rights": [19 / 37, 13 / 37, 5 / 37],
        }
    )


@dataclass
class ComplaintChannelConfig:
    """How and when a complaint is made (on-site is the commonest channel in Chinese
    hospitals: Wang et al. 2021; the shares are estimates)."""

    # a wait complaint is made on the spot when the perceived wait has run this far
    # past the patient's tolerance (at that moment), with probability onsite_share_wait
    onsite_after_excess_min: float = 10.0
    onsite_share_wait: float = 0.8
    # other complaints: on site (at the end of the consultation, or on leaving) ...
    onsite_share_other: float = 0.5
    # ... otherwise after the visit, by phone (else online / hotline), days later
    phone_share_after_visit: float = 0.5
    delay_days: Distribution = field(default_factory=lambda: Distribution(kind="exponential", mean=2.0))


@dataclass
class ComplaintOfficeConfig:
    """The office that handles complaints: first come first served, staff work only
    in office hours on working days."""

    staff: int = 1  # estimate: one complaint officer for the outpatient department
    opens: str = "8:00"
    closes: str = "17:00"
    working_days: list[int] = field(default_factory=lambda: [0, 1, 2, 3, 4])  # Monday..Friday
    # staff working minutes per complaint (investigation, contacting the department,
    # talking with the patient, reply): estimate
    handling: Distribution = field(default_factory=lambda: Distribution(kind="lognormal", median=120.0, sigma=0.8))
    upheld_share: float = 0.5  # NHS 2014-15: ~51% upheld (QualityWatch)
    target_working_days: int = 5  # resolved by the end of the 5th working day after receipt (common target)


@dataclass
class ComplaintsConfig:
    """The complaint model: logistic in the drivers of each visit (see sim.complaints.model)."""

    # complaint probability per 1,000 visits of a reference patient (man, first age
    # group, first education group, average doctor) with no driver: calibrated so
    # general_hospital makes 0.4 complaints per 1,000 outpatient visits (Taylor 2004;
    # NHS England 2012-13)
    base_per_1000_visits: float = 0.0555
    patients: PatientFactorsConfig = field(default_factory=PatientFactorsConfig)
    waits: WaitComplaintConfig = field(default_factory=WaitComplaintConfig)
    crowding: CrowdingComplaintConfig = field(default_factory=CrowdingComplaintConfig)
    communication: CommunicationComplaintConfig = field(default_factory=CommunicationComplaintConfig)
    clinical: ClinicalEventConfig = field(default_factory=ClinicalEventConfig)
    classification: ComplaintClassificationConfig = field(default_factory=ComplaintClassificationConfig)
    channels: ComplaintChannelConfig = field(default_factory=ComplaintChannelConfig)
    office: ComplaintOfficeConfig = field(default_factory=ComplaintOfficeConfig)
