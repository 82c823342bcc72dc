"""Exam pre-booking: examinations booked for a slot when the doctor orders them
(``hospital.staffing.exam_prebooking``).

An exam station's day is cut into slots of ``slot_length_min`` from its opening; a
slot takes ``capacity_share`` of what its servers can do in it (servers on duty at
the slot's start x slot length / mean service), rounded down, at least one. At the
end of a consultation each exam ordered is booked for the first slot with room that
starts at least ``lead_min`` later (the next exam of the same visit: at least a slot
after the previous one). The patient pays, waits for the slot (a scheduled delay, not
a queue: recorded as ``exam_slot_delay_min``) and joins the station's queue at its
start — a queue that bookings keep short.
"""

from __future__ import annotations

import math

from sim.staffing.schedules import servers_at


class ExamSlots:
    """The bookable slots of one exam station on one day."""

    __slots__ = ("opens", "length", "per_server", "changes", "booked")

    def __init__(self, changes: list[tuple[float, int]], length: float, capacity_share: float, mean_service: float):
        self.changes = changes  # (absolute time, servers on duty from then on)
        self.opens = changes[0][0]
        self.length = length
        self.per_server = capacity_share * length / mean_service  # bookings per server on duty
        self.booked: dict[int, int] = {}  # slot number -> bookings

    def capacity(self, slot: int) -> int:
        servers = servers_at(self.changes, self.opens + slot * self.length)
        return max(1, math.floor(servers * self.per_server)) if servers else 0

    def book(self, earliest: float) -> float:
        """Book the first slot with room starting at or after ``earliest``; its start."""
        slot = max(0, math.ceil((earliest - self.opens) / self.length - 1e-9))
        while self.booked.get(slot, 0) >= self.capacity(slot):
            slot += 1
        self.booked[slot] = self.booked.get(slot, 0) + 1
        return self.opens + slot * self.length
