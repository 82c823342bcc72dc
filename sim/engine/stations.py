"""First-come-first-served stations with identical servers: cashiers, laboratory and
imaging rooms, pharmacy windows (registration follows the same recursion, settled
before the day runs: ``sim.engine.registration``).

With a FIFO queue and service lengths known when a patient joins, the moment their
service starts is already decided when they join: it is when the earliest-free server
becomes free (the Kiefer-Wolfowitz recursion), or now if one is idle. So the station
keeps a heap of the times its servers become free and a visit costs one SimPy event,
its end, instead of a request, a grant and a release. Patients reach a station in
time order (SimPy processes events in time order), which is all the recursion needs.
"""

from __future__ import annotations

from heapq import heapreplace

import simpy

from sim.engine.records import Stage


class FifoStation:
    """``servers`` identical servers that start work at ``opens_at``."""

    def __init__(self, env: simpy.Environment, name: str, servers: int, opens_at: float):
        self.env = env
        self.name = name
        self.free_at = [opens_at] * servers  # a heap: when each server is next free

    def serve(self, visit: int, stage: Stage) -> simpy.Event:
        """Queue, be served, and return the event of the service's end."""
        now = self.env.now
        return self.env.timeout(self._book(visit, stage, now) - now)

    def serve_last(self, visit: int, stage: Stage) -> float:
        """Queue and be served as the last thing of the day: no event, since nothing
        follows but leaving. Returns when the clock would show the service's end (a
        timeout of end - now from now)."""
        now = self.env.now
        return now + (self._book(visit, stage, now) - now)

    def _book(self, visit: int, stage: Stage, now: float) -> float:
        """Record the visit's start, end and wait; return the end."""
        free_at = self.free_at
        start = free_at[0] if free_at[0] > now else now
        end = start + stage.service[visit]
        heapreplace(free_at, end)
        stage.start[visit] = start
        stage.end[visit] = end
        stage.wait[visit] = start - now
        return end
