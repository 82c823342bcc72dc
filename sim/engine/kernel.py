"""The engine's kernel: the only code that reaches into SimPy's internals or the
garbage collector.

The model (``sim.engine.pathway``, ``doctors``, ``slot_queue``, ``stations``) is
written in plain SimPy: a patient's or a doctor's day is a generator that yields
events, and the environment, its event queue and the order of simultaneous events
(time, then priority, then scheduling order) are SimPy's own. What it asks of the
kernel, in the model's words:

* ``start_now(env, day)``: start a doctor's day now, as ``env.process`` would;
* ``start_each_at(env, [(time, day), ...])``: start each patient's day at its time;
* ``preset_timeout(env, when)``, ``bell_at(env, when, ring)``: a timer, a session's
  bell, set up before the day runs;
* ``call_at(env, when, callback)``: a timer set while the day runs;
* ``see_out(env, patient, doctor_id)``, ``hand_over(patient, doctor_id)``: a
  consultation has ended and the patient leaves the room;
* ``wake(env, alarm, day)``: wake a resting doctor;
* ``collector_paused()``, ``existing_objects_frozen()``: keep the garbage collector
  from rescanning, again and again, objects that reference counting frees or that
  outlive the run.

Every trick below saves work on every visit and keeps the order of events exactly
what plain SimPy would give (``tests/unit/test_kernel.py`` checks it); each says
why in one comment, as SimPy's own ``core.py`` and ``events.py`` do. Events set up
before the day runs happen at exactly their time, which ``now + (when - now)``
does not always give.

Days run on ``LeanProcess``, which resumes a generator when the event it waits for
is processed, as ``simpy.Process`` does, but starts on any event (a patient when they
leave the registration desk, known when the day opens) and schedules nothing when
the generator ends (nobody waits for a patient or a doctor to finish). It refuses
what it cannot do correctly, loudly:

* an event that **failed** (``event.fail(exc)``): ``exc`` is thrown into the
  generator, as ``simpy.Process`` does; the generator may catch it, otherwise the
  run stops with it;
* an event **already processed** (its callbacks have run, so it can never resume
  anybody) or something that is not an event: ``RuntimeError`` naming the
  generator and what it yielded. (``simpy.Process`` would resume at once with the
  processed event's value; nothing in this engine yields one, so doing it would
  only hide a mistake.)
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from heapq import heappop, heappush

import simpy
from simpy.core import EmptySchedule, StopSimulation
from simpy.events import NORMAL, URGENT, Event, Initialize, Timeout

Day = Generator[simpy.Event, object, None]


class DayEnvironment(simpy.Environment):
    """A SimPy environment for one day, leaner on the three things the model does at
    every step: read the clock, set a timeout, and have the next event processed. Same
    events, same order (time, priority, scheduling order), same results:

    * ``now`` is a plain attribute, set together with SimPy's ``_now`` whenever the
      clock moves (``run``, ``step``), instead of a property (a function call, read
      millions of times a run);
    * ``timeout(delay)`` builds the ``Timeout`` and pushes it on the queue itself, as
      ``Timeout.__init__`` and ``Environment.schedule`` do, without the two calls;
    * ``run()`` (to the end of the day; ``until`` is left to SimPy's) is SimPy's
      ``step`` loop written out, with no method call or ``try`` per event.
    """

    now = 0.0  # shadows Environment.now (a property): an attribute of each instance, see above

    def __init__(self, initial_time: float = 0):
        super().__init__(initial_time)
        self.now = initial_time
        self.event = self._event  # as SimPy binds its own (BoundClass.bind_early), not looked up at each call

    def _event(self) -> Event:
        event = Event.__new__(Event)  # Event.__init__, written out
        event.env = self
        event.callbacks = []
        return event

    def timeout(self, delay: float, value: object = None) -> Timeout:  # type: ignore[override]
        if delay < 0:
            raise ValueError(f"Negative delay {delay}")
        event = Timeout.__new__(Timeout)
        event.env = self
        event.callbacks = []
        event._value = value
        event._delay = delay
        event._ok = True
        heappush(self._queue, (self._now + delay, NORMAL, next(self._eid), event))
        return event

    def step(self) -> None:
        """SimPy's ``Environment.step``, the clock attribute set with ``_now`` before
        the callbacks run. (``run(until)`` is SimPy's, on this step.)"""
        try:
            now, _, _, event = heappop(self._queue)
        except IndexError:
            raise EmptySchedule from None
        self._now = self.now = now
        callbacks, event.callbacks = event.callbacks, None
        try:
            for callback in callbacks:
                callback(event)
        except StopSimulation:
            # as SimPy: the callbacks not yet run wait for the run to resume
            event.callbacks = callbacks[callbacks.index(callback) + 1 :]
            self.schedule(event, URGENT - 1)
            raise
        if not event._ok and not hasattr(event, "_defused"):
            exc = type(event._value)(*event._value.args)
            exc.__cause__ = event._value
            raise exc

    def run(self, until: float | simpy.Event | None = None) -> object:
        if until is not None:
            return super().run(until)
        queue = self._queue
        while queue:
            now, _, _, event = heappop(queue)
            self._now = self.now = now
            # from here as Environment.step: callbacks taken first, so none is added twice
            callbacks, event.callbacks = event.callbacks, None
            for callback in callbacks:
                callback(event)
            if not event._ok and not hasattr(event, "_defused"):
                # a failed event nobody handled stops the run, as in SimPy: a copy of its exception
                exc = type(event._value)(*event._value.args)
                exc.__cause__ = event._value
                raise exc
        return None


class LeanProcess:
    """Drives the generator ``day`` from the event ``start`` (or, with no ``start``,
    from whatever event is given this object, e.g. ``simpy.events.Initialize``) until
    it ends. See the module's docstring for what it refuses."""

    __slots__ = ("_generator",)

    def __init__(self, day: Day, start: simpy.Event | None = None):
        self._generator = day
        if start is not None:
            start.callbacks.append(self._resume)

    def _resume(self, event: simpy.Event) -> None:
        try:
            if event._ok:
                # as simpy.Process._resume: the event's value goes back into the generator
                event = self._generator.send(event._value)
            else:
                event._defused = True  # handed to the generator: SimPy's step must not raise it again
                event = self._generator.throw(event._value)
        except StopIteration:
            return  # the day is over for this patient or doctor
        try:
            # optimistic, as SimPy: a processed event has callbacks None, a non-event none at all
            event.callbacks.append(self._resume)
        except AttributeError:
            raise RuntimeError(self._cannot_wait_on(event)) from None

    def _cannot_wait_on(self, event: object) -> str:
        name = getattr(self._generator, "__qualname__", repr(self._generator))
        if isinstance(event, simpy.Event):
            return (
                f"{name} yielded {event!r}, an event already processed: it can never resume the process "
                "(LeanProcess waits only on events still to be processed)"
            )
        return f"{name} yielded {event!r}, which is not a SimPy event"


def start_now(env: simpy.Environment, day: Day) -> None:
    """Start ``day`` at the current time, as ``env.process`` would (on SimPy's
    ``Initialize`` event, so in the same order among simultaneous events)."""
    Initialize(env, LeanProcess(day))  # type: ignore[arg-type]  # Initialize only calls process._resume


def start_each_at(env: simpy.Environment, days: list[tuple[float, Day]]) -> None:
    """Start each ``day`` at its time, in the order given (which must be by time; at
    equal times, list order). Each start keeps its place among simultaneous events as
    if all had been scheduled before the day ran (``preset_timeout``)."""
    _Starts(env, days).schedule_next()


class _Starts:
    """Only the next start waits in the event queue; each start schedules the one
    after it. So the queue stays short however many patients a day has (a 1,000-hour
    validation session has 30,000), and every event's heap operation stays cheap."""

    __slots__ = ("env", "pending", "next")

    def __init__(self, env: simpy.Environment, days: list[tuple[float, Day]]):
        self.env = env
        self.pending = days
        self.next = 0

    def schedule_next(self, _event: simpy.Event | None = None) -> None:
        if self.next == len(self.pending):
            return
        when, day = self.pending[self.next]
        self.next += 1
        start = _preset(self.env, when)
        # the next start is scheduled before this patient moves, as if all were set up at opening
        start.callbacks.append(self.schedule_next)
        LeanProcess(day, start)


def _preset(env: simpy.Environment, when: float) -> simpy.Event:
    if not when >= env._now:  # also NaN: the clock never goes back
        raise ValueError(f"cannot set up an event at {when}: the clock is at {env._now}")
    event = Event(env)
    # triggered by hand, as Timeout.__init__ does, and scheduled as env.schedule does,
    # but: at ``when`` itself (now + (when - now) can round to a neighbour of ``when``,
    # and for some pairs no delay reaches it); and URGENT, so that at equal times it
    # comes before everything scheduled while the day runs, as it would by having been
    # scheduled first, and after what was set up before it (SimPy orders events by
    # time, priority, then scheduling)
    event._ok = True
    event._value = None
    heappush(env._queue, (when, URGENT, next(env._eid), event))
    return event


def preset_timeout(env: simpy.Environment, when: float) -> simpy.Event:
    """A timeout at ``when`` for what is set up before the day runs (the doctors'
    first session timers): at equal times it comes before everything scheduled while
    the day runs, and among set-up events in the order they were set up."""
    return _preset(env, when)


def bell_at(env: simpy.Environment, when: float, ring: Callable[[], None]) -> None:
    """Call ``ring()`` at ``when``; set up before the day runs, like ``preset_timeout``
    (a session's end: at equal times the bell rings before any doctor's event)."""
    _preset(env, when).callbacks.append(lambda _event: ring())


def call_at(env: simpy.Environment, when: float, callback: Callable[[simpy.Event], None]) -> None:
    """Call ``callback(event)`` at ``when``, through a plain timeout (scheduled now,
    so after everything already due at that time)."""
    env.timeout(when - env._now).callbacks.append(callback)


def see_out(env: simpy.Environment, patient: simpy.Event, doctor_id: int) -> simpy.Event | None:
    """A consultation has ended: the patient, waiting on ``patient``, leaves the
    room with ``doctor_id``. If nothing else is due at this moment, return the event:
    the caller hands it over (``hand_over``) when the doctor next waits, which is
    when the event queue would have processed it, without the round through the
    queue. Otherwise it is scheduled behind what is due (``succeed``); returns None."""
    queue = env._queue
    # env.peek() > env.now, read directly: this runs at every consultation
    if not queue or queue[0][0] > env._now:
        return patient
    patient.succeed(doctor_id)
    return None


def hand_over(patient: simpy.Event, doctor_id: int) -> None:
    """Process ``patient`` (held by ``see_out``) now, with ``doctor_id``: what
    ``Environment.step`` would do on reaching it after ``succeed``."""
    patient._ok = True
    patient._value = doctor_id
    callbacks, patient.callbacks = patient.callbacks, None
    for callback in callbacks:
        callback(patient)


def wake(env: simpy.Environment, alarm: simpy.Event, day: Day | None) -> None:
    """Wake a resting doctor: trigger ``alarm``, the event their ``day`` (its
    generator, or None if it runs on a ``simpy.Process``) waits on. At once if
    nothing else is due at this moment (the wake-up would be the next event
    processed) and the day is not itself running (a doctor who has just rested,
    still seeing the last patient out, is not yet waiting on ``alarm``); otherwise
    through the event queue."""
    if day is not None and not day.gi_running:
        queue = env._queue
        if not queue or queue[0][0] > env._now:
            hand_over(alarm, None)  # type: ignore[arg-type]
            return
    alarm.succeed()


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a day runs. Every event, timeout and queue
    entry is freed by reference counting as soon as it is done with; the collector
    would only scan the day's live objects again and again (about 5% of the run). The
    day's structure (clinic, queues, processes: a few reference cycles) is collected
    once the day is over. Left alone if the caller has disabled the collector."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def existing_objects_frozen() -> Iterator[None]:
    """Keep the objects that exist before a replication starts (modules, configs: about
    120,000 of them) out of the garbage collector's full collections while it runs.
    The simulation allocates enough to trigger several full collections, each of which
    would scan them all again (about 15% of a run's time). Left alone if the caller
    has frozen objects of their own."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
