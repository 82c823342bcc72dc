"""The hospital on one day: its stations, departments, doctors and logs.

``OpenDay`` wires the configured resources to the day's patients and the columnar
logs; the patient process in ``sim.engine.pathway`` moves through it.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from operator import attrgetter

import numpy as np
import simpy

from sim import distributions
from sim.clock import MINUTES_PER_DAY, parse_clock
from sim.demand import booking
from sim.demand.patients import DayPatients
from sim.engine import registration
from sim.engine.doctors import ConsultQueue, Doctor, GiveUps, doctor_day
from sim.engine.exam_slots import ExamSlots
from sim.engine.kernel import start_now
from sim.engine.records import NO_SHOW, SessionLog, Stage, VisitLog, stage_names
from sim.engine.slot_queue import SlotQueue
from sim.engine.stations import FifoStation, ScheduledStation
from sim.schema import HospitalConfig
from sim.staffing import rosters, schedules

_load = attrgetter("load")


class Department:
    """Where a department's patients queue for its doctors.

    A patient who chooses a doctor (shortest queue, or at random) chooses among the
    doctors still at work: a doctor who has gone home for the day is never chosen
    while a colleague is at work, so nobody is turned away while a doctor who could
    see them is there. A booked patient queues for the doctor of their slot, and with
    ``review_same_doctor`` a returning patient for the doctor who saw them (or their
    pool): only that doctor can take them.

    With a roster that changes between sessions (``rostered``), a walk-in choosing a
    doctor chooses among those on duty in the session under way or next to start
    (``on_duty_now``), if any is still at work.
    """

    def __init__(
        self,
        name: str,
        queues: list[ConsultQueue],
        doctors: list[Doctor],
        assignment: str,
        review_same_doctor: bool,
        give_ups: GiveUps,
        session_ends: list[float] | None = None,
        works: list[set[int]] | None = None,
    ):
        self.name = name
        self.queues = queues
        self.assignment = assignment
        self.review_same_doctor = review_same_doctor
        self.give_ups = give_ups
        self.queue_of_doctor = {}
        for queue in queues:
            for doctor in queue.doctors:
                self.queue_of_doctor[doctor.id] = queue
        self.doctor_ids = [d.id for d in doctors]
        # rostered: some queue's doctor does not work every session of the day
        self.session_ends = session_ends or []
        self.works = works or []  # per queue: the department's sessions its doctors work
        self.rostered = any(len(w) < len(self.session_ends) for w in self.works)
        # the queues in the order a shortest-queue choice looks at them, by where it starts
        self.rotations = [queues[first:] + queues[:first] for first in range(len(queues))]

    def choose_queue(self, visit: int, draw: float) -> ConsultQueue:
        queues = self.queues
        if len(queues) == 1:
            return queues[0]
        if self.rostered:
            queues = self.on_duty_now()
        if self.assignment == "random":
            return self._random_queue(draw)
        # shortest queue (fewest waiting or being seen; a closed queue's load is infinite),
        # counting only patients still waiting; ties go round-robin so no doctor is always
        # first choice: min() keeps the first of equals, counting from visit % n
        give_ups = self.give_ups
        deadlines = give_ups.deadlines
        if deadlines and deadlines[0][0] < give_ups.env.now:
            give_ups.settle(give_ups.env.now)
        first = visit % len(queues)
        rotated = self.rotations[first] if queues is self.queues else queues[first:] + queues[:first]
        return min(rotated, key=_load)

    def on_duty_now(self) -> list[ConsultQueue]:
        """The queues whose doctors work the session under way (or next to start) and
        are still at work; all the queues if there are none."""
        session = min(bisect_right(self.session_ends, self.give_ups.env.now), len(self.session_ends) - 1)
        on_duty = [q for q, works in zip(self.queues, self.works, strict=True) if session in works and not q.closed]
        return on_duty or self.queues

    def _random_queue(self, draw: float) -> ConsultQueue:
        """The queue of a doctor drawn at random among those still at work."""
        queues = self.on_duty_now() if self.rostered else self.queues
        scaled = draw * len(queues)
        queue = queues[int(scaled)]
        if not queue.closed:
            return queue
        at_work = [q for q in queues if not q.closed]
        if not at_work:
            return queue
        # the fraction of the scaled draw is uniform and independent of the queue drawn
        return at_work[int((scaled % 1.0) * len(at_work))]

    def review_queue(self, visit: int, doctor_id: int, draw: float) -> ConsultQueue:
        if self.review_same_doctor:
            return self.queue_of_doctor[doctor_id]
        return self.choose_queue(visit, draw)


class GapDelays:
    """Minutes each patient loses to an information gap at the stages the pathway
    spends them (``sim.demand.information``; 0 without a gap), as plain lists."""

    __slots__ = ("consultation", "examination", "treatment")

    def __init__(self, delay: dict[str, np.ndarray]):
        self.consultation = delay["consultation"].tolist()
        self.examination = delay["examination"].tolist()
        self.treatment = delay["treatment"].tolist()


def _exams_needed(names: list[str], needs: dict[str, np.ndarray], size: int) -> list[tuple[str, ...]]:
    """Per visit, the names of the exams needed, in config order: one code per visit
    (a bit per exam), one tuple per code that occurs."""
    if not names:
        return [()] * size
    codes = np.column_stack([needs[name] for name in names]).astype(np.int64) @ (1 << np.arange(len(names)))
    combination = {
        code: tuple(name for bit, name in enumerate(names) if code >> bit & 1) for code in np.unique(codes).tolist()
    }
    return [combination[code] for code in codes.tolist()]


class OpenDay:
    """Everything the patients of one day interact with."""

    def __init__(
        self, env: simpy.Environment, hospital: HospitalConfig, patients: DayPatients, day: int, date: dt.date
    ):
        self.env = env
        self.patients = patients
        size = len(patients)
        day_start = day * MINUTES_PER_DAY
        service = {stage: values.tolist() for stage, values in patients.service.items()}
        self.stages = {name: Stage(name, service[name], size) for name in stage_names(hospital)}
        prebooked = hospital.staffing.exam_prebooking
        self.log = VisitLog(size, self.stages, baulking=hospital.baulking.enabled, exam_slots=prebooked.enabled)
        self.sessions_log = SessionLog()
        on_duty = schedules.day_schedules(hospital, date)  # each station's (minute of day, servers) changes

        def station(name):
            changes = on_duty[name]
            if schedules.is_constant(changes):  # today's fixed count, exactly as before
                ((opens, servers),) = changes
                return FifoStation(env, name, servers, day_start + opens)
            return ScheduledStation(env, name, _absolute(changes, day_start))

        self.cashier = station("cashier")
        self.pharmacy = station("pharmacy")
        self.exam_stations = {name: station(name) for name in hospital.exams}
        bookings = patients.bookings
        self.coming = (~bookings.no_show).tolist()
        # registration is settled before the day runs; a patient's day starts when they leave the desk
        desks = registration.Desks(
            hospital.registration.servers,
            hospital.registration.kiosks,
            day_start + parse_clock(hospital.registration.opens),
        )
        windows, kiosks = on_duty["registration"], on_duty.get("kiosks")
        if not schedules.is_constant(windows) or windows[0] != (
            parse_clock(hospital.registration.opens),
            desks.windows,
        ):
            desks.window_changes = _absolute(windows, day_start)
        if kiosks is not None and (
            not schedules.is_constant(kiosks) or kiosks[0] != (parse_clock(hospital.registration.opens), desks.kiosks)
        ):
            desks.kiosk_changes = _absolute(kiosks, day_start)
        self.starts_at = registration.settle(
            self.stages["registration"],
            patients.arrival_time,
            patients.kiosk,
            bookings.pre_registered,
            ~bookings.no_show,
            desks,
            day_start,
        )
        for visit in bookings.no_show.nonzero()[0].tolist():
            self.log.outcome[visit] = NO_SHOW  # booked, never came: no patient process
        self.gap_delay = None  # information gaps off: the pathway spends no time on them
        if patients.information_delay:
            self.gap_delay = GapDelays(patients.information_delay)
            # a gap at registration: finding the department (or going back to the desk) before queueing
            self.starts_at = (np.asarray(self.starts_at) + patients.information_delay["registration"]).tolist()
        self.departments = self._open_departments(hospital, day_start, bookings, rosters.day_rosters(hospital, date))

        # plain lists: the patient process reads one element per visit
        self.department_of = [self.departments[d] for d in patients.department.tolist()]
        self.deadline_after = patients.patience.tolist()
        self.assignment_draw = patients.assignment_draw.tolist()
        self.prescription = patients.prescription.tolist()
        self.mobile_payment = bookings.mobile_payment.tolist()
        self.slot_doctor = bookings.slot_doctor.tolist()
        self.result_delay = {name: values.tolist() for name, values in patients.result_delay.items()}
        self.exams_needed = _exams_needed(list(hospital.exams), patients.exams, size)
        self.exam_slots = _exam_slots(hospital, on_duty, day_start)  # empty unless exams are pre-booked
        self.slot_lead = hospital.staffing.exam_prebooking.lead_min
        # baulking (off: no look at the queue at all)
        self.baulking = hospital.baulking.enabled
        if self.baulking:
            self.baulk_threshold = patients.baulk_threshold.tolist()
            self.baulk_returns = patients.baulk_returns.tolist()
            self.baulk_return_after = patients.baulk_return_after.tolist()

    def book_exam_slots(self, exams: tuple[str, ...], now: float) -> dict[str, float]:
        """Slots booked now for the pre-booked ones among ``exams`` (in order: each at
        least a slot after the one before)."""
        booked, earliest = {}, now + self.slot_lead
        for exam in exams:
            slots = self.exam_slots.get(exam)
            if slots is not None:
                booked[exam] = slots.book(earliest)
                earliest = booked[exam] + slots.length
        return booked

    def queue_too_long(self, visit: int, queue: ConsultQueue) -> bool:
        """Whether the patient, looking at ``queue``, finds more patients waiting per
        doctor on duty than their baulking threshold (recorded as what they saw)."""
        give_ups = queue.give_ups
        now = self.env.now
        if give_ups.deadlines and give_ups.deadlines[0][0] < now:
            give_ups.settle(now)  # those who have given up are no longer in the queue
        seen = queue.waiting / max(1, queue.on_duty_at(now))
        self.log.baulk_queue[visit] = seen
        return seen > self.baulk_threshold[visit]

    def close(self) -> None:
        """The day is over: forget the deadlines still pending. Each refers to its
        queue, which refers back to them (a reference cycle); cleared, the day's
        objects are freed by reference counting at once instead of at the garbage
        collector's next full collection (memory grew ~1.5 MB a simulated day)."""
        for department in self.departments:
            department.give_ups.deadlines.clear()

    def _queue_discipline(self, hospital: HospitalConfig, bookings: booking.DayBookings):
        """A factory of the doctors' queues: plain first come, first served unless
        appointments or elderly priority need the slot-aware discipline."""
        rules = hospital.consultation_queue
        if not booking.uses_slots(hospital.booking):
            return lambda doctors, sessions, give_ups, on_duty: ConsultQueue(
                self.env, doctors, sessions, rules.review_priority, give_ups, on_duty
            )
        b = hospital.booking
        slot_time = bookings.slot_time.tolist()
        slot_priority = bookings.slot_priority.tolist()
        elderly_codes = [i for i, g in enumerate(hospital.patients.age_groups) if g in b.elderly_age_groups]
        elderly = (b.elderly_priority & np.isin(self.patients.age_group, elderly_codes)).tolist()
        see_early = b.early_arrivals == "seen_if_free"
        return lambda doctors, sessions, give_ups, on_duty: SlotQueue(
            self.env,
            doctors,
            sessions,
            rules.review_priority,
            give_ups,
            slot_time,
            slot_priority,
            elderly,
            see_early,
            on_duty,
        )

    def _open_departments(
        self,
        hospital: HospitalConfig,
        day_start: float,
        bookings: booking.DayBookings,
        day_rosters: dict[str, rosters.DayRoster],
    ) -> list[Department]:
        """Each department's queues and doctors: those on the day's roster (a doctor who
        works no session of the day has no day), each working their own sessions."""
        env = self.env
        rules = hospital.consultation_queue
        make_queue = self._queue_discipline(hospital, bookings)
        departments = []
        doctor_ids = rosters.doctor_ids(hospital)
        for name, cfg in hospital.departments.items():
            roster = day_rosters[name]
            sessions = [(day_start + start, day_start + end) for start, end in roster.sessions]
            doctors = [Doctor(doctor_ids[name][j], name) for j in range(roster.working)]
            worked = {doctor.id: roster.sessions_of(j) for j, doctor in enumerate(doctors)}
            give_ups = GiveUps(env, self.log, self.stages["consultation"])
            groups = [doctors] if cfg.assignment == "pooled" else [[doctor] for doctor in doctors]
            queues, works = [], []
            for group in groups:
                numbers = sorted({k for doctor in group for k in worked[doctor.id]})  # the sessions it is open
                on_duty = [sum(k in worked[doctor.id] for doctor in group) for k in numbers]
                queues.append(make_queue(group, [sessions[k] for k in numbers], give_ups, on_duty))
                works.append(set(numbers))
                for doctor in group:
                    doctor.sessions = [(numbers.index(k), k) for k in worked[doctor.id]]
            if not doctors:  # nobody on duty all day: a queue that is closed
                queues, works = [make_queue([], [], give_ups, [])], [set()]
            for queue in queues:
                for doctor in queue.doctors:
                    day = doctor_day(
                        env,
                        doctor,
                        queue,
                        self.stages["consultation"],
                        self.stages["review"],
                        self.log,
                        self.sessions_log,
                        rules.rush_per_waiting_patient,
                        rules.rush_min_factor,
                    )
                    doctor.day = day
                    start_now(env, day)
            departments.append(
                Department(
                    name,
                    queues,
                    doctors,
                    cfg.assignment,
                    rules.review_same_doctor,
                    give_ups,
                    [end for _, end in sessions],
                    works,
                )
            )
        return departments


def _absolute(changes: list[tuple[float, int]], day_start: float) -> list[tuple[float, int]]:
    return [(day_start + minute, servers) for minute, servers in changes]


def _exam_slots(
    hospital: HospitalConfig, on_duty: dict[str, list[tuple[float, int]]], day_start: float
) -> dict[str, ExamSlots]:
    """The slots of each pre-booked exam's station (none when pre-booking is off)."""
    prebooking = hospital.staffing.exam_prebooking
    if not prebooking.enabled:
        return {}
    return {
        name: ExamSlots(
            _absolute(on_duty[name], day_start),
            prebooking.slot_length_min,
            prebooking.capacity_share,
            distributions.build(exam.service).mean,
        )
        for name, exam in hospital.exams.items()
        if not prebooking.exams or name in prebooking.exams
    }
