"""Appointment slots: where a slot template puts a doctor's bookings in a session, and
which slot each booking request gets.

A template cuts a session into slots of equal length from its start, releases a share
of them for booking (spread evenly, the others are left for walk-ins) and places
bookings on the released slots by a rule:

* ``individual`` — one booking at the start of each released slot;
* ``bailey_welch`` — two at the first released slot, then one per released slot, the
  last one left free (Bailey 1952; robust across settings, Ho & Lau 1992);
* ``block`` — every ``block_slots`` consecutive released slots form a block; all its
  bookings are given the block's start time.

Overbooking adds ``round(overbooking x bookings)`` appointments on top, each a second
booking on one of a set of evenly spaced appointments, to offset no-shows.

Requests are served in booking order; each takes the first free appointment at or
after the time the patient would like to come, else the latest free one before it,
else (all taken) nobody's: the patient comes as a walk-in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.schema import SlotRule, SlotTemplateConfig, SlotTemplateOverride


def resolve_template(default: SlotTemplateConfig, override: SlotTemplateOverride | None) -> SlotTemplateConfig:
    """The default template with a department's non-null keys laid over it."""
    if override is None:
        return default
    values = {name: getattr(override, name) for name in SlotTemplateConfig.__dataclass_fields__}
    return SlotTemplateConfig(
        **{name: getattr(default, name) if value is None else value for name, value in values.items()}
    )


def slot_count(template: SlotTemplateConfig, session_length: float) -> int:
    """Slots in a session: the configured number, or as many as fit."""
    if template.slots_per_session is not None:
        return int(template.slots_per_session)
    return int(session_length // template.slot_length_min + 1e-9)


def appointment_offsets(template: SlotTemplateConfig, session_length: float) -> np.ndarray:
    """Minutes after the session start of each booking one doctor takes in one
    session (repeated minutes are double bookings), sorted."""
    slots = slot_count(template, session_length)
    released = int(round(template.released_share * slots))
    if released == 0:
        return np.empty(0)
    # released slots spread evenly over the session: indices floor(i x slots / released)
    start = (np.arange(released) * slots // released) * template.slot_length_min
    if template.rule == SlotRule.bailey_welch and released >= 2:
        times = np.concatenate([start[:1], start[:-1]])
    elif template.rule == SlotRule.block:
        times = start[(np.arange(released) // template.block_slots) * template.block_slots]
    else:
        times = start.astype(float)
    extra = int(round(template.overbooking * released))
    if extra:
        doubled = np.floor((np.arange(extra) + 0.5) * released / extra).astype(np.int64)
        times = np.sort(np.concatenate([times, times[np.minimum(doubled, released - 1)]]))
    return times


@dataclass
class DepartmentSlots:
    """A department's bookable appointments on one day, sorted by time.

    Among appointments at the same time, doctors take turns (rotated by slot) so that
    partly booked times do not all fall on the first doctor.
    """

    time: np.ndarray  # absolute minutes
    doctor: np.ndarray  # doctor id


def department_slots(
    template: SlotTemplateConfig,
    sessions: list[tuple[float, float]],
    doctor_ids: list[int],
    on_duty: list[int] | None = None,
) -> DepartmentSlots:
    """Every appointment of every doctor of a department in its sessions of one day:
    in session k, of the first ``on_duty[k]`` doctors of ``doctor_ids`` (the day's
    roster, ``sim.staffing.rosters``; None: all of them in every session)."""
    times, doctors, turns = [], [], []
    for index, (start, end) in enumerate(sessions):
        working = doctor_ids if on_duty is None else doctor_ids[: on_duty[index]]
        offsets = appointment_offsets(template, end - start)
        rank = np.arange(len(offsets))
        for k, doctor in enumerate(working):
            times.append(start + offsets)
            doctors.append(np.full(len(offsets), doctor, dtype=np.int32))
            turns.append((k + rank) % len(working))
    if not times:
        return DepartmentSlots(np.empty(0), np.empty(0, dtype=np.int32))
    time, doctor, turn = np.concatenate(times), np.concatenate(doctors), np.concatenate(turns)
    order = np.lexsort((turn, time))
    return DepartmentSlots(time[order], doctor[order])


def assign(preferred: np.ndarray, slot_times: np.ndarray) -> np.ndarray:
    """Serve requests in the given order: each takes the first free slot at or after
    its preferred time, else the latest free one before it. Returns the slot index of
    each request, -1 when every slot was already taken.

    Two union-find arrays keep "next free at or after i" and "previous free at or
    before i", so a day's requests cost O(n) amortised rather than a scan each.
    """
    count = len(slot_times)
    result = np.full(len(preferred), -1, dtype=np.int64)
    if count == 0:
        return result
    first = np.searchsorted(slot_times, preferred, side="left").tolist()
    right = list(range(count + 1))  # right[i]: a candidate for the first free >= i (count = none)
    left = list(range(count + 1))  # left[i + 1]: a candidate for the last free <= i (0 = none)

    def find(parent, i):
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:  # path compression
            parent[i], i = root, parent[i]
        return root

    for request, i in enumerate(first):
        slot = find(right, i)
        if slot == count:
            slot = find(left, i) - 1  # i is the position after the last slot before the preferred time
            if slot < 0:
                continue
        result[request] = slot
        right[slot] = slot + 1
        left[slot + 1] = slot
    return result
