"""Everything random about a day's patients, drawn up front in NumPy batches.

Each patient's attributes, route (which examinations, whether a prescription),
patience and the base length of every service they could need are drawn here, each
from its own named stream. Drawing per patient rather than per event means a patient
keeps the same needs and service lengths in every scenario (common random numbers),
and the simulation loop only reads lists. The day's demand is drawn as walk-ins; then
``sim.demand.booking`` turns the share who book into booked patients (slot, channel,
punctuality, no-show) and the day is put in arrival order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

import numpy as np

from sim import distributions
from sim.clock import MINUTES_PER_DAY
from sim.demand import arrivals, booking, information
from sim.schema import Distribution, HospitalConfig
from sim.streams import Streams


@dataclass
class DayPatients:
    """Per-patient arrays for one day, patients in arrival order (booked patients who
    do not come are placed at their slot time)."""

    arrival_time: np.ndarray
    department: np.ndarray
    female: np.ndarray
    age_group: np.ndarray  # index into hospital.patients.age_groups
    education: np.ndarray  # index into hospital.patients.education
    exams: dict[str, np.ndarray]  # exam name -> needs it (bool)
    prescription: np.ndarray
    patience: np.ndarray  # minutes; inf when patience is off
    assignment_draw: np.ndarray  # uniform(0, 1): which doctor, when assigned at random
    kiosk: np.ndarray  # registers at a self-service kiosk rather than a window
    service: dict[str, np.ndarray] = field(default_factory=dict)  # stage -> base minutes
    result_delay: dict[str, np.ndarray] = field(default_factory=dict)  # exam -> minutes
    bookings: booking.DayBookings | None = None
    origin: np.ndarray | None = None  # place in the order drawn: the day's walk-ins, then returning patients
    # information gaps (hospital.information.enabled): patients x stages, and stage -> minutes lost
    information_gap: np.ndarray | None = None
    information_delay: dict[str, np.ndarray] = field(default_factory=dict)
    # baulking (hospital.baulking; None when off): patients waiting per doctor the
    # patient still joins, whether a baulking patient comes back, and after how many minutes
    baulk_threshold: np.ndarray | None = None
    baulk_returns: np.ndarray | None = None
    baulk_return_after: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.arrival_time)

    def reordered(self, order: np.ndarray) -> DayPatients:
        """The same patients in the given order (every per-patient array permuted)."""

        def take(value):
            if value is None:
                return None
            if isinstance(value, np.ndarray):
                return value[order]
            if isinstance(value, dict):
                return {key: take(v) for key, v in value.items()}
            return type(value)(**{f.name: take(getattr(value, f.name)) for f in fields(value)})

        return DayPatients(**{f.name: take(getattr(self, f.name)) for f in fields(self)})


@dataclass
class ReturningPatients:
    """Known patients coming on a day (``sim.patients_over_time``): who they are, and
    when they would like to come (absolute minutes). Those ``booked`` were given a
    follow-up at an earlier visit (with ``doctor``, -1 for any); the others come like
    any new patient (a walk-in, or a booking if they choose to)."""

    preferred_time: np.ndarray
    department: np.ndarray
    female: np.ndarray
    age_group: np.ndarray
    education: np.ndarray
    booked: np.ndarray
    doctor: np.ndarray

    def __len__(self) -> int:
        return len(self.preferred_time)


def _category(shares: dict[str, float], count: int, rng: np.random.Generator) -> np.ndarray:
    p = np.array(list(shares.values()), dtype=float)
    return rng.choice(len(p), size=count, p=p / p.sum()).astype(np.int8)


def _draw(spec: Distribution, rng: np.random.Generator, count: int) -> np.ndarray:
    return distributions.build(spec).sample(rng, count)


def _by_department(hospital, department, spec_of, stream_prefix, streams, day) -> np.ndarray:
    """Draw one value per patient from their department's distribution."""
    out = np.empty(len(department))
    for index, (name, dept) in enumerate(hospital.departments.items()):
        mask = department == index
        out[mask] = _draw(spec_of(dept), streams.stream(f"{stream_prefix}.{name}", day), int(mask.sum()))
    return out


def draw_day(
    hospital: HospitalConfig, date: dt.date, day: int, streams: Streams, returning: ReturningPatients | None = None
) -> DayPatients:
    """Draw the patients (walk-ins and booked) of ``day`` (0-based) falling on ``date``,
    and the needs of the ``returning`` patients of the day, from streams of their own
    (``returning.<name>``), so the day's new patients draw what they would without them."""
    times = arrivals.walk_in_times(hospital, date, day, streams.stream("arrivals", day))
    department = arrivals.departments(hospital, len(times), streams.stream("departments", day), date)
    needs = _draw_needs(hospital, department, day, streams)
    follow_up = None
    if returning is not None and len(returning):
        theirs = _draw_needs(hospital, returning.department.astype(department.dtype), day, _Prefixed(streams))
        theirs.update(female=returning.female, age_group=returning.age_group, education=returning.education)
        needs = _joined(needs, theirs)
        new = len(times)
        times = np.concatenate([times, returning.preferred_time])
        department = np.concatenate([department, returning.department.astype(department.dtype)])
        follow_up = booking.FollowUps(
            np.concatenate([np.zeros(new, dtype=bool), returning.booked]),
            np.concatenate([np.full(new, -1, dtype=np.int32), returning.doctor]),
        )
    arrival_time, bookings = booking.draw(
        hospital, times, department, day * MINUTES_PER_DAY, streams, day, date, follow_up=follow_up
    )
    baulking = _baulking(hospital, bookings, streams, day) if hospital.baulking.enabled else (None, None, None)
    patients = DayPatients(
        arrival_time=arrival_time,
        department=department,
        bookings=bookings,
        origin=np.arange(len(times)),
        baulk_threshold=baulking[0],
        baulk_returns=baulking[1],
        baulk_return_after=baulking[2],
        **needs,
    )
    if hospital.information.enabled:
        patients.information_gap, patients.information_delay = information.draw(
            hospital, needs["female"], needs["age_group"], needs["education"], bookings, streams, day
        )
    if not bookings.booked.any() and follow_up is None:
        return patients  # walk-ins only: already in arrival order
    return patients.reordered(np.argsort(np.where(bookings.no_show, bookings.slot_time, arrival_time), kind="stable"))


class _Prefixed:
    """The streams of returning patients: every name prefixed with ``returning.``."""

    def __init__(self, streams: Streams):
        self.streams = streams

    def stream(self, name: str, day: int | None = None) -> np.random.Generator:
        return self.streams.stream(f"returning.{name}", day)


def _joined(first: dict, second: dict) -> dict:
    """Per-patient arrays (and dicts of them) of two groups of patients, end to end."""
    return {
        key: _joined(value, second[key]) if isinstance(value, dict) else np.concatenate([value, second[key]])
        for key, value in first.items()
    }


def _draw_needs(hospital: HospitalConfig, department: np.ndarray, day: int, streams) -> dict:
    """Everything random about the patients of ``department`` (an index each) but when
    they come: attributes, route, patience, service lengths and result delays."""
    n = len(department)
    attributes = streams.stream("patients", day)
    female = attributes.random(n) < hospital.patients.female_share
    age_group = _category(hospital.patients.age_groups, n, attributes)
    education = _category(hospital.patients.education, n, attributes)

    exams = {}
    for name in hospital.exams:
        probability = np.array([d.exam_probability.get(name, 0.0) for d in hospital.departments.values()])
        exams[name] = streams.stream(f"routing.exam.{name}", day).random(n) < probability[department]
    rx_probability = np.array([d.prescription_probability for d in hospital.departments.values()])
    prescription = streams.stream("routing.prescription", day).random(n) < rx_probability[department]

    if hospital.patience.enabled:
        patience = _draw(hospital.patience.distribution, streams.stream("patience", day), n)
    else:
        patience = np.full(n, np.inf)

    assignment_draw = streams.stream("assignment", day).random(n)

    registration = hospital.registration
    window_service = _draw(registration.service, streams.stream("service.registration", day), n)
    if registration.kiosks > 0:
        kiosk = streams.stream("registration.kiosk", day).random(n) < registration.kiosk_share
        kiosk_service = _draw(registration.kiosk_service, streams.stream("service.kiosk", day), n)
        registration_service = np.where(kiosk, kiosk_service, window_service)
    else:
        kiosk, registration_service = np.zeros(n, dtype=bool), window_service

    cashier = _draw(hospital.cashier.service, streams.stream("service.cashier", day), 2 * n)
    service = {
        "registration": registration_service,
        "consultation": _by_department(
            hospital, department, lambda d: d.consultation, "service.consultation", streams, day
        ),
        "review": _by_department(hospital, department, lambda d: d.review, "service.review", streams, day),
        "exam_payment": cashier[:n],
        "payment": cashier[n:],
        "pharmacy": _draw(hospital.pharmacy.service, streams.stream("service.pharmacy", day), n),
    }
    result_delay = {}
    for name, exam in hospital.exams.items():
        service[name] = _draw(exam.service, streams.stream(f"service.exam.{name}", day), n)
        result_delay[name] = _draw(exam.result_delay, streams.stream(f"delay.exam.{name}", day), n)
    return {
        "female": female,
        "age_group": age_group,
        "education": education,
        "exams": exams,
        "prescription": prescription,
        "patience": patience,
        "assignment_draw": assignment_draw,
        "kiosk": kiosk,
        "service": service,
        "result_delay": result_delay,
    }


def _baulking(hospital: HospitalConfig, bookings: booking.DayBookings, streams: Streams, day: int):
    """(threshold, comes back, minutes until back) of each patient, from streams of their
    own; booked patients never baulk unless ``baulking.booked``."""
    b = hospital.baulking
    n = len(bookings.booked)
    threshold = _draw(b.threshold, streams.stream("baulking.threshold", day), n)
    if not b.booked:
        threshold[bookings.booked] = np.inf
    returns = streams.stream("baulking.return", day).random(n) < b.return_share
    after = _draw(b.return_after, streams.stream("baulking.return_after", day), n)
    return threshold, returns, after
