"""Settings of a typed configuration named by dotted keys, read and set without Hydra.

The research tools evaluate hundreds of variants of one configuration; composing each
with Hydra would take most of a second, so they compose the configuration once and
set the varied values on a copy of the typed ``Config``: ``hospital.cashier.servers``
names a field, ``hospital.departments.surgery.doctors`` goes through a dict entry, and
``*`` stands for every entry of a dict (``hospital.departments.*.doctors``:
``expand`` lists one key per department). Each variant is checked as the command line
would check it (``sim.config.validate``).
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from sim.config.validate import ConfigError, validate
from sim.schema import Config

Settings = dict[str, float]  # dotted key -> value


def expand(cfg: Config, key: str) -> list[str]:
    """The concrete keys ``key`` names: itself, or one per dict entry where it has ``*``."""
    head, star, tail = key.partition("*")
    if not star:
        get(cfg, key)  # refuses a key with no setting
        return [key]
    container = get(cfg, head.rstrip("."))
    if not isinstance(container, dict):
        raise ConfigError([f"{key}: * must stand for the entries of a dict, and {head.rstrip('.')} is not one"])
    return [k for name in container for k in expand(cfg, f"{head}{name}{tail}")]


def get(cfg: Config, key: str) -> Any:
    """The value at a dotted key; ``ConfigError`` naming the key if there is none."""
    node: Any = cfg
    walked = []
    for part in key.split("."):
        walked.append(part)
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif dataclasses.is_dataclass(node) and part in {f.name for f in dataclasses.fields(node)}:
            node = getattr(node, part)
        else:
            where = ".".join(walked[:-1]) or "the configuration"
            raise ConfigError([f"{key}: {where} has no setting {part!r}; it has: {', '.join(_names(node)) or 'none'}"])
    return node


def _names(node: Any) -> list[str]:
    """The settings inside ``node`` (a dict's entries, a group's fields), or none."""
    if isinstance(node, dict):
        return sorted(node)
    if dataclasses.is_dataclass(node):
        return [f.name for f in dataclasses.fields(node)]
    return []


def number(cfg: Config, key: str) -> float:
    """The number at a dotted key (refused if it is not a number)."""
    value = get(cfg, key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError([f"{key} = {value!r}: not a number, so it cannot be varied"])
    return value


def apply(cfg: Config, settings: Settings, check: bool = True) -> Config:
    """A copy of ``cfg`` with each key set to its value (rounded where the setting is an
    integer), checked like any configuration when ``check``."""
    changed = copy.deepcopy(cfg)
    for key, value in settings.items():
        parent_key, _, name = key.rpartition(".")
        parent = get(changed, parent_key) if parent_key else changed
        current = number(changed, key)
        typed = int(round(value)) if isinstance(current, int) else float(value)
        if isinstance(parent, dict):
            parent[name] = typed
        else:
            setattr(parent, name, typed)
    if check:
        validate(changed)
    return changed


def overrides(settings: Settings) -> list[str]:
    """The command-line overrides that set ``settings`` (for a user to run a variant)."""
    return [f"{key}={_plain(value)}" for key, value in settings.items()]


def _plain(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:.6g}"
