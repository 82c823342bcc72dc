"""Inputs that used to slip through (issue 9, items 5-7), refused through the Python
API before anything runs: numbers that are not finite, at every level of the schema;
keys the schema does not have, even when added with ``+``; dicts on the command line
that Hydra merged instead of replacing; dates that do not exist; and Hydra's own
composition errors, each reported as one line naming the key, without OmegaConf's
internals."""

from __future__ import annotations

import copy
import dataclasses
import typing

import pytest

import sim
from sim.config.compose import to_typed
from sim.config.validate import ConfigError, validate
from sim.schema import Config
from tests.conftest import assert_refused, run

OMEGACONF_NOISE = ("full_key", "reference_type", "object_type", "HYDRA_FULL_ERROR", "To append to your config")


def problems_of(overrides) -> list[str]:
    with pytest.raises(ConfigError) as error:
        to_typed(sim.compose(list(overrides)))
    return error.value.problems


# -- item 5: NaN and infinity ---------------------------------------------------------

NAN_REPORTED = [
    # each was accepted or crashed mid-run before the generic check
    "hospital.departments.surgery.share",
    "hospital.consultation_queue.rush_per_waiting_patient",
    "hospital.booking.channels.online.share",
    "hospital.warmup_min",
    "hospital.patients.age_groups.under_40",
]


@pytest.mark.parametrize("key", NAN_REPORTED)
def test_nan_is_refused_naming_the_key(key):
    assert_refused([f"{key}=nan"], [f"{key} = nan: must be a finite number"])


def infinity_allowed(cls=Config, key: str = "") -> set[str]:
    """Keys of the schema whose field metadata allows inf (dict entries written .<name>,
    list items [<index>])."""
    found = set()
    for f in dataclasses.fields(cls):
        name = f"{key}.{f.name}" if key else f.name
        if f.metadata.get("allow_inf"):
            found.add(name)
        hint = typing.get_type_hints(cls)[f.name]
        for candidate in (hint, *typing.get_args(hint)):
            if typing.get_origin(candidate) is dict:
                candidate, name = typing.get_args(candidate)[1], f"{name}.<name>"
            elif typing.get_origin(candidate) is list:
                candidate, name = typing.get_args(candidate)[0], f"{name}[<index>]"
            if dataclasses.is_dataclass(candidate):
                found |= infinity_allowed(candidate, name)
    return found


INFINITY_ALLOWED = infinity_allowed()


def float_leaves(value, key: str):
    """(key, float) for every float in a typed config, written the way problems name keys."""
    if dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from float_leaves(getattr(value, f.name), f"{key}.{f.name}" if key else f.name)
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from float_leaves(item, f"{key}.{name}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from float_leaves(item, f"{key}[{index}]")
    elif isinstance(value, float):
        yield key, value


def with_value(cfg, key: str, new):
    """A deep copy of ``cfg`` with the float at ``key`` (as float_leaves names it) replaced."""
    cfg = copy.deepcopy(cfg)
    parts = key.replace("[", ".[").split(".")
    target = cfg
    for part in parts[:-1]:
        target = (
            target[int(part[1:-1])]
            if part.startswith("[")
            else (target[part] if isinstance(target, dict) else getattr(target, part))
        )
    last = parts[-1]
    if last.startswith("["):
        target[int(last[1:-1])] = new
    elif isinstance(target, dict):
        target[last] = new
    else:
        setattr(target, last, new)
    return cfg


@pytest.fixture(scope="module")
def rich_config():
    """general_hospital with appointments, kiosks and mobile payment: every nested
    level of the schema (dicts of sections, lists of numbers, distributions) holds floats."""
    return to_typed(
        sim.compose(
            [
                "intervention=[online_appointments,self_service_kiosks,mobile_payment]",
                "hospital.booking.punctuality.kind=empirical",
                "hospital.booking.punctuality.values=[-20.0,-5.0,3.0]",
                "hospital.booking.punctuality.weights=[0.5,0.3,0.2]",
                "+hospital.booking.department_slots={surgery:{slot_length_min:15.0}}",
            ]
        )
    )


def test_every_float_of_the_schema_refuses_nan_and_infinity(rich_config):
    """Walks the typed config independently of the check: each of its floats, set to
    NaN, +inf or -inf, is reported by its key (+inf only where declared allowed)."""
    leaves = list(float_leaves(rich_config, ""))
    assert len(leaves) > 200  # hourly profiles, indexes, severities, distributions, shares…
    for key in (
        "hospital.arrivals.hourly_profile[8]",
        "hospital.booking.slots.slot_length_min",
        "hospital.complaints.classification.severity.quality[1]",
        "hospital.booking.department_slots.surgery.slot_length_min",
        "hospital.booking.punctuality.values[1]",
        "hospital.registration.kiosk_service.median",
    ):
        assert key in dict(leaves)
    validate(rich_config)
    unreported = []
    for key, _ in leaves:
        for bad in (float("nan"), float("inf"), float("-inf")):
            if bad == float("inf") and key in INFINITY_ALLOWED:
                continue
            try:
                validate(with_value(rich_config, key, bad))
            except ConfigError as error:
                if not any(p.startswith(f"{key} = {bad}") for p in error.problems):
                    unreported.append((key, bad, error.problems))
            else:
                unreported.append((key, bad, "accepted"))
    assert not unreported, unreported[:5]


def test_infinity_allowed_only_where_declared_and_it_runs():
    """late_grace_min = .inf means no booked patient is ever late (and precision_warning =
    .inf flags no KPI); NaN and -inf stay refused."""
    assert set(INFINITY_ALLOWED) == {"hospital.booking.late_grace_min", "output.precision_warning"}
    result = run(
        "hospital=teaching_demo",
        "intervention=online_appointments",
        "run.days=1",
        "run.replications=1",
        "hospital.booking.late_grace_min=inf",
        "output.figures=false",
    )
    booked = result.visits[result.visits["booked"] & result.visits["arrival_time"].notna()]
    assert len(booked) > 0 and not booked["late"].any()
    finite = run(
        "hospital=teaching_demo",
        "intervention=online_appointments",
        "run.days=1",
        "run.replications=1",
        "output.figures=false",
    )
    assert finite.visits["late"].any()  # so the infinite grace did change something
    for bad in ("nan", "-inf"):
        assert_refused([f"hospital.booking.late_grace_min={bad}"], [f"hospital.booking.late_grace_min = {bad}"])


# -- item 6: unknown keys, replaced dicts, dates ----------------------------------------


@pytest.mark.parametrize(
    "override, fragment",
    [
        ("+run.dayz=3", "run.dayz: no such setting; did you mean run.days?"),
        (
            "+hospital.departments.surgery.doctorz=3",
            "hospital.departments.surgery.doctorz: no such setting; did you mean hospital.departments.surgery.doctors?",
        ),
        ("+hospital.booking.channels.online.noshow=0.1", "did you mean hospital.booking.channels.online.no_show?"),
        ("run.dayz=3", "run.dayz: no such setting; did you mean run.days?"),
        ("hospital.pharmacy.windows=3", "hospital.pharmacy.windows: no such setting; settings of hospital.pharmacy:"),
    ],
)
def test_unknown_keys_are_refused_with_a_suggestion(override, fragment):
    problems = problems_of([override])
    assert any(fragment in p for p in problems), problems


def test_a_dict_on_the_command_line_replaces_the_dict():
    """`key={…}` sets the entries to exactly what is written; `+key={…}` adds entries;
    settings of an entry given after the dict still apply."""
    assert_refused(["hospital.departments={}"], ["hospital.departments is empty"])
    channels = to_typed(
        sim.compose(
            [
                "intervention=online_appointments",
                "hospital.booking.channels={online:{share:1}}",
                "hospital.booking.channels.online.no_show=0.3",
            ]
        )
    ).hospital.booking.channels
    assert list(channels) == ["online"] and channels["online"].share == 1 and channels["online"].no_show == 0.3
    waits = to_typed(sim.compose(["hospital.complaints.waits.tolerance_median_min={consultation:25}"]))
    assert waits.hospital.complaints.waits.tolerance_median_min == {"consultation": 25.0}
    # the + form keeps merging, as Hydra documents
    merged = to_typed(sim.compose(["+hospital.complaints.waits.tolerance_median_min={consultation:25}"]))
    tolerances = merged.hospital.complaints.waits.tolerance_median_min
    assert tolerances["consultation"] == 25.0 and tolerances["registration"] == 10.0


@pytest.mark.parametrize(
    "date, fragment",
    [
        ("2026-02-30", "'2026-02-30' is not a date: February 2026 has 28 days"),
        ("2028-02-30", "'2028-02-30' is not a date: February 2028 has 29 days"),
        ("2026-13-01", "'2026-13-01' is not a date: months are 01 to 12"),
        ("2026-3-2", "'2026-3-2' is not a date of the form YYYY-MM-DD"),
    ],
)
def test_dates_that_do_not_exist_say_so(date, fragment):
    assert_refused([f"run.start_date={date}"], [f"run.start_date: {fragment}"])


# -- item 7: Hydra's own errors, one line each -------------------------------------------


@pytest.mark.parametrize(
    "overrides, expected",
    [
        (["run.days=abc"], "run.days = 'abc': must be an integer"),
        (["run.days=1.5"], "run.days = 1.5: must be an integer"),
        (["output.figures=maybe"], "output.figures = 'maybe': must be true or false"),
        (["hospital.warmup_min=soon"], "hospital.warmup_min = 'soon': must be a number"),
        (
            ["hospital=nonexistent"],
            "hospital=nonexistent: no such option; options: general_hospital, kunming_tertiary, teaching_demo, "
            "validation_mmc, validation_network",
        ),
        (["hospitl=teaching_demo"], "hospitl: no such setting; did you mean hospital?"),
        (["run.days=["], "run.days=[: not a valid override"),
    ],
)
def test_hydra_errors_are_one_line_without_omegaconf_internals(overrides, expected):
    problems = problems_of(overrides)
    assert len(problems) == 1 and "\n" not in problems[0], problems
    assert problems[0].startswith(expected), problems
    assert not any(noise in problems[0] for noise in OMEGACONF_NOISE), problems


def test_yaml_syntax_error_names_file_line_and_column(tmp_path):
    (tmp_path / "hospital").mkdir()
    broken = tmp_path / "hospital" / "broken.yaml"
    broken.write_text("defaults:\n  - teaching_demo\n  - _self_\nname: broken\narrivals:\n  daily_volume: [1, 2\n")
    problems = problems_of([f"hydra.searchpath=[file://{tmp_path}]", "hospital=broken"])
    assert len(problems) == 1 and "\n" not in problems[0], problems
    assert problems[0].startswith(f"{broken}, line 7, column 1: expected ',' or ']'"), problems
    assert "line 6, column 17" in problems[0]


def test_type_error_in_a_config_file_names_the_file_and_key(tmp_path):
    (tmp_path / "hospital").mkdir()
    (tmp_path / "hospital" / "typo.yaml").write_text(
        "defaults:\n  - teaching_demo\n  - _self_\nname: typo\npharmacy:\n  servers: two\n"
    )
    problems = problems_of([f"hydra.searchpath=[file://{tmp_path}]", "hospital=typo"])
    assert problems == ["hospital.pharmacy.servers = 'two': must be an integer (in hospital/typo)"]
