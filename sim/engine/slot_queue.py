"""The appointment-aware queue discipline at the doctor.

When a doctor is free they call, in this order:

1. a returning patient with results (with review priority), first come first served;
2. a booked patient whose slot time has come, earliest slot first — so a booked
   patient present at their slot is never overtaken by a walk-in, and a late patient
   who kept their booking is seen at the doctor's next free moment;
3. a walk-in (including booked patients demoted to walk-in for lateness, and returning
   patients without review priority), first come first served, elderly first when
   elderly priority is on;
4. with ``early_arrivals: seen_if_free``, a booked patient of the current session who
   came before their slot: walk-ins fill the gaps, and so do early arrivals when nobody
   else is waiting. With ``wait_for_slot`` the doctor waits for the slot instead (a
   timer at the slot time wakes an idle doctor).

Three heaps keep the three groups; each call looks at their tops only. Departments
without bookings or elderly priority use the plain ``sim.engine.doctors.ConsultQueue``.

At a session's end the patients owed overtime are the returning patients, the booked
patients whose slot has come (every slot of the session that ends) and the walk-ins
then waiting, called in the order above; a booked patient who came early for a slot
of a later session waits for that session (``sim.engine.doctors``).
"""

from __future__ import annotations

from heapq import heapify, heappop, heappush

import simpy

from sim.engine.doctors import INF, REVIEW, ConsultQueue, Doctor, GiveUps
from sim.engine.kernel import call_at

# A slot is due when now >= slot time; times reached by timeouts can differ from the
# slot time in the last bit, so "due" allows this much.
DUE_TOLERANCE = 1e-6


class SlotQueue(ConsultQueue):
    """Patients waiting for a doctor (or pool), called by slot, then walk-ins."""

    def __init__(
        self,
        env: simpy.Environment,
        doctors: list[Doctor],
        sessions: list[tuple[float, float]],
        review_priority: bool,
        give_ups: GiveUps,
        slot_time: list[float],
        slot_priority: list[bool],
        elderly: list[bool],
        see_early: bool,
        on_duty: list[int] | None = None,
    ):
        super().__init__(env, doctors, sessions, review_priority, give_ups, on_duty)
        self.slot_time = slot_time  # per visit of the day
        self.slot_priority = slot_priority  # per visit: called by slot time
        self.elderly = elderly  # per visit: elderly walk-in priority (all False when off)
        self.see_early = see_early
        self.reviews: list[tuple] = []  # heap of (REVIEW, seq, visit, True, event, deadline, joined)
        self.booked: list[tuple] = []  # heap of (slot time, seq, visit, False, event, deadline, joined)
        self.walk_ins: list[tuple] = []  # heap of (0 elderly / 1 other, seq, visit, is_review, ...)

    def join(self, visit: int, review: bool, deadline: float) -> simpy.Event:
        env = self.env
        now = env.now
        event = env.event()
        self.seq += 1
        if review and self.review_priority:
            heappush(self.reviews, (REVIEW, self.seq, visit, True, event, deadline, now))
        elif not review and self.slot_priority[visit]:
            slot = self.slot_time[visit]
            heappush(self.booked, (slot, self.seq, visit, False, event, deadline, now))
            if slot > now and not self.see_early:
                call_at(env, slot, self._slot_due)
        else:
            rank = 0 if self.elderly[visit] else 1
            heappush(self.walk_ins, (rank, self.seq, visit, review, event, deadline, now))
        if deadline < INF:
            heappush(self.give_ups.deadlines, (deadline, visit, self, event))
        self.waiting += 1
        self.load += 1
        if self.idle:
            self.wake_one()
        return event

    def _slot_due(self, _event) -> None:
        if self.idle:
            self.wake_one()

    def call(self, now: float) -> tuple | None:
        if self.reviews:
            return heappop(self.reviews)
        booked = self.booked
        if booked and booked[0][0] <= now + DUE_TOLERANCE:
            return heappop(booked)
        if self.walk_ins:
            return heappop(self.walk_ins)
        if booked and self.see_early and booked[0][0] < self._current_session_end(now):
            return heappop(booked)
        return None

    def _take_owed(self) -> list[tuple]:
        due_by = self.env.now + DUE_TOLERANCE
        due = [entry for entry in self.booked if entry[0] <= due_by]
        if due:
            self.booked = [entry for entry in self.booked if entry[0] > due_by]
            heapify(self.booked)
        owed = sorted(self.reviews) + sorted(due) + sorted(self.walk_ins)
        self.reviews, self.walk_ins = [], []
        owed.reverse()
        return owed

    def _current_session_end(self, now: float) -> float:
        """End of the session under way (or in overtime) at ``now``; early arrivals for
        a later session wait for it."""
        current = self.sessions[0][1]
        for start, end in self.sessions:
            if start <= now:
                current = end
        return current
