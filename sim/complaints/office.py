"""The complaint office: a first-come-first-served queue of complaints handled by a
few staff who work only in office hours on working days.

Rather than a SimPy model, the office runs on a *working-time clock*: W(t) counts the
office minutes from the start of the run to absolute time t (it stands still at
night, at weekends and outside hours). On that clock the office is a plain c-server
FIFO queue, solved exactly by the Kiefer-Wolfowitz recursion (a heap of the times
each officer is next free: ``sim.engine.stations.book``); converting back gives calendar times that always fall
inside office hours, and a case interrupted by closing time resumes when the office
next opens. A few thousand complaints take milliseconds.

A complaint is resolved within target when it is resolved by the close of the
``target_working_days``-th working day after the day it was received (the day of
receipt does not count).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sim import distributions
from sim.clock import MINUTES_PER_DAY, parse_clock
from sim.engine.records import Stage
from sim.engine.stations import book
from sim.schema import ComplaintOfficeConfig
from sim.streams import Streams


class OfficeCalendar:
    """Office hours on working days, from day 0 (a ``start_date``) onwards."""

    def __init__(self, office: ComplaintOfficeConfig, start_date: dt.date):
        self.opens = parse_clock(office.opens)
        self.length = parse_clock(office.closes) - self.opens  # office minutes per working day
        start = start_date.weekday()
        # working[k]: is day k of any week (counted from start_date) a working day
        self.working = np.array([(start + k) % 7 in office.working_days for k in range(7)])
        self.per_week = int(self.working.sum())
        self.before = np.concatenate([[0], np.cumsum(self.working)])  # working days among the first k of a week
        self.nth = np.flatnonzero(self.working)  # week position of the n-th working day of a week

    def is_working(self, day: np.ndarray) -> np.ndarray:
        return self.working[day % 7]

    def working_days_before(self, day: np.ndarray) -> np.ndarray:
        weeks, rest = np.divmod(day, 7)
        return weeks * self.per_week + self.before[rest]

    def to_work(self, t: np.ndarray) -> np.ndarray:
        """Office minutes elapsed from day 0 to absolute time t."""
        day = np.floor(np.asarray(t, dtype=float) / MINUTES_PER_DAY).astype(np.int64)
        minute = t - day * MINUTES_PER_DAY
        today = np.where(self.is_working(day), np.clip(minute - self.opens, 0.0, self.length), 0.0)
        return self.working_days_before(day) * self.length + today

    def from_work(self, w: np.ndarray, closing: bool = False) -> np.ndarray:
        """The absolute time at which w office minutes have elapsed. At a day boundary
        this is the next opening, or with ``closing`` the previous closing time."""
        w = np.asarray(w, dtype=float)
        k = np.floor(w / self.length).astype(np.int64)
        offset = w - k * self.length
        if closing:
            at_boundary = (offset == 0) & (k > 0)
            k = np.where(at_boundary, k - 1, k)
            offset = np.where(at_boundary, self.length, offset)
        weeks, n = np.divmod(k, self.per_week)
        day = weeks * 7 + self.nth[n]
        return day * MINUTES_PER_DAY + self.opens + offset

    def deadline(self, received: np.ndarray, working_days: int) -> np.ndarray:
        """Office-clock time of the close of the n-th working day after the day of receipt."""
        day = np.floor(np.asarray(received, dtype=float) / MINUTES_PER_DAY).astype(np.int64)
        done = self.working_days_before(day) + self.is_working(day)
        return (done + working_days) * self.length


def handle(
    received: np.ndarray, office: ComplaintOfficeConfig, start_date: dt.date, streams: Streams
) -> dict[str, np.ndarray]:
    """Handle complaints received at absolute times ``received`` (any order).

    Returns, in the order given: ``handling_start``, ``resolved_time`` (absolute
    minutes), ``resolution_days`` (calendar days from receipt), ``within_target`` and
    ``upheld``. Handling times and upheld draws are taken in order of receipt from the
    streams ``complaints.office`` and ``complaints.upheld``.
    """
    calendar = OfficeCalendar(office, start_date)
    n = len(received)
    order = np.argsort(received, kind="stable")
    effort = distributions.build(office.handling).sample(streams.stream("complaints.office"), n)
    upheld = streams.stream("complaints.upheld").random(n) < office.upheld_share
    # on the office clock, complaints in order of receipt form a FIFO queue for the staff
    handling = Stage("complaint_handling", effort.tolist(), n)
    free_at = [0.0] * office.staff  # heap: office-clock time each officer is next free
    for i, arrival in enumerate(calendar.to_work(received[order]).tolist()):
        book(free_at, handling, i, arrival)
    start = np.array(handling.start)
    end = np.array(handling.end)
    out_start = np.empty(n)
    out_end = np.empty(n)
    within = np.empty(n, dtype=bool)
    out_upheld = np.empty(n, dtype=bool)
    out_start[order] = calendar.from_work(start)
    out_end[order] = calendar.from_work(end, closing=True)
    within[order] = end <= calendar.deadline(received[order], office.target_working_days) + 1e-9
    out_upheld[order] = upheld
    # the opening-side conversion never precedes receipt (max only absorbs rounding); a
    # case of zero effort at a day boundary ends when it starts, not at the last closing
    out_start = np.maximum(out_start, received)
    out_end = np.maximum(out_end, out_start)
    return {
        "handling_start": out_start,
        "resolved_time": out_end,
        "resolution_days": (out_end - received) / MINUTES_PER_DAY,
        "within_target": within,
        "upheld": out_upheld,
    }
