"""The engine's kernel (``sim.engine.kernel``): its processes refuse what they cannot do
correctly, loudly; its shortcuts leave the order of events exactly as plain SimPy
would give it; its garbage-collector guards restore what they change."""

from __future__ import annotations

import ast
import gc
import random
from pathlib import Path

import pytest
import simpy

import sim
from sim.engine.kernel import (
    DayEnvironment,
    LeanProcess,
    bell_at,
    call_at,
    collector_paused,
    existing_objects_frozen,
    hand_over,
    preset_timeout,
    see_out,
    start_each_at,
    start_now,
    wake,
)

# --- LeanProcess fails loudly ---------------------------------------------------------


def test_a_failed_event_is_thrown_into_the_process_which_may_handle_it():
    """As in simpy.Process: the failed event's exception is raised at the yield (not
    sent in as a value), and a process that catches it carries on; the run goes on."""
    env = simpy.Environment()
    failing = env.event()
    seen = []

    def day():
        try:
            value = yield failing
            seen.append(("value", value))
        except ValueError as error:
            seen.append(("caught", str(error), env.now))
        yield env.timeout(1)
        seen.append(("done", env.now))

    start_now(env, day())
    call_at(env, 2, lambda _event: failing.fail(ValueError("no such exam")))
    env.run()
    assert seen == [("caught", "no such exam", 2), ("done", 3)]


def test_a_failed_event_the_process_does_not_handle_stops_the_run():
    """Uncaught, the exception stops the run at the failed event's time, and the
    process does not go on as if the event had succeeded."""
    env = simpy.Environment()
    failing = env.event()
    went_on = []

    def day():
        yield failing
        went_on.append(env.now)

    LeanProcess(day(), env.timeout(0))
    call_at(env, 2, lambda _event: failing.fail(ValueError("no such exam")))
    with pytest.raises(ValueError, match="no such exam"):
        env.run()
    assert went_on == [] and env.now == 2


def test_an_already_processed_event_is_refused_with_a_clear_error():
    """Waiting on an event whose callbacks have already run could never resume the
    process: a RuntimeError names the process and the event."""
    env = simpy.Environment()
    past = env.timeout(1)
    env.run(until=2)

    def patient():
        yield past

    LeanProcess(patient(), env.timeout(1))
    with pytest.raises(RuntimeError, match=r"patient yielded .*already processed"):
        env.run()


def test_yielding_something_that_is_not_an_event_is_refused():
    """A RuntimeError, not an AttributeError from inside the kernel."""
    env = simpy.Environment()

    def patient():
        yield 5.0

    start_now(env, patient())
    with pytest.raises(RuntimeError, match="patient yielded 5.0, which is not a SimPy event"):
        env.run()


# --- the order of simultaneous events ---------------------------------------------------


def _events_of(use_kernel: bool, seed: int, environment=simpy.Environment) -> list[tuple]:
    """Patients start at given times (many equal) and, once started, wait a few
    minutes (often zero) twice; other processes, started while the day runs, tick at
    whole minutes. With ``use_kernel`` the patients start through ``start_each_at``;
    otherwise each is a plain SimPy process that sleeps until its start. Returns the
    log of (what, who, time) in the order it happened."""
    rng = random.Random(seed)
    env = environment()
    log = []
    starts = sorted(rng.choice([1.0, 2.0, 2.5, 3.0]) for _ in range(30))
    steps = [(rng.choice([0.0, 0.5, 1.0]), rng.choice([0.0, 1.0])) for _ in starts]

    def patient(i):
        log.append(("start", i, env.now))
        for delay in steps[i]:
            yield env.timeout(delay)
            log.append(("step", i, env.now))

    def sleeping_patient(i):
        yield env.timeout(starts[i])
        yield from patient(i)

    def ticker(k):
        for _ in range(5):
            yield env.timeout(rng.choice([0.5, 1.0]))
            log.append(("tick", k, env.now))

    if use_kernel:
        start_each_at(env, [(when, patient(i)) for i, when in enumerate(starts)])
    else:
        for i in range(len(starts)):
            env.process(sleeping_patient(i))
    for k in range(5):
        env.process(ticker(k))
    env.run()
    return log


@pytest.mark.parametrize("seed", range(5))
def test_patients_start_in_the_order_plain_simpy_processes_would(seed):
    """start_each_at keeps only the next start in the event queue, yet every event
    (starts, the patients' own timeouts, other processes' timeouts, many at equal
    times) happens in the order of plain SimPy processes set up at the opening."""
    kernel = _events_of(True, seed)
    plain = _events_of(False, seed)
    assert len(kernel) == 30 * 3 + 25
    assert kernel == plain


def _time_pairs(n: int, seed: int) -> list[tuple[float, float]]:
    """Pairs of times (earlier, later) over nine decades: for about 1% of them
    ``earlier + (later - earlier) != later`` (the subtraction rounds)."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(n):
        a, b = (rng.uniform(0, 1) * 10 ** rng.uniform(-3, 6) for _ in range(2))
        pairs.append((min(a, b), max(a, b)))
    return pairs


def test_starts_and_bells_happen_at_exactly_their_times():
    """A start, a bell or a preset timer happens at exactly its time, also where the
    clock cannot reach that time by ``when - now`` from where it is (the subtraction
    rounds, and for some pairs no delay at all reaches it)."""
    pairs = _time_pairs(2000, 3)
    assert sum(first + (second - first) != second for first, second in pairs) > 5
    seen, rung, timed = [], [], []
    for first, second in pairs:
        env = simpy.Environment(initial_time=first)

        def patient(env=env):
            seen.append(env.now)
            return
            yield

        start_each_at(env, [(first, patient()), (second, patient())])
        bell_at(env, second, lambda env=env: rung.append(env.now))
        preset_timeout(env, second).callbacks.append(lambda event: timed.append(event.env.now))
        env.run()
    assert seen == [time for pair in pairs for time in pair]
    assert rung == timed == [second for _, second in pairs]


def test_a_start_before_the_clock_is_refused():
    """Starts must come in order of time: one earlier than the clock would run the
    clock backwards, so it is refused."""
    env = simpy.Environment(initial_time=10.0)

    def patient():
        return
        yield

    with pytest.raises(ValueError, match="cannot set up an event at 5.0: the clock is at 10.0"):
        start_each_at(env, [(5.0, patient())])


def test_what_is_set_up_before_the_day_comes_first_at_equal_times():
    """Bells and preset timeouts ring before anything scheduled while the day runs for
    the same moment, and among themselves in the order they were set up."""
    env = simpy.Environment()
    log = []

    def doctor():
        yield env.timeout(5)  # scheduled once the day runs
        log.append("doctor")

    env.process(doctor())
    bell_at(env, 5, lambda: log.append("bell A"))
    preset_timeout(env, 5).callbacks.append(lambda _event: log.append("timer"))
    bell_at(env, 5, lambda: log.append("bell B"))
    call_at(env, 5, lambda _event: log.append("call"))
    env.run()
    assert log == ["bell A", "timer", "bell B", "call", "doctor"]


def _consultations(use_kernel: bool, seed: int, environment=simpy.Environment) -> list[tuple]:
    """A doctor sees patients one after another; each patient, seen out, waits a
    moment (often zero) and logs. Other processes tick at the same moments. With
    ``use_kernel`` the doctor sees each patient out with ``see_out`` and hands them
    over when next waiting; otherwise with ``succeed``. Returns the log."""
    rng = random.Random(seed)
    env = environment()
    log = []
    patients = [env.event() for _ in range(40)]
    durations = [rng.choice([0.0, 1.0, 1.0, 2.0]) for _ in patients]
    after = [rng.choice([0.0, 0.0, 1.0]) for _ in patients]

    def patient(i):
        doctor = yield patients[i]
        log.append(("seen out", i, doctor, env.now))
        yield env.timeout(after[i])
        log.append(("gone", i, env.now))

    def doctor():
        held = None
        for i, duration in enumerate(durations):
            consultation = env.timeout(duration)
            if held is not None:
                hand_over(held, 9)
                held = None
            yield consultation
            log.append(("done", i, env.now))
            if use_kernel:
                held = see_out(env, patients[i], 9)
            else:
                patients[i].succeed(9)
        if held is not None:
            hand_over(held, 9)

    def ticker(k):
        for _ in range(20):
            yield env.timeout(rng.choice([1.0, 2.0]))
            log.append(("tick", k, env.now))

    for i in range(len(patients)):
        env.process(patient(i))
    env.process(doctor())
    for k in range(3):
        env.process(ticker(k))
    env.run()
    return log


@pytest.mark.parametrize("seed", range(5))
def test_seeing_a_patient_out_keeps_the_order_of_events(seed):
    """Handing the patient over when the doctor next waits (nothing else due at that
    moment) or scheduling them behind what is due gives the very order ``succeed``
    gives; with ticks at the same moments both cases occur."""
    kernel = _consultations(True, seed)
    assert kernel == _consultations(False, seed)
    assert sum(entry[0] == "gone" for entry in kernel) == 40


@pytest.mark.parametrize("seed", range(5))
def test_the_day_environment_processes_events_in_simpys_order(seed):
    """``DayEnvironment`` (a plain clock attribute, timeouts pushed directly, the step
    loop written out) gives the very log plain SimPy gives: starts, timeouts, other
    processes' ticks and patients seen out, many at equal times."""
    for use_kernel in (True, False):
        assert _events_of(use_kernel, seed, DayEnvironment) == _events_of(use_kernel, seed)
        assert _consultations(use_kernel, seed, DayEnvironment) == _consultations(use_kernel, seed)


def test_the_day_environment_clock_and_failures_are_simpys():
    """Its ``now`` follows the clock through ``run``, ``run(until)`` and ``step``; a
    negative timeout is refused; an unhandled failed event stops the run with a copy
    of its exception, as SimPy does."""
    env = DayEnvironment(initial_time=5.0)
    seen = []

    def ticker():
        for delay in (1.0, 0.5, 2.0):
            yield env.timeout(delay)
            seen.append((env.now, env._now))

    start_now(env, ticker())
    env.step()  # the start
    env.step()
    assert env.now == env._now == 6.0
    env.run(until=7.0)
    assert env.now == 7.0
    env.run()
    assert seen == [(6.0, 6.0), (6.5, 6.5), (8.5, 8.5)] and env.now == 8.5
    with pytest.raises(ValueError, match="Negative delay"):
        env.timeout(-1.0)
    failing = env.event()
    call_at(env, 10.0, lambda _event: failing.fail(KeyError("lab")))
    with pytest.raises(KeyError, match="lab") as raised:
        env.run()
    assert raised.value.__cause__ is not None and env.now == 10.0


def test_a_doctor_is_woken_at_once_only_when_nothing_else_is_due():
    """``wake`` resumes a resting doctor in the same step when nothing else is due,
    and otherwise through the event queue: either way the doctor resumes at the same
    moment and after what was due."""
    env = simpy.Environment()
    log = []
    alarm = env.event()

    def resting():
        yield alarm
        log.append(("doctor up", env.now))

    day = resting()
    start_now(env, day)

    def patient(due_too):
        yield env.timeout(3)
        if due_too:
            call_at(env, env.now, lambda _event: log.append(("other", env.now)))
        wake(env, alarm, day)
        log.append(("woke", env.now))

    env.process(patient(True))
    env.run()
    assert log == [("woke", 3), ("other", 3), ("doctor up", 3)]

    env = simpy.Environment()
    log.clear()
    alarm = env.event()
    day = resting()
    start_now(env, day)
    env.process(patient(False))
    env.run()
    assert log == [("doctor up", 3), ("woke", 3)]  # resumed within the call


def test_a_doctor_woken_while_their_own_day_runs_is_woken_through_the_queue():
    """A doctor who rests and, in the same step, wakes themselves (a patient they
    see out joins their queue) is not yet waiting on the alarm: waking at once would
    lose the wake-up and the doctor would never resume."""
    env = simpy.Environment()
    log = []

    def doctor():
        yield env.timeout(1)
        alarm = env.event()
        wake(env, alarm, day)  # the generator is running: must go through the queue
        yield alarm
        log.append(("up", env.now))

    day = doctor()
    start_now(env, day)
    env.run()
    assert log == [("up", 1)]


# --- the garbage collector ----------------------------------------------------------------


def test_the_collector_is_paused_for_a_day_and_restored():
    """Enabled again after the day (also when the day fails); left disabled if the
    caller had disabled it."""
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(KeyError), collector_paused():
        raise KeyError("day failed")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_existing_objects_are_frozen_for_a_replication_and_released():
    """Frozen during the replication, released after it (also when it fails); a
    caller's own freeze is left as it is."""
    assert gc.get_freeze_count() == 0
    with existing_objects_frozen():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    with pytest.raises(KeyError), existing_objects_frozen():
        raise KeyError("replication failed")
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with existing_objects_frozen():
            assert gc.get_freeze_count() == frozen
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


# --- one kernel ---------------------------------------------------------------------------

SIMPY_INTERNALS = {"_ok", "_value", "_defused", "_queue", "_now", "_eid", "callbacks", "peek", "gi_running"}


def test_only_the_kernel_touches_simpy_internals_or_the_collector():
    """No module of the package but ``sim.engine.kernel`` imports ``gc`` or SimPy's
    ``events``/``core`` modules, or reads or sets an event's or environment's
    internals (or ``callbacks``, ``peek``, a generator's ``gi_running``)."""
    root = Path(sim.__file__).parent
    offences = []
    for path in sorted(root.rglob("*.py")):
        if path == root / "engine" / "kernel.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Attribute) and node.attr in SIMPY_INTERNALS:
                names = [f".{node.attr}"]
            else:
                continue
            for name in names:
                if name == "gc" or name.startswith(("simpy.", ".")):
                    offences.append(f"{path.relative_to(root)}:{node.lineno} {name}")
    assert offences == []
