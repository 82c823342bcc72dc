"""Every shipped config composes and validates; every kind of bad input is refused
with a message naming the key, the value and what is allowed."""

from pathlib import Path

import pytest

import sim
from sim.config.compose import CONF_DIR, ConfigError, to_typed
from tests.conftest import assert_refused

OPTIONS = [
    f"{path.parent.name}={path.stem}"
    for group in ("hospital", "intervention", "experiment", "runner")
    for path in sorted((CONF_DIR / group).glob("*.yaml"))
]


def test_config_groups_exist():
    assert {
        "hospital=general_hospital",
        "hospital=teaching_demo",
        "hospital=validation_mmc",
        "hospital=validation_network",
        "intervention=none",
    } <= set(OPTIONS)


@pytest.mark.parametrize("option", OPTIONS)
def test_every_option_composes_and_validates(option):
    cfg = to_typed(sim.compose([option]))
    assert cfg.hospital.name


def test_general_hospital_is_realistic():
    hospital = to_typed(sim.compose([])).hospital
    assert hospital.name == "general_hospital"
    assert len(hospital.departments) >= 5
    assert hospital.arrivals.daily_volume == pytest.approx(4000)
    assert {"lab", "imaging"} <= set(hospital.exams)


BAD = [
    # (overrides, fragments the message must contain)
    (["hospital.pharmacy.servers=0"], ["hospital.pharmacy.servers = 0", "integer >= 1"]),
    (["hospital.exams.lab.servers=-2"], ["hospital.exams.lab.servers = -2", "integer >= 1"]),
    (
        ["hospital.departments.surgery.doctors=0"],
        ["hospital.departments.surgery.doctors = 0: must be an integer >= 1 — doctors"],
    ),
    (
        ["hospital.departments.surgery.prescription_probability=1.5"],
        ["hospital.departments.surgery.prescription_probability = 1.5", "between 0 and 1"],
    ),
    (
        ["hospital.departments.surgery.exam_probability.lab=-0.1"],
        ["hospital.departments.surgery.exam_probability.lab = -0.1", "between 0 and 1"],
    ),
    (["hospital.patients.female_share=2"], ["hospital.patients.female_share = 2.0", "between 0 and 1"]),
    (["hospital.departments.surgery.share=0.5"], ["hospital.departments.<name>.share", "sum to 1.35", "must sum to 1"]),
    (["hospital.patients.education.basic=0.9"], ["hospital.patients.education", "must sum to 1"]),
    (
        ["hospital.departments.surgery.sessions=[{start:'12:00',end:'8:00'}]"],
        ["hospital.departments.surgery.sessions[0]", "ends at 8:00, not after it starts at 12:00"],
    ),
    (["hospital.departments.surgery.sessions=[]"], ["hospital.departments.surgery.sessions is empty"]),
    (["hospital.registration.closes=6:00"], ["hospital.registration", "closes (6:00) must be after opens (7:00)"]),
    (["hospital.registration.opens=7h"], ["hospital.registration.opens", "'7h' is not a time of day"]),
    (
        ["hospital=teaching_demo", "~hospital.departments.internal_medicine", "~hospital.departments.surgery"],
        ["hospital.departments is empty"],
    ),
    (
        ["hospital.departments.surgery.assignment=lottery"],
        ["hospital.departments.surgery.assignment = 'lottery'", "pooled, shortest_queue, random"],
    ),
    (
        ["+hospital.departments.surgery.exam_probability.mri=0.1"],
        ["hospital.departments.surgery.exam_probability.mri: no such exam", "lab, imaging"],
    ),
    (
        ["hospital.pharmacy.service.kind=weibull"],
        ["hospital.pharmacy.service.kind = 'weibull'", "allowed: exponential"],
    ),
    (["hospital.arrivals.hourly_profile=[1,2,3]"], ["hospital.arrivals.hourly_profile has 3 values", "exactly 24"]),
    (
        ["hospital.arrivals.open_weekdays=[0,7]"],
        ["hospital.arrivals.open_weekdays[1] = 7: must be an integer between 0 and 6", "0 (Monday) to 6 (Sunday)"],
    ),
    (["run.days=0"], ["run.days = 0", "integer >= 1"]),
    (["run.replications=0"], ["run.replications = 0"]),
    (["run.start_date=2026-13-01"], ["run.start_date", "months are 01 to 12"]),
    (["hospital=validation_mmc", "run.days=3"], ["must be <= 24:00 when run.days > 1", "set run.days=1"]),
    # caught by the typed schema while composing
    (["hospital.registration.windows=3"], ["windows"]),
    (["hospital.registration.servers=three"], ["hospital.registration.servers", "three"]),
    (["hospital=no_such_hospital"], ["no_such_hospital", "general_hospital"]),
]


@pytest.mark.parametrize("overrides, fragments", BAD, ids=[" ".join(o) for o, _ in BAD])
def test_bad_input_is_refused_with_a_clear_message(overrides, fragments):
    assert_refused(overrides, fragments)


def test_all_problems_are_reported_at_once():
    with pytest.raises(ConfigError) as error:
        to_typed(sim.compose(["hospital.pharmacy.servers=0", "run.days=0"]))
    assert len(error.value.problems) == 2


def test_conf_dir_is_the_projects():
    assert CONF_DIR == Path(__file__).resolve().parents[2] / "conf"
