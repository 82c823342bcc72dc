"""First-come-first-served stations with identical servers: cashiers, laboratory and
imaging rooms, pharmacy windows; and ``book``, the recursion they run on, which the
registration desks (``sim.engine.registration``) and the complaint office
(``sim.complaints.office``) share.

With a FIFO queue and service lengths known when a customer joins, the moment their
service starts is already decided when they join: it is when the earliest-free server
becomes free, or now if one is idle (the Kiefer-Wolfowitz recursion for the c-server
queue). So a station keeps a heap of the times its servers are next free and a visit
costs one SimPy event, its end, instead of a request, a grant and a release. Patients
reach a station in time order (SimPy processes events in time order), which is all
the recursion needs.
"""

from __future__ import annotations

from heapq import heapreplace

import simpy

from sim.engine.records import Stage


def book(free_at: list[float], stage: Stage, visit: int, arrival: float) -> float:
    """Serve ``visit``, who joins a FIFO queue at ``arrival``, at the server that is
    free first: ``free_at`` is a heap of the times each server is next free (updated).
    Records the start, end and wait in ``stage`` (whose ``service`` gives the length);
    returns the end. Customers must be booked in order of arrival."""
    start = free_at[0] if free_at[0] > arrival else arrival
    end = start + stage.service[visit]
    heapreplace(free_at, end)
    stage.start[visit] = start
    stage.end[visit] = end
    stage.wait[visit] = start - arrival
    return end


class FifoStation:
    """``servers`` identical servers that start work at ``opens_at``."""

    def __init__(self, env: simpy.Environment, name: str, servers: int, opens_at: float):
        self.env = env
        self.name = name
        self.free_at = [opens_at] * servers  # a heap: when each server is next free

    def serve(self, visit: int, stage: Stage) -> simpy.Event:
        """Queue, be served, and return the event of the service's end."""
        now = self.env.now
        return self.env.timeout(book(self.free_at, stage, visit, now) - now)

    def serve_last(self, visit: int, stage: Stage) -> float:
        """Queue and be served as the last thing of the day: no event, since nothing
        follows but leaving. Returns when the clock would show the service's end (a
        timeout of end - now from now)."""
        now = self.env.now
        return now + (book(self.free_at, stage, visit, now) - now)
