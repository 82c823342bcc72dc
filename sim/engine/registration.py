"""Registration, settled when the day opens.

The registration windows (and the self-service kiosks) are first-come-first-served
stations fed only by arrivals, and the day's arrival times are drawn, sorted, before
the clinic opens. So every patient's registration start and end are known before the
simulation runs: the same Kiefer-Wolfowitz recursion as ``sim.engine.stations.FifoStation``
(a heap of the times each server is next free), walked through the patients in
arrival order — which is also the order in which patients arriving at the same
moment would have reached the desk. Booked patients registered when they booked
skip it; booked patients who do not come have no day.

A patient's day in the simulation then starts when they leave the desk, which
saves the events of the arrival and of the registration itself. The times are
computed with exactly the arithmetic the simulation clock would have used (a
timeout from the day's start to the arrival, then one to the registration's end),
so every recorded time is what a patient process walking up to the desk records.
"""

from __future__ import annotations

from dataclasses import dataclass
from heapq import heapreplace

import numpy as np


@dataclass
class Desks:
    """Servers and opening time of the windows and the kiosks."""

    windows: int
    kiosks: int
    opens: float  # absolute minutes; kiosks open with the windows


def settle(
    arrival: np.ndarray,
    service: np.ndarray,
    at_kiosk: np.ndarray,
    skips: np.ndarray,
    coming: np.ndarray,
    desks: Desks,
    day_start: float,
) -> tuple[list[float], list[float], list[float], list[float]]:
    """Registration (start, end, wait) of each patient (NaN for those who skip it or
    do not come), and when each patient's day continues (leaves the desk, or arrives
    for those who skip it; NaN for those who do not come)."""
    n = len(arrival)
    nan = float("nan")
    start, end, wait = [nan] * n, [nan] * n, [nan] * n
    ready = [nan] * n
    free = {False: [desks.opens] * desks.windows, True: [desks.opens] * max(desks.kiosks, 1)}
    # the clock reaches an arrival by a timeout from the day's start
    arrived = ((arrival - day_start) + day_start).tolist()
    for visit, (now, s, kiosk, skip, comes) in enumerate(
        zip(arrived, service.tolist(), at_kiosk.tolist(), skips.tolist(), coming.tolist(), strict=True)
    ):
        if not comes:
            continue
        if skip:
            ready[visit] = now
            continue
        free_at = free[kiosk]
        begins = free_at[0] if free_at[0] > now else now
        ends = begins + s
        heapreplace(free_at, ends)
        start[visit], end[visit], wait[visit] = begins, ends, begins - now
        ready[visit] = now + (ends - now)  # the clock reaches the end by a timeout from the arrival
    return start, end, wait, ready
