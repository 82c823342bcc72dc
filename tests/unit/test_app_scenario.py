"""The teaching page's scenarios and words: a scenario is the command line's
overrides and survives the YAML round trip; bad scenario files are refused with a
reason; KPI values and paired differences read as plain sentences with the
catalogue's units and directions."""

from __future__ import annotations

import math

import pytest
import yaml

from sim.app import scenario as scenarios
from sim.app import words


def test_overrides_and_yaml_round_trip():
    """Writing a scenario as YAML and reading it back gives the same overrides; the
    file names the command that reproduces it."""
    scenario = scenarios.Scenario(
        "teaching_demo",
        ["online_appointments", "mobile_payment"],
        {"hospital.pharmacy.servers": 2, "hospital.booking.booked_share": 0.6, "run.days": 3},
    )
    overrides = scenario.overrides()
    assert overrides == [
        "hospital=teaching_demo",
        "intervention=[online_appointments,mobile_payment]",
        "hospital.pharmacy.servers=2",
        "hospital.booking.booked_share=0.6",
        "run.days=3",
    ]
    text = scenario.to_yaml()
    assert "python -m sim hospital=teaching_demo 'intervention=[online_appointments,mobile_payment]'" in text
    again = scenarios.from_yaml(text)
    assert again == scenario and again.overrides() == overrides
    assert yaml.safe_load(text) == {"overrides": overrides}


def test_one_intervention_and_none():
    assert scenarios.Scenario("general_hospital", ["mobile_payment"]).overrides()[1] == "intervention=mobile_payment"
    assert scenarios.from_overrides(["hospital=teaching_demo", "intervention=none"]).interventions == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("overrides: [hospital=teaching_demo, pharmacy]", "an override is key=value"),
        ("hospital: teaching_demo", "a scenario file holds `overrides:`"),
        ("overrides: [a=1\n  b: [", "not a YAML file"),
    ],
)
def test_bad_scenario_files_are_refused(text, fragment):
    with pytest.raises(scenarios.ScenarioError) as error:
        scenarios.from_yaml(text)
    assert fragment in str(error.value)


def test_hospitals_and_interventions_come_from_the_configs():
    """The page offers every hospital and intervention of conf/, with the intervention's
    own one-line description."""
    assert {"teaching_demo", "general_hospital"} <= set(scenarios.hospitals())
    offered = scenarios.interventions()
    assert "none" not in offered and "online_appointments" in offered
    assert offered["mobile_payment"].startswith("pay on the phone")


def test_values_and_differences_in_plain_words():
    """Units and directions from the catalogue: minutes longer/shorter, shares in
    percent and percentage points; a difference whose interval spans zero is 'no
    clear change'; intervals are cut at the KPI's natural bounds."""
    assert words.value_text("wait_doctor_mean_min", 12.34) == "12.3 min"
    assert words.value_text("left_without_being_seen_share", 0.0123) == "1.2%"
    assert words.value_text("wait_doctor_mean_min", math.nan) == "–"
    shorter = {"difference": -3.2, "difference_ci_low": -4.3, "difference_ci_high": -2.1, "significant": True}
    assert words.difference_text("wait_doctor_mean_min", shorter) == (
        "3.2 min shorter than baseline (95% interval 2.1 min to 4.3 min shorter)"
    )
    assert words.verdict("wait_doctor_mean_min", shorter) == "better"
    unclear = {"difference": 0.01, "difference_ci_low": -0.02, "difference_ci_high": 0.04, "significant": False}
    assert words.difference_text("left_without_being_seen_share", unclear).startswith("no clear change")
    assert words.verdict("left_without_being_seen_share", unclear) == "unclear"
    assert words.interval_text("doctor_overtime_per_day_min", -0.2, 1.5) == "95% interval 0.0 min to 1.5 min"
