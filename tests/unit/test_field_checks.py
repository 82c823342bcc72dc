"""The generic field checker (``sim.config.validate.check_fields``) on small dataclasses
of its own: each kind of limit, items of lists and dicts, nested sections, infinity,
choices and unknown keys; and the schema's own metadata: every field has a help line,
limits use only the contract's keys, choices are enums OmegaConf can read by name."""

from __future__ import annotations

import dataclasses
import math
import typing
from dataclasses import dataclass
from enum import Enum, StrEnum

import pytest

from sim import schema
from sim.config.validate import check_fields, describe_limits
from sim.schema import Config, setting


class Colour(StrEnum):
    red = "red"
    blue = "blue"


@dataclass
class Inner:
    weights: dict[str, list[float]] = setting(help="weights per group", factory=dict, ge=0, le=1)
    rate: float = setting(1.0, help="a rate", gt=0)


@dataclass
class Outer:
    count: int = setting(1, help="how many", ge=1)
    share: float = setting(0.5, help="a share", ge=0, le=1)
    fraction: float = setting(0.5, help="an open fraction", gt=0, lt=1)
    factor: float = setting(1.0, help="a factor", gt=0, le=1)
    ceiling: float = setting(0.0, help="at most 10", le=10)
    below: float = setting(0.0, help="under 10", lt=10)
    grace: float = setting(0.0, help="minutes of grace", ge=0, allow_inf=True)
    free: float = setting(0.0, help="any finite number")
    colour: Colour = setting(Colour.red, help="a colour")
    maybe: Colour | None = setting(None, help="a colour or nothing")
    limit: float | None = setting(None, help="a limit or nothing", ge=0)
    days: list[int] = setting(help="weekdays", factory=lambda: [0, 1], ge=0, le=6)
    sections: dict[str, Inner] = setting(help="named sections", factory=lambda: {"a": Inner()})
    inner: Inner = setting(help="one section", factory=Inner)


def problems(**changes) -> list[str]:
    found, _ = check_fields(Outer(**changes))
    return found


def test_a_config_within_its_limits_has_no_problems():
    assert check_fields(Outer()) == ([], True)
    assert problems(share=0.0, fraction=0.999, factor=1.0, ceiling=10.0, below=9.99, colour="blue", maybe="red") == []


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"count": 0}, "count = 0: must be an integer >= 1 — how many"),
        ({"share": 1.5}, "share = 1.5: must be a number between 0 and 1 — a share"),
        ({"share": -0.1}, "share = -0.1: must be a number between 0 and 1 — a share"),
        ({"fraction": 0.0}, "fraction = 0.0: must be a number between 0 and 1 (exclusive) — an open fraction"),
        ({"fraction": 1.0}, "fraction = 1.0: must be a number between 0 and 1 (exclusive) — an open fraction"),
        ({"factor": 0.0}, "factor = 0.0: must be a number > 0 and <= 1 — a factor"),
        ({"ceiling": 10.5}, "ceiling = 10.5: must be a number <= 10 — at most 10"),
        ({"below": 10.0}, "below = 10.0: must be a number < 10 — under 10"),
        ({"grace": -1.0}, "grace = -1.0: must be a number >= 0, or inf — minutes of grace"),
        ({"limit": -2.0}, "limit = -2.0: must be a number >= 0 — a limit or nothing"),
    ],
)
def test_each_kind_of_limit_names_key_value_and_what_is_allowed(changes, expected):
    assert problems(**changes) == [expected]


def test_items_of_lists_and_dicts_and_nested_sections_are_checked_by_key():
    bad_inner = Inner(weights={"x": [0.5, 1.5], "y": [-1.0]}, rate=0.0)
    found = problems(days=[0, 7, -1], sections={"a": Inner(), "b": bad_inner}, inner=Inner(weights={"z": [2.0]}))
    assert found == [
        "days[1] = 7: must be an integer between 0 and 6 — weekdays",
        "days[2] = -1: must be an integer between 0 and 6 — weekdays",
        "sections.b.weights.x[1] = 1.5: must be a number between 0 and 1 — weights per group",
        "sections.b.weights.y[0] = -1.0: must be a number between 0 and 1 — weights per group",
        "sections.b.rate = 0.0: must be a number > 0 — a rate",
        "inner.weights.z[0] = 2.0: must be a number between 0 and 1 — weights per group",
    ]


def test_every_problem_is_reported_at_once():
    assert len(problems(count=0, share=2.0, colour="green", free=math.nan)) == 4


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_numbers_must_be_finite_and_then_the_cross_field_checks_wait(bad):
    found, comparable = check_fields(Outer(free=bad, inner=Inner(weights={"g": [bad]})))
    assert found == [
        f"free = {bad}: must be a finite number — any finite number",
        f"inner.weights.g[0] = {bad}: must be a finite number between 0 and 1 — weights per group",
    ]
    assert not comparable


def test_infinity_only_where_the_field_allows_it():
    assert check_fields(Outer(grace=math.inf)) == ([], True)
    for bad in (math.nan, -math.inf):
        found, comparable = check_fields(Outer(grace=bad))
        assert found == [f"grace = {bad}: must be a finite number >= 0, or inf — minutes of grace"]
        assert not comparable


def test_a_choice_must_be_one_of_the_enum_values_given_as_string_or_member():
    assert check_fields(Outer(colour="blue", maybe=Colour.red)) == ([], True)
    found, comparable = check_fields(Outer(colour="green", maybe="Red"))
    assert found == ["colour = 'green': allowed: red, blue", "maybe = 'Red': allowed: red, blue; did you mean red?"]
    assert not comparable


def test_keys_the_schema_does_not_have_are_reported_with_a_suggestion():
    outer = Outer()
    outer.cont = 3  # what OmegaConf leaves for a key added with +
    outer.inner.zzz = 1
    found, comparable = check_fields(outer)
    assert found[0] == "cont: no such setting; did you mean count?"
    assert found[1].startswith("inner.zzz: no such setting; settings of inner: weights, rate")
    assert comparable  # unknown keys do not stop the cross-field checks


def test_describe_limits_is_what_the_messages_say():
    assert describe_limits({"ge": 1}, integer=True) == "an integer >= 1"
    assert describe_limits({"ge": 0, "le": 1}) == "a number between 0 and 1"
    assert describe_limits({"gt": 0, "lt": 1000}) == "a number between 0 and 1000 (exclusive)"
    assert describe_limits({"ge": 0, "allow_inf": True}) == "a number >= 0, or inf"
    assert describe_limits({}, finite=True) == "a finite number"


# -- the schema's own metadata -----------------------------------------------------------------


def schema_classes(cls=Config, seen=None) -> list[type]:
    """Every dataclass the configuration is made of, reached from ``Config``."""
    seen = [] if seen is None else seen
    if cls in seen:
        return seen
    seen.append(cls)
    for hint in typing.get_type_hints(cls).values():
        for candidate in (
            hint,
            *typing.get_args(hint),
            *[a for h in typing.get_args(hint) for a in typing.get_args(h)],
        ):
            if dataclasses.is_dataclass(candidate):
                schema_classes(candidate, seen)
    return seen


CLASSES = schema_classes()
FIELDS = [(cls, f) for cls in CLASSES for f in dataclasses.fields(cls)]


def test_the_walk_reaches_the_whole_schema():
    names = {cls.__name__ for cls in CLASSES}
    assert {"Distribution", "Session", "SlotTemplateOverride", "ChannelConfig", "ComplaintOfficeConfig"} <= names
    assert len(CLASSES) >= 25


@pytest.mark.parametrize("cls, f", FIELDS, ids=[f"{cls.__name__}.{f.name}" for cls, f in FIELDS])
def test_every_field_has_a_one_line_help_and_only_contract_keys(cls, f):
    help_text = f.metadata.get("help")
    assert isinstance(help_text, str) and help_text.strip() and "\n" not in help_text
    assert set(f.metadata) <= {"help", "ge", "gt", "le", "lt", "allow_inf"}
    for bound in ("ge", "gt", "le", "lt"):
        assert bound not in f.metadata or isinstance(f.metadata[bound], int | float)


def test_every_float_field_has_a_help():
    """The brief's minimum, kept separately so the count of float settings is visible."""
    floats = [
        (cls.__name__, f.name)
        for cls, f in FIELDS
        if "float" in str(typing.get_type_hints(cls)[f.name]) and f.metadata.get("help")
    ]
    all_floats = [(cls.__name__, f.name) for cls, f in FIELDS if "float" in str(typing.get_type_hints(cls)[f.name])]
    assert floats == all_floats and len(all_floats) > 60


def test_choices_are_str_enums_whose_names_are_their_values():
    """OmegaConf reads an enum from YAML by member name; YAML and JSON write the value."""
    enums = {
        hint
        for cls in CLASSES
        for raw in typing.get_type_hints(cls).values()
        for hint in (raw, *typing.get_args(raw))
        if isinstance(hint, type) and issubclass(hint, Enum)
    }
    assert {e.__name__ for e in enums} == {
        "DistributionKind",
        "Assignment",
        "PunctualityKind",
        "SlotRule",
        "LatePolicy",
        "EarlyArrivals",
        "RunnerKind",
        "ResearchTask",
        "SensitivityModel",
        "OptimiseSampler",
    }
    for enum in enums:
        assert issubclass(enum, str)
        assert all(member.name == member.value and f"{member}" == member.value for member in enum)


def test_defaults_are_within_their_limits():
    found, comparable = check_fields(field_defaults())
    assert found == [] and comparable


def field_defaults():
    """A Config of schema defaults with the required values given."""
    hospital = schema.HospitalConfig(name="h", departments={"d": schema.DepartmentConfig(share=1.0)})
    hospital.exams = {"lab": schema.ExamConfig()}
    hospital.booking.department_slots = {"d": schema.SlotTemplateOverride()}
    return Config(hospital=hospital)


def test_plain_data_writes_choices_as_strings():
    data = schema.plain_data(field_defaults())
    assert type(data["runner"]["kind"]) is str and data["runner"]["kind"] == "local"
    assert type(data["hospital"]["departments"]["d"]["assignment"]) is str
    assert type(data["hospital"]["booking"]["department_slots"]["d"]["rule"]) is type(None)
