"""The doctors' queues on hand-made scenarios (patients joining at given times, fixed
10-minute consultations and reviews): who is owed overtime at a session's end, that a
patient who gives up stops counting at once, and that a patient never chooses a doctor
who has gone home."""

import math

import simpy

from sim.engine.doctors import ConsultQueue, Doctor, GiveUps, doctor_day
from sim.engine.hospital import Department
from sim.engine.records import LEFT_WITHOUT_BEING_SEEN, SessionLog, Stage, VisitLog
from sim.engine.slot_queue import SlotQueue

INF = math.inf
NOON, AFTERNOON = (480.0, 720.0), (810.0, 1020.0)  # 8:00-12:00 and 13:30-17:00, in minutes


class Clinic:
    """One department's doctors serving one queue (a doctor's own, or a pool)."""

    def __init__(self, size: int, sessions=(NOON, AFTERNOON), doctors=1, slot_queue=False, rush=0.0, env=None):
        self.env = env or simpy.Environment()
        self.consultation = Stage("consultation", [10.0] * size, size)
        self.review = Stage("review", [10.0] * size, size)
        self.log = VisitLog(size, {"consultation": self.consultation, "review": self.review})
        self.give_ups = GiveUps(self.env, self.log, self.consultation)
        self.sessions = SessionLog()
        staff = [Doctor(i, "clinic") for i in range(doctors)]
        if slot_queue:  # the slot-aware discipline with nobody booked
            self.queue = SlotQueue(
                self.env,
                staff,
                list(sessions),
                True,
                self.give_ups,
                [math.nan] * size,
                [False] * size,
                [False] * size,
                True,
            )
        else:
            self.queue = ConsultQueue(self.env, staff, list(sessions), True, self.give_ups)
        for doctor in staff:
            self.env.process(
                doctor_day(
                    self.env, doctor, self.queue, self.consultation, self.review, self.log, self.sessions, rush, 0.5
                )
            )

    def arrive(self, visit: int, at: float, review=False, patience=INF, queue=None):
        def patient():
            yield self.env.timeout(at)
            yield (queue or self.queue).join(visit, review=review, deadline=at + patience)

        self.env.process(patient())

    def starts(self) -> list[float]:
        """When each patient was called (to the review, for returning patients)."""
        return [r if r == r else c for c, r in zip(self.consultation.start, self.review.start, strict=True)]


def test_walk_in_waiting_at_the_bell_is_seen_before_reviews_returning_after_it():
    """The issue's example. One doctor; a walk-in is seen 11:56-12:06 and another has
    waited since 11:58; reviews return at 12:05 and 12:10. The waiting walk-in is owed
    overtime and is seen at 12:06; the reviews came after the bell and wait for 13:30,
    where they are called first. (The old rule kept a count, one place, which the
    12:05 review took, and the walk-in waited for the afternoon.)"""
    for slot_queue in (False, True):
        clinic = Clinic(4, slot_queue=slot_queue)
        clinic.arrive(0, 716.0)
        clinic.arrive(1, 718.0)
        clinic.arrive(2, 725.0, review=True)
        clinic.arrive(3, 730.0, review=True)
        clinic.env.run()
        assert clinic.starts() == [716.0, 726.0, 810.0, 820.0], slot_queue
        assert clinic.sessions.rows["left"] == [736.0, 1020.0]


def test_a_pool_sees_everyone_waiting_at_the_bell_and_nobody_after_it():
    """Two pooled doctors busy at 12:00 (11:55-12:05, 11:56-12:06) with two walk-ins
    waiting; two reviews return at 12:01 and 12:02. Each doctor sees one waiting walk-in
    and stops; the reviews are seen at 13:30."""
    clinic = Clinic(6, doctors=2)
    for visit, at in enumerate([715.0, 716.0, 718.0, 719.0]):
        clinic.arrive(visit, at)
    clinic.arrive(4, 721.0, review=True)
    clinic.arrive(5, 722.0, review=True)
    clinic.env.run()
    assert clinic.starts() == [715.0, 716.0, 725.0, 726.0, 810.0, 810.0]
    assert sorted(clinic.sessions.rows["left"][:2]) == [735.0, 736.0]


def test_after_the_last_session_everyone_in_the_queue_is_seen_in_its_order():
    """The same patients with 8:00-12:00 as the day's only session: the doctor stays
    until the queue is empty, so the reviews returning after the bell are seen too,
    first (review priority), then the walk-in."""
    clinic = Clinic(4, sessions=(NOON,))
    clinic.arrive(0, 716.0)
    clinic.arrive(1, 718.0)
    clinic.arrive(2, 725.0, review=True)
    clinic.arrive(3, 730.0, review=True)
    clinic.env.run()
    assert clinic.starts() == [716.0, 746.0, 726.0, 736.0]
    assert clinic.sessions.rows["left"] == [756.0]


def test_a_patient_who_gives_up_stops_counting_at_once():
    """Patients join at 480, 481, 482 (patience 3: gives up at 485) and 483. At 490 the
    doctor calls the 481 patient: one patient (483) is still waiting, and the doctor
    hurries by that one only (10 x (1 - 0.1 x 1) = 9 min). The one who gave up left at
    485 without being seen."""
    clinic = Clinic(4, rush=0.1)
    for visit, (at, patience) in enumerate([(480.0, INF), (481.0, INF), (482.0, 3.0), (483.0, INF)]):
        clinic.arrive(visit, at, patience=patience)
    clinic.env.run()
    log = clinic.log
    assert log.waiting_at_consultation[0] == 0.0
    assert log.waiting_at_consultation[1] == 1.0
    assert clinic.consultation.end[1] == 499.0
    assert log.waiting_at_consultation[3] == 0.0
    assert log.outcome[2] == LEFT_WITHOUT_BEING_SEEN and log.departure[2] == 485.0
    assert math.isnan(clinic.consultation.start[2])


def _two_doctors(sessions, assignment="shortest_queue"):
    """Two doctors with a queue each, in one department (whose record of patients who
    may give up is A's: only A's patients do here)."""
    env = simpy.Environment()
    a = Clinic(8, sessions=sessions, env=env)
    b = Clinic(8, sessions=sessions, env=env)
    department = Department(
        "clinic", [a.queue, b.queue], a.queue.doctors + b.queue.doctors, assignment, False, a.give_ups
    )
    return env, a, b, department


def _choose_at(env, department, at: float, visit: int, draw: float = 0.0) -> list:
    chosen = []

    def patient():
        yield env.timeout(at)
        chosen.append(department.choose_queue(visit, draw))

    env.process(patient())
    return chosen


def test_shortest_queue_counts_only_patients_still_waiting():
    """A and B both consult from 480 to 490. A's queue: a patient who gave up at 483;
    B's: one patient waiting. At 485 the shorter queue is A's (one being seen) though a
    count including the patient who left would tie and, by round-robin, pick B's."""
    env, a, b, department = _two_doctors((NOON,))
    a.arrive(0, 480.0)
    a.arrive(1, 481.0, patience=2.0)
    b.arrive(2, 480.0)
    b.arrive(3, 481.0)
    chosen = _choose_at(env, department, 485.0, visit=1)
    env.run()
    assert chosen == [a.queue]


def test_a_doctor_who_has_gone_home_is_never_chosen():
    """The last session ends at 500. A's queue is empty: A goes home at 500. B sees a
    patient 495-505 with another waiting. A patient choosing at 501 joins B's queue,
    by shortest queue or at random (a draw that would have picked A picks B)."""
    for assignment, draw in (("shortest_queue", 0.0), ("random", 0.25)):
        env, a, b, department = _two_doctors(((480.0, 500.0),), assignment)
        b.arrive(0, 495.0)
        b.arrive(1, 496.0)
        chosen = _choose_at(env, department, 501.0, visit=2, draw=draw)
        env.run()
        assert a.queue.closed and a.sessions.rows["left"] == [500.0]
        assert chosen == [b.queue], assignment
