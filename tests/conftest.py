"""Shared helpers: compose a config from overrides and simulate it quietly."""

from __future__ import annotations

import pytest

import sim

QUIET = ["output.progress=false"]


def assert_refused(overrides, fragments) -> None:
    """Composing and validating ``overrides`` raises a ConfigError whose message
    contains every fragment."""
    from sim.config.compose import ConfigError, to_typed

    with pytest.raises(ConfigError) as error:
        to_typed(sim.compose(list(overrides)))
    message = str(error.value)
    for fragment in fragments:
        assert fragment in message, message


def run(*overrides: str) -> sim.Result:
    return sim.simulate(sim.compose([*QUIET, *overrides]))


@pytest.fixture(scope="session")
def demo_result() -> sim.Result:
    """teaching_demo, 3 days x 3 replications: shared by the invariant tests."""
    return run("hospital=teaching_demo", "run.days=3", "run.replications=3")


@pytest.fixture(scope="session")
def general_result() -> sim.Result:
    """general_hospital, 2 days x 2 replications."""
    return run("hospital=general_hospital", "run.days=2", "run.replications=2")


@pytest.fixture(scope="session")
def appointments_result() -> sim.Result:
    """teaching_demo with online appointments and every booking option switched away
    from its default: mobile payment, elderly priority, late patients as walk-ins,
    early patients wait for their slot, Bailey-Welch slots with overbooking."""
    return run(
        "hospital=teaching_demo",
        "intervention=online_appointments",
        "run.days=3",
        "run.replications=3",
        "hospital.booking.channels.online.mobile_payment_share=0.5",
        "hospital.booking.walk_in_mobile_payment_share=0.2",
        "hospital.booking.elderly_priority=true",
        "hospital.booking.late_policy=walk_in",
        "hospital.booking.early_arrivals=wait_for_slot",
        "hospital.booking.slots.rule=bailey_welch",
        "hospital.booking.slots.overbooking=0.1",
    )


# a week of teaching_demo with everything issue 13 adds switched on (sim.staffing)
STAFFING_OVERRIDES = [
    "hospital=teaching_demo",
    "run.days=7",
    "run.replications=2",
    "run.start_date=2026-03-02",
    "hospital.arrivals.daily_volume=220",
    "hospital.departments.internal_medicine.assignment=pooled",
    "hospital.departments.internal_medicine.roster={weekdays:[3,2],sat:[2,1],sun:[1,1],holiday:[1,0]}",
    "hospital.departments.surgery.roster={all:[2,1],sun:[1,0]}",
    "hospital.staffing.holidays.dates=[2026-03-04]",
    "hospital.staffing.extended_hours.end_later_min=15",
    "hospital.registration.schedule=[{days:all,start:'7:30',servers:1},{days:weekdays,start:'7:30',servers:1},"
    "{days:weekdays,start:'8:00',servers:2},{days:weekdays,start:'10:00',servers:1}]",
    "hospital.pharmacy.schedule=[{days:weekdays,start:'7:30',servers:1},{days:weekdays,start:'12:00',servers:2},"
    "{days:weekdays,start:'13:00',servers:1}]",
    "hospital.cashier.extra=[{start:'9:00',end:'10:00',servers:1}]",
    "hospital.exams.imaging.schedule=[{days:all,start:'8:00',servers:2},{days:all,start:'12:00',servers:1}]",
    "hospital.staffing.exam_prebooking.enabled=true",
    "hospital.staffing.exam_prebooking.exams=[imaging]",
    "hospital.baulking.enabled=true",
    "hospital.baulking.threshold={kind:lognormal,median:4,sigma:0.5}",
]


@pytest.fixture(scope="session")
def staffing_result() -> sim.Result:
    """teaching_demo for a week with rosters by weekday and session (a pooled
    department, a holiday with its own row, a closed Sunday afternoon), lengthened
    sessions, station schedules (registration windows, pharmacy, imaging), an extra
    cashier window, imaging pre-booked and baulking on."""
    return run(*STAFFING_OVERRIDES)
