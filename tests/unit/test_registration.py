"""Registration settled when the day opens (``sim.engine.registration.settle``): times
worked out by hand for windows, kiosks, pre-registered patients and no-shows, and
continuation times that are exactly what the simulation clock would show."""

from __future__ import annotations

import math
import random

import numpy as np
import simpy

from sim.engine.records import Stage
from sim.engine.registration import Desks, settle

NAN = math.nan
DAY_START = 1440.0  # day 1
OPENS = DAY_START + 480.0  # 8:00


def settled(arrival, service, kiosk, pre_registered, coming, windows=1, kiosks=1, day_start=DAY_START, opens=OPENS):
    stage = Stage("registration", list(service), len(arrival))
    ready = settle(
        stage,
        np.array(arrival, dtype=float),
        np.array(kiosk),
        np.array(pre_registered),
        np.array(coming),
        Desks(windows, kiosks, opens),
        day_start,
    )
    return stage, ready


def same(actual, expected) -> bool:
    """Equal, NaN matching NaN."""
    return len(actual) == len(expected) and all(
        (a != a and e != e) or a == e for a, e in zip(actual, expected, strict=True)
    )


def test_windows_kiosks_pre_registered_and_no_shows_by_hand():
    """One window and one kiosk, opening at 8:00 (minute 1920 of the run).

    - 0: window, arrives 7:40 (1900), 5 min: waits for the opening, 1920-1925.
    - 1: kiosk, 7:50, 2 min: the kiosk opens with the window, 1920-1922.
    - 2: window, 7:55, 4 min: behind 0, 1925-1929.
    - 3: pre-registered online, 7:56: skips the desk, continues at once (1916).
    - 4: booked, did not come: nothing, not even a continuation time.
    - 5: kiosk, 8:01, 3 min: behind 1 (free at 1922), 1922-1925.
    - 6: window, 8:10, 6 min: the window is free again (1929), 1930-1936.
    """
    stage, ready = settled(
        arrival=[1900.0, 1910.0, 1915.0, 1916.0, NAN, 1921.0, 1930.0],
        service=[5.0, 2.0, 4.0, 3.0, 3.0, 3.0, 6.0],
        kiosk=[False, True, False, False, False, True, False],
        pre_registered=[False, False, False, True, False, False, False],
        coming=[True, True, True, True, False, True, True],
    )
    assert same(stage.start, [1920.0, 1920.0, 1925.0, NAN, NAN, 1922.0, 1930.0])
    assert same(stage.end, [1925.0, 1922.0, 1929.0, NAN, NAN, 1925.0, 1936.0])
    assert same(stage.wait, [20.0, 10.0, 10.0, NAN, NAN, 1.0, 0.0])
    assert same(ready, [1925.0, 1922.0, 1929.0, 1916.0, NAN, 1925.0, 1936.0])
    assert all(type(t) is float for t in ready)  # the simulation clock takes its type from them


def test_two_windows_share_the_queue():
    """With two windows the patient at 7:55 takes the second window at the opening
    instead of queueing behind the first patient; the kiosk queue is unchanged."""
    stage, ready = settled(
        arrival=[1900.0, 1910.0, 1915.0, 1921.0],
        service=[5.0, 2.0, 4.0, 3.0],
        kiosk=[False, True, False, True],
        pre_registered=[False] * 4,
        coming=[True] * 4,
        windows=2,
    )
    assert stage.start == [1920.0, 1920.0, 1920.0, 1922.0]
    assert stage.end == [1925.0, 1922.0, 1924.0, 1925.0]
    assert ready == stage.end


def test_continuation_times_are_what_the_clock_would_show():
    """A patient walking up to the desk would be simulated by a timeout from the day's
    start to their arrival, then one to the end of their registration: the times
    ``settle`` gives are exactly the clock's, also where ``arrival + (end - arrival)``
    is not the recorded end (early arrivals of day 0, whose times span decades)."""
    rng = random.Random(11)
    n = 300
    arrival = sorted(rng.uniform(0, 1) * 10 ** rng.uniform(-2, 2) for _ in range(n))
    service = [rng.expovariate(1 / 1.5) for _ in range(n)]
    kiosk = [rng.random() < 0.3 for _ in range(n)]
    pre_registered = [rng.random() < 0.2 for _ in range(n)]
    stage, ready = settled(arrival, service, kiosk, pre_registered, [True] * n, 2, 2, day_start=0.0, opens=0.0)

    env = simpy.Environment()
    clock = [NAN] * n

    def patient(visit):
        yield env.timeout(arrival[visit])
        if not pre_registered[visit]:
            yield env.timeout(stage.end[visit] - env.now)
        clock[visit] = env.now

    for visit in range(n):
        env.process(patient(visit))
    env.run()
    assert ready == clock
    assert sum(e == e and a + (e - a) != e for a, e in zip(arrival, stage.end, strict=True)) > 0
