"""Compose configurations with Hydra and type them.

``compose`` builds a config from ``conf/`` the way ``python -m sim`` does (the schema
registered in Hydra's ConfigStore, so YAML files and overrides are type-checked against
it); ``to_typed`` turns it into the typed ``Config`` and checks it
(``sim.config.validate``), raising one ``ConfigError`` listing every problem before
anything is simulated. ``describe_error`` turns the errors Hydra and OmegaConf raise
while composing (a value of the wrong type, a choice that is not one of the enum's, an
unknown key…) into the same one-line form the checks use.

A dict given on the command line for a setting made of named entries (departments,
exams, channels, shares, odds ratios…) replaces it: ``hospital.departments={}`` empties
the departments (and is refused). Hydra itself merges such a dict into the existing
entries (``OmegaConf.update(…, merge=True)``), so ``key={…}`` reaches Hydra as
``++key={…}`` (which may add entries) and ``replace_dicts`` then sets the dict to what
was written. ``+key={…}`` keeps Hydra's meaning: add these entries to the others.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path

import yaml
from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import ConfigCompositionException, MissingConfigException, OverrideParseException
from omegaconf import DictConfig, OmegaConf, open_dict
from omegaconf.errors import OmegaConfBaseException

from sim.config.validate import ConfigError, choice_problem, closest, no_such_setting, schema_type, validate
from sim.schema import AUTO as AUTO  # re-exported: run.replications=auto
from sim.schema import Config

# conf/ ships in the wheel as sim/conf/; from a source tree (pip install -e .) it is the
# repository's conf/ beside the package. Absolute either way, as Hydra needs.
_PACKAGE_DIR = Path(__file__).resolve().parents[1]
CONF_DIR = _PACKAGE_DIR / "conf" if (_PACKAGE_DIR / "conf").is_dir() else _PACKAGE_DIR.parent / "conf"


def register_schema() -> None:
    """The schema as ``base_config``, the first entry of ``conf/config.yaml``'s defaults:
    every setting typed and checked, ``hospital`` typed ``HospitalConfig``, so that a
    hospital file is merged onto the schema's defaults without naming them. (The
    hospital schema used to be stored in the ``hospital`` group as ``base_hospital``
    too, for hospital files to list in their defaults; that offered it as a choice,
    ``hospital=base_hospital``, which cannot run, so it is no longer stored.)"""
    ConfigStore.instance().store(name="base_config", node=Config)


register_schema()


def compose(overrides: list[str] | tuple[str, ...] = ()) -> DictConfig:
    """Compose ``conf/config.yaml`` with Hydra overrides, e.g. ``["hospital=teaching_demo"]``."""
    if not CONF_DIR.is_dir():
        raise ConfigError([f"config directory {CONF_DIR} not found: install the project with `pip install -e .`"])
    overrides = command_line_overrides(overrides)
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
            cfg = hydra_compose(config_name="config", overrides=overrides)
            replace_dicts(cfg, overrides)
    except Exception as error:
        raise ConfigError([describe_error(error) or _one_line(str(error))]) from None
    finally:
        GlobalHydra.instance().clear()
    return cfg


def to_typed(cfg: DictConfig | Config, overrides: list[str] | tuple[str, ...] = ()) -> Config:
    """The typed ``Config`` of a composed config, validated. ``overrides``: those Hydra
    composed it with, when it did not come from ``compose`` (dicts are replaced)."""
    if isinstance(cfg, Config):
        typed = cfg
    else:
        try:
            replace_dicts(cfg, overrides)
            typed = OmegaConf.to_object(cfg)
        except OmegaConfBaseException as error:
            raise ConfigError([describe_error(error) or _one_line(str(error))]) from None
    validate(typed)
    return typed


# -- dicts on the command line replace the dict -------------------------------------------


def _parse_override(text: str):
    try:
        return OverridesParser.create().parse_override(text)
    except OverrideParseException:
        return None  # Hydra reports it


def _is_dict_of_entries(key: str) -> bool:
    return typing.get_origin(schema_type(key)) is dict


def _dict_values(override) -> list:
    values = list(override.sweep_iterator()) if override.is_sweep_override() else [override.value()]
    return [v for v in values if isinstance(v, dict)]


def command_line_overrides(overrides) -> list[str]:
    """``overrides`` with ``key={…}`` for a dict of named entries written ``++key={…}``,
    so that Hydra accepts entries the dict does not have yet (``replace_dicts`` then
    replaces the dict). Everything else, command-line flags included, is left as is."""
    prepared = []
    for text in overrides:
        override = _parse_override(text) if "{" in text else None
        if (
            override is not None
            and not (override.is_add() or override.is_force_add() or override.is_delete())
            and override.package is None
            and _is_dict_of_entries(override.key_or_group)
            and _dict_values(override)
        ):
            text = "++" + text.lstrip()
        prepared.append(text)
    return prepared


def replace_dicts(cfg: DictConfig, overrides) -> None:
    """Set each dict of named entries given as ``key={…}`` (or ``++key={…}``) to exactly
    what was written, where Hydra merged it into the entries there were, then apply
    again the later overrides that set something inside it."""
    parsed = [o for o in map(_parse_override, overrides) if o is not None and not o.is_sweep_override()]
    for index, override in enumerate(parsed):
        key = override.key_or_group
        if (
            override.is_add()
            or override.is_delete()
            or not isinstance(override.value(), dict)
            or not _is_dict_of_entries(key)
        ):
            continue
        entries = OmegaConf.select(cfg, key)
        with open_dict(entries):  # assigning the new dict would trip over OmegaConf typing nested entries
            for name in list(entries.keys()):
                del entries[name]
        OmegaConf.update(cfg, key, override.value(), merge=True, force_add=True)
        for later in parsed[index + 1 :]:
            if later.key_or_group.startswith(key + "."):
                _apply(cfg, later)


def _apply(cfg: DictConfig, override) -> None:
    """An override applied the way Hydra applies it (ConfigLoaderImpl._apply_overrides_to_config)."""
    key = override.key_or_group
    if override.is_delete():
        parent, _, name = key.rpartition(".")
        node = OmegaConf.select(cfg, parent)
        if node is not None and name in node:
            with open_dict(node):
                del node[name]
        return
    OmegaConf.update(cfg, key, override.value(), merge=True, force_add=override.is_add() or override.is_force_add())


# -- Hydra's and OmegaConf's errors, one line each ----------------------------------------

_NOISE = re.compile(
    r"\s*(full_key:|reference_type=|object_type=|To append to your config|"
    r"See https://hydra\.cc|Set the environment variable HYDRA_FULL_ERROR)"
)
_SOURCE = re.compile(r"In '([^']+)': \w+ raised while composing config:")
_CONVERT = re.compile(r"Value '(.*)' of type '(\w+)' could not be converted to (\w+)")
_BOOL = re.compile(r"Value '(.*)' is not a valid bool \(type (\w+)\)")
_UNKNOWN = re.compile(r"Key '(.+)' (?:not in '\w+'|is not in struct)")
_CHOICE = re.compile(r"Invalid value '(.*)', expected one of \[(.*)\]")
_SECTION = re.compile(r"Invalid type assigned: (\w+) is not a subclass of (\w+)\. value: (.*)")
_KINDS = {"Integer": "an integer", "Float": "a number", "Boolean": "true or false"}


def describe_error(error: BaseException) -> str | None:
    """One line for an error Hydra or OmegaConf raise while composing a config (an
    unknown key, a value of the wrong type, an unknown config option, an override that
    does not parse, a YAML file that does not parse), without OmegaConf's internals;
    None when ``error`` is none of these."""
    if isinstance(error, yaml.MarkedYAMLError):
        return _yaml_problem(error)
    if isinstance(error, MissingConfigException):
        return _missing_option(error)
    if isinstance(error, OverrideParseException):
        return f"{error.override}: not a valid override ({_one_line(error.message)})"
    if isinstance(error, yaml.YAMLError):
        return _one_line(str(error))
    if isinstance(error, ConfigCompositionException | OmegaConfBaseException):
        return _composition_problem(error)
    return None


def _one_line(text: str) -> str:
    return " ".join(line.strip() for line in str(text).splitlines() if line.strip() and not _NOISE.match(line))


def _yaml_problem(error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    where = f"{mark.name}, line {mark.line + 1}, column {mark.column + 1}" if mark else "a config file"
    text = error.problem or error.context or "not valid YAML"
    if error.problem and error.context:
        started = error.context_mark
        text += f" ({error.context}" + (
            f" at line {started.line + 1}, column {started.column + 1})" if started else ")"
        )
    return f"{where}: {text}"


_REFERENCED = re.compile(r"In '([^']+)': Could not load '([^']+)'")


def _missing_option(error: MissingConfigException) -> str:
    referenced = _REFERENCED.match(str(error))
    if referenced and referenced.group(2) == "hospital/base_hospital":
        return (
            f"conf/{referenced.group(1)}.yaml: its defaults list names base_hospital, which is no longer needed "
            "(every hospital file is typed by the schema): remove that line"
        )
    group, _, name = (error.missing_cfg_file or "").rpartition("/")
    options = [o for o in (error.options or []) if not o.startswith("base_")]  # base_*: schema nodes
    if not options and group and (CONF_DIR / group).is_dir():
        options = sorted(path.stem for path in (CONF_DIR / group).glob("*.yaml"))
    close = closest(name, options)
    listed = f"; options: {', '.join(options)}" if options else ""
    hint = f" (did you mean {group}={close}?)" if close else ""
    return f"{group}={name}: no such option{listed}{hint}"


def _composition_problem(error: BaseException) -> str:
    """From the error and its causes: the key, OmegaConf's message (first line), the
    config file it came from, rephrased as `key = value: what is allowed`."""
    chain = []
    while error is not None:
        chain.append(error)
        error = error.__cause__
    text = "\n".join(str(e) for e in chain)
    omega = next((e for e in chain if isinstance(e, OmegaConfBaseException) and getattr(e, "full_key", None)), None)
    key = omega.full_key if omega is not None else None
    if key is None:
        found = re.search(r"full_key: (\S+)", text)
        key = found.group(1) if found else None
    if key is None:
        return _one_line(text)
    lines = [line.strip() for line in text.splitlines() if line.strip() and not _NOISE.match(line)]
    source = next((m.group(1) for m in map(_SOURCE.match, lines) if m), None)
    messages = [
        line
        for line in lines
        if not _SOURCE.match(line) and not line.startswith(("Could not override", "Error merging"))
    ]
    message = omega.msg.splitlines()[0] if omega is not None and omega.msg else messages[0] if messages else text
    problem = _rephrase(key, message, getattr(omega, "parent_node", None))
    return f"{problem} (in {source})" if source else problem


def _rephrase(key: str, message: str, parent_node) -> str:
    if match := _CONVERT.match(message):
        value, kind, target = match.groups()
        shown = repr(value) if kind == "str" else value
        return f"{key} = {shown}: must be {_KINDS.get(target, target)}"
    if match := _BOOL.match(message):
        value, kind = match.groups()
        return f"{key} = {repr(value) if kind == 'str' else value}: must be true or false"
    if match := _CHOICE.match(message):  # OmegaConf lists an enum's names, which are its values
        value, names = match.groups()
        return choice_problem(key, value, [name.strip() for name in names.split(",")])
    if _UNKNOWN.match(message):
        parent = key.rpartition(".")[0]
        if parent_node is not None:
            known = [str(k) for k in parent_node.keys()]
        else:
            parent_type = schema_type(parent)
            known = [f.name for f in dataclasses.fields(parent_type)] if dataclasses.is_dataclass(parent_type) else []
        if not parent:
            known = [k for k in known if k != "hydra"] + _config_groups()
        if _is_dict_of_entries(parent):
            close = closest(key.rpartition(".")[2], known)
            hint = f"did you mean {parent}.{close}? " if close else ""
            return f"{key}: no such entry; {hint}entries of {parent}: {', '.join(known) or 'none'}"
        return no_such_setting(key, known)
    if message.startswith("field ") and message.endswith("is not Optional"):
        return f"{key} = null: not allowed, give a value"
    if match := _SECTION.match(message):
        return f"{key} = {match.group(3)}: must be a group of settings ({match.group(2)}), e.g. {{name: value}}"
    if message.endswith("does not support deletion"):
        return f"{key}: a setting of the schema cannot be deleted with ~; give it a value instead"
    return f"{key}: {message}"


def _config_groups() -> list[str]:
    return sorted(path.name for path in CONF_DIR.iterdir() if path.is_dir()) if CONF_DIR.is_dir() else []
