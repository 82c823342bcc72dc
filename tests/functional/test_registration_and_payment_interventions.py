"""Self-service kiosks and mobile payment: who uses them, what they skip, and that
they shorten the queues they relieve (common random numbers)."""

import numpy as np
import pytest

import sim
from sim.config.compose import ConfigError, to_typed
from tests.conftest import run

DEMO = ["hospital=teaching_demo", "run.days=3", "run.replications=2"]


@pytest.fixture(scope="module")
def baseline():
    return run(*DEMO)


@pytest.fixture(scope="module")
def kiosks():
    return run(*DEMO, "intervention=self_service_kiosks")


def test_kiosk_users_are_the_configured_share_of_those_registering(kiosks):
    registering = kiosks.visits[kiosks.visits["registration_start"].notna()]
    share = registering["kiosk"].mean()
    n = len(registering)
    # binomial: within 4 standard errors of the configured 0.5
    assert abs(share - 0.5) < 4 * np.sqrt(0.25 / n)
    assert not kiosks.visits.loc[kiosks.visits["pre_registered"], "kiosk"].any()


def test_kiosks_shorten_the_wait_at_registration_without_touching_the_rest(baseline, kiosks):
    same = ["arrival_time", "department", "prescription", "booked", "slot_time"]
    for column in same:
        np.testing.assert_array_equal(baseline.visits[column].to_numpy(), kiosks.visits[column].to_numpy())
    assert (kiosks.kpis["wait_registration_mean_min"] < baseline.kpis["wait_registration_mean_min"]).all()


def test_every_registration_with_kiosk_share_one_takes_the_kiosk_time():
    """With every registering patient at a kiosk of fixed 0.25-min service, each
    registration lasts exactly 0.25 min."""
    result = run(
        *DEMO,
        "hospital.registration.kiosks=3",
        "hospital.registration.kiosk_share=1",
        "hospital.registration.kiosk_service={kind:fixed,value:0.25}",
    )
    registered = result.visits[result.visits["registration_start"].notna()]
    assert registered["kiosk"].all()
    np.testing.assert_allclose(registered["registration_end"] - registered["registration_start"], 0.25)


def test_mobile_payment_empties_the_cashier_queue_for_those_who_use_it(baseline):
    mobile = run(*DEMO, "intervention=mobile_payment")
    visits = mobile.visits
    payers = visits["mobile_payment"]
    assert payers.mean() > 0.5
    assert visits.loc[payers, ["exam_payment_start", "payment_start"]].isna().all().all()
    np.testing.assert_array_equal(visits["arrival_time"].to_numpy(), baseline.visits["arrival_time"].to_numpy())
    assert (mobile.kpis["wait_payment_mean_min"] < baseline.kpis["wait_payment_mean_min"]).all()


@pytest.mark.parametrize(
    "overrides, fragment",
    [
        (
            ["hospital.registration.kiosk_share=0.5"],
            "hospital.registration.kiosk_share = 0.5: needs hospital.registration.kiosks >= 1",
        ),
        (["hospital.registration.kiosks=-1"], "hospital.registration.kiosks = -1: must be an integer >= 0"),
        (
            ["hospital.registration.kiosks=2", "hospital.registration.kiosk_share=1.5"],
            "hospital.registration.kiosk_share = 1.5: must be a number between 0 and 1 — probability",
        ),
    ],
)
def test_bad_kiosk_settings_are_refused(overrides, fragment):
    with pytest.raises(ConfigError, match="kiosk") as error:
        to_typed(sim.compose(overrides))
    assert fragment in str(error.value)
