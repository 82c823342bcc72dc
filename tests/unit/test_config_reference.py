"""The configuration reference (``sim.config.reference``, the docs' page) covers the
schema: every field of every group reachable from ``Config`` appears under its key
path, choices list their allowed values, field metadata gives bounds and help, the
comment beside a field stands in for help it lacks, and general_hospital's values
show where they differ from the schema's defaults."""

from __future__ import annotations

import dataclasses
import enum
import typing
from dataclasses import dataclass, field

import pytest

from sim import schema
from sim.config.reference import VALUE_TYPES, configuration_reference, key_cell, sections


@pytest.fixture(scope="module")
def page() -> str:
    return configuration_reference()


def schema_key_paths(cls: type, path: str) -> list[str]:
    """Key paths of every field under ``cls``, walked from the schema (independently of
    the renderer): nested groups by name, entries of dicts of groups as ``<name>``, the
    value types (distributions, sessions) once, as ``<distribution>.…``."""
    paths = []
    for f in dataclasses.fields(cls):
        key = f"{path}.{f.name}" if path else f.name
        paths.append(key)
        hint = typing.get_type_hints(cls)[f.name]
        if typing.get_origin(hint) is dict and dataclasses.is_dataclass(typing.get_args(hint)[1]):
            paths += schema_key_paths(typing.get_args(hint)[1], f"{key}.<name>")
        elif dataclasses.is_dataclass(hint) and hint not in VALUE_TYPES:
            paths += schema_key_paths(hint, key)
    return paths


def test_every_schema_field_appears_under_its_key_path(page):
    paths = schema_key_paths(schema.Config, "")
    paths += [p for cls, name in VALUE_TYPES.items() for p in schema_key_paths(cls, f"<{name}>")]
    assert len(paths) > 150
    missing = [p for p in paths if f"| {key_cell(p)} |" not in page]
    assert not missing, f"settings missing from the configuration reference: {missing}"


def row(page: str, key: str) -> list[str]:
    (line,) = [line for line in page.splitlines() if line.startswith(f"| {key_cell(key)} |")]
    return [cell.strip() for cell in line.strip("|").split(" | ")]


def test_general_hospitals_values_show_where_they_differ(page):
    assert row(page, "hospital.booking.booked_share")[2:4] == ["0", "0.35"]
    assert row(page, "hospital.booking.slots.rule")[3] == "`block`"
    assert row(page, "run.days")[3] == ""  # not set by the hospital: the default applies


class Rule(enum.StrEnum):
    FIRST = "first_come"
    SLOTS = "by_slot"


@dataclass
class Toy:
    """A toy group of settings."""

    rule: Rule = Rule.SLOTS
    share: float = field(default=0.25, metadata={"help": "share of patients who book", "ge": 0, "le": 1})
    grace: float = field(default=0.0, metadata={"gt": -1, "allow_inf": True})
    # minutes before the session starts
    # that doctors arrive
    early: float = 5.0
    late: int = 3  # minutes after the end


def test_choices_bounds_help_and_comments_are_rendered():
    lines = "\n".join(sections(Toy(), None, "toy"))
    assert row(lines, "toy.rule")[1:] == ["choice", "`by_slot`", "*allowed:* `first_come`, `by_slot`"]
    assert row(lines, "toy.share")[3] == "share of patients who book<br>*allowed:* ≥ 0; ≤ 1"
    assert row(lines, "toy.grace")[3] == "*allowed:* > -1; `inf` allowed"
    assert row(lines, "toy.early")[3] == "minutes before the session starts that doctors arrive"
    assert row(lines, "toy.late")[3] == "minutes after the end"
    assert "A toy group of settings." in lines
    assert key_cell("hospital.exams.<name>.servers") == (
        "<code>hospital.<wbr>exams.<wbr>&lt;name&gt;.<wbr>servers</code>"
    ), "a key's <name> must not be read as an HTML tag"
