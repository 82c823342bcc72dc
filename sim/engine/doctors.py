"""Doctors, the queues patients wait in for them, and a doctor's working day.

A ``ConsultQueue`` is served by one doctor (patients registered to a named doctor, as
in most Chinese outpatient departments) or by a pool (any free doctor of the
department takes the next patient). Returning patients with their results may be
called before new ones; otherwise the queue is first come, first served.

Sessions and overtime: a doctor sees patients from the session's start. When the
session ends (the bell), the patients then waiting are owed overtime: the doctors of
the queue see them, in the order the queue would have called them, and then stop
until the next session. Nobody who joins after the bell takes their place: a patient
who arrives in between, or a returning (review) patient whose results come back
after the bell, waits for the next session, where review priority puts them first.
Booked patients who came early for a slot of a later session are not owed overtime
either; they wait for their session. After the last session of the day the doctors
stay until their queue is empty, so a returning patient who comes back while a
doctor of the queue is still at work is seen; one who comes back after they have all
gone home cannot be reviewed that day.

Rosters (``sim.staffing.rosters``): a doctor works only their own sessions of the day
(``Doctor.sessions``); the bell of each session of the queue rings for the doctors
who worked it, and after the queue's last session its doctors stay until the queue
is empty. A pooled queue's "patients waiting per doctor" counts the doctors on duty
in the session.

Patience: a patient waiting for a first consultation whose patience runs out leaves
at that moment and stops counting as waiting. ``GiveUps`` takes them off their
queue's counts lazily but exactly: whenever counts are about to be read (a doctor
calling the next patient, a new patient choosing the shortest queue), everybody
whose deadline has passed is settled first, so what is read is always the number
actually waiting, without an event per patient (and at no cost with patience off).
"""

from __future__ import annotations

import math
from heapq import heappop, heappush

import simpy

from sim.engine.kernel import bell_at, hand_over, preset_timeout, see_out, wake
from sim.engine.records import LEFT_WITHOUT_BEING_SEEN, SessionLog, Stage, VisitLog

NEW, REVIEW = 1, 0  # queue priority classes (lower is called first)
INF = math.inf  # the deadline of a patient who never gives up


class Doctor:
    __slots__ = ("id", "department", "wake", "day", "sessions")

    def __init__(self, doctor_id: int, department: str, sessions: list[tuple[int, int]] | None = None):
        self.id = doctor_id
        self.department = department
        self.wake: simpy.Event | None = None
        self.day = None  # the generator of the doctor's day, when started by sim.engine.kernel.start_now
        # the sessions worked: (place among the queue's sessions, the department's session number);
        # None: every session of the queue
        self.sessions = sessions


class GiveUps:
    """The patients of a department waiting for a first consultation with a finite
    deadline, earliest deadline first: those whose deadline passes before a doctor
    calls them leave without being seen, at their deadline."""

    __slots__ = ("env", "deadlines", "called", "log")

    def __init__(self, env: simpy.Environment, log: VisitLog, consultation: Stage):
        self.env = env
        self.deadlines: list[tuple] = []  # heap of (deadline, visit, queue, event)
        self.called = consultation.start  # per visit: NaN until a doctor calls the patient
        self.log = log

    def settle(self, now: float) -> None:
        """Take everyone whose deadline is before ``now`` and who is still waiting off
        their queue's counts. (Their entries stay in the queue; the doctor who
        reaches one skips it.)"""
        deadlines = self.deadlines
        called = self.called
        while deadlines and deadlines[0][0] < now:
            deadline, visit, queue, event = heappop(deadlines)
            if called[visit] != called[visit]:  # NaN: never called, so gave up at the deadline
                queue.waiting -= 1
                queue.load -= 1
                self.log.outcome[visit] = LEFT_WITHOUT_BEING_SEEN
                self.log.departure[visit] = deadline
                event.succeed(None)


class ConsultQueue:
    """Patients waiting for a doctor or a pool of doctors, called first come, first
    served (returning patients first with review priority).

    This is the plain queue discipline; ``sim.engine.slot_queue.SlotQueue`` is the
    appointment-aware one. A discipline implements ``join`` (counting the patient in
    ``waiting`` and ``load`` and waking a resting doctor), ``call`` (the next patient
    to see now, or None) and ``_take_owed`` (at a session's end, the patients owed
    overtime, taken out of the queue).
    """

    def __init__(
        self,
        env: simpy.Environment,
        doctors: list[Doctor],
        sessions: list[tuple[float, float]],
        review_priority: bool,
        give_ups: GiveUps,
        on_duty: list[int] | None = None,
    ):
        self.env = env
        self.doctors = doctors
        self.sessions = sessions
        # doctors on duty in each session (None: all of them in every session)
        self.on_duty = on_duty if on_duty is not None else [len(doctors)] * len(sessions)
        self.review_priority = review_priority
        self.give_ups = give_ups
        self.entries: list[tuple] = []  # heap of (priority, seq, visit, is_review, event, deadline, joined)
        self.seq = 0
        self.idle: list[Doctor] = []
        # counters kept as patients join, give up and are called, and doctors rest and wake
        self.waiting = 0  # patients waiting (owed overtime or not)
        self.load = len(doctors)  # patients waiting + doctors at work and not resting: for the shortest queue
        self.owed: list[tuple] = []  # entries owed overtime, the next to call last
        self.doctors_at_work = len(doctors)  # falls to 0 when all have gone home for the day
        if not doctors:
            self.load = math.inf  # nobody on duty today: never the shortest queue
        for index, (_, end) in enumerate(sessions):
            last = index == len(sessions) - 1
            # set up before any doctor's event, so at equal times the bell rings first
            bell_at(env, end, lambda last=last: self._session_ends(last))

    def _session_ends(self, last: bool) -> None:
        if not last:  # after the last session the doctors see everyone: nobody needs to be owed
            # anyone still owed from an earlier session (overtime running past this one) goes first
            self.owed = self._take_owed() + self.owed
        idle, self.idle = self.idle, []
        self.load += len(idle)
        for doctor in idle:
            doctor.wake.succeed()

    def _take_owed(self) -> list[tuple]:
        """Remove the patients waiting now from the queue and return them in the
        reverse of the order they are to be called."""
        owed = sorted(self.entries, reverse=True)
        self.entries = []
        return owed

    @property
    def closed(self) -> bool:
        return self.doctors_at_work == 0

    def on_duty_at(self, now: float) -> int:
        """Doctors on duty in the session under way at ``now`` (or the next to start;
        after the last, the last's)."""
        for (_, end), count in zip(self.sessions, self.on_duty, strict=True):
            if now < end:
                return count
        return self.on_duty[-1] if self.on_duty else 0

    def doctor_goes_home(self) -> None:
        self.doctors_at_work -= 1
        self.load -= 1
        if self.doctors_at_work == 0:
            self.load = math.inf  # never the shortest queue again

    def join(self, visit: int, review: bool, deadline: float) -> simpy.Event:
        """Join the queue; the event fires at the end of the consultation with the
        doctor's id, or with None if the patient's patience ran out first."""
        event = self.env.event()
        priority = REVIEW if (review and self.review_priority) else NEW
        self.seq += 1
        heappush(self.entries, (priority, self.seq, visit, review, event, deadline, self.env.now))
        if deadline < INF:
            heappush(self.give_ups.deadlines, (deadline, visit, self, event))
        self.waiting += 1
        self.load += 1
        if self.idle:
            self.wake_one()
        return event

    def wake_one(self) -> None:
        """Wake the doctor who rested last (``sim.engine.kernel.wake``)."""
        self.load += 1
        doctor = self.idle.pop()
        wake(self.env, doctor.wake, doctor.day)

    def rest(self, doctor: Doctor) -> simpy.Event:
        """The doctor waits for a patient (or the session's end): the event that wakes them."""
        doctor.wake = self.env.event()
        self.idle.append(doctor)
        self.load -= 1
        return doctor.wake

    def call(self, now: float) -> tuple | None:
        """Remove and return the entry of the next patient to see, or None. (The doctor
        who takes the entry updates ``waiting`` and ``load``.)"""
        return heappop(self.entries) if self.entries else None

    def __len__(self) -> int:
        return self.waiting


def doctor_day(
    env: simpy.Environment,
    doctor: Doctor,
    queue: ConsultQueue,
    consultation: Stage,
    review: Stage,
    log: VisitLog,
    sessions_log: SessionLog,
    rush_per_waiting: float,
    rush_min_factor: float,
):
    """A doctor's day: each session, call the next patient, consult, repeat; after
    the session's end, the patients owed overtime (after the last session, everyone).

    When a consultation ends the doctor turns to what comes next (the next patient, a
    rest, the end of the session) and the patient who was seen leaves the room: their
    event is processed when the doctor next waits (``then``), rather than going round
    the event queue — unless something else is due at that very moment, in which case
    it is scheduled behind it (``sim.engine.kernel.see_out``, ``hand_over``). Either
    way everything happens in the order it would if every consultation's end were an
    event of its own.
    """
    call = queue.call
    give_ups = queue.give_ups
    deadlines = give_ups.deadlines
    sessions = queue.sessions
    last_session = len(sessions) - 1
    worked = doctor.sessions if doctor.sessions is not None else [(k, k) for k in range(len(sessions))]
    seen = None  # the event of the patient just seen, who leaves when the doctor next waits

    def then(event: simpy.Event | None) -> simpy.Event | None:
        nonlocal seen
        if seen is not None:
            leaving, seen = seen, None
            hand_over(leaving, doctor.id)
        return event

    for place, number in worked:
        start, end = sessions[place]
        pool_size = queue.on_duty[place]
        if env.now < start:  # the first session's timer is set up before the day runs
            yield then(preset_timeout(env, start) if place == worked[0][0] else env.timeout(start - env.now))
        busy = busy_in_session = 0.0
        patients = 0
        while True:
            now = env.now
            if deadlines and deadlines[0][0] < now:
                give_ups.settle(now)  # the counts read below are of patients actually waiting
            if now < end:
                entry = call(now)
            else:
                owed = queue.owed  # replaced at each bell
                entry = owed.pop() if owed else (call(now) if place == last_session else None)
            if entry is not None:
                _, _, visit, is_review, event, deadline, joined = entry
                if deadline < now:  # gave up before being called: already settled
                    continue
                queue.waiting -= 1
                queue.load -= 1
                stage = review if is_review else consultation
                waiting = queue.waiting / pool_size
                # Doctors hurry when many are waiting: shorter, worse-communicated visits.
                factor = max(rush_min_factor, 1.0 - rush_per_waiting * waiting) if rush_per_waiting else 1.0
                duration = stage.service[visit] * factor
                stage.start[visit] = now
                stage.end[visit] = now + duration
                stage.wait[visit] = now - joined
                if is_review:
                    log.review_doctor[visit] = doctor.id
                else:
                    log.doctor[visit] = doctor.id
                    log.waiting_at_consultation[visit] = waiting
                    log.rush_factor[visit] = factor
                consulting = env.timeout(duration)
                if seen is not None:  # then(), written out: it runs at every consultation
                    leaving, seen = seen, None
                    hand_over(leaving, doctor.id)
                yield consulting
                busy += duration
                busy_in_session += max(0.0, min(now + duration, end) - max(now, start))
                patients += 1
                seen = see_out(env, event, doctor.id)  # held (or None): leaves when the doctor next waits
            elif now < end:
                yield then(queue.rest(doctor))
            else:
                break
        sessions_log.add(
            doctor_id=doctor.id,
            department=doctor.department,
            session=number,
            start=start,
            end=end,
            left=env.now,
            busy_in_session=busy_in_session,
            busy=busy,
            patients=patients,
        )
    queue.doctor_goes_home()
    then(None)
