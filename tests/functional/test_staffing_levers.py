"""Issue 13's levers end to end: bad rosters and schedules are refused (key, value,
what is allowed; the command line turns these into exit code 2, as every
configuration error, tests/functional/test_cli.py); a constant roster or schedule runs
exactly as the fixed count; staff costs are what the doctor-session table says; the
four staffing interventions work on every hospital, combine, and change what they
say they change (common random numbers: same arrivals, different staffing);
baulking is off in every shipped hospital and, when on, records who baulked and
who came back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.config.compose import to_typed
from tests.conftest import assert_refused, run

DEMO = ["hospital=teaching_demo", "run.days=2", "run.replications=2", "run.start_date=2026-03-02"]
HOSPITALS = ["teaching_demo", "general_hospital", "validation_mmc", "validation_network"]
STAFFING_INTERVENTIONS = ["extra_doctors", "extended_hours", "exam_prebooking", "pharmacy_peak_windows"]


BAD_STAFFING = {
    "hospital.departments.surgery.roster={all:[-1,2],mnday:[1,1]}": [
        "hospital.departments.surgery.roster.all[0] = -1: must be an integer >= 0",
        "hospital.departments.surgery.roster.mnday: not a day; allowed: mon, tue, wed",
    ],
    "hospital.departments.internal_medicine.roster={all:[1]}": [
        "internal_medicine.roster.all = [1]: needs one count per session of the department, 2 (8:00-12:00, 13:30-17:00)"
    ],
    "hospital.pharmacy.schedule=[{days:all,start:'9:00',servers:1}]": [
        "hospital.pharmacy.schedule (all): does not cover opening hours: the first session starts at 8:00"
    ],
    "hospital.exams.lab.schedule=[{days:all,start:'7:00',servers:1},{days:all,start:'12:00',servers:0}]": [
        "hospital.exams.lab.schedule (all): the last change (12:00) leaves 0 servers"
    ],
    "hospital.staffing.extended_hours.start_earlier_min=600": [
        "start_earlier_min = 600: internal_medicine's first session would start before midnight"
    ],
    "hospital.staffing.holidays.dates=[2026-02-30]": ["'2026-02-30' is not a date"],
    "hospital.cashier.extra=[{start:'11:00',end:'10:00',servers:1}]": [
        "hospital.cashier.extra[0]: ends at 10:00, not after it starts at 11:00"
    ],
    "hospital.staffing.extra_doctors.departments={cardiology:1}": [
        "extra_doctors.departments.cardiology: no such department; departments: internal_medicine, surgery"
    ],
}


def test_bad_rosters_and_schedules_are_refused_with_key_value_and_what_is_allowed():
    """Negative counts, a misspelt day, a count per session missing, a schedule that
    does not cover opening hours or ends with nobody, sessions pushed before midnight,
    a date that does not exist, a window that ends before it opens, an unknown
    department: all reported at once, before anything runs."""
    assert_refused(["hospital=teaching_demo", *BAD_STAFFING], [f for fs in BAD_STAFFING.values() for f in fs])


def test_a_session_after_midnight_is_refused_on_multi_day_runs():
    """A schedule change past 24:00 would run into the next day."""
    assert_refused(
        [
            "hospital=teaching_demo",
            "run.days=2",
            "hospital.pharmacy.schedule=[{days:all,start:'7:00',servers:1},{days:all,start:'25:00',servers:2}]",
        ],
        ["hospital.pharmacy.schedule (all) change 1: start = 25:00: must be <= 24:00 when run.days > 1"],
    )


def test_constant_rosters_and_schedules_run_exactly_as_fixed_counts():
    """A roster with the department's count in every session and schedules holding the
    stations' counts from their opening (7:30) give the same tables, to the bit, as the
    plain counts: visits, doctor sessions and every KPI (staff costs and station
    utilisations included)."""
    plain = run(*DEMO)
    constant = run(
        *DEMO,
        "hospital.departments.internal_medicine.roster={all:[3,3]}",
        "hospital.departments.surgery.roster={weekdays:[2,2],weekend:[2,2]}",
        "hospital.pharmacy.schedule=[{days:all,start:'7:30',servers:1},{days:all,start:'12:00',servers:1}]",
        "hospital.registration.schedule=[{days:all,start:'7:30',servers:1}]",
        "hospital.exams.lab.schedule=[{days:weekdays,start:'7:30',servers:1},{days:weekend,start:'7:30',servers:1}]",
    )
    doctors = {name: d.doctors for name, d in plain.config.hospital.departments.items()}
    assert doctors == {"internal_medicine": 3, "surgery": 2}
    assert plain.config.hospital.pharmacy.servers == 1 and plain.config.hospital.registration.servers == 1
    assert plain.config.hospital.exams["lab"].servers == 1
    pd.testing.assert_frame_equal(plain.visits, constant.visits)
    pd.testing.assert_frame_equal(plain.doctor_sessions, constant.doctor_sessions)
    pd.testing.assert_frame_equal(plain.kpis, constant.kpis)  # staff costs and utilisations too


def test_staff_cost_per_day_is_the_doctor_session_table_priced():
    """With every role but the doctor free and no overtime premium, a day's staff cost
    is 100 yuan per hour for every rostered and overtime minute of the doctor-session
    table; with a pharmacist at 60 yuan and the pharmacy's 2 windows paid from 7:00
    (its schedule) to the 17:30 shift end, it rises by 2 x 10.5 h x 60 a day plus
    both windows' minutes past 17:30 until the last prescription is dispensed."""
    free = [f"hospital.staffing.costs.{role}=0" for role in ("registration_clerk", "cashier", "technician", "kiosk")]
    base = [
        *DEMO,
        *free,
        "hospital.staffing.costs.complaint_officer=0",
        "hospital.staffing.costs.overtime_premium=1",
        "hospital.staffing.costs.shift_ends='23:00'",
        "hospital.pharmacy.schedule=[{days:all,start:'7:00',servers:2}]",
    ]
    doctors_only = run(*base, "hospital.staffing.costs.pharmacist=0")
    sessions = doctors_only.doctor_sessions
    minutes = (sessions["end"] - sessions["start"]) + (sessions["left"] - sessions["end"]).clip(lower=0)
    expected = minutes.groupby(sessions["replication"]).sum() / 60 * 100 / 2
    np.testing.assert_allclose(doctors_only.kpis["staff_cost_per_day"].to_numpy(), expected.to_numpy(), rtol=1e-12)
    with_pharmacy = run(*base, "hospital.staffing.costs.pharmacist=60", "hospital.staffing.costs.shift_ends='17:30'")
    visits = with_pharmacy.visits
    last = (
        visits.groupby(["replication", "day"])["pharmacy_end"].max()
        - visits.groupby(["replication", "day"])["day"].first() * 1440
    )
    overtime = (last - 17.5 * 60).clip(lower=0) * 2  # both windows stay until the last patient, at 1 yuan a minute
    pharmacy = (2 * 10.5 * 60 + overtime).groupby(level="replication").sum() / 2
    np.testing.assert_allclose(
        with_pharmacy.kpis["staff_cost_per_day"].to_numpy(), (expected + pharmacy).to_numpy(), rtol=1e-12
    )


@pytest.mark.parametrize("hospital", HOSPITALS)
def test_the_staffing_interventions_combine_on_every_hospital_with_baulking_off(hospital):
    """All four interventions together are a valid configuration of every shipped
    hospital (validated before anything runs), except that sessions starting at
    midnight (the validation hospitals) cannot start 30 minutes earlier, which is
    refused with the reason; and no shipped hospital baulks."""
    chosen = STAFFING_INTERVENTIONS
    if hospital.startswith("validation"):
        assert_refused(
            [f"hospital={hospital}", "intervention=extended_hours"],
            ["start_earlier_min = 30: clinic's first session would start before midnight"],
        )
        chosen = [name for name in chosen if name != "extended_hours"]
    cfg = to_typed(sim.compose([f"hospital={hospital}", f"intervention=[{','.join(chosen)}]"]))
    assert set(cfg.interventions) == set(chosen)
    assert not cfg.hospital.baulking.enabled


@pytest.fixture(scope="module")
def levers() -> dict[str, sim.Result]:
    """teaching_demo, 2 days x 2 replications, at baseline and with each staffing
    intervention (same seed: the same arrivals)."""
    return {name: run(*DEMO, f"intervention={name}") for name in ["none", *STAFFING_INTERVENTIONS]}


def test_every_intervention_keeps_the_arrivals(levers):
    """Same walk-ins in every scenario; booked patients too, except where the sessions
    move (extended hours: booking slots follow the sessions, so booked arrivals move)."""
    base = levers["none"].visits
    for name in STAFFING_INTERVENTIONS:
        visits = levers[name].visits
        walk_ins = [np.sort(v.loc[~v["booked"], "arrival_time"].to_numpy()) for v in (visits, base)]
        np.testing.assert_array_equal(*walk_ins)
        if name != "extended_hours":
            for column in ("arrival_time", "department", "booked", "slot_time"):
                np.testing.assert_array_equal(visits[column].to_numpy(), base[column].to_numpy())


def test_extended_hours_adds_half_an_hour_to_every_doctor_session(levers):
    """teaching_demo: 5 doctors x 2 sessions a day, each 30 minutes longer: 5 hours a day."""
    base, longer = levers["none"].kpis, levers["extended_hours"].kpis
    np.testing.assert_allclose(longer["doctor_hours_per_day"] - base["doctor_hours_per_day"], 5.0)
    sessions = levers["extended_hours"].doctor_sessions
    assert ((sessions["start"] % 1440).isin([450.0, 780.0])).all()  # 7:30 and 13:00


def test_pharmacy_peak_windows_shorten_the_pharmacy_queue_and_cost_more(levers):
    base, peak = levers["none"].kpis, levers["pharmacy_peak_windows"].kpis
    assert (peak["wait_pharmacy_mean_min"] < base["wait_pharmacy_mean_min"]).all()
    assert (peak["staff_cost_per_day"] > base["staff_cost_per_day"]).all()
    assert (peak["pharmacy_utilisation"] < base["pharmacy_utilisation"]).all()  # the windows count as capacity


def test_exam_prebooking_trades_the_exam_queue_for_a_scheduled_delay(levers):
    base, booked = levers["none"], levers["exam_prebooking"]
    assert (booked.kpis["wait_imaging_mean_min"] < base.kpis["wait_imaging_mean_min"]).all()
    assert (booked.kpis["exam_slot_delay_mean_min"] > 0).all()
    assert base.kpis["exam_slot_delay_mean_min"].isna().all()
    delay = booked.visits["exam_slot_delay_min"].dropna()
    assert (delay >= 0).all() and len(delay) > 50


def test_extra_doctors_add_doctors_only_where_the_rule_says(levers):
    """The wait rule never removes a doctor; where it adds some, the doctor hours rise."""
    base, extra = levers["none"].kpis, levers["extra_doctors"].kpis
    assert (extra["doctor_hours_per_day"] >= base["doctor_hours_per_day"]).all()


def test_all_four_interventions_combine_on_general_hospital():
    result = run(
        "hospital=general_hospital",
        "run.days=1",
        "run.replications=1",
        f"intervention=[{','.join(STAFFING_INTERVENTIONS)}]",
    )
    assert result.kpis["exam_slot_delay_mean_min"].notna().all()
    assert (result.kpis["staff_cost_per_visit"] > 0).all()


def test_baulking_patients_leave_or_come_back_at_the_configured_rate():
    """With a threshold of 1 patient per doctor some walk-ins baulk; those who baulked
    are never seen, booked patients never baulk (booked=false), and the share who came
    back is the configured 0.5 within 4 binomial standard errors."""
    result = run(
        *DEMO,
        "hospital.arrivals.daily_volume=250",
        "hospital.baulking.enabled=true",
        "hospital.baulking.threshold={kind:fixed,value:1}",
        "hospital.baulking.return_share=0.5",
    )
    visits = result.visits
    baulked = visits["outcome"] == "baulked"
    assert baulked.sum() > 0
    assert visits.loc[baulked, "consultation_start"].isna().all()
    assert not visits.loc[baulked, "booked"].any()
    looked = visits["baulk_queue_per_doctor"].notna()
    assert (visits.loc[baulked, "baulk_queue_per_doctor"] > 1).all()
    came_back = visits["baulk_returned_at"].notna()
    assert (visits.loc[came_back, "baulk_returned_at"] > visits.loc[came_back, "arrival_time"]).all()
    # every baulker came back or not (one draw each); those who came back and joined are the rest
    first_baulk = came_back | baulked
    share, n = came_back[first_baulk].mean(), int(first_baulk.sum())
    assert n > 30
    assert abs(share - 0.5) < 4 * np.sqrt(0.25 / n)
    assert looked.sum() >= first_baulk.sum()
    assert (result.kpis["baulked_share"] > 0).all()
