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

A station whose servers follow a schedule (``sim.staffing.schedules``) runs the same
recursion over ``ShiftServers``: the patient at the head of the queue starts with the
server who can take them first — free, and on duty — and a server going off duty
finishes the patient in service. With a constant schedule the start, end and wait
of every patient are exactly those of ``book`` (tested).
"""

from __future__ import annotations

from bisect import bisect_right
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


class ShiftServers:
    """Servers whose number on duty changes during the day: ``changes`` are (absolute
    time, servers on duty from then on), the first when the station opens; the last
    count holds for the rest of the day. Server j is on duty whenever more than j are."""

    __slots__ = ("free_at", "starts", "ends")

    def __init__(self, changes: list[tuple[float, int]]):
        servers = max(count for _, count in changes)
        self.starts: list[list[float]] = [[] for _ in range(servers)]  # server j's shifts: starts …
        self.ends: list[list[float]] = [[] for _ in range(servers)]  # … and ends (the last one inf)
        bounds = [t for t, _ in changes[1:]] + [float("inf")]
        for (t, count), until in zip(changes, bounds, strict=True):
            for j in range(servers):
                on_duty = j < count
                if on_duty and self.ends[j] and self.ends[j][-1] == t:
                    self.ends[j][-1] = until  # the shift goes on
                elif on_duty:
                    self.starts[j].append(t)
                    self.ends[j].append(until)
        self.free_at = [starts[0] if starts else float("inf") for starts in self.starts]

    def book(self, stage: Stage, visit: int, arrival: float) -> float:
        """As ``book``: serve ``visit``, who joins at ``arrival``, with the server who
        can start first (free and on duty; among equals the highest-numbered, who goes
        off duty first); record start, end and wait; return the end."""
        best, chosen = float("inf"), -1
        for j, free in enumerate(self.free_at):
            ready = free if free > arrival else arrival
            ends = self.ends[j]
            shift = bisect_right(ends, ready)  # the first shift that ends after ready
            if shift == len(ends):
                continue  # off duty for the rest of the day
            start = self.starts[j][shift]
            if start < ready:
                start = ready
            if start <= best:
                best, chosen = start, j
        end = best + stage.service[visit]
        self.free_at[chosen] = end
        stage.start[visit] = best
        stage.end[visit] = end
        stage.wait[visit] = best - arrival
        return end


class ScheduledStation(FifoStation):
    """A FIFO station whose servers follow a schedule (``ShiftServers``)."""

    def __init__(self, env: simpy.Environment, name: str, changes: list[tuple[float, int]]):
        self.env = env
        self.name = name
        self.servers = ShiftServers(changes)

    def serve(self, visit: int, stage: Stage) -> simpy.Event:
        now = self.env.now
        return self.env.timeout(self.servers.book(stage, visit, now) - now)

    def serve_last(self, visit: int, stage: Stage) -> float:
        now = self.env.now
        return now + (self.servers.book(stage, visit, now) - now)
