"""Appointments against their configuration and against scheduling theory.

* Realised channel mix, no-show shares and punctuality agree with the config within
  sampling error: each realised value must lie in the 99.9% interval around the
  configured one (nine comparisons: a correct model fails one with probability below
  1%; seeds are fixed so the suite is deterministic), and the intervals must be narrow
  enough that a model off by a few points would fail.
* The Bailey-Welch trade-off (Ho & Lau 1992): two patients at the session start buy
  less doctor idle time with more patient waiting, also with no-shows and variable
  consultation lengths. Paired replications (common random numbers), 99.9% interval
  of the difference.
"""

import math

import numpy as np
import pytest
import scipy.stats as st

import sim
from sim.schema import (
    BookingConfig,
    ChannelConfig,
    Distribution,
    PunctualityConfig,
    SlotTemplateConfig,
)
from tests.conftest import run
from tests.functional.test_deterministic import clinic
from tests.validation.stats_helpers import ALPHA, interval

Z = st.norm.ppf(1 - ALPHA / 2)


@pytest.fixture(scope="module")
def booked():
    """general_hospital with 85% booked (every slot released): about 25,000 bookings."""
    result = run(
        "hospital=general_hospital",
        "run.days=3",
        "run.replications=3",
        "hospital.booking.booked_share=0.85",
        "hospital.booking.slots.released_share=1",
    )
    return result.config.hospital.booking, result.visits[result.visits["booked"]]


def assert_binomial(successes: int, trials: int, p: float, what: str, max_half_width: float) -> None:
    half = Z * math.sqrt(p * (1 - p) / trials)
    assert abs(successes / trials - p) <= half, (
        f"{what}: realised {successes / trials:.4f} (n={trials}) outside {p} +/- {half:.4f}"
    )
    assert half <= max_half_width, f"{what}: interval +/-{half:.4f} too wide to be a test"


def test_channel_mix_and_no_show_share_match_the_config(booked):
    config, visits = booked
    assert len(visits) > 20_000
    for name, channel in config.channels.items():
        mine = visits[visits["channel"] == name]
        assert_binomial(len(mine), len(visits), channel.share, f"share of bookings through {name}", 0.015)
        no_shows = int((mine["outcome"] == "no_show").sum())
        assert_binomial(no_shows, len(mine), channel.no_show, f"no-show share of {name}", 0.25 * channel.no_show)


def test_punctuality_matches_the_config(booked):
    config, visits = booked
    p = config.punctuality
    offset = visits["punctuality_min"].dropna().to_numpy()
    n = len(offset)
    assert n > 20_000
    # mean: normal theory; sd: chi-square interval for the sample variance
    mean, low, high = interval(offset, 1 - ALPHA)
    assert low <= p.mean_min <= high, (mean, low, high)
    assert high - low < 0.6
    chi_low, chi_high = st.chi2.ppf([ALPHA / 2, 1 - ALPHA / 2], n - 1)
    sd = offset.std(ddof=1)
    assert sd * math.sqrt((n - 1) / chi_high) <= p.sd_min <= sd * math.sqrt((n - 1) / chi_low), sd
    late = int((offset > 0).sum())
    assert_binomial(late, n, st.norm.sf(0, p.mean_min, p.sd_min), "share arriving after their slot", 0.01)
    assert visits.loc[visits["punctuality_min"] > 0, "late"].all()


def rule_clinic(rule: str, punctuality: tuple[float, float]) -> sim.schema.Config:
    """Ten doctors, one session 8:00-12:00 of 24 ten-minute slots each, 240 patients
    booking every slot, 15% no-shows, gamma consultations of mean 10 (cv 0.5)."""
    cfg = clinic(1.0, 10.0, [("8:00", "12:00")], closes="12:00", days=5)
    clinic_cfg = cfg.hospital.departments["clinic"]
    clinic_cfg.doctors = 10
    clinic_cfg.assignment = "shortest_queue"
    clinic_cfg.consultation = Distribution(kind="gamma", mean=10.0, cv=0.5)
    cfg.hospital.booking = BookingConfig(
        booked_share=1.0,
        channels={"online": ChannelConfig(share=1.0, no_show=0.15)},
        punctuality=PunctualityConfig(mean_min=punctuality[0], sd_min=punctuality[1]),
        slots=SlotTemplateConfig(slot_length_min=10.0, rule=rule),
    )
    cfg.run.replications = 10
    return cfg


@pytest.mark.parametrize("punctuality", [(0.0, 0.0), (-15.0, 12.0)], ids=["punctual", "unpunctual"])
def test_bailey_welch_trades_patient_wait_for_less_doctor_idle_time(punctuality):
    individual = sim.simulate(rule_clinic("individual", punctuality)).kpis
    bailey_welch = sim.simulate(rule_clinic("bailey_welch", punctuality)).kpis
    assert (individual["no_show_share"] > 0.1).all()
    idle = bailey_welch["doctor_idle_per_session_min"] - individual["doctor_idle_per_session_min"]
    wait = bailey_welch["wait_booked_from_slot_mean_min"] - individual["wait_booked_from_slot_mean_min"]
    _, low, high = interval(idle, 1 - ALPHA)
    assert high < 0, f"Bailey-Welch should idle less: difference in [{low:.3g}, {high:.3g}] min per session"
    _, low, high = interval(wait, 1 - ALPHA)
    assert low > 0, f"Bailey-Welch should make patients wait more: difference in [{low:.3g}, {high:.3g}] min"
    assert np.isfinite(individual["wait_booked_from_slot_mean_min"]).all()
