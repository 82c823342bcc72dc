"""Appointments on random configs: the queue discipline's promise to booked patients,
common random numbers across booked shares, and bad booking configs."""

import numpy as np
import pandas as pd
import pytest

from tests.conftest import assert_refused, run


@pytest.mark.parametrize("fixture", ["general_result", "appointments_result"])
def test_booked_patients_present_at_their_slot_are_never_overtaken_by_walk_ins(fixture, request):
    """Once a booked patient is due (slot time reached and at the doctor's door), their
    doctor calls no walk-in before them."""
    result = request.getfixturevalue(fixture)
    visits = result.visits
    seen = visits[visits["consultation_start"].notna()]
    demoted = seen["late"] & (result.config.hospital.booking.late_policy == "walk_in")
    by_slot = seen[seen["booked"] & ~demoted]
    walk_ins = seen[~seen["booked"] | demoted]
    assert len(by_slot) > 100 and len(walk_ins) > 100
    due = np.fmax(by_slot["slot_time"], by_slot["consultation_start"] - by_slot["wait_consultation"])
    checked = 0
    for (rep, doctor), group in by_slot.assign(due=due).groupby(["replication", "doctor_id"]):
        calls = np.sort(
            walk_ins.loc[
                (walk_ins["replication"] == rep) & (walk_ins["doctor_id"] == doctor), "consultation_start"
            ].to_numpy()
        )
        # the first walk-in called strictly after the booked patient became due
        after = np.searchsorted(calls, group["due"].to_numpy() + 1e-9, side="left")
        has_next = after < len(calls)
        next_call = calls[np.minimum(after, len(calls) - 1)]
        assert np.all(group["consultation_start"].to_numpy()[has_next] <= next_call[has_next] + 1e-9)
        checked += int(has_next.sum())
    assert checked > 50


GENERAL = ["hospital=general_hospital", "run.days=2", "run.replications=2", "hospital.booking.slots.released_share=1"]


@pytest.fixture(scope="module")
def by_share():
    return {share: run(*GENERAL, f"hospital.booking.booked_share={share}") for share in (0.0, 0.35, 0.85)}


def test_raising_the_booked_share_lowers_the_wait_for_the_doctor(by_share):
    """Common random numbers, everything else fixed: in every replication the mean wait
    for the doctor falls as the booked share rises (booked patients spread over the
    day instead of queueing at opening), counted from when each patient was due and
    as the physical time in the doctor's queue."""
    for kpi in ("wait_doctor_mean_min", "wait_consultation_mean_min", "wait_walk_in_mean_min"):
        table = pd.DataFrame({share: r.kpis[kpi] for share, r in by_share.items()})
        assert (table.diff(axis=1).iloc[:, 1:] < 0).all().all(), (kpi, table)


def test_raising_the_booked_share_changes_only_who_books(by_share):
    """Each patient draws whether they book from a uniform below the share, so the
    patients booked at 35% are still booked at 85%, and a patient who walks in at 85%
    walks in, identical in every draw, at 35% and at 0%."""
    low, high = by_share[0.35].visits, by_share[0.85].visits
    none = by_share[0.0].visits
    keys = ["replication", "day", "arrival_time"]
    same = ["department", "female", "age_group", "education", "prescription", "needs_lab", "needs_imaging"]
    walk_in_high = high[~high["booked"]]
    for other in (low, none):
        matched = walk_in_high[keys + same].merge(other[keys + same], on=keys, suffixes=("", "_other"))
        assert len(matched) == len(walk_in_high)
        for column in same:
            assert (matched[column] == matched[f"{column}_other"]).all(), column
    assert (none["booked"] == False).all()  # noqa: E712
    assert low["booked"].sum() < high["booked"].sum()


BAD = [
    (["hospital.booking.booked_share=1.5"], ["hospital.booking.booked_share = 1.5", "between 0 and 1"]),
    (["hospital.booking.booked_share=-0.1"], ["hospital.booking.booked_share = -0.1", "between 0 and 1"]),
    (
        ["hospital.booking.slots.overbooking=-0.2"],
        ["hospital.booking.slots.overbooking = -0.2: must be a number between 0 and 1", "every slot booked twice"],
    ),
    (
        ["hospital.booking.slots.slots_per_session=40"],
        [
            "hospital.booking.slots: 40 slot(s) of 7.5 min (300 min) do not fit",
            "hospital.departments.internal_medicine.sessions[0] (8:00-12:00, 240 min)",
        ],
    ),
    (
        ["hospital.booking.slots.slot_length_min=300"],
        ["hospital.booking.slots.slot_length_min = 300: longer than", "(8:00-12:00, 240 min): no slot fits"],
    ),
    (["hospital.booking.slots.slot_length_min=0"], ["hospital.booking.slots.slot_length_min = 0.0", "> 0"]),
    (["hospital.booking.slots.rule=fifo"], ["hospital.booking.slots.rule = 'fifo'", "individual, bailey_welch, block"]),
    (["hospital.booking.slots.block_slots=0"], ["hospital.booking.slots.block_slots = 0", ">= 1"]),
    (["hospital.booking.slots.released_share=0"], ["released_share = 0 but booked_share = 0.35"]),
    (["hospital.booking.channels.online.share=0.8"], ["hospital.booking.channels.<name>.share", "sum to 1.2"]),
    (["hospital.booking.channels.online.no_show=1.2"], ["hospital.booking.channels.online.no_show = 1.2"]),
    (
        ["+hospital.booking.channels={wechat:{share:0.0}}"],
        ["hospital.booking.channels.wechat: unknown channel", "online, phone, onsite_booking"],
    ),
    (["hospital.booking.punctuality.sd_min=-3"], ["hospital.booking.punctuality.sd_min = -3.0", ">= 0"]),
    (
        ["hospital.booking.punctuality.kind=weibull"],
        ["hospital.booking.punctuality.kind = 'weibull'", "normal, empirical"],
    ),
    (["hospital.booking.punctuality.kind=empirical"], ["hospital.booking.punctuality.values is missing"]),
    (["hospital.booking.late_policy=never"], ["hospital.booking.late_policy = 'never'", "seen_when_free, walk_in"]),
    (["hospital.booking.early_arrivals=soon"], ["hospital.booking.early_arrivals = 'soon'"]),
    (["hospital.booking.late_grace_min=-5"], ["hospital.booking.late_grace_min = -5.0"]),
    (
        ["hospital.booking.elderly_priority=true", "hospital.booking.elderly_age_groups=[over_80]"],
        ["elderly_age_groups contains ['over_80']", "under_40, 40_to_64, 65_plus"],
    ),
    (
        ["+hospital.booking.department_slots={cardiology:{rule:block}}"],
        ["hospital.booking.department_slots.cardiology: no such department"],
    ),
    (
        ["+hospital.booking.department_slots={surgery:{slots_per_session:100}}"],
        ["hospital.booking.department_slots.surgery: 100 slot(s)", "do not fit"],
    ),
    (["hospital.booking.walk_in_mobile_payment_share=2"], ["walk_in_mobile_payment_share = 2.0"]),
]


@pytest.mark.parametrize("overrides, fragments", BAD, ids=[" ".join(o) for o, _ in BAD])
def test_bad_booking_config_is_refused_with_a_clear_message(overrides, fragments):
    assert_refused(overrides, fragments)


def test_a_department_may_have_its_own_slot_template():
    """Surgery books individual 10-min slots; the others keep half-hour blocks."""
    result = run(
        "run.days=1",
        "run.replications=1",
        "+hospital.booking.department_slots={surgery:{rule:individual,slot_length_min:10}}",
    )
    booked = result.visits[result.visits["booked"]]
    minute = booked["slot_time"] % 1440
    from_session_start = np.where(minute < 810, minute - 480, minute - 810)  # sessions 8:00 and 13:30
    surgery = (booked["department"] == "surgery").to_numpy()
    assert np.all(from_session_start[surgery] % 10 == 0)
    assert np.any(from_session_start[surgery] % 30 != 0)
    assert np.all(from_session_start[~surgery] % 30 == 0)
