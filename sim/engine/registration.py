"""Registration, settled when the day opens.

The registration windows (and the self-service kiosks) are first-come-first-served
stations fed only by arrivals, and the day's arrival times are drawn, sorted, before
the clinic opens. So every patient's registration start and end are known before the
simulation runs: the FIFO recursion of ``sim.engine.stations`` (``book``), walked
through the patients of the windows and, separately, of the kiosks in arrival order
— which is also the order in which patients arriving at the same moment would have
reached the desk. Booked patients registered when they booked skip it; booked
patients who do not come have no day.

A patient's day in the simulation then starts when they leave the desk, which
saves the events of the arrival and of the registration itself. The times are
computed with exactly the arithmetic the simulation clock would have used (a
timeout from the day's start to the arrival, then one to the registration's end),
so every recorded time is what a patient process walking up to the desk records.

Windows or kiosks whose number follows a schedule (``sim.staffing.schedules``) are
walked through in the same order with ``sim.engine.stations.ShiftServers``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine.records import Stage
from sim.engine.stations import ShiftServers, book


@dataclass
class Desks:
    """Servers and opening time of the windows and the kiosks."""

    windows: int
    kiosks: int
    opens: float  # absolute minutes; kiosks open with the windows
    # schedules (absolute time, servers from then on), when the count changes during the day
    window_changes: list[tuple[float, int]] | None = None
    kiosk_changes: list[tuple[float, int]] | None = None


def settle(
    stage: Stage,
    arrival: np.ndarray,
    at_kiosk: np.ndarray,
    skips: np.ndarray,
    coming: np.ndarray,
    desks: Desks,
    day_start: float,
) -> list[float]:
    """Record each registering patient's start, end and wait in ``stage`` (whose
    ``service`` gives the lengths; patients who skip registration or do not come are
    left as they are), and return when each patient's day continues: when they leave
    the desk, or arrive for those who skip it; NaN for those who do not come."""
    # the clock reaches an arrival by a timeout from the day's start
    arrived = (arrival - day_start) + day_start
    registering = coming & ~skips
    for desk, servers, changes in (
        (~at_kiosk, desks.windows, desks.window_changes),
        (at_kiosk, max(desks.kiosks, 1), desks.kiosk_changes),
    ):
        visits = np.flatnonzero(registering & desk)
        if changes is not None:
            shifts = ShiftServers(changes)
            for visit, now in zip(visits.tolist(), arrived[visits].tolist(), strict=True):
                shifts.book(stage, visit, now)
            continue
        free_at = [desks.opens] * servers
        for visit, now in zip(visits.tolist(), arrived[visits].tolist(), strict=True):
            book(free_at, stage, visit, now)
    ready = np.where(coming, arrived, np.nan)
    visits = np.flatnonzero(registering)
    # the clock reaches the end by a timeout from the arrival
    ready[visits] = arrived[visits] + (np.array(stage.end)[visits] - arrived[visits])
    return ready.tolist()
