"""Typed schema of a hospital-sim configuration.

Plain dataclasses: Hydra registers them as structured configs (see ``sim.config``), so
YAML files and command-line overrides are type-checked against them, and the model
receives instances of them (``OmegaConf.to_object``) without knowing about Hydra.

Times of day are strings ``"H:MM"`` (hours may exceed 24 for validation sessions that
run for days of simulated time); durations are minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    booking: BookingConfig = field(default_factory=BookingConfig)


@dataclass
class RunConfig:
    days: int = 5
    start_date: str = "2026-03-02"
    replications: int = 5
    seed: int = 20261125
    jobs: int = 1  # worker processes for replications; 0 = one per CPU core


@dataclass
class OutputConfig:
    dir: str | None = None  # where `python -m sim` writes; None = Hydra's run directory
    figures: bool = True
    save_visits: bool = True
    progress: bool = True
    print_kpis: bool = True


@dataclass
class Config:
    hospital: HospitalConfig = MISSING
    run: RunConfig = field(default_factory=RunConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    # Each selected intervention patches `hospital` and adds its name -> one-line
    # description here, so a run records what was switched on.
    interventions: dict[str, str] = field(default_factory=dict)
