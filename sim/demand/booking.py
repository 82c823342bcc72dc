"""A day's appointments: who books, through which channel, which slot they get,
whether they come, when they arrive, and what booking lets them skip.

The day's demand is drawn as walk-ins (``sim.demand.arrivals``); each patient then draws,
from streams of their own, whether they want to book (a uniform below
``booked_share``), their channel, their place in the booking order, whether they keep
the appointment, how early or late they come and whether they pay on their phone.
Every patient draws all of these whatever the booked share, so raising the share only
turns more of the same patients into booked ones: everything else about every patient
is unchanged (common random numbers), and the simulation loop only reads lists.

A patient who wanted to book but found every slot of their department taken comes as
a walk-in (``booking_full``). A booked patient's arrival is slot time + punctuality;
a patient who does not keep the appointment (``no_show``) never arrives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.clock import parse_clock
from sim.demand import slots
from sim.schema import BookingConfig, HospitalConfig, PunctualityConfig
from sim.streams import Streams

CHANNELS = ("walk_in", "online", "phone", "onsite_booking")  # codes of the `channel` column
WALK_IN = 0
LATE_POLICIES = ("seen_when_free", "walk_in")
EARLY_ARRIVALS = ("seen_if_free", "wait_for_slot")
PUNCTUALITY_KINDS = ("normal", "empirical")


@dataclass
class DayBookings:
    """Per-patient booking arrays of one day (same order as the patients)."""

    booked: np.ndarray  # holds an appointment (kept or not)
    channel: np.ndarray  # index into CHANNELS
    slot_time: np.ndarray  # absolute minutes; NaN for walk-ins
    slot_doctor: np.ndarray  # doctor of the slot; -1 for walk-ins
    no_show: np.ndarray  # booked but never came
    late: np.ndarray  # came more than late_grace_min after the slot
    slot_priority: np.ndarray  # called by slot time (booked, came, not demoted to walk-in)
    pre_registered: np.ndarray  # skips the registration window
    mobile_payment: np.ndarray  # pays on the phone: skips the cashier
    booking_full: np.ndarray  # wanted to book, no slot left: came as a walk-in


def uses_slots(booking: BookingConfig) -> bool:
    """Whether doctors need the slot-aware queue discipline."""
    return booking.booked_share > 0 or booking.elderly_priority


def doctor_ids(hospital: HospitalConfig) -> dict[str, list[int]]:
    """Doctor ids by department: numbered in config order across the hospital."""
    ids, first = {}, 0
    for name, department in hospital.departments.items():
        ids[name] = list(range(first, first + department.doctors))
        first += department.doctors
    return ids


def punctuality(spec: PunctualityConfig, rng: np.random.Generator, size: int) -> np.ndarray:
    """Minutes between slot time and arrival (negative: early)."""
    if spec.kind == "empirical":
        values = np.asarray(spec.values, dtype=float)
        p = None if spec.weights is None else np.asarray(spec.weights, dtype=float) / float(np.sum(spec.weights))
        return rng.choice(values, size=size, p=p)
    return spec.mean_min + spec.sd_min * rng.standard_normal(size)


def no_bookings(preferred: np.ndarray, mobile_payment: np.ndarray) -> tuple[np.ndarray, DayBookings]:
    n = len(preferred)
    false = np.zeros(n, dtype=bool)
    return preferred, DayBookings(
        booked=false,
        channel=np.zeros(n, dtype=np.int8),
        slot_time=np.full(n, np.nan),
        slot_doctor=np.full(n, -1, dtype=np.int32),
        no_show=false,
        late=false,
        slot_priority=false,
        pre_registered=false,
        mobile_payment=mobile_payment,
        booking_full=false,
    )


def draw(
    hospital: HospitalConfig,
    preferred: np.ndarray,
    department: np.ndarray,
    day_start: float,
    streams: Streams,
    day: int,
) -> tuple[np.ndarray, DayBookings]:
    """Arrival times and bookings of the day's patients, who would like to come at
    ``preferred`` (absolute minutes) to ``department`` (index in config order)."""
    b = hospital.booking
    n = len(preferred)
    walk_in_pay = b.walk_in_mobile_payment_share
    if b.booked_share <= 0:
        pay = streams.stream("payment.mobile", day).random(n) < walk_in_pay if walk_in_pay > 0 else np.zeros(n, bool)
        return no_bookings(preferred, pay)

    # every patient draws everything, whether they book or not (common random numbers)
    wants = streams.stream("booking.choice", day).random(n) < b.booked_share
    chosen = _channel_index(b, streams.stream("booking.channel", day).random(n))
    order_key = streams.stream("booking.order", day).random(n)
    keeps = streams.stream("booking.no_show", day).random(n)
    offset = punctuality(b.punctuality, streams.stream("booking.punctuality", day), n)
    pay_draw = streams.stream("payment.mobile", day).random(n)

    slot_time, slot_doctor = _book_slots(hospital, wants, order_key, preferred, department, day_start)
    booked = slot_doctor >= 0
    channels = list(b.channels.values())
    code = np.array([CHANNELS.index(name) for name in b.channels], dtype=np.int8)
    no_show = booked & (keeps < np.array([c.no_show for c in channels])[chosen])
    came_booked = booked & ~no_show
    arrival = np.where(booked, np.maximum(slot_time + offset, day_start), preferred)  # not before midnight
    arrival[no_show] = np.nan
    late = came_booked & (arrival > slot_time + b.late_grace_min)
    pre_registration = np.array([c.pre_registration for c in channels])[chosen]
    pay_share = np.where(booked, np.array([c.mobile_payment_share for c in channels])[chosen], walk_in_pay)
    return arrival, DayBookings(
        booked=booked,
        channel=np.where(booked, code[chosen], WALK_IN).astype(np.int8),
        slot_time=slot_time,
        slot_doctor=slot_doctor,
        no_show=no_show,
        late=late,
        slot_priority=came_booked & ~(late & (b.late_policy == "walk_in")),
        pre_registered=came_booked & pre_registration,
        mobile_payment=~no_show & (pay_draw < pay_share),
        booking_full=wants & ~booked,
    )


def _channel_index(b: BookingConfig, uniform: np.ndarray) -> np.ndarray:
    """Index (in config order) of the channel each patient would book through."""
    cumulative = np.cumsum([c.share for c in b.channels.values()])
    return np.minimum(np.searchsorted(cumulative / cumulative[-1], uniform, side="right"), len(cumulative) - 1)


def _book_slots(
    hospital: HospitalConfig,
    wants: np.ndarray,
    order_key: np.ndarray,
    preferred: np.ndarray,
    department: np.ndarray,
    day_start: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Slot time and slot doctor of each patient (NaN / -1 without a slot): each
    department's requests, in booking order, against its appointments of the day."""
    b = hospital.booking
    slot_time = np.full(len(preferred), np.nan)
    slot_doctor = np.full(len(preferred), -1, dtype=np.int32)
    ids = doctor_ids(hospital)
    for index, (name, dept) in enumerate(hospital.departments.items()):
        requests = np.flatnonzero(wants & (department == index))
        if not len(requests):
            continue
        requests = requests[np.argsort(order_key[requests], kind="stable")]
        template = slots.resolve_template(b.slots, b.department_slots.get(name))
        sessions = [(day_start + parse_clock(s.start), day_start + parse_clock(s.end)) for s in dept.sessions]
        bookable = slots.department_slots(template, sessions, ids[name])
        got = slots.assign(preferred[requests], bookable.time)
        ok = got >= 0
        slot_time[requests[ok]] = bookable.time[got[ok]]
        slot_doctor[requests[ok]] = bookable.doctor[got[ok]]
    return slot_time, slot_doctor


def check(h: HospitalConfig) -> list[str]:
    """Problems with ``hospital.booking``, each naming the key, the value and what is allowed."""
    b = h.booking
    key = "hospital.booking"
    problems: list[str] = []

    def share(value, name):
        if not (0.0 <= value <= 1.0):
            problems.append(f"{key}.{name} = {value}: a share must be between 0 and 1")

    share(b.booked_share, "booked_share")
    share(b.walk_in_mobile_payment_share, "walk_in_mobile_payment_share")
    if not b.channels:
        problems.append(f"{key}.channels is empty: give at least one of {', '.join(CHANNELS[1:])}")
    for name, channel in b.channels.items():
        if name not in CHANNELS[1:]:
            problems.append(f"{key}.channels.{name}: unknown channel; allowed: {', '.join(CHANNELS[1:])}")
        if channel.share < 0:
            problems.append(f"{key}.channels.{name}.share = {channel.share}: shares must be >= 0")
        share(channel.no_show, f"channels.{name}.no_show")
        share(channel.mobile_payment_share, f"channels.{name}.mobile_payment_share")
    total = sum(c.share for c in b.channels.values())
    if b.channels and abs(total - 1.0) > 1e-6:
        shares = {name: c.share for name, c in b.channels.items()}
        problems.append(f"{key}.channels.<name>.share: shares {shares} sum to {total:g}; they must sum to 1")
    problems.extend(_check_punctuality(b.punctuality, f"{key}.punctuality"))
    if b.late_policy not in LATE_POLICIES:
        problems.append(f"{key}.late_policy = {b.late_policy!r}: allowed: {', '.join(LATE_POLICIES)}")
    if b.early_arrivals not in EARLY_ARRIVALS:
        problems.append(f"{key}.early_arrivals = {b.early_arrivals!r}: allowed: {', '.join(EARLY_ARRIVALS)}")
    if not b.late_grace_min >= 0:  # inf allowed (sim.config.compose.INFINITY_ALLOWED): nobody is ever late
        problems.append(
            f"{key}.late_grace_min = {b.late_grace_min}: must be >= 0 minutes (or inf: no booked "
            "patient counts as late)"
        )
    unknown = [g for g in b.elderly_age_groups if g not in h.patients.age_groups]
    if b.elderly_priority and unknown:
        problems.append(
            f"{key}.elderly_age_groups contains {unknown}: age groups are "
            f"{', '.join(h.patients.age_groups)} (hospital.patients.age_groups)"
        )
    problems.extend(_check_template(b.slots, f"{key}.slots", h, list(h.departments), b.booked_share))
    for name, override in b.department_slots.items():
        if name not in h.departments:
            problems.append(
                f"{key}.department_slots.{name}: no such department; departments: {', '.join(h.departments)}"
            )
            continue
        problems.extend(
            _check_template(
                slots.resolve_template(b.slots, override), f"{key}.department_slots.{name}", h, [name], b.booked_share
            )
        )
    return problems


def _check_punctuality(p: PunctualityConfig, key: str) -> list[str]:
    if p.kind not in PUNCTUALITY_KINDS:
        return [f"{key}.kind = {p.kind!r}: allowed: {', '.join(PUNCTUALITY_KINDS)}"]
    if p.kind == "normal":
        problems = []
        if not math.isfinite(p.mean_min):
            problems.append(f"{key}.mean_min = {p.mean_min}: must be a finite number of minutes")
        if not (p.sd_min >= 0 and math.isfinite(p.sd_min)):
            problems.append(f"{key}.sd_min = {p.sd_min}: must be a finite number >= 0")
        return problems
    if not p.values:
        return [f"{key}.values is missing or empty: an empirical punctuality needs minutes relative to the slot"]
    if not all(math.isfinite(v) for v in p.values):
        return [f"{key}.values = {list(p.values)}: must be finite numbers of minutes"]
    if p.weights is not None and (len(p.weights) != len(p.values) or min(p.weights) < 0 or sum(p.weights) <= 0):
        return [f"{key}.weights = {list(p.weights)}: need one weight >= 0 per value, not all zero"]
    return []


def _check_template(t, key: str, h: HospitalConfig, departments: list[str], booked_share: float) -> list[str]:
    problems = []
    if t.rule not in slots.RULES:
        problems.append(f"{key}.rule = {t.rule!r}: allowed: {', '.join(slots.RULES)}")
    if not (t.slot_length_min > 0 and math.isfinite(t.slot_length_min)):
        problems.append(f"{key}.slot_length_min = {t.slot_length_min}: must be a finite number > 0")
        return problems
    if t.slots_per_session is not None and t.slots_per_session < 1:
        problems.append(
            f"{key}.slots_per_session = {t.slots_per_session}: must be an integer >= 1 "
            "(or null: as many as fit in the session)"
        )
    if not (0.0 <= t.released_share <= 1.0):
        problems.append(f"{key}.released_share = {t.released_share}: a share must be between 0 and 1")
    elif booked_share > 0 and t.released_share == 0:
        problems.append(
            f"{key}.released_share = 0 but booked_share = {booked_share}: no slot would be released for booking"
        )
    if t.block_slots < 1:
        problems.append(f"{key}.block_slots = {t.block_slots}: must be an integer >= 1")
    if not (0.0 <= t.overbooking <= 1.0):
        problems.append(
            f"{key}.overbooking = {t.overbooking}: must be between 0 (none) and 1 (every slot booked twice)"
        )
    seen = set()  # departments usually share their sessions: report each session once
    for name in departments:
        for index, session in enumerate(h.departments[name].sessions):
            try:
                length = parse_clock(session.end) - parse_clock(session.start)
            except ValueError:
                continue  # reported with the department's sessions
            if length <= 0 or length in seen:
                continue
            seen.add(length)
            count = slots.slot_count(t, length)
            if count * t.slot_length_min > length + 1e-9:
                problems.append(
                    f"{key}: {count} slot(s) of {t.slot_length_min:g} min ({count * t.slot_length_min:g} min) do not "
                    f"fit in hospital.departments.{name}.sessions[{index}] ({session.start}-{session.end}, "
                    f"{length:g} min)"
                )
            elif count == 0:
                problems.append(
                    f"{key}.slot_length_min = {t.slot_length_min:g}: longer than "
                    f"hospital.departments.{name}.sessions[{index}] ({session.start}-{session.end}, "
                    f"{length:g} min): no slot fits"
                )
    return problems
