"""The hospital on one day: its stations, departments, doctors and logs.

``OpenDay`` wires the configured resources to the day's patients and the columnar
logs; the patient process in ``sim.engine.pathway`` moves through it.
"""

from __future__ import annotations

from operator import attrgetter

import numpy as np
import simpy

from sim.clock import MINUTES_PER_DAY, parse_clock
from sim.demand import booking, season
from sim.demand.patients import DayPatients
from sim.engine import registration
from sim.engine.doctors import ConsultQueue, Doctor, GiveUps, doctor_day
from sim.engine.kernel import start_now
from sim.engine.records import NO_SHOW, SessionLog, Stage, VisitLog, stage_names
from sim.engine.slot_queue import SlotQueue
from sim.engine.stations import FifoStation
from sim.schema import HospitalConfig

_load = attrgetter("load")


class Department:
    """Where a department's patients queue for its doctors.

    A patient who chooses a doctor (shortest queue, or at random) chooses among the
    doctors still at work: a doctor who has gone home for the day is never chosen
    while a colleague is at work, so nobody is turned away while a doctor who could
    see them is there. A booked patient queues for the doctor of their slot, and with
    ``review_same_doctor`` a returning patient for the doctor who saw them (or their
    pool): only that doctor can take them.
    """

    def __init__(
        self,
        name: str,
        queues: list[ConsultQueue],
        doctors: list[Doctor],
        assignment: str,
        review_same_doctor: bool,
        give_ups: GiveUps,
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

    def choose_queue(self, visit: int, draw: float) -> ConsultQueue:
        queues = self.queues
        if len(queues) == 1:
            return queues[0]
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
        return min(queues[first:] + queues[:first], key=_load)

    def _random_queue(self, draw: float) -> ConsultQueue:
        """The queue of a doctor drawn at random among those still at work."""
        queues = self.queues
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

    def __init__(self, env: simpy.Environment, hospital: HospitalConfig, patients: DayPatients, day: int, date=None):
        self.env = env
        self.patients = patients
        size = len(patients)
        day_start = day * MINUTES_PER_DAY
        service = {stage: values.tolist() for stage, values in patients.service.items()}
        self.stages = {name: Stage(name, service[name], size) for name in stage_names(hospital)}
        self.log = VisitLog(size, self.stages)
        self.sessions_log = SessionLog()

        def station(name, cfg):
            return FifoStation(env, name, cfg.servers, day_start + parse_clock(cfg.opens))

        self.cashier = station("cashier", hospital.cashier)
        self.pharmacy = station("pharmacy", hospital.pharmacy)
        self.exam_stations = {name: station(name, cfg) for name, cfg in hospital.exams.items()}
        bookings = patients.bookings
        self.coming = (~bookings.no_show).tolist()
        # registration is settled before the day runs; a patient's day starts when they leave the desk
        desks = registration.Desks(
            hospital.registration.servers,
            hospital.registration.kiosks,
            day_start + parse_clock(hospital.registration.opens),
        )
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
        self.departments = self._open_departments(hospital, day_start, bookings, date)

        # plain lists: the patient process reads one element per visit
        self.department_of = [self.departments[d] for d in patients.department.tolist()]
        self.deadline_after = patients.patience.tolist()
        self.assignment_draw = patients.assignment_draw.tolist()
        self.prescription = patients.prescription.tolist()
        self.mobile_payment = bookings.mobile_payment.tolist()
        self.slot_doctor = bookings.slot_doctor.tolist()
        self.result_delay = {name: values.tolist() for name, values in patients.result_delay.items()}
        self.exams_needed = _exams_needed(list(hospital.exams), patients.exams, size)

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
            return lambda doctors, sessions, give_ups: ConsultQueue(
                self.env, doctors, sessions, rules.review_priority, give_ups
            )
        b = hospital.booking
        slot_time = bookings.slot_time.tolist()
        slot_priority = bookings.slot_priority.tolist()
        elderly_codes = [i for i, g in enumerate(hospital.patients.age_groups) if g in b.elderly_age_groups]
        elderly = (b.elderly_priority & np.isin(self.patients.age_group, elderly_codes)).tolist()
        see_early = b.early_arrivals == "seen_if_free"
        return lambda doctors, sessions, give_ups: SlotQueue(
            self.env, doctors, sessions, rules.review_priority, give_ups, slot_time, slot_priority, elderly, see_early
        )

    def _open_departments(
        self, hospital: HospitalConfig, day_start: float, bookings: booking.DayBookings, date=None
    ) -> list[Department]:
        env = self.env
        rules = hospital.consultation_queue
        make_queue = self._queue_discipline(hospital, bookings)
        departments = []
        doctor_ids = season.doctors_on_duty(hospital, date, booking.doctor_ids(hospital))  # all but those on leave
        for name, cfg in hospital.departments.items():
            sessions = [(day_start + parse_clock(s.start), day_start + parse_clock(s.end)) for s in cfg.sessions]
            doctors = [Doctor(doctor_id, name) for doctor_id in doctor_ids[name]]
            give_ups = GiveUps(env, self.log, self.stages["consultation"])
            if cfg.assignment == "pooled":
                queues = [make_queue(doctors, sessions, give_ups)]
            else:
                queues = [make_queue([d], sessions, give_ups) for d in doctors]
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
            departments.append(Department(name, queues, doctors, cfg.assignment, rules.review_same_doctor, give_ups))
        return departments
