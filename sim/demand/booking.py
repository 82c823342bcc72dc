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

import datetime as dt
from dataclasses import dataclass

import numpy as np

from sim.demand import slots
from sim.distributions import Empirical, Normal
from sim.schema import BookingConfig, HospitalConfig, LatePolicy, PunctualityConfig, PunctualityKind
from sim.staffing import rosters
from sim.streams import Streams

CHANNELS = ("walk_in", "online", "phone", "onsite_booking")  # codes of the `channel` column
WALK_IN = 0


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


doctor_ids = rosters.doctor_ids  # doctor ids by department (numbered in config order across the hospital)


def punctuality(spec: PunctualityConfig) -> Empirical | Normal:
    """The distribution of the minutes between slot time and arrival (negative: early)."""
    if spec.kind == PunctualityKind.empirical:
        return Empirical(spec.values, spec.weights)
    return Normal(spec.mean_min, spec.sd_min)


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
    date: dt.date,
    follow_up: FollowUps | None = None,
) -> tuple[np.ndarray, DayBookings]:
    """Arrival times and bookings of the day's patients, who would like to come at
    ``preferred`` (absolute minutes) to ``department`` (index in config order), on
    ``date`` (whose roster the slots follow, without the season's doctors on leave).
    ``follow_up``: which of them were booked
    at an earlier visit (they book first, through the on-site channel, with their
    doctor when the doctor has a slot left)."""
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
    offset = punctuality(b.punctuality).sample(streams.stream("booking.punctuality", day), n)
    pay_draw = streams.stream("payment.mobile", day).random(n)
    preferred_doctor = None
    if follow_up is not None and follow_up.booked.any():
        wants, chosen, order_key = follow_up.requests(b, wants, chosen, order_key)
        preferred_doctor = follow_up.doctor

    slot_time, slot_doctor = _book_slots(
        hospital, wants, order_key, preferred, department, day_start, date, preferred_doctor
    )
    booked = slot_doctor >= 0
    channels = list(b.channels.values())
    code = np.array([CHANNELS.index(name) for name in b.channels], dtype=np.int8)
    no_show_probability = np.array([c.no_show for c in channels])
    if b.reminder_no_show_risk_ratio != 1.0:
        no_show_probability = no_show_probability * b.reminder_no_show_risk_ratio
    no_show = booked & (keeps < no_show_probability[chosen])
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
        slot_priority=came_booked & ~(late & (b.late_policy == LatePolicy.walk_in)),
        pre_registered=came_booked & pre_registration,
        mobile_payment=~no_show & (pay_draw < pay_share),
        booking_full=wants & ~booked,
    )


@dataclass
class FollowUps:
    """Patients of the day booked at an earlier visit (``sim.patients_over_time``):
    ``booked`` marks them, ``doctor`` is the doctor they would like to see again
    (-1: any; ignored for the others)."""

    booked: np.ndarray
    doctor: np.ndarray

    def requests(self, b: BookingConfig, wants, chosen, order_key):
        """(wants, channel, booking order) with the follow-ups booking first, on site."""
        channel = list(b.channels).index("onsite_booking") if "onsite_booking" in b.channels else 0
        return (
            wants | self.booked,
            np.where(self.booked, channel, chosen),
            np.where(self.booked, order_key - 1.0, order_key),  # order keys are in [0, 1)
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
    date: dt.date,
    preferred_doctor: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Slot time and slot doctor of each patient (NaN / -1 without a slot): each
    department's requests, in booking order, against its appointments of the day
    (the doctors on the day's roster, in their sessions). Requests with a
    ``preferred_doctor`` (>= 0) first try that doctor's appointments."""
    b = hospital.booking
    slot_time = np.full(len(preferred), np.nan)
    slot_doctor = np.full(len(preferred), -1, dtype=np.int32)
    ids = doctor_ids(hospital)
    day_rosters = rosters.day_rosters(hospital, date)
    for index, name in enumerate(hospital.departments):
        requests = np.flatnonzero(wants & (department == index))
        if not len(requests):
            continue
        requests = requests[np.argsort(order_key[requests], kind="stable")]
        template = slots.resolve_template(b.slots, b.department_slots.get(name))
        roster = day_rosters[name]
        sessions = [(day_start + start, day_start + end) for start, end in roster.sessions]
        bookable = slots.department_slots(template, sessions, ids[name], list(roster.on_duty))
        if preferred_doctor is not None:
            requests, bookable = _book_preferred_doctors(
                requests, preferred, preferred_doctor, bookable, slot_time, slot_doctor
            )
        got = slots.assign(preferred[requests], bookable.time)
        ok = got >= 0
        slot_time[requests[ok]] = bookable.time[got[ok]]
        slot_doctor[requests[ok]] = bookable.doctor[got[ok]]
    return slot_time, slot_doctor


def _book_preferred_doctors(requests, preferred, preferred_doctor, bookable, slot_time, slot_doctor):
    """Book each request with a preferred doctor among that doctor's appointments;
    return the requests still without a slot (in booking order) and the appointments
    still free."""
    taken = np.zeros(len(bookable.time), dtype=bool)
    wanted = preferred_doctor[requests]
    for doctor in np.unique(wanted[wanted >= 0]).tolist():
        mine = requests[wanted == doctor]
        theirs = np.flatnonzero(bookable.doctor == doctor)
        got = slots.assign(preferred[mine], bookable.time[theirs])
        ok = got >= 0
        slot_time[mine[ok]] = bookable.time[theirs[got[ok]]]
        slot_doctor[mine[ok]] = doctor
        taken[theirs[got[ok]]] = True
    left = requests[slot_doctor[requests] < 0]
    free = ~taken
    return left, slots.DepartmentSlots(bookable.time[free], bookable.doctor[free])
