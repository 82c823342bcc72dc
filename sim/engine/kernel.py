"""How patients' and doctors' days run on SimPy events.

A patient's or a doctor's process is a generator that yields SimPy events, as in
any SimPy model; ``LeanProcess`` resumes it when the event it waits for is
processed, as ``simpy.Process`` does, with two differences that save work on every
visit:

* it starts on any event — a patient when they leave the registration desk, known
  when the day opens (``sim.engine.registration``, ``Starts``), instead of on an
  ``Initialize`` event at the time it is created; a doctor on SimPy's
  ``Initialize``, as ``env.process`` would;
* when the generator ends, nothing is scheduled: nobody waits for a patient or a
  doctor to finish, so SimPy's termination event would be processed with no
  callbacks. (Nor does it keep ``env.active_process``, which nothing here reads.)

``process_now`` lets a doctor hand a patient on without a round through the event
queue when nothing else is due at that moment (``sim.engine.doctors.doctor_day``).
Everything else — the environment, the event queue and its ordering, timeouts and
events the doctors trigger — is plain SimPy.
"""

from __future__ import annotations

import math
from collections.abc import Generator

import simpy


def exact_delay(now: float, when: float) -> float:
    """A delay d with now + d == when exactly, so that an event scheduled from
    ``now`` is processed at the very time ``when`` (``when - now`` can be off by a
    rounding step; nudging it by one unit in the last place at a time fixes that)."""
    delay = when - now
    while now + delay < when:
        delay = math.nextafter(delay, math.inf)
    while now + delay > when:
        delay = math.nextafter(delay, -math.inf)
    return delay


def process_now(event: simpy.Event, value: object) -> None:
    """Trigger ``event`` with ``value`` and run its callbacks at once, as
    ``Environment.step`` does when it reaches an event (what ``succeed`` would
    schedule). Only for an event that would be the next one processed anyway:
    ``sim.engine.doctors.doctor_day`` uses it for a patient leaving the doctor when nothing
    else is due at that moment."""
    event._ok = True
    event._value = value
    callbacks, event.callbacks = event.callbacks, None
    for callback in callbacks:
        callback(event)


def set_up_timeout(env: simpy.Environment, delay: float) -> simpy.Event:
    """A timeout for what is set up before the day runs: session bells, the doctors'
    first session timers, the patients' starts (``Starts``). Scheduled URGENT, so
    that at equal times they come before everything scheduled while the day runs —
    as they would by having been scheduled first — and among themselves in the order
    they were scheduled (SimPy orders events by time, priority, then scheduling)."""
    event = simpy.Event(env)
    event._ok = True
    event._value = None
    env.schedule(event, simpy.events.URGENT, delay)
    return event


class Starts:
    """Starts patients' processes at given times, in order of time (then of visit).

    Only the next start waits in the event queue; each start schedules the one after
    it. So the queue stays short however many patients a day has (a 1,000-hour
    validation session has 30,000), and every event's heap operation stays cheap.
    Starts are ``set_up_timeout`` events, so they keep their place among
    simultaneous events, as if they had all been scheduled when the day opened.
    """

    def __init__(self, env: simpy.Environment, processes: list[tuple[float, Generator]]):
        self.env = env
        self.pending = processes  # (start time, generator), in the order they start
        self.next = 0

    def schedule_next(self, _event: simpy.Event | None = None) -> None:
        if self.next == len(self.pending):
            return
        when, generator = self.pending[self.next]
        self.next += 1
        start = set_up_timeout(self.env, exact_delay(self.env.now, when))
        start.callbacks.append(self.schedule_next)
        LeanProcess(generator, start)


class LeanProcess:
    """Drives a generator of events from ``start`` (an event; or pass this object to
    ``simpy.events.Initialize``) until it ends."""

    __slots__ = ("_generator",)

    def __init__(self, generator: Generator[simpy.Event, object, None], start: simpy.Event | None = None):
        self._generator = generator
        if start is not None:
            start.callbacks.append(self._resume)

    def _resume(self, event: simpy.Event) -> None:
        try:
            # as simpy.Process._resume: the event's value goes back into the generator
            event = self._generator.send(event._value)
        except StopIteration:
            return  # the day is over for this patient or doctor
        event.callbacks.append(self._resume)
