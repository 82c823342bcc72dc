"""The complaint office, run as the days go, so that a patient deciding whether to come
back knows what became of their complaint by then.

The office's log (``sim.complaints.office.handle``) is computed once a replication has
ended, from every complaint. Here the same first-come-first-served queue on the
office's working-time clock is advanced at the end of each day over the complaints
received by then, in order of receipt: a complaint received before the end of day d
comes from a visit on day d or earlier, so by then every complaint that precedes it
is known. Handling times and upheld draws are taken in order of receipt from the same
streams (``complaints.office``, ``complaints.upheld``), in batches that continue each
generator where it stopped: the results equal the end-of-run office's (tested).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sim import distributions
from sim.clock import MINUTES_PER_DAY
from sim.complaints.office import OfficeCalendar
from sim.engine.records import Stage
from sim.engine.stations import book
from sim.schema import ComplaintOfficeConfig
from sim.streams import Streams


class RunningOffice:
    """Complaints numbered in the order they are made; handled as time passes."""

    def __init__(self, office: ComplaintOfficeConfig, start_date: dt.date, streams: Streams):
        self.office = office
        self.calendar = OfficeCalendar(office, start_date)
        self.handling = distributions.build(office.handling)
        self.effort_stream = streams.stream("complaints.office")
        self.upheld_stream = streams.stream("complaints.upheld")
        self.free_at = [0.0] * office.staff
        self.received: list[float] = []
        self.pending: list[int] = []
        size = 64
        self.resolved_time = np.full(size, np.inf)  # inf until handled
        self.within_target = np.zeros(size, dtype=bool)
        self.upheld = np.zeros(size, dtype=bool)
        self.handling_start = np.full(size, np.nan)

    def receive(self, times: np.ndarray) -> np.ndarray:
        """Log complaints made at absolute ``times``; return their numbers."""
        first = len(self.received)
        self.received.extend(np.asarray(times, dtype=float).tolist())
        numbers = np.arange(first, len(self.received), dtype=np.int64)
        self.pending.extend(numbers.tolist())
        if len(self.received) > len(self.resolved_time):
            self._grow(2 * len(self.received))
        return numbers

    def _grow(self, size: int) -> None:
        for name, fill in (("resolved_time", np.inf), ("within_target", False), ("upheld", False)):
            old = getattr(self, name)
            new = np.full(size, fill, dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)
        start = np.full(size, np.nan)
        start[: len(self.handling_start)] = self.handling_start
        self.handling_start = start

    def advance(self, until: float) -> None:
        """Handle every complaint received before ``until`` (absolute minutes)."""
        received = self.received
        ready = sorted((n for n in self.pending if received[n] < until), key=lambda n: (received[n], n))
        if not ready:
            return
        ready_set = set(ready)
        self.pending = [n for n in self.pending if n not in ready_set]
        k = len(ready)
        at = np.array([received[n] for n in ready])
        effort = self.handling.sample(self.effort_stream, k)
        upheld = self.upheld_stream.random(k) < self.office.upheld_share
        stage = Stage("complaint_handling", effort.tolist(), k)
        for i, arrival in enumerate(self.calendar.to_work(at).tolist()):
            book(self.free_at, stage, i, arrival)
        start, end = np.array(stage.start), np.array(stage.end)
        # as sim.complaints.office.handle converts back to calendar times
        out_start = np.maximum(self.calendar.from_work(start), at)
        out_end = np.maximum(self.calendar.from_work(end, closing=True), out_start)
        numbers = np.array(ready)
        self.handling_start[numbers] = out_start
        self.resolved_time[numbers] = out_end
        self.within_target[numbers] = end <= self.calendar.deadline(at, self.office.target_working_days) + 1e-9
        self.upheld[numbers] = upheld

    def resolved_by(self, numbers: np.ndarray, time: float) -> np.ndarray:
        return self.resolved_time[numbers] <= time

    def received_at(self, numbers: np.ndarray) -> np.ndarray:
        return np.asarray(self.received, dtype=float)[numbers] if len(numbers) else np.empty(0)


def end_of_day(day: int) -> float:
    return (day + 1) * MINUTES_PER_DAY
