"""Appointments on deterministic configs: exact consultation times for each slot rule,
early and late arrivals, overbooking and released shares.

One doctor, one session 8:00-9:00 cut into six 10-minute slots; six patients would
like to come at 8:00, 8:10, ..., 8:50 (a walk-in every 10 minutes); everybody books,
nobody fails to come, everybody is exactly punctual unless a test says otherwise.
"""

import numpy as np
import pytest

import sim
from sim.schema import BookingConfig, ChannelConfig, Config, PunctualityConfig, SlotTemplateConfig
from tests.functional.test_deterministic import clinic

EIGHT = 8 * 60.0


def booked_clinic(
    consultation=10.0,
    punctual=0.0,
    sessions=(("8:00", "9:00"),),
    booked_share=1.0,
    no_show=0.0,
    pre_registration=False,
    **slots,
) -> Config:
    cfg = clinic(10.0, consultation, list(sessions))
    cfg.hospital.booking = BookingConfig(
        booked_share=booked_share,
        channels={"online": ChannelConfig(share=1.0, no_show=no_show, pre_registration=pre_registration)},
        punctuality=PunctualityConfig(kind="normal", mean_min=punctual, sd_min=0.0),
        slots=SlotTemplateConfig(slot_length_min=10.0, **slots),
    )
    return cfg


def simulate(cfg):
    result = sim.simulate(cfg)
    visits = result.visits.sort_values("slot_time", kind="stable")
    return result, visits


def test_individual_slots_service_equal_to_slot_length_gives_no_wait_and_no_idle():
    result, visits = simulate(booked_clinic(rule="individual"))
    slots = EIGHT + 10.0 * np.arange(6)
    np.testing.assert_allclose(visits["slot_time"], slots)
    np.testing.assert_allclose(visits["arrival_time"], slots)
    np.testing.assert_allclose(visits["consultation_start"], slots)
    np.testing.assert_allclose(visits["wait_consultation"], 0.0)
    session = result.doctor_sessions.iloc[0]
    assert session["idle_in_session_min"] == 0.0 and session["overtime_min"] == 0.0
    kpis = result.kpis.iloc[0]
    assert kpis["wait_booked_from_slot_mean_min"] == 0.0
    assert kpis["doctor_idle_per_session_min"] == 0.0
    assert kpis["seen_within_30_min_of_slot_share"] == 1.0
    assert kpis["bookings"] == 6 and kpis["no_shows"] == 0
    assert (visits["channel"] == "online").all() and visits["booked"].all()


def test_bailey_welch_every_patient_after_the_first_waits_exactly_one_slot_and_the_doctor_is_never_idle():
    result, visits = simulate(booked_clinic(rule="bailey_welch"))
    # two at 8:00, then one per slot; the last slot (8:50) is not booked
    np.testing.assert_allclose(visits["slot_time"], EIGHT + np.array([0, 0, 10, 20, 30, 40]))
    np.testing.assert_allclose(visits["consultation_start"], EIGHT + 10.0 * np.arange(6))
    np.testing.assert_allclose(visits["consultation_start"] - visits["slot_time"], [0, 10, 10, 10, 10, 10])
    session = result.doctor_sessions.iloc[0]
    assert session["idle_in_session_min"] == 0.0 and session["overtime_min"] == 0.0
    assert result.kpis.loc[0, "wait_booked_from_slot_mean_min"] == pytest.approx(50 / 6)


def test_block_booking_gives_each_block_its_start_time():
    """Blocks of three slots: 8:00 x3 and 8:30 x3; the block's patients wait 0, 10, 20."""
    result, visits = simulate(booked_clinic(rule="block", block_slots=3))
    np.testing.assert_allclose(visits["slot_time"], EIGHT + np.array([0, 0, 0, 30, 30, 30]))
    np.testing.assert_allclose(visits["consultation_start"] - visits["slot_time"], [0, 10, 20, 0, 10, 20])
    assert result.doctor_sessions.iloc[0]["idle_in_session_min"] == 0.0


def test_early_patients_are_seen_early_only_if_the_policy_allows():
    """5-minute consultations, everybody 5 minutes early. Seen if free: the doctor takes
    each patient on arrival (the first at the 8:00 session start), so every later one
    starts 5 min before their slot. Wait for slot: each starts exactly at the slot.
    Either way the doctor is busy 30 of the session's 60 minutes."""
    result, visits = simulate(booked_clinic(consultation=5.0, punctual=-5.0, rule="individual"))
    slots = EIGHT + 10.0 * np.arange(6)
    np.testing.assert_allclose(visits["arrival_time"], slots - 5.0)
    np.testing.assert_allclose(visits["consultation_start"], np.r_[EIGHT, slots[1:] - 5.0])
    assert result.doctor_sessions.iloc[0]["idle_in_session_min"] == 30.0
    assert result.kpis.loc[0, "wait_booked_from_slot_mean_min"] == 0.0  # seen early is no wait

    # registered when booking, so even the first (7:55, before the window opens) is at
    # the doctor's door 5 min before the slot
    cfg = booked_clinic(consultation=5.0, punctual=-5.0, rule="individual", pre_registration=True)
    cfg.hospital.booking.early_arrivals = "wait_for_slot"
    result, visits = simulate(cfg)
    np.testing.assert_allclose(visits["consultation_start"], slots)
    np.testing.assert_allclose(visits["wait_consultation"], 5.0)
    assert visits["registration_start"].isna().all()
    assert result.doctor_sessions.iloc[0]["idle_in_session_min"] == 30.0


def test_late_patients_are_seen_when_the_doctor_is_next_free():
    """Everybody 5 min late with 10-min consultations: each is seen on arrival, the
    doctor idles the first 5 minutes and runs 5 minutes over."""
    result, visits = simulate(booked_clinic(punctual=5.0, rule="individual"))
    slots = EIGHT + 10.0 * np.arange(6)
    assert visits["late"].all()
    np.testing.assert_allclose(visits["punctuality_min"], 5.0)
    np.testing.assert_allclose(visits["consultation_start"], slots + 5.0)
    session = result.doctor_sessions.iloc[0]
    assert session["idle_in_session_min"] == 5.0 and session["overtime_min"] == 5.0
    assert result.kpis.loc[0, "seen_within_30_min_of_slot_share"] == 1.0
    assert result.kpis.loc[0, "late_arrival_share"] == 1.0


def test_released_share_leaves_slots_for_walk_ins():
    """Half the slots released (8:00, 8:20, 8:40): three patients book them, the other
    three find every slot taken and come as walk-ins."""
    result, visits = simulate(booked_clinic(rule="individual", released_share=0.5))
    booked = visits[visits["booked"]]
    np.testing.assert_allclose(booked["slot_time"], EIGHT + np.array([0, 20, 40]))
    walk_ins = visits[~visits["booked"]]
    assert len(walk_ins) == 3 and walk_ins["booking_full"].all() and (walk_ins["channel"] == "walk_in").all()
    assert result.kpis.loc[0, "booking_full_share"] == 0.5


def test_overbooking_doubles_evenly_spaced_slots():
    """Six slots, overbooking 1/3: two extra bookings, doubled on the second and fifth
    slots (floor((j + 0.5) x 6 / 2) = 1, 4). Twelve patients want to book: eight get
    an appointment, four come as walk-ins."""
    cfg = booked_clinic(rule="individual", overbooking=1 / 3)
    cfg.hospital.arrivals.interval_min = 5.0  # twelve patients
    result, visits = simulate(cfg)
    booked = visits[visits["booked"]]
    np.testing.assert_allclose(booked["slot_time"], EIGHT + np.array([0, 10, 10, 20, 30, 40, 40, 50]))
    assert (~visits["booked"]).sum() == 4


def test_no_shows_leave_gaps_and_rows():
    """Everybody fails to come: six no-show rows, no visit, the doctor idles all session."""
    result, visits = simulate(booked_clinic(rule="individual", no_show=1.0))
    assert (visits["outcome"] == "no_show").all() and len(visits) == 6
    assert visits["arrival_time"].isna().all()
    kpis = result.kpis.iloc[0]
    assert kpis["visits"] == 0 and kpis["no_shows"] == 6 and kpis["no_show_share"] == 1.0
    assert result.doctor_sessions.iloc[0]["idle_in_session_min"] == 60.0


def test_booked_patient_after_the_doctors_left_is_recorded_not_lost():
    """A patient 90 min late for the last slot reaches the queue after the doctor has
    gone home: outcome clinic_closed, and the day still ends."""
    result, visits = simulate(
        booked_clinic(punctual=90.0, rule="individual", sessions=(("8:00", "8:30"),), released_share=1.0)
    )
    # three slots (8:00, 8:10, 8:20); patients arrive at 9:30, 9:40, 9:50; the doctor left at 8:30
    booked = visits[visits["booked"]]
    assert (booked["outcome"] == "clinic_closed").all()
    assert booked["consultation_start"].isna().all() and booked["departure_time"].notna().all()


def test_pooled_doctors_share_the_booked_patients():
    """Two pooled doctors, twelve patients on their twelve slots: two patients at each
    slot time, both seen at once, nobody waits and neither doctor idles."""
    cfg = booked_clinic(rule="individual")
    cfg.hospital.arrivals.interval_min = 5.0
    cfg.hospital.departments["clinic"].doctors = 2
    result, visits = simulate(cfg)
    assert visits["booked"].all() and len(visits) == 12
    np.testing.assert_allclose(visits["slot_time"], EIGHT + 10.0 * np.repeat(np.arange(6), 2))
    np.testing.assert_allclose(visits["consultation_start"], visits["slot_time"])
    assert set(visits["doctor_id"]) == {0, 1}
    np.testing.assert_allclose(result.doctor_sessions["idle_in_session_min"], 0.0)
