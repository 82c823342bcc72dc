"""A scenario of the teaching page: the hospital, the interventions switched on, the
settings moved away from their defaults and the run settings — as the overrides the
command line takes (``python -m sim <overrides>``), and as a YAML file holding them.

Only what differs from the defaults is written, so a scenario file reads as the
change it makes, and ``python -m sim $(overrides)`` reproduces the page's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sim.config.compose import CONF_DIR

DEFAULT_HOSPITAL = "teaching_demo"
RUN_KEYS = ("run.days", "run.replications", "run.seed")


@dataclass
class Scenario:
    hospital: str = DEFAULT_HOSPITAL
    interventions: list[str] = field(default_factory=list)
    settings: dict[str, object] = field(default_factory=dict)  # key -> value, e.g. hospital.pharmacy.servers -> 2

    def overrides(self) -> list[str]:
        """The command line's overrides, in a stable order."""
        out = [f"hospital={self.hospital}"]
        if len(self.interventions) == 1:
            out.append(f"intervention={self.interventions[0]}")
        elif self.interventions:
            out.append(f"intervention=[{','.join(self.interventions)}]")
        out += [f"{key}={format_value(value)}" for key, value in self.settings.items()]
        return out

    def describe(self) -> str:
        """One line for the table of scenarios tried."""
        parts = [self.hospital, *(self.interventions or ["no intervention"])]
        parts += [f"{key.removeprefix('hospital.')}={format_value(v)}" for key, v in self.settings.items()]
        return ", ".join(parts)

    def to_yaml(self) -> str:
        command = " ".join(_quoted(o) for o in self.overrides())
        header = f"# hospital-sim scenario: the same run on the command line is\n#   python -m sim {command}\n"
        return header + yaml.safe_dump({"overrides": self.overrides()}, sort_keys=False, allow_unicode=True)


def format_value(value) -> str:
    """A value as an override writes it (true/false, numbers as Python writes them)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def _quoted(override: str) -> str:
    return f"'{override}'" if any(c in override for c in "[],*? ") else override


class ScenarioError(ValueError):
    """A scenario file the page cannot read: says why."""


def from_overrides(overrides: list[str]) -> Scenario:
    """The scenario of a list of overrides (as ``Scenario.overrides`` writes them)."""
    scenario = Scenario()
    for override in overrides:
        if not isinstance(override, str) or "=" not in override:
            raise ScenarioError(f"{override!r}: an override is key=value, e.g. hospital.pharmacy.servers=2")
        key, _, value = override.partition("=")
        key = key.strip().lstrip("+~")
        if key == "hospital":
            scenario.hospital = value.strip()
        elif key == "intervention":
            scenario.interventions = [v for v in value.strip().strip("[]").split(",") if v and v != "none"]
        else:
            scenario.settings[key] = parse_value(value.strip())
    return scenario


def parse_value(text: str):
    """``"2"`` -> 2, ``"0.5"`` -> 0.5, ``"true"`` -> True; anything else stays text."""
    value = yaml.safe_load(text) if text else ""
    return value if isinstance(value, bool | int | float) else text


def from_yaml(text: str) -> Scenario:
    """A scenario file: a mapping with ``overrides``, a list of key=value strings."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ScenarioError(f"not a YAML file: {str(error).splitlines()[0]}") from None
    if not isinstance(data, dict) or not isinstance(data.get("overrides"), list):
        raise ScenarioError("a scenario file holds `overrides:`, a list such as [hospital=teaching_demo, run.days=5]")
    return from_overrides(data["overrides"])


def hospitals() -> list[str]:
    """The hospitals in ``conf/hospital`` (the schema's base is not one)."""
    return sorted(p.stem for p in (CONF_DIR / "hospital").glob("*.yaml"))


def interventions() -> dict[str, str]:
    """Each intervention in ``conf/intervention`` and its one-line description."""
    found = {}
    for path in sorted((CONF_DIR / "intervention").glob("*.yaml")):
        if path.stem == "none":
            continue
        found[path.stem] = _description(path)
    return found


def _description(path: Path) -> str:
    data = yaml.safe_load(path.read_text()) or {}
    return str((data.get("interventions") or {}).get(path.stem, path.stem.replace("_", " ")))
