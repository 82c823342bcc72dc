"""Slot templates (where bookings go in a session) and slot assignment."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.demand import slots
from sim.schema import SlotTemplateConfig, SlotTemplateOverride


def offsets(**template) -> list[float]:
    return slots.appointment_offsets(SlotTemplateConfig(**template), 60.0).tolist()


def test_rules_on_six_ten_minute_slots():
    assert offsets(slot_length_min=10, rule="individual") == [0, 10, 20, 30, 40, 50]
    assert offsets(slot_length_min=10, rule="bailey_welch") == [0, 0, 10, 20, 30, 40]
    assert offsets(slot_length_min=10, rule="block", block_slots=2) == [0, 0, 20, 20, 40, 40]
    assert offsets(slot_length_min=10, rule="block", block_slots=4) == [0, 0, 0, 0, 40, 40]
    assert offsets(slot_length_min=10, rule="block", block_slots=1) == offsets(slot_length_min=10)


def test_slot_count_fills_the_session_or_follows_the_config():
    assert offsets(slot_length_min=7) == [0, 7, 14, 21, 28, 35, 42, 49]  # 8 slots fit in 60 min
    assert offsets(slot_length_min=10, slots_per_session=3) == [0, 10, 20]


def test_released_slots_are_spread_evenly():
    assert offsets(slot_length_min=10, released_share=0.5) == [0, 20, 40]
    assert offsets(slot_length_min=10, released_share=1 / 3) == [0, 30]
    assert offsets(slot_length_min=10, released_share=0.0) == []
    # Bailey-Welch on the released slots: two at the first, the last released one free
    assert offsets(slot_length_min=10, released_share=0.5, rule="bailey_welch") == [0, 0, 20]


def test_overbooking_doubles_evenly_spaced_appointments():
    assert offsets(slot_length_min=10, overbooking=1 / 6) == [0, 10, 20, 30, 30, 40, 50]
    assert offsets(slot_length_min=10, overbooking=0.5) == [0, 10, 10, 20, 30, 30, 40, 50, 50]
    assert len(offsets(slot_length_min=10, overbooking=1.0)) == 12


def test_department_override_inherits_null_keys():
    default = SlotTemplateConfig(slot_length_min=8, released_share=0.5, rule="block", block_slots=4)
    merged = slots.resolve_template(default, SlotTemplateOverride(rule="individual", slot_length_min=12))
    assert (merged.rule, merged.slot_length_min, merged.released_share, merged.block_slots) == (
        "individual",
        12,
        0.5,
        4,
    )
    assert slots.resolve_template(default, None) is default


def test_department_slots_rotate_doctors_at_equal_times():
    bookable = slots.department_slots(SlotTemplateConfig(slot_length_min=30), [(480.0, 540.0)], [7, 8, 9])
    np.testing.assert_array_equal(bookable.time, [480, 480, 480, 510, 510, 510])
    # at 8:00 doctor 7 comes first, at 8:30 doctor 9: a half-booked time is not all on doctor 7
    np.testing.assert_array_equal(bookable.doctor, [7, 8, 9, 9, 7, 8])


def reference_assign(preferred, times):
    """One request at a time, by scanning: first free at or after, else last free before."""
    taken = [False] * len(times)
    out = []
    for p in preferred:
        after = [i for i, t in enumerate(times) if not taken[i] and t >= p]
        before = [i for i, t in enumerate(times) if not taken[i] and t < p]
        i = after[0] if after else (before[-1] if before else -1)
        if i >= 0:
            taken[i] = True
        out.append(i)
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 20), max_size=30), st.lists(st.integers(0, 20), max_size=40))
def test_assignment_matches_a_scan_over_free_slots(slot_times, preferred):
    times = np.sort(np.asarray(slot_times, dtype=float))
    got = slots.assign(np.asarray(preferred, dtype=float), times).tolist()
    assert got == reference_assign(preferred, times.tolist())


def test_assignment_gives_each_slot_once_and_turns_away_the_rest():
    times = np.array([0.0, 10.0, 20.0])
    got = slots.assign(np.array([25.0, 0.0, 0.0, 0.0, 0.0]), times)
    # 25 -> latest free before (20); then 0, 10 in order; the last two find nothing
    assert got.tolist() == [2, 0, 1, -1, -1]
