"""Typed schema of a hospital-sim configuration.

Plain dataclasses: Hydra registers them as structured configs (see ``sim.config.compose``), so
YAML files and command-line overrides are type-checked against them, and the model
receives instances of them (``OmegaConf.to_object``) without knowing about Hydra.

Each setting carries its own description and limits in its field metadata, read by the
checks (``sim.config.validate``) and the configuration reference
(``sim.config.reference``): ``help`` (one line), ``ge`` / ``gt`` / ``le`` / ``lt``
(bounds; on a list or dict of numbers they bound every item) and ``allow_inf`` (a float
may be ``inf``; every other float must be finite). A setting with a fixed set of values
is an enum: YAML, overrides and comparisons use its plain strings.

Times of day are strings ``"H:MM"`` (hours may exceed 24 for validation sessions that
run for days of simulated time); durations are minutes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any

# A value that must be given: OmegaConf (which reads this schema in sim.config) treats
# the string "???" as missing and refuses to build a config that still holds it.
MISSING: Any = "???"
AUTO = "auto"  # run.replications=auto

_NO_DEFAULT: Any = dataclasses.MISSING


def setting(
    default: Any = _NO_DEFAULT,
    *,
    help: str,
    factory: Any = None,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
    allow_inf: bool = False,
) -> Any:
    """A dataclass field with its help line and limits in its metadata."""
    limits = {"ge": ge, "gt": gt, "le": le, "lt": lt}
    metadata = {"help": help, **{name: bound for name, bound in limits.items() if bound is not None}}
    if allow_inf:
        metadata["allow_inf"] = True
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def plain_data(config: Any) -> dict:
    """A config dataclass as plain dicts, lists and values, choices as their strings:
    what YAML and JSON write (``dataclasses.asdict`` would keep the enum members)."""
    return dataclasses.asdict(config, dict_factory=_plain_items)


def _plain_items(items: list[tuple[str, Any]]) -> dict:
    return {name: value.value if isinstance(value, Enum) else value for name, value in items}


# -- choices --------------------------------------------------------------------------
# StrEnum rather than (str, Enum): a member formats as its value ("pooled"), in
# messages and f-strings too, where Python 3.11 writes a (str, Enum) as "Assignment.pooled".
# Member names equal their values: OmegaConf reads choices by name.


class DistributionKind(StrEnum):
    """The kind of a distribution (``sim.distributions``, one class each)."""

    exponential = "exponential"
    lognormal = "lognormal"
    gamma = "gamma"
    triangular = "triangular"
    fixed = "fixed"
    empirical = "empirical"


class Assignment(StrEnum):
    """How a department's walk-ins reach a doctor."""

    pooled = "pooled"  # one queue served by any free doctor
    shortest_queue = "shortest_queue"  # registered to the doctor with the fewest waiting
    random = "random"  # registered to a doctor at random


class PunctualityKind(StrEnum):
    """How booked patients' arrival offsets are drawn."""

    normal = "normal"
    empirical = "empirical"


class SlotRule(StrEnum):
    """Where bookings go on the released slots (``sim.demand.slots``)."""

    individual = "individual"
    bailey_welch = "bailey_welch"
    block = "block"


class LatePolicy(StrEnum):
    """What happens to a booked patient who comes late."""

    seen_when_free = "seen_when_free"
    walk_in = "walk_in"


class EarlyArrivals(StrEnum):
    """When a booked patient who comes early may be seen."""

    seen_if_free = "seen_if_free"
    wait_for_slot = "wait_for_slot"


class RunnerKind(StrEnum):
    """Where replications run."""

    local = "local"
    dask = "dask"


# -- the hospital ---------------------------------------------------------------------


@dataclass
class Distribution:
    """A non-negative random duration or quantity, flat ``{kind, <parameters>}``.

    kind: exponential(mean) · lognormal(median, sigma) · gamma(mean, cv) ·
    triangular(low, mode, high) · fixed(value) · empirical(values[, weights]).
    Parameters the kind does not use are ignored, so an override can switch kind
    without clearing the old kind's parameters. What each kind needs is checked by its
    class in ``sim.distributions``.
    """

    kind: DistributionKind = setting(
        DistributionKind.exponential, help="exponential, lognormal, gamma, triangular, fixed or empirical"
    )
    mean: float | None = setting(None, help="mean (exponential, gamma)")
    median: float | None = setting(None, help="median (lognormal)")
    sigma: float | None = setting(None, help="standard deviation of the logarithm (lognormal)")
    cv: float | None = setting(None, help="coefficient of variation, standard deviation / mean (gamma)")
    low: float | None = setting(None, help="smallest value (triangular)")
    mode: float | None = setting(None, help="most likely value (triangular)")
    high: float | None = setting(None, help="largest value (triangular)")
    value: float | None = setting(None, help="the value every draw takes (fixed)")
    values: list[float] | None = setting(None, help="the values drawn from (empirical)")
    weights: list[float] | None = setting(None, help="relative weight of each value (empirical; null: equal)")


@dataclass
class Session:
    """A clinic session, e.g. 08:00-12:00."""

    start: str = setting("8:00", help="time of day the session starts (H:MM)")
    end: str = setting("12:00", help="time of day the session ends (H:MM); patients waiting then are still seen")


# Keys of rosters and station schedules: a day's most specific key applies (holiday,
# then its weekday, then weekdays / weekend, then all); see sim.staffing.days.
_DAY_KEYS = "keys mon, tue, wed, thu, fri, sat, sun, weekdays, weekend, all, holiday"


@dataclass
class ServerChange:
    """On the days ``days`` names, from a time of day on, this many servers are on
    duty (until the next change of those days)."""

    days: str = setting("all", help="the days of this change: " + _DAY_KEYS[5:])
    start: str = setting("8:00", help="time of day the count takes effect (H:MM)")
    servers: int = setting(1, help="servers on duty from then until the next change", ge=0)


@dataclass
class ExtraServers:
    """Extra servers on duty between two times of day, every day (a peak window)."""

    start: str = setting("9:00", help="time of day the extra servers start (H:MM)")
    end: str = setting("11:00", help="time of day they stop taking patients (H:MM); a patient in service is finished")
    servers: int = setting(1, help="servers added to the station's count in that window", ge=1)


@dataclass
class StationConfig:
    """A first-come-first-served station with identical servers (windows, counters).

    ``servers`` from ``opens`` all day is the shorthand; ``schedule`` gives the servers
    by time of day instead (piecewise constant) on the days its changes name, starting
    at the first change of the day (which replaces ``opens`` on those days). A server going off
    duty finishes the patient in service (sim.staffing.schedules)."""

    servers: int = setting(1, help="servers (windows, counters) working at the station", ge=1)
    service: Distribution = setting(help="service time of one patient (minutes)", factory=Distribution)
    opens: str = setting("0:00", help="time of day the servers start work (H:MM)")
    schedule: list[ServerChange] = setting(
        help="servers by time of day: changes {days, start, servers}, in order for each days key, "
        "the first when the station opens (days not covered: servers from opens)",
        factory=list,
    )
    extra: list[ExtraServers] = setting(
        help="extra servers between two times of day, every day, on top of the count (peak windows)", factory=list
    )


@dataclass
class RegistrationConfig(StationConfig):
    """Registration windows; walk-ins arrive only while registration is open.

    With self-service kiosks, a share of the patients who register (those not
    pre-registered online) use a kiosk instead of a window: the kiosks are a
    first-come-first-served station of their own, open with the windows."""

    closes: str = setting("24:00", help="time of day registration closes (H:MM): walk-ins arrive while it is open")
    kiosks: int = setting(0, help="self-service registration kiosks beside the windows", ge=0)
    kiosk_share: float = setting(
        0.0, help="probability a patient who registers uses a kiosk (when there are kiosks)", ge=0, le=1
    )
    kiosk_service: Distribution = setting(
        help="registration time at a kiosk (minutes)",
        factory=lambda: Distribution(kind=DistributionKind.lognormal, median=0.7, sigma=0.5),
    )
    kiosk_schedule: list[ServerChange] = setting(
        help="kiosks in service by time of day (as schedule; days not covered: kiosks from opens)", factory=list
    )


@dataclass
class ExamConfig(StationConfig):
    """An examination service (laboratory, imaging…) and the delay until its result."""

    result_delay: Distribution = setting(
        help="minutes from the end of the examination until its result is ready",
        factory=lambda: Distribution(kind=DistributionKind.fixed, value=0.0),
    )


@dataclass
class DepartmentConfig:
    """A clinical department: its doctors, their sessions and what patients need."""

    share: float = setting(
        MISSING, help="share of the day's patients who come for this department (departments sum to 1)", ge=0, le=1
    )
    doctors: int = setting(1, help="doctors on duty in each session (the whole roster when roster is empty)", ge=1)
    sessions: list[Session] = setting(help="the doctors' sessions of the day, in order", factory=lambda: [Session()])
    # Named doctors: the department has max(doctors, every roster count) of them; a
    # session with k on duty is worked by the first k (sim.staffing.rosters).
    roster: dict[str, list[int]] = setting(
        help="doctors on duty in each session, by day (" + _DAY_KEYS + "): one count per session "
        "(days not listed: doctors)",
        factory=dict,
        ge=0,
    )
    consultation: Distribution = setting(help="length of a first consultation (minutes)", factory=Distribution)
    review: Distribution = setting(help="length of the review of examination results (minutes)", factory=Distribution)
    exam_probability: dict[str, float] = setting(
        help="probability a patient is sent for each examination, by exam name", factory=dict, ge=0, le=1
    )
    prescription_probability: float = setting(0.0, help="probability a patient gets a prescription", ge=0, le=1)
    assignment: Assignment = setting(
        Assignment.shortest_queue,
        help="pooled: one queue for any free doctor; shortest_queue / random: each patient queues for one doctor",
    )


@dataclass
class ConsultationQueueConfig:
    """How doctors call patients and how they hurry when the queue is long."""

    review_priority: bool = setting(True, help="returning patients with results are called before new ones")
    review_same_doctor: bool = setting(True, help="results are reviewed by the doctor who ordered the examinations")
    # consultation length x max(rush_min_factor, 1 - rush_per_waiting_patient * waiting)
    rush_per_waiting_patient: float = setting(
        0.0, help="share of a consultation's length cut per patient waiting per doctor", ge=0
    )
    rush_min_factor: float = setting(
        1.0, help="shortest a hurried consultation gets, as a share of its length", gt=0, le=1
    )


@dataclass
class PatienceConfig:
    """Leaving without being seen: a patient waiting for a first consultation longer
    than their patience leaves."""

    enabled: bool = setting(False, help="patients who wait longer than their patience for a doctor leave")
    distribution: Distribution = setting(
        help="patience of a patient (minutes)",
        factory=lambda: Distribution(kind=DistributionKind.exponential, mean=240.0),
    )


@dataclass
class PatientMixConfig:
    """Shares of patient attributes (used by the complaint model)."""

    female_share: float = setting(0.5, help="share of patients who are women", ge=0, le=1)
    age_groups: dict[str, float] = setting(
        help="share of patients in each age group (sum to 1)",
        factory=lambda: {"under_40": 0.4, "40_to_64": 0.4, "65_plus": 0.2},
        ge=0,
        le=1,
    )
    education: dict[str, float] = setting(
        help="share of patients at each level of education (sum to 1)",
        factory=lambda: {"basic": 0.5, "secondary": 0.3, "tertiary": 0.2},
        ge=0,
        le=1,
    )


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

    daily_volume: float = setting(100.0, help="expected visits on a day whose weekday and month indexes are 1", ge=0)
    hourly_profile: list[float] = setting(
        help="relative arrival intensity in each hour of the day (24 values)", factory=lambda: [1.0] * 24, ge=0
    )
    rate_per_hour: float | None = setting(
        None, help="constant arrivals per hour while registration is open, instead of the profile (or null)", ge=0
    )
    interval_min: float | None = setting(
        None, help="one arrival every this many minutes from registration opening, no randomness (or null)", gt=0
    )
    weekday_index: list[float] = setting(
        help="demand multiplier of each weekday, Monday first (7 values)", factory=lambda: [1.0] * 7, ge=0
    )
    month_index: list[float] = setting(
        help="demand multiplier of each month, January first (12 values)", factory=lambda: [1.0] * 12, ge=0
    )
    open_weekdays: list[int] = setting(
        help="weekdays the hospital opens, 0 (Monday) to 6 (Sunday)",
        factory=lambda: [0, 1, 2, 3, 4, 5, 6],
        ge=0,
        le=6,
    )


@dataclass
class ChannelConfig:
    """A booking channel (online/app, phone, on-site booking): how many booked patients
    use it, how often they fail to come, and what booking through it lets them skip."""

    share: float = setting(0.0, help="share of booked patients who book through this channel (sum to 1)", ge=0, le=1)
    no_show: float = setting(0.15, help="probability a booking through this channel is not kept", ge=0, le=1)
    pre_registration: bool = setting(False, help="registered when booking: skips the registration window")
    mobile_payment_share: float = setting(
        0.0, help="share of these bookers who pay on their phone and skip the cashier", ge=0, le=1
    )


@dataclass
class PunctualityConfig:
    """When booked patients arrive relative to their slot time (minutes, negative = early).

    kind: normal(mean_min, sd_min) · empirical(values[, weights]).
    Default Normal(-15, 12): patients arrive early on average (mean 20.5 min early,
    Williams 2014; 84.4% early, Cerruti 2023), about 11% after their slot.
    """

    kind: PunctualityKind = setting(PunctualityKind.normal, help="normal or empirical")
    mean_min: float = setting(-15.0, help="mean minutes from slot time to arrival, negative = early (normal)")
    sd_min: float = setting(12.0, help="standard deviation of those minutes (normal)", ge=0)
    values: list[float] | None = setting(
        None, help="minutes from slot time to arrival drawn from, negative = early (empirical)"
    )
    weights: list[float] | None = setting(None, help="relative weight of each value (empirical; null: equal)", ge=0)


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

    slot_length_min: float = setting(10.0, help="length of a slot (minutes)", gt=0)
    slots_per_session: int | None = setting(None, help="slots in one doctor's session (null: as many as fit)", ge=1)
    released_share: float = setting(
        1.0, help="share of the slots released for booking; the others are left for walk-ins", ge=0, le=1
    )
    rule: SlotRule = setting(
        SlotRule.individual, help="where bookings go on the released slots: individual, bailey_welch or block"
    )
    block_slots: int = setting(3, help="consecutive released slots that form a block (block rule)", ge=1)
    overbooking: float = setting(
        0.0,
        help="extra bookings, doubled up on evenly spaced slots, as a share of the released slots "
        "(1: every slot booked twice)",
        ge=0,
        le=1,
    )


@dataclass
class SlotTemplateOverride:
    """A department's changes to the default slot template; null keys inherit it."""

    slot_length_min: float | None = setting(None, help="length of a slot (minutes; null: the default's)", gt=0)
    slots_per_session: int | None = setting(None, help="slots in one doctor's session (null: the default's)", ge=1)
    released_share: float | None = setting(
        None, help="share of the slots released for booking (null: the default's)", ge=0, le=1
    )
    rule: SlotRule | None = setting(None, help="individual, bailey_welch or block (null: the default's)")
    block_slots: int | None = setting(None, help="consecutive released slots per block (null: the default's)", ge=1)
    overbooking: float | None = setting(
        None, help="extra bookings as a share of the released slots (null: the default's)", ge=0, le=1
    )


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

    booked_share: float = setting(0.0, help="share of the day's demand that wants to book a slot", ge=0, le=1)
    channels: dict[str, ChannelConfig] = setting(
        help="booking channels by name: online, phone, onsite_booking", factory=_default_channels
    )
    punctuality: PunctualityConfig = setting(
        help="when booked patients arrive relative to their slot time", factory=PunctualityConfig
    )
    slots: SlotTemplateConfig = setting(help="every doctor's slot template", factory=SlotTemplateConfig)
    department_slots: dict[str, SlotTemplateOverride] = setting(
        help="a department's changes to the slot template, by department name", factory=dict
    )
    late_policy: LatePolicy = setting(
        LatePolicy.seen_when_free,
        help="a late patient keeps their booking, called at the doctor's next free moment "
        "(seen_when_free), or queues as a walk-in (walk_in)",
    )
    late_grace_min: float = setting(
        0.0, help="minutes after the slot before a booked patient counts as late (inf: never)", ge=0, allow_inf=True
    )
    early_arrivals: EarlyArrivals = setting(
        EarlyArrivals.seen_if_free,
        help="an early patient is called when nobody else waits (seen_if_free) or not before the slot (wait_for_slot)",
    )
    elderly_priority: bool = setting(False, help="elderly walk-ins are called before other walk-ins")
    elderly_age_groups: list[str] = setting(
        help="which hospital.patients.age_groups count as elderly", factory=lambda: ["65_plus"]
    )
    walk_in_mobile_payment_share: float = setting(
        0.0, help="share of walk-ins who pay on their phone and skip the cashier", ge=0, le=1
    )
    # SMS reminders (intervention visit_reminders): no-show risk ratio 0.77 (95% CI
    # 0.71-0.84), meta-analysis of 12 trials (Tang); 1 = no reminders
    reminder_no_show_risk_ratio: float = setting(
        1.0, help="every booking's no-show probability is multiplied by this (SMS reminders; 1: none)", ge=0, le=1
    )


# -- staffing: holidays, staff costs, staffing interventions, baulking ---------------
# (sim.staffing resolves rosters and schedules of a day; sim.analysis.staff_costs
# prices them; docs/background/staffing.md)


@dataclass
class HolidaysConfig:
    """Days on which departments run a reduced roster (the Spring Festival week…)."""

    dates: list[str] = setting(
        help="holiday dates YYYY-MM-DD, or ranges YYYY-MM-DD..YYYY-MM-DD (both ends included)", factory=list
    )
    # estimate: about half of the outpatient sessions run during the Spring Festival week
    doctor_share: float = setting(
        0.5,
        help="share of each session's doctors on duty on a holiday, rounded (departments without a holiday roster row)",
        ge=0,
        le=1,
    )
    demand_index: float = setting(1.0, help="demand multiplier on a holiday (on top of weekday and month)", ge=0)


@dataclass
class StaffCostsConfig:
    """What staff cost, in yuan (CNY) per hour, and the overtime premium.

    Estimates: Zhang & Liu (BMC Health Serv Res 2018;18:596) found Chinese tertiary
    hospital physicians earned US$13,764 after tax in 2015 (about CNY 86,000), 76% of
    them working over 40 h a week: about CNY 35 an hour after tax, roughly doubled
    here for tax, social insurance and housing fund paid by the employer and for
    salary growth since 2015. The other roles are scaled from it (estimates)."""

    doctor: float = setting(100.0, help="a doctor, per rostered hour (CNY; estimate, see the class)", ge=0)
    registration_clerk: float = setting(40.0, help="a registration window's clerk, per hour (CNY; estimate)", ge=0)
    cashier: float = setting(40.0, help="a cashier, per hour (CNY; estimate)", ge=0)
    pharmacist: float = setting(55.0, help="a pharmacy window's pharmacist, per hour (CNY; estimate)", ge=0)
    technician: float = setting(60.0, help="a laboratory or imaging technician, per hour (CNY; estimate)", ge=0)
    complaint_officer: float = setting(50.0, help="a complaint officer, per office hour (CNY; estimate)", ge=0)
    kiosk: float = setting(
        3.0, help="a registration kiosk in service, per hour: lease and upkeep (CNY; estimate)", ge=0
    )
    # Labour Law of the PRC, art. 44: extended hours are paid at no less than 150%
    overtime_premium: float = setting(
        1.5, help="pay per overtime hour as a multiple of the hourly cost (Labour Law of the PRC, art. 44)", ge=1
    )
    shift_ends: str = setting(
        "17:30", help="time of day station staff's paid hours end (H:MM); serving later is overtime"
    )


@dataclass
class ExtraDoctorsConfig:
    """Doctors added to the rosters: a count everywhere, a count per department, or by
    a rule (sessions whose predicted wait is too long)."""

    every_session: int = setting(0, help="doctors added to every session of every department", ge=0)
    departments: dict[str, int] = setting(
        help="doctors added to every session of these departments, by name", factory=dict, ge=0
    )
    wait_above_min: float | None = setting(
        None,
        help="rule: add doctors to each session whose predicted mean wait for the doctor (M/M/c at the "
        "session's mean load, baseline roster) exceeds this many minutes (null: no rule)",
        gt=0,
    )
    max_per_session: int = setting(3, help="rule: at most this many doctors added to a session", ge=1)


@dataclass
class ExtendedHoursConfig:
    """Sessions lengthened: every session starts earlier and ends later (into the
    lunch break, before the morning, into the evening); sessions must not overlap."""

    start_earlier_min: float = setting(0.0, help="minutes every session starts earlier", ge=0)
    end_later_min: float = setting(0.0, help="minutes every session ends later", ge=0)
    departments: list[str] = setting(help="departments whose sessions are lengthened (empty: every one)", factory=list)


@dataclass
class ExamPrebookingConfig:
    """Examinations booked at the consultation for a slot: the patient comes to the
    exam at the slot's start instead of queueing at once."""

    enabled: bool = setting(False, help="exams are booked for a slot when the doctor orders them")
    exams: list[str] = setting(help="exams booked (empty: every exam)", factory=list)
    slot_length_min: float = setting(15.0, help="length of an exam slot (minutes)", gt=0)
    # estimate: slots filled to 85% of what the servers can do, leaving room for variability
    capacity_share: float = setting(
        0.85,
        help="bookings per slot as a share of what its servers can do (servers x length / mean service)",
        gt=0,
        le=1,
    )
    lead_min: float = setting(
        15.0, help="the earliest slot starts this many minutes after the consultation (to pay and walk)", ge=0
    )


@dataclass
class StaffingConfig:
    """Holidays, staff costs and the staffing interventions (rosters are on the
    departments, station schedules on the stations)."""

    holidays: HolidaysConfig = setting(help="days with a reduced roster", factory=HolidaysConfig)
    costs: StaffCostsConfig = setting(help="staff costs per hour and overtime premium", factory=StaffCostsConfig)
    extra_doctors: ExtraDoctorsConfig = setting(help="doctors added to the rosters", factory=ExtraDoctorsConfig)
    extended_hours: ExtendedHoursConfig = setting(help="sessions lengthened", factory=ExtendedHoursConfig)
    exam_prebooking: ExamPrebookingConfig = setting(
        help="exams booked for a slot at the consultation", factory=ExamPrebookingConfig
    )


@dataclass
class BaulkingConfig:
    """Baulking: a patient who reaches the doctor's queue and finds more patients
    waiting per doctor than their threshold (drawn per patient) does not join: they
    leave, or come back once later the same day (and leave if it is still too long)."""

    enabled: bool = setting(False, help="patients who find the doctor's queue too long leave or come back later")
    # estimate: a queue display shows the patients ahead; median 15 per doctor is over an hour's wait
    threshold: Distribution = setting(
        help="patients waiting per doctor a patient still joins (more: they baulk)",
        factory=lambda: Distribution(kind=DistributionKind.lognormal, median=15.0, sigma=0.5),
    )
    return_share: float = setting(
        0.5, help="probability a baulking patient comes back later the same day (estimate)", ge=0, le=1
    )
    return_after: Distribution = setting(
        help="minutes until a baulking patient comes back (estimate)",
        factory=lambda: Distribution(kind=DistributionKind.exponential, mean=60.0),
    )
    booked: bool = setting(False, help="booked patients baulk too (otherwise only walk-ins)")


@dataclass
class HospitalConfig:
    """A hospital: its demand, stations, departments, patients, complaints and appointments."""

    name: str = setting(MISSING, help="the hospital's name, shown in reports")
    description: str = setting("", help="one line about the hospital, shown in reports")
    arrivals: ArrivalsConfig = setting(help="walk-in demand", factory=ArrivalsConfig)
    registration: RegistrationConfig = setting(help="registration windows and kiosks", factory=RegistrationConfig)
    departments: dict[str, DepartmentConfig] = setting(help="clinical departments by name", factory=dict)
    consultation_queue: ConsultationQueueConfig = setting(
        help="how doctors call patients and hurry", factory=ConsultationQueueConfig
    )
    exams: dict[str, ExamConfig] = setting(help="examination services by name (lab, imaging…)", factory=dict)
    cashier: StationConfig = setting(
        help="cashier windows, where patients pay for examinations and prescriptions", factory=StationConfig
    )
    pharmacy: StationConfig = setting(help="pharmacy windows, where prescriptions are collected", factory=StationConfig)
    patience: PatienceConfig = setting(help="leaving without being seen", factory=PatienceConfig)
    patients: PatientMixConfig = setting(help="shares of patient attributes", factory=PatientMixConfig)
    # steady-state validation configs only; hospital days start empty
    warmup_min: float = setting(
        0.0, help="visits arriving in a day's first this many minutes are simulated but left out of KPIs", ge=0
    )
    # the complaint model and the complaint office (defined below, with their sources)
    complaints: ComplaintsConfig = setting(
        help="the complaint model and the complaint office", factory=lambda: ComplaintsConfig()
    )
    booking: BookingConfig = setting(help="appointments", factory=BookingConfig)
    # service quality beyond complaints and the seasons (defined below, with their sources)
    information: InformationGapConfig = setting(
        help="patients' information gaps", factory=lambda: InformationGapConfig()
    )
    survey: SurveyConfig = setting(help="the post-visit SERVQUAL survey", factory=lambda: SurveyConfig())
    season: SeasonConfig = setting(help="departments' seasonal demand and holidays", factory=lambda: SeasonConfig())
    staffing: StaffingConfig = setting(help="holidays, staff costs and staffing interventions", factory=StaffingConfig)
    baulking: BaulkingConfig = setting(help="patients leaving at the sight of a long queue", factory=BaulkingConfig)
    # patients over time (sim.patients_over_time): identity, return visits, loyalty, charges
    population: PopulationConfig = setting(
        help="patients over time: identity, return visits, loyalty", factory=lambda: PopulationConfig()
    )
    charges: ChargesConfig = setting(help="what each visit costs the patient", factory=lambda: ChargesConfig())


# -- the run --------------------------------------------------------------------------


@dataclass
class RunConfig:
    """How long, how many times and with which seed to simulate."""

    days: int = setting(5, help="simulated days per replication", ge=1)
    start_date: str = setting("2026-03-02", help="date of the first simulated day (YYYY-MM-DD)")
    # With "auto", replications run in batches until the 95% interval of every KPI in
    # precision_kpis is within target_precision of its mean (relative half-width),
    # starting with min_replications and stopping at max_replications.
    # Typed Any because OmegaConf 2.3 has no int-or-string type; sim.config.validate checks it.
    replications: Any = setting(5, help="replications: a count >= 1, or auto (until run.target_precision is reached)")
    seed: int = setting(20261125, help="seed from which every random stream is spawned", ge=0)
    jobs: int = setting(1, help="worker processes for replications (0: one per CPU core)", ge=0)
    target_precision: float = setting(
        0.05, help="replications=auto: relative half-width of the 95% intervals to reach", gt=0, lt=1
    )
    min_replications: int = setting(5, help="replications=auto: replications run first (an interval needs two)", ge=2)
    max_replications: int = setting(100, help="replications=auto: at most this many (>= min_replications)")
    precision_kpis: list[str] = setting(
        help="replications=auto: KPIs whose intervals must reach the target",
        factory=lambda: ["wait_consultation_mean_min"],
    )


@dataclass
class OutputConfig:
    """What a run writes and shows."""

    dir: str | None = setting(None, help="where `python -m sim` writes (null: Hydra's run directory)")
    figures: bool = setting(True, help="draw the figures")
    save_visits: bool = setting(True, help="write visits.parquet")
    progress: bool = setting(True, help="show progress while running")
    print_kpis: bool = setting(True, help="print the KPI table")
    report: bool = setting(True, help="write report.html, a single file a planner can open, with the run files")
    # 10%: an interval wider than a tenth of the mean either way hardly ranks scenarios
    # (estimate; Law's and Robinson's examples aim at 5-10%)
    precision_warning: float = setting(
        0.10,
        help="flag KPIs whose 95% interval half-width exceeds this share of the mean (in the KPI table and report)",
        gt=0,
        allow_inf=True,
    )
    # memory stays flat however long the run
    stream: bool = setting(
        False,
        help="keep no visits in memory: write them (and doctor sessions) to Parquet day by day "
        "and add the KPIs up as the days go",
    )
    # the visits in long format for process mining and the animation (sim.analysis.event_log)
    event_log: bool = setting(
        False, help="write events.parquet: the event log, one row per activity instance (queue, start, complete)"
    )
    event_log_xes: bool = setting(
        False, help="also write the event log as events.xes, the XES standard of process-mining tools"
    )


@dataclass
class RunnerConfig:
    """Where replications run. local: a process pool of run.jobs workers on this
    machine. dask: a dask.distributed cluster at `address` (e.g. "tcp://10.0.0.5:8786"),
    or, when address is null, a LocalCluster of `workers` workers (0 = one per core)
    using processes (or threads in this process when processes is false)."""

    kind: RunnerKind = setting(RunnerKind.local, help="local (a process pool) or dask (a dask.distributed cluster)")
    address: str | None = setting(None, help="dask scheduler, e.g. tcp://10.0.0.5:8786 (null: start a LocalCluster)")
    workers: int = setting(0, help="workers of the LocalCluster (0: one per CPU core)", ge=0)
    processes: bool = setting(True, help="LocalCluster workers are processes (false: threads in this process)")


@dataclass
class CompareConfig:
    """How runs are compared. `baseline` picks the comparator among a sweep's jobs:
    the job whose values of these keys are as given and whose other swept values are
    the same. `headline_kpis` (names or fnmatch patterns; missing ones are skipped)
    are shown first in the reports and summarised at their top; a sweep's figures draw
    `figure_kpis`, or when it is empty the KPIs that vary across the sweep."""

    baseline: list[str] = setting(
        help="key=value pairs of the sweep job the others are compared with", factory=lambda: ["intervention=none"]
    )
    headline_kpis: list[str] = setting(
        help="KPIs (names or fnmatch patterns) drawn in the figures and shown first in reports",
        factory=lambda: [
            "wait_doctor_mean_min",
            "time_in_system_mean_min",
            "doctor_overtime_per_day_min",
            "*complaints_per_1000_visits*",
        ],
    )
    figure_kpis: list[str] = setting(
        help="KPIs (names or fnmatch patterns) a sweep's figures draw (empty: the headline KPIs that vary across "
        "the sweep, then the others that vary most)",
        factory=list,
    )


@dataclass
class Config:
    """A whole configuration: the hospital and how to run, write and compare it."""

    hospital: HospitalConfig = setting(MISSING, help="the hospital simulated")
    run: RunConfig = setting(help="run length, replications and seed", factory=RunConfig)
    output: OutputConfig = setting(help="what a run writes and shows", factory=OutputConfig)
    runner: RunnerConfig = setting(help="where replications run", factory=RunnerConfig)
    compare: CompareConfig = setting(help="how runs are compared", factory=CompareConfig)
    # Each selected intervention patches `hospital` and adds its name -> one-line
    # description here, so a run records what was switched on.
    interventions: dict[str, str] = setting(help="interventions switched on: name -> what it changes", factory=dict)
    research: ResearchConfig = setting(
        help="research tools run instead of a scenario (sensitivity, pdca, optimise_staffing)",
        factory=lambda: ResearchConfig(),
    )


# ---------------------------------------------------------------------------------
# The complaint model (sim.complaints.model) and the complaint office (sim.complaints.office).
# Sources are in ../shared/reference/parameters.md; "calibrated" marks a value fitted
# so that general_hospital reproduces the published targets (see
# experiments/complaint_calibration/), "estimate" a judgement where nothing was found.
# Odds ratios of drivers are >= 1: a driver can only add risk, so every complaint can
# be attributed to what produced it.

_ADDS_RISK = "; a driver only adds risk"


@dataclass
class PatientFactorsConfig:
    """Patient factors: multiply the odds of complaining, whatever the cause."""

    # Taylor, Wolfe & Cameron 2004: female rate ratio 1.3
    female_odds_ratio: float = setting(1.3, help="complaint odds ratio of women to men", gt=0)
    # Groups not listed have 1. Estimates: middle-aged and better-informed patients complain more.
    age_group_odds_ratio: dict[str, float] = setting(
        help="complaint odds ratio of each group of hospital.patients.age_groups (not listed: 1)",
        factory=lambda: {"under_40": 1.0, "40_to_64": 1.1, "65_plus": 0.8},
        gt=0,
    )
    education_odds_ratio: dict[str, float] = setting(
        help="complaint odds ratio of each group of hospital.patients.education (not listed: 1)",
        factory=lambda: {"basic": 1.0, "secondary": 1.1, "tertiary": 1.25},
        gt=0,
    )


@dataclass
class WaitComplaintConfig:
    """Perceived waits against each patient's tolerance."""

    # 1 = uninformed waiting (the tolerances below were measured that way); queue
    # information lowers it.
    perception_multiplier: float = setting(1.0, help="perceived wait / actual wait", gt=0)
    # Stages not listed use the consultation's. Consultation: 20 min (Zhang et al.
    # 2023, median expected wait, IQR 10-30). Other stages: estimates.
    tolerance_median_min: dict[str, float] = setting(
        help="median tolerated wait at each stage (minutes; stages not listed: the consultation's)",
        factory=lambda: {
            "registration": 10.0,
            "consultation": 20.0,
            "exam_payment": 10.0,
            "lab": 15.0,
            "imaging": 30.0,
            "review": 20.0,
            "payment": 10.0,
            "pharmacy": 15.0,
        },
        ge=0,
    )
    # a patient's tolerances are median x exp(sigma x z), one z per patient for all
    # stages; sigma 0.8 puts the consultation quartiles at 12 and 34 min (Zhang 2023: 10-30)
    tolerance_sigma: float = setting(
        0.8, help="spread of patients' tolerances: sd of the logarithm of tolerance / median", ge=0
    )
    # Camacho et al. 2006: odds of being willing to return fall 2% per minute of wait
    # -> 0.98^-10 = 1.22
    odds_ratio_per_10_min: float = setting(
        1.22, help="complaint odds ratio per 10 perceived minutes beyond tolerance" + _ADDS_RISK, ge=1
    )
    deferral_odds_ratio: float = setting(  # calibrated
        3.0, help="complaint odds ratio when the results came back after the doctor had gone home" + _ADDS_RISK, ge=1
    )


@dataclass
class CrowdingComplaintConfig:
    """Crowded waiting areas: patients waiting per server (window, doctor) when the
    patient joined a queue, worst station of the visit. The effect is per doubling
    above the threshold: a packed hall feels packed, however packed."""

    threshold_per_server: float = setting(  # estimate
        3.0, help="patients waiting per server below which the waiting area feels normal", gt=0
    )
    odds_ratio_per_doubling: float = setting(  # estimate (sets the environment share)
        1.5, help="complaint odds ratio per doubling of the crowding above the threshold" + _ADDS_RISK, ge=1
    )


@dataclass
class CommunicationComplaintConfig:
    """Doctors' communication skill and the quality of each consultation.

    Skill is in standard-deviation units of the baseline population of doctors.
    Consultation quality = skill - rush_quality_loss x (1 - rush factor) / 0.5, so a
    consultation cut to half its length loses rush_quality_loss SD. Risk grows with
    the shortfall from perfect_quality.
    """

    skill_mean: float = setting(0.0, help="mean communication skill of the doctors (SD units of the baseline)")
    skill_sd: float = setting(1.0, help="standard deviation of the doctors' communication skill", ge=0)
    # calibrated: sets how many complaints are about communication
    perfect_quality: float = setting(3.23, help="consultation quality at or above which communication adds no risk")
    # estimate: DrScore 2011 ratings 9.2 for visits > 10 min, 6.7 for 5-10, 2.7 for < 5
    rush_quality_loss: float = setting(2.0, help="quality lost (SD) by a consultation cut to half its length", ge=0)
    # Tamblyn et al. 2007: RR 1.38 (1.18-1.61) per 2 SD
    odds_ratio_per_2sd_lower: float = setting(
        1.4, help="complaint odds ratio per 2 SD of quality below perfect" + _ADDS_RISK, ge=1
    )
    # Unmeasured doctor factors. Communication skill at Tamblyn's effect size cannot
    # concentrate complaints the way they are (Kohanim 2016: top 10% of doctors draw
    # 61%, 63% none); this does (calibrated).
    doctor_propensity_sd: float = setting(
        1.562,
        help="sd of the log of each doctor's mean-one multiplier of their patients' complaint odds (0: identical)",
        ge=0,
    )


@dataclass
class ClinicalEventConfig:
    """A per-visit chance of a clinical quality or a safety problem (visits with a
    consultation). Probabilities: estimates; odds ratios: calibrated."""

    quality_probability: float = setting(0.02, help="probability of a clinical quality problem per visit", ge=0, le=1)
    safety_probability: float = setting(0.005, help="probability of a safety problem per visit", ge=0, le=1)
    quality_odds_ratio: float = setting(
        14.09, help="complaint odds ratio of a visit with a quality problem" + _ADDS_RISK, ge=1
    )
    safety_odds_ratio: float = setting(
        28.18, help="complaint odds ratio of a visit with a safety problem" + _ADDS_RISK, ge=1
    )


@dataclass
class ComplaintClassificationConfig:
    """Shares that split complaints over HCAT categories and severities."""

    # the HCAT problem counts of Gillespie & Reader 2016, Table 1 (low+medium+high, n = 251)
    background_categories: dict[str, float] = setting(
        help="HCAT categories of complaints from causes not simulated (fees, outcomes…; sum to 1)",
        factory=lambda: {
            "quality": 44 / 251,
            "safety": 52 / 251,
            "environment": 24 / 251,
            "institutional_processes": 39 / 251,
            "listening": 26 / 251,
            "communication": 29 / 251,
            "respect_and_patient_rights": 37 / 251,
        },
        ge=0,
        le=1,
    )
    # the relationships rows of Table 1
    communication_categories: dict[str, float] = setting(
        help="HCAT categories of complaints produced by poor communication (sum to 1)",
        factory=lambda: {"listening": 26 / 92, "communication": 29 / 92, "respect_and_patient_rights": 37 / 92},
        ge=0,
        le=1,
    )
    # Gillespie & Reader 2016, Table 1 counts
    severity: dict[str, list[float]] = setting(
        help="shares of low, medium and high severity in each HCAT category",
        factory=lambda: {
            "quality": [10 / 44, 22 / 44, 12 / 44],
            "safety": [5 / 52, 24 / 52, 23 / 52],
            "environment": [6 / 24, 10 / 24, 8 / 24],
            "institutional_processes": [10 / 39, 18 / 39, 11 / 39],
            "listening": [5 / 26, 11 / 26, 10 / 26],
            "communication": [7 / 29, 14 / 29, 8 / 29],
            "respect_and_patient_rights": [19 / 37, 13 / 37, 5 / 37],
        },
        ge=0,
        le=1,
    )


@dataclass
class ComplaintChannelConfig:
    """How and when a complaint is made (on-site is the commonest channel in Chinese
    hospitals: Wang et al. 2021; the shares are estimates)."""

    onsite_after_excess_min: float = setting(
        10.0, help="perceived minutes past tolerance at which a wait complaint can be made on the spot", ge=0
    )
    onsite_share_wait: float = setting(0.8, help="probability a wait complaint is made on the spot", ge=0, le=1)
    onsite_share_other: float = setting(
        0.5, help="probability another complaint is made on site (end of consultation, or on leaving)", ge=0, le=1
    )
    phone_share_after_visit: float = setting(
        0.5, help="share of complaints made after the visit that come by phone (the others online)", ge=0, le=1
    )
    delay_days: Distribution = setting(
        help="days from the visit to a complaint made after it",
        factory=lambda: Distribution(kind=DistributionKind.exponential, mean=2.0),
    )


@dataclass
class ComplaintOfficeConfig:
    """The office that handles complaints: first come first served, staff work only
    in office hours on working days."""

    staff: int = setting(1, help="complaint officers (estimate: one for the outpatient department)", ge=1)
    opens: str = setting("8:00", help="time of day the office opens (H:MM)")
    closes: str = setting("17:00", help="time of day the office closes (H:MM, no later than 24:00)")
    working_days: list[int] = setting(
        help="weekdays the office works, 0 (Monday) to 6 (Sunday)", factory=lambda: [0, 1, 2, 3, 4], ge=0, le=6
    )
    handling: Distribution = setting(  # estimate
        help="an officer's working minutes per complaint (investigation, contacts, reply)",
        factory=lambda: Distribution(kind=DistributionKind.lognormal, median=120.0, sigma=0.8),
    )
    # NHS 2014-15: ~51% upheld (QualityWatch)
    upheld_share: float = setting(0.5, help="share of complaints upheld", ge=0, le=1)
    target_working_days: int = setting(
        5, help="a complaint is on target when resolved by the end of this working day after receipt", ge=1
    )


@dataclass
class ComplaintsConfig:
    """The complaint model: logistic in the drivers of each visit (see sim.complaints.model)."""

    # reference patient: man, first age group, first education group, average doctor.
    # Calibrated so general_hospital makes 0.4 complaints per 1,000 outpatient visits
    # (Taylor 2004; NHS England 2012-13)
    base_per_1000_visits: float = setting(
        0.0555, help="complaints per 1,000 visits of a reference patient with no driver", gt=0, lt=1000
    )
    patients: PatientFactorsConfig = setting(help="patient factors", factory=PatientFactorsConfig)
    waits: WaitComplaintConfig = setting(help="perceived waits", factory=WaitComplaintConfig)
    crowding: CrowdingComplaintConfig = setting(help="crowded waiting areas", factory=CrowdingComplaintConfig)
    communication: CommunicationComplaintConfig = setting(
        help="doctors' communication", factory=CommunicationComplaintConfig
    )
    clinical: ClinicalEventConfig = setting(help="clinical quality and safety problems", factory=ClinicalEventConfig)
    classification: ComplaintClassificationConfig = setting(
        help="HCAT categories and severities", factory=ComplaintClassificationConfig
    )
    channels: ComplaintChannelConfig = setting(help="how and when complaints are made", factory=ComplaintChannelConfig)
    office: ComplaintOfficeConfig = setting(help="the complaint office", factory=ComplaintOfficeConfig)
    disputes: DisputeConfig = setting(
        help="escalation of complaints to doctor-patient disputes", factory=lambda: DisputeConfig()
    )


# ---------------------------------------------------------------------------------
# Service quality beyond complaints: escalation of complaints to doctor-patient
# disputes (sim.service_quality.disputes), patients' information gaps
# (sim.demand.information), the post-visit SERVQUAL survey (sim.service_quality.survey)
# and a seasonal demand and staffing profile (sim.demand.season). Each is off by
# default: a hospital switches it on (conf/hospital/kunming_tertiary.yaml has them all).
# Sources are in ../shared/reference/parameters.md; "estimate" marks a judgement where
# nothing better was found; "calibrated" a value fitted to published figures (see
# docs/background/service-quality.md).

GAP_STAGES = ("registration", "consultation", "examination", "treatment")  # Tian 2020's outpatient stages
SERVQUAL_DIMENSIONS = ("tangibles", "reliability", "responsiveness", "assurance", "empathy", "economy")


@dataclass
class DisputeConfig:
    """Escalation of complaints to doctor-patient disputes.

    A complaint escalates with probability 1 - (1 - base)(1 - high)^H (1 - late)^L
    (1 - not upheld)^N, where H, L and N are 1 when it was of high severity, not resolved
    within target, or not upheld. A dispute opens when the complaint is resolved and
    goes to internal mediation (doctor-patient talks) or to a third party."""

    enabled: bool = setting(False, help="complaints may escalate to doctor-patient disputes")
    # estimates: no published escalation rates were found
    base_probability: float = setting(0.01, help="probability any complaint escalates", ge=0, le=1)
    high_severity_probability: float = setting(
        0.15, help="further probability a complaint of high severity escalates", ge=0, le=1
    )
    not_within_target_probability: float = setting(
        0.10, help="further probability a complaint not resolved within target escalates", ge=0, le=1
    )
    not_upheld_probability: float = setting(
        0.05, help="further probability a complaint not upheld escalates", ge=0, le=1
    )
    # Wen et al. 2018 (1,049 complaints, Shandong): 84.5% settled by doctor-patient talks,
    # 13.4% by third-party mediation -> 13.4 / (84.5 + 13.4) = 13.7% of those settled
    third_party_share: float = setting(0.137, help="share of disputes that go to a third party (mediation)", ge=0, le=1)
    internal_days: Distribution = setting(  # estimate
        help="days from opening to settlement of a dispute mediated within the hospital",
        factory=lambda: Distribution(kind=DistributionKind.lognormal, median=7.0, sigma=0.8),
    )
    third_party_days: Distribution = setting(  # estimate
        help="days from opening to settlement of a dispute taken to a third party",
        factory=lambda: Distribution(kind=DistributionKind.lognormal, median=45.0, sigma=0.7),
    )


@dataclass
class InformationMeasureConfig:
    """A way the hospital informs its patients; when in place it multiplies the odds
    of a gap at each stage (stages not listed: 1)."""

    in_place: bool = setting(False, help="the hospital has this measure")
    odds_ratio: dict[str, float] = setting(
        help="odds ratio of a gap at each stage when in place (registration, consultation, examination, "
        "treatment; not listed: 1)",
        factory=dict,
        gt=0,
        le=1,
    )


def _minutes(median: float) -> Distribution:
    return Distribution(kind=DistributionKind.lognormal, median=median, sigma=0.6)


@dataclass
class GapDelayConfig:
    """Minutes a patient loses to an information gap at each stage (estimates)."""

    registration: Distribution = setting(
        help="finding the department after registering, or going back to the desk", factory=lambda: _minutes(5.0)
    )
    consultation: Distribution = setting(
        help="going back to the consulting room or asking around what to do next", factory=lambda: _minutes(4.0)
    )
    examination: Distribution = setting(
        help="finding the laboratory or imaging, or coming back prepared", factory=lambda: _minutes(8.0)
    )
    treatment: Distribution = setting(
        help="finding where to pay for and collect the medicine, going back to a counter",
        factory=lambda: _minutes(5.0),
    )


@dataclass
class InformationGapConfig:
    """Information gaps: at each stage of the visit (registration, consultation,
    examination, treatment / pharmacy) whether the patient lacked information they
    needed (Tian 2020). The odds of a gap follow the patient (sex, age group,
    education) and what the hospital provides; a gap costs time (finding the way,
    going back to a counter), adds to the odds of a complaint about communication
    and lowers the survey's responsiveness and empathy scores."""

    enabled: bool = setting(False, help="patients may lack information at each stage, at a cost in time")
    # calibrated so that each stage's gap rate exceeds 20% in general_hospital (Tian 2020)
    reference_probability: dict[str, float] = setting(
        help="probability of a gap at each stage for a woman of the first age group and the last education "
        "group, before any measure",
        factory=lambda: {"registration": 0.15, "consultation": 0.13, "examination": 0.17, "treatment": 0.14},
        ge=0,
        lt=1,
    )
    # Tian 2020: gaps felt more by men, older and less educated patients; sizes: estimates
    male_odds_ratio: float = setting(1.3, help="odds ratio of a gap, men to women", gt=0)
    age_group_odds_ratio: dict[str, float] = setting(
        help="odds ratio of a gap for each group of hospital.patients.age_groups (not listed: 1)",
        factory=lambda: {"under_40": 1.0, "40_to_64": 1.4, "65_plus": 2.0},
        gt=0,
    )
    education_odds_ratio: dict[str, float] = setting(
        help="odds ratio of a gap for each group of hospital.patients.education (not listed: 1)",
        factory=lambda: {"basic": 2.0, "secondary": 1.4, "tertiary": 1.0},
        gt=0,
    )
    delay_min: GapDelayConfig = setting(help="minutes a gap costs at each stage", factory=GapDelayConfig)
    complaint_odds_ratio: float = setting(  # estimate
        1.5, help="complaint odds ratio per gap, attributed to communication" + _ADDS_RISK, ge=1
    )
    # Tian 2020 names guidance (wayfinding) systems, display of service information and
    # consultation channels as remedies; the sizes are estimates
    guidance: InformationMeasureConfig = setting(
        help="signage, floor maps and volunteer guides (wayfinding)",
        factory=lambda: InformationMeasureConfig(
            odds_ratio={"registration": 0.6, "examination": 0.5, "treatment": 0.6}
        ),
    )
    information_desk: InformationMeasureConfig = setting(
        help="a staffed information and consultation desk in the hall",
        factory=lambda: InformationMeasureConfig(
            odds_ratio={"registration": 0.6, "consultation": 0.85, "examination": 0.7, "treatment": 0.7}
        ),
    )
    app_notifications: InformationMeasureConfig = setting(
        help="the hospital app tells patients booked online where to go next (them only)",
        factory=lambda: InformationMeasureConfig(
            odds_ratio={"registration": 0.7, "examination": 0.7, "treatment": 0.8}
        ),
    )


def _servqual(values: tuple[float, ...]) -> dict[str, float]:
    return dict(zip(SERVQUAL_DIMENSIONS, values, strict=True))


@dataclass
class SurveyEffectsConfig:
    """Points (on the 1-5 scale) a perception score loses per unit of what the visit
    lived through (the doctor's skill and the consultation's quality also gain above
    the baseline mean)."""

    # Camacho et al. 2006: provider rating (0-10) falls 0.3 per 10 min of wait -> 0.12 on 1-5
    responsiveness_per_10_min: float = setting(
        0.12, help="responsiveness lost per 10 perceived minutes of wait beyond tolerance", ge=0
    )
    responsiveness_per_gap: float = setting(0.15, help="responsiveness lost per information gap", ge=0)  # estimate
    # estimates below
    tangibles_per_doubling: float = setting(
        0.3, help="tangibles lost per doubling of crowding above the complaint model's threshold", ge=0
    )
    reliability_deferral: float = setting(0.8, help="reliability lost when the review was deferred", ge=0)
    reliability_clinical_event: float = setting(0.8, help="reliability lost after a clinical event", ge=0)
    reliability_per_10_min_late: float = setting(
        0.2, help="reliability lost per 10 min a booked patient was seen after their slot", ge=0
    )
    assurance_per_sd_skill: float = setting(
        0.2, help="assurance per SD of the doctor's skill from the baseline mean (lost below, gained above)", ge=0
    )
    assurance_clinical_event: float = setting(0.8, help="assurance lost after a clinical event", ge=0)
    empathy_per_sd_quality: float = setting(
        0.25,
        help="empathy per SD of consultation quality (skill less rushing) from the baseline mean (lost below, gained above)",
        ge=0,
    )
    empathy_per_gap: float = setting(0.1, help="empathy lost per information gap", ge=0)
    economy_per_doubling: float = setting(0.3, help="economy lost per doubling of the charge over the expected", ge=0)


@dataclass
class SurveyConfig:
    """A post-visit SERVQUAL survey: a sampled share of the patients who came is asked;
    some answer (dissatisfied patients more or less often). Each respondent scores
    their expectation and their perception on items_per_dimension Likert items (1-5)
    for each of six dimensions: tangibles, reliability, responsiveness, assurance,
    empathy and economy (the cost; Chinese studies add it). A score is a latent
    value (the dimension's mean, the respondent's tendency, what the visit lived
    through) plus item noise, rounded and kept within 1-5."""

    enabled: bool = setting(False, help="survey a sample of the patients after their visit")
    sampled_share: float = setting(0.1, help="share of the patients who came who are asked", ge=0, le=1)  # estimate
    response_rate: float = setting(
        0.5, help="share of those asked who answer (before any bias)", gt=0, le=1
    )  # estimate
    # 1 = no non-response bias
    dissatisfied_response_odds_ratio: float = setting(
        1.0, help="odds ratio of answering for a dissatisfied patient (overall satisfaction 1-2 of 5)", gt=0
    )
    # Parasuraman et al. 1988: 22 items over 5 dimensions, 4-5 each
    items_per_dimension: int = setting(4, help="Likert items per dimension, for expectation and for perception", ge=1)
    # calibrated (docs/background/service-quality.md): Fan et al. 2017's order of gaps
    # with expectations and perceptions in published ranges (PMC6131925; Al Fraihi 2016)
    expectation: dict[str, float] = setting(
        help="mean latent expectation of each dimension (1-5 scale)",
        factory=lambda: _servqual((4.477, 4.535, 4.523, 4.547, 4.622, 4.547)),
        ge=1,
        le=5,
    )
    perception: dict[str, float] = setting(
        help="mean latent perception of each dimension for a visit with nothing wrong (1-5 scale)",
        factory=lambda: _servqual((4.468, 4.395, 4.182, 4.211, 4.264, 3.75)),
        ge=1,
        le=5,
    )
    respondent_sd: float = setting(
        0.35, help="sd of a respondent's tendency, shared by all their items", ge=0
    )  # estimate
    item_sd: float = setting(0.45, help="sd of one item's noise around the respondent's latent score", ge=0)  # estimate
    effects: SurveyEffectsConfig = setting(help="what the visit lived through", factory=SurveyEffectsConfig)
    # Without patient charges in the visit table (hospital.charges.enabled: the survey
    # reads charge_total when present), every visit is charged charge_cny.
    charge_cny: float = setting(300.0, help="charge of a visit when the visit table has none (CNY)", gt=0)  # estimate
    expected_charge_cny: float = setting(300.0, help="charge patients expect for a visit (CNY)", gt=0)  # estimate
    # estimates: overall satisfaction = base + per_point x mean gap (perception - expectation) + noise
    satisfaction_base: float = setting(
        4.3, help="latent overall satisfaction (1-5) of a respondent with no gap", ge=1, le=5
    )
    satisfaction_per_point: float = setting(1.0, help="overall satisfaction per point of mean gap", ge=0)
    satisfaction_sd: float = setting(0.6, help="sd of overall satisfaction around that", ge=0)
    recommend_log_odds: float = setting(1.4, help="log odds of recommending the hospital at overall satisfaction 4")
    recommend_per_point: float = setting(1.2, help="log odds of recommending per point of overall satisfaction", ge=0)


@dataclass
class HolidayPeriod:
    """Dates (inclusive) when doctors take leave and demand changes, e.g. the Spring Festival."""

    start: str = setting(MISSING, help="first date of the period (YYYY-MM-DD)")
    end: str = setting(MISSING, help="last date of the period (YYYY-MM-DD)")
    doctors_on_leave_share: float = setting(
        0.0, help="share of each department's doctors on leave (rounded down; one always stays)", ge=0, le=1
    )
    demand_index: float = setting(1.0, help="demand multiplier on those dates, on top of the month's", ge=0)


@dataclass
class SeasonConfig:
    """A seasonal profile: some departments' demand by month (e.g. a respiratory
    season raising paediatric and internal-medicine visits in winter and spring) and
    holiday periods with doctors on leave. Empty: no seasonal profile."""

    department_month_index: dict[str, list[float]] = setting(
        help="demand multiplier of a department in each month, January first (12 values; departments not listed: 1)",
        factory=dict,
        ge=0,
    )
    holidays: list[HolidayPeriod] = setting(help="periods with doctors on leave and demand changed", factory=list)


# ---------------------------------------------------------------------------------
# Research tools (sim.research): global sensitivity analysis, a PDCA improvement loop
# and simulation-optimisation of staffing. Off unless research.task names one
# (experiment=sensitivity, experiment=pdca, experiment=optimise_staffing).


class ResearchTask(StrEnum):
    """What a run does: simulate the scenario, or one of the research tools."""

    none = "none"  # simulate the configured scenario (the usual run)
    sensitivity = "sensitivity"  # Morris screening, then Sobol indices (SALib)
    pdca = "pdca"  # Plan-Do-Check-Act cycles of interventions
    optimise_staffing = "optimise_staffing"  # cheapest staffing meeting targets (Optuna)


class SensitivityModel(StrEnum):
    """What the sensitivity analysis evaluates."""

    simulation = "simulation"  # the configured hospital (KPIs averaged over the replications)
    ishigami = "ishigami"  # the Ishigami function, whose indices are known (a check of the machinery)


class OptimiseSampler(StrEnum):
    """How Optuna proposes staffing configurations."""

    tpe = "tpe"  # tree-structured Parzen estimator, multi-objective with constraints
    nsga2 = "nsga2"  # NSGA-II genetic algorithm with constraints
    grid = "grid"  # every configuration of the grid (the exhaustive reference)


@dataclass
class ParameterRange:
    """An uncertain input of the sensitivity analysis, uniform on [low, high]."""

    key: str = setting(MISSING, help="the setting varied, a dotted key; * stands for every entry of a dict")
    low: float = setting(MISSING, help="smallest value (a multiplier of the hospital's value when relative)")
    high: float = setting(MISSING, help="largest value (a multiplier of the hospital's value when relative)")
    relative: bool = setting(False, help="low and high multiply the hospital's own value")
    label: str = setting("", help="the parameter in plain words, for tables and figures (empty: its name)")


@dataclass
class MorrisConfig:
    """Morris elementary effects: the screening step."""

    trajectories: int = setting(20, help="trajectories; evaluations = trajectories x (parameters + 1)", ge=2)
    levels: int = setting(4, help="grid levels of each parameter's range (even)", ge=2)


@dataclass
class SobolConfig:
    """Sobol variance-based indices (Saltelli's sampling): the second step."""

    base_samples: int = setting(128, help="N, a power of 2; evaluations = N x (parameters kept + 2)", ge=2)
    parameters: int = setting(
        6, help="parameters kept for Sobol, the most influential in the Morris screening (0: all)", ge=0
    )


@dataclass
class SensitivityConfig:
    """Global sensitivity analysis: Morris screening of every parameter, then Sobol
    first- and total-order indices of the most influential ones; the others stay at
    the hospital's values. Each sample point runs run.replications replications with
    the same seed (common random numbers) and its KPIs are their means."""

    model: SensitivityModel = setting(SensitivityModel.simulation, help="simulation or ishigami (a known case)")
    parameters: dict[str, ParameterRange] = setting(
        help="the uncertain inputs by name, each with its key and range", factory=dict
    )
    outputs: list[str] = setting(
        help="KPIs analysed", factory=lambda: ["expected_complaints_per_1000_visits", "wait_doctor_mean_min"]
    )
    morris: MorrisConfig = setting(help="the screening step", factory=MorrisConfig)
    sobol: SobolConfig = setting(help="the variance-based step", factory=SobolConfig)
    bootstrap: int = setting(1000, help="bootstrap resamples for the indices' confidence intervals", ge=10)
    confidence: float = setting(0.95, help="confidence level of the intervals", gt=0, lt=1)


@dataclass
class PdcaConfig:
    """Plan-Do-Check-Act: each cycle finds the cause with the highest complaint rate,
    applies the next untried change mapped to it, compares the result with the
    current scenario (paired by replication) and keeps the change only if it lowers
    the complaint rate significantly."""

    cycles: int = setting(6, help="cycles (one change tried per cycle)", ge=1)
    kpi: str = setting("expected_complaints_per_1000_visits", help="the complaint rate a change must lower")
    cause_kpi: str = setting(
        "expected_complaints_{cause}_per_1000_visits",
        help="the KPI of one cause, {cause} standing for its name: Plan picks the cause where it is highest",
    )
    changes: dict[str, list[str]] = setting(
        help="by cause, the changes to try in order: an intervention's name, or overrides key=value separated by spaces",
        factory=dict,
    )
    confidence: float = setting(0.95, help="confidence level of the paired interval that decides", gt=0, lt=1)


@dataclass
class StaffingVariable:
    """A staffing lever the optimiser sets: an integer setting between low and high."""

    key: str = setting(MISSING, help="the setting, a dotted key; * makes one variable per entry of a dict")
    low: int = setting(MISSING, help="fewest", ge=0)
    high: int = setting(MISSING, help="most", ge=0)


@dataclass
class OptimiseConfig:
    """Simulation-optimisation of staffing with Optuna: minimise the simulated staff
    cost (KPI staff_cost_per_day, at hospital.staffing.costs) and the wait subject to
    targets on KPIs, with common random numbers. A trial runs
    min_replications replications and doubles them, up to max_replications, while the
    interval of a KPI with a target still contains the target."""

    variables: dict[str, StaffingVariable] = setting(help="the staffing levers by name", factory=dict)
    objectives: list[str] = setting(
        help="KPIs optimised in turn, each minimised or maximised as its better direction says; "
        "staff_cost_per_day prices rosters, schedules and overtime at hospital.staffing.costs",
        factory=lambda: ["staff_cost_per_day", "wait_doctor_mean_min"],
    )
    targets: dict[str, float] = setting(
        help="targets a configuration's KPI means must meet: at most (lower is better) or at least (higher is better)",
        factory=lambda: {"wait_doctor_mean_min": 15.0, "expected_complaints_per_1000_visits": 0.4},
    )
    sampler: OptimiseSampler = setting(OptimiseSampler.tpe, help="tpe, nsga2 or grid (every configuration)")
    sampler_seed: int | None = setting(
        None, help="seed of the sampler's proposals (null: run.seed; the simulation keeps run.seed)", ge=0
    )
    trials: int = setting(60, help="configurations tried (grid: ignored, the whole grid)", ge=1)
    batch: int = setting(4, help="trials proposed at once and simulated side by side", ge=1)
    min_replications: int = setting(5, help="replications of a trial first run", ge=2)
    max_replications: int = setting(20, help="most replications of a trial", ge=2)
    confidence: float = setting(0.95, help="confidence level of the intervals", gt=0, lt=1)
    best: int = setting(5, help="best configurations listed with their overrides", ge=1)


@dataclass
class ResearchConfig:
    """The research tools (sim.research), run instead of a scenario when task is set."""

    task: ResearchTask = setting(ResearchTask.none, help="none, sensitivity, pdca or optimise_staffing")
    sensitivity: SensitivityConfig = setting(help="global sensitivity analysis", factory=SensitivityConfig)
    pdca: PdcaConfig = setting(help="the Plan-Do-Check-Act loop", factory=PdcaConfig)
    optimise: OptimiseConfig = setting(help="simulation-optimisation of staffing", factory=OptimiseConfig)


# ---------------------------------------------------------------------------------
# Patients over time (sim.patients_over_time): who each patient is, when they come back,
# whether they choose this hospital again, and what their visits cost. Every feature is
# off by default. Sources are in ../shared/reference/parameters.md ("Loyalty, reminders
# and CRM segments"); "estimate" marks a judgement where nothing was found.


@dataclass
class ReturnVisitsConfig:
    """First visits plus follow-ups. Chronic patients come back on a schedule set by
    their condition (department); acute patients sometimes come back for a review on
    another day and later for a new episode of illness; a patient whose results came
    back after the doctor had gone home (review_deferred) comes back the next open day.
    Follow-ups are booked at the visit, with the same doctor when they have a slot."""

    enabled: bool = setting(False, help="patients come back: chronic follow-ups, reviews, new episodes")
    new_patient_share: float = setting(
        1.0,
        help="with return visits on, patients new to the hospital make this share of arrivals.daily_volume",
        gt=0,
        le=1,
    )
    start_in_steady_state: bool = setting(
        True, help="the hospital already has the patients it would have in the long run (false: it opens today)"
    )
    chronic_share: dict[str, float] = setting(
        help="probability a new patient of each department has a chronic condition (not listed: 0)",
        factory=dict,
        ge=0,
        le=1,
    )
    chronic_interval_days: dict[str, int] = setting(
        help="days between a chronic patient's follow-ups, by department (not listed: default_interval_days)",
        factory=dict,
        ge=1,
    )
    default_interval_days: int = setting(28, help="days between chronic follow-ups where not listed", ge=1)
    review_probability: float = setting(
        0.3, help="probability an acute patient is booked for a review on another day", ge=0, le=1
    )
    review_after_days: Distribution = setting(
        help="days from an acute visit to its review (rounded up to whole days, at least 1)",
        factory=lambda: Distribution(kind=DistributionKind.triangular, low=2.0, mode=7.0, high=14.0),
    )
    episodes_per_year: float = setting(
        1.0, help="new episodes of illness per year of an acute patient (each a chance to come back)", gt=0
    )


@dataclass
class LoyaltyConfig:
    """Whether a patient chooses this hospital the next time they need care.

    logit P(return) = logit(base probability of the kind of visit) + what the last
    visit left behind, against a typical visit (the reference): ln(wait odds ratio) x
    (perceived minutes beyond tolerance - reference) + ln(communication odds ratio) x
    (communication quality - reference; SD units, 0 = an average doctor unhurried) + if they complained: ln(complaint odds ratio), plus the
    recovery odds ratios that apply by the time they decide (resolved within target,
    upheld, a follow-up call). With loyalty off every patient returns with the base
    probability. A patient who chooses another hospital is lost for good."""

    enabled: bool = setting(False, help="the last visit's waits, communication and complaint change who returns")
    chronic_return: float = setting(
        0.95, help="base probability a chronic patient keeps their next follow-up here", ge=0, le=1
    )
    review_return: float = setting(0.9, help="base probability an acute patient comes back for the review", ge=0, le=1)
    episode_return: float = setting(
        0.4, help="base probability a former patient chooses this hospital for a new episode", ge=0, lt=1
    )
    wait_odds_ratio_per_min: float = setting(
        0.98, help="odds ratio of returning per perceived minute of wait beyond tolerance", gt=0, le=1
    )
    communication_odds_ratio_per_sd: float = setting(
        1.2, help="odds ratio of returning per SD of communication quality above an average doctor's", ge=1
    )
    reference_excess_wait_min: float = setting(
        0.0, help="perceived minutes beyond tolerance of the typical visit the base probabilities follow", ge=0
    )
    reference_quality: float = setting(0.0, help="communication quality (SD) of the typical visit the base follows")
    complaint_odds_ratio: float = setting(0.3, help="odds ratio of returning after making a complaint", gt=0, le=1)
    within_target_odds_ratio: float = setting(
        1.5, help="complainants: odds ratio once the complaint was resolved within target", ge=1
    )
    upheld_odds_ratio: float = setting(1.5, help="complainants: odds ratio once the complaint was upheld", ge=1)
    follow_up_calls: bool = setting(False, help="the hospital calls every complainant after the complaint")
    follow_up_within_days: float = setting(3.0, help="days from receiving a complaint to the follow-up call", ge=0)
    follow_up_odds_ratio: float = setting(2.0, help="complainants: odds ratio once they had the follow-up call", ge=1)


@dataclass
class PopulationConfig:
    """A catchment population: every visit belongs to a patient with a stable id and
    attributes, the same patient in every scenario (common random numbers)."""

    enabled: bool = setting(False, help="every visit belongs to a patient (patient_id); patients.parquet is written")
    returns: ReturnVisitsConfig = setting(help="return visits", factory=ReturnVisitsConfig)
    loyalty: LoyaltyConfig = setting(help="whether patients choose this hospital again", factory=LoyaltyConfig)


@dataclass
class ChargesConfig:
    """What a visit costs (CNY): registration and consultation fees, each examination,
    and the drugs of a prescription collected (lognormal by department). Adds the
    columns charge_total and charge_drugs to the visits."""

    enabled: bool = setting(False, help="charge each visit (columns charge_total, charge_drugs)")
    registration_fee: float = setting(10.0, help="registration fee of a visit (CNY)", ge=0)
    consultation_fee: dict[str, float] = setting(
        help="consultation fee by department (CNY; not listed: default_consultation_fee)", factory=dict, ge=0
    )
    default_consultation_fee: float = setting(25.0, help="consultation fee where not listed (CNY)", ge=0)
    exam_fee: dict[str, float] = setting(help="fee of each examination (CNY), by exam name", factory=dict, ge=0)
    drug_median: dict[str, float] = setting(
        help="median cost of a prescription's drugs by department (CNY; not listed: default_drug_median)",
        factory=dict,
        ge=0,
    )
    default_drug_median: float = setting(100.0, help="median cost of a prescription's drugs where not listed", ge=0)
    drug_sigma: float = setting(0.9, help="spread of drug costs: sd of the logarithm", ge=0)
