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
