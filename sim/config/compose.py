"""Compose, type and validate configurations.

``compose`` builds a config from ``conf/`` the way ``python -m sim`` does; ``validate``
checks everything the schema's types cannot (keys added with ``+`` that the schema does
not have, numbers that are not finite, ranges, shares, clock times, cross references)
and raises one ``ConfigError`` listing every problem, each naming the key, the value
and what is allowed, before anything is simulated. ``describe_error`` turns the errors
Hydra and OmegaConf raise while composing into the same one-line form.

A dict given on the command line for a setting made of named entries (departments,
exams, channels, shares, odds ratios…) replaces it: ``hospital.departments={}`` empties
the departments (and is refused). Hydra itself merges such a dict into the existing
entries (``OmegaConf.update(…, merge=True)``), so ``key={…}`` reaches Hydra as
``++key={…}`` (which may add entries) and ``replace_dicts`` then sets the dict to what
was written. ``+key={…}`` keeps Hydra's meaning: add these entries to the others.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import importlib.util
import math
import re
import types
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

from sim import distributions
from sim.clock import parse_clock, parse_date
from sim.demand import booking
from sim.schema import Config, HospitalConfig

# conf/ ships in the wheel as sim/conf/; from a source tree (pip install -e .) it is the
# repository's conf/ beside the package. Absolute either way, as Hydra needs.
_PACKAGE_DIR = Path(__file__).resolve().parents[1]
CONF_DIR = _PACKAGE_DIR / "conf" if (_PACKAGE_DIR / "conf").is_dir() else _PACKAGE_DIR.parent / "conf"
ASSIGNMENTS = ("pooled", "shortest_queue", "random")
RUNNERS = ("local", "dask")
AUTO = "auto"  # run.replications=auto
SHARE_TOLERANCE = 1e-6
# Every float of a config must be finite, except these, which may be +inf (meaning given).
INFINITY_ALLOWED = {
    "hospital.booking.late_grace_min": "no booked patient counts as late, however late they come",
}


class ConfigError(ValueError):
    """An invalid configuration; ``problems`` lists each one."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("invalid configuration:\n" + "\n".join(f"  - {p}" for p in self.problems))


def register_schema() -> None:
    store = ConfigStore.instance()
    store.store(name="base_config", node=Config)
    store.store(group="hospital", name="base_hospital", node=HospitalConfig)


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


def validate(cfg: Config) -> None:
    unknown, not_finite = _unknown_keys_and_non_finite_numbers(cfg)
    problems = unknown + not_finite
    if not not_finite:  # the checks below compare numbers: they assume finite ones
        problems += _check_run(cfg) + _check_runner(cfg) + _check_hospital(cfg.hospital, multi_day=cfg.run.days > 1)
    if problems:
        raise ConfigError(problems)


# -- the whole config at once: keys the schema does not have, numbers that are not finite --


def _unknown_keys_and_non_finite_numbers(cfg: Config) -> tuple[list[str], list[str]]:
    """One walk over the typed config, every nesting level, dict entries and list items
    included. OmegaConf keeps keys added with ``+`` as extra attributes of the dataclass."""
    unknown: list[str] = []
    not_finite: list[str] = []

    def walk(value, key: str) -> None:
        if dataclasses.is_dataclass(value):
            names = [f.name for f in dataclasses.fields(value)]
            unknown.extend(_no_such_setting(_join(key, extra), names) for extra in vars(value) if extra not in names)
            for name in names:
                walk(getattr(value, name), _join(key, name))
        elif isinstance(value, dict):
            for name, item in value.items():
                walk(item, f"{key}.{name}")
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                walk(item, f"{key}[{index}]")
        elif isinstance(value, float) and not math.isfinite(value):
            if key not in INFINITY_ALLOWED:
                not_finite.append(f"{key} = {value}: must be a finite number")
            elif value != math.inf:
                not_finite.append(f"{key} = {value}: must be a finite number, or inf ({INFINITY_ALLOWED[key]})")

    walk(cfg, "")
    return unknown, not_finite


def _join(parent: str, name: str) -> str:
    return f"{parent}.{name}" if parent else name


def _no_such_setting(key: str, settings: list[str]) -> str:
    """`run.dayz: no such setting; did you mean run.days?` (or the settings there are)."""
    parent, _, name = key.rpartition(".")
    close = difflib.get_close_matches(name, settings, n=1)
    if close:
        return f"{key}: no such setting; did you mean {_join(parent, close[0])}?"
    return f"{key}: no such setting; settings of {parent or 'the config'}: {', '.join(settings)}"


@functools.cache
def schema_type(key: str):
    """The schema's type at a dotted key (dict entries by name, list items by index),
    ``Optional`` removed; None when the schema has no such key."""
    node = Config
    for part in key.split(".") if key else []:
        if dataclasses.is_dataclass(node):
            node = typing.get_type_hints(node).get(part)
        elif typing.get_origin(node) in (dict, list):
            node = typing.get_args(node)[-1]
        else:
            return None
        node = _without_none(node)
    return node


def _without_none(annotation):
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(annotation) if a is not type(None)]
        return rest[0] if len(rest) == 1 else annotation
    return annotation


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


def _missing_option(error: MissingConfigException) -> str:
    group, _, name = (error.missing_cfg_file or "").rpartition("/")
    options = [o for o in (error.options or []) if not o.startswith("base_")]  # base_*: schema nodes
    if not options and group and (CONF_DIR / group).is_dir():
        options = sorted(path.stem for path in (CONF_DIR / group).glob("*.yaml"))
    close = difflib.get_close_matches(name, options, n=1)
    listed = f"; options: {', '.join(options)}" if options else ""
    hint = f" (did you mean {group}={close[0]}?)" if close else ""
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
            close = difflib.get_close_matches(key.rpartition(".")[2], known, n=1)
            hint = f"did you mean {parent}.{close[0]}? " if close else ""
            return f"{key}: no such entry; {hint}entries of {parent}: {', '.join(known) or 'none'}"
        return _no_such_setting(key, known)
    if message.startswith("field ") and message.endswith("is not Optional"):
        return f"{key} = null: not allowed, give a value"
    if match := _SECTION.match(message):
        return f"{key} = {match.group(3)}: must be a group of settings ({match.group(2)}), e.g. {{name: value}}"
    if message.endswith("does not support deletion"):
        return f"{key}: a setting of the schema cannot be deleted with ~; give it a value instead"
    return f"{key}: {message}"


def _config_groups() -> list[str]:
    return sorted(path.name for path in CONF_DIR.iterdir() if path.is_dir()) if CONF_DIR.is_dir() else []


def _check_run(cfg: Config) -> list[str]:
    run = cfg.run
    problems = []
    if run.days < 1:
        problems.append(f"run.days = {run.days}: must be an integer >= 1")
    problems.extend(_check_replications(run))
    if run.seed < 0:
        problems.append(f"run.seed = {run.seed}: must be an integer >= 0")
    if run.jobs < 0:
        problems.append(f"run.jobs = {run.jobs}: must be >= 0 (0 = one worker per CPU core)")
    try:
        parse_date(run.start_date)
    except ValueError as error:
        problems.append(f"run.start_date: {error}")
    return problems


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_replications(run) -> list[str]:
    """run.replications is a count or "auto"; the precision settings matter only for "auto"."""
    if run.replications != AUTO and not (_is_count(run.replications) and run.replications >= 1):
        return [
            f"run.replications = {run.replications!r}: must be an integer >= 1, or 'auto' "
            "(replications until run.target_precision is reached)"
        ]
    if run.replications != AUTO:
        return []
    problems = []
    if not (0 < run.target_precision < 1):
        problems.append(
            f"run.target_precision = {run.target_precision}: must be between 0 and 1 "
            "(relative half-width of the 95% interval, e.g. 0.05)"
        )
    if run.min_replications < 2:
        problems.append(
            f"run.min_replications = {run.min_replications}: must be an integer >= 2 "
            "(an interval needs two replications)"
        )
    if run.max_replications < run.min_replications:
        problems.append(
            f"run.max_replications = {run.max_replications}: must be >= run.min_replications ({run.min_replications})"
        )
    if not run.precision_kpis:
        problems.append("run.precision_kpis is empty: name at least one KPI, e.g. [wait_consultation_mean_min]")
    return problems


def _check_runner(cfg: Config) -> list[str]:
    runner = cfg.runner
    if runner.kind not in RUNNERS:
        return [f"runner.kind = {runner.kind!r}: allowed: {', '.join(RUNNERS)}"]
    problems = []
    if runner.workers < 0:
        problems.append(f"runner.workers = {runner.workers}: must be >= 0 (0 = one worker per CPU core)")
    if runner.kind == "dask" and importlib.util.find_spec("distributed") is None:
        problems.append('runner=dask needs dask.distributed, which is not installed: pip install -e ".[dask]"')
    return problems


def _clock(value: str, key: str, problems: list[str]) -> float | None:
    try:
        return parse_clock(value)
    except ValueError as error:
        problems.append(f"{key}: {error}")
        return None


def _probability(value: float, key: str, problems: list[str]) -> None:
    if not (0.0 <= value <= 1.0):
        problems.append(f"{key} = {value}: a probability must be between 0 and 1")


def _shares(shares: dict[str, float], key: str, problems: list[str]) -> None:
    if not shares:
        problems.append(f"{key} is empty: give at least one category with its share")
        return
    for name, share in shares.items():
        if share < 0:
            problems.append(f"{key}.{name} = {share}: shares must be >= 0")
    total = sum(shares.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        problems.append(f"{key}: shares {dict(shares)} sum to {total:g}; they must sum to 1")


def _servers(value: int, key: str, problems: list[str]) -> None:
    if value < 1:
        problems.append(f"{key} = {value}: must be an integer >= 1")


def _check_hospital(h: HospitalConfig, multi_day: bool) -> list[str]:
    problems: list[str] = []
    p = "hospital"

    def dist(spec, key):
        problems.extend(distributions.check(spec, key))

    opens = _clock(h.registration.opens, f"{p}.registration.opens", problems)
    closes = _clock(h.registration.closes, f"{p}.registration.closes", problems)
    if opens is not None and closes is not None and closes <= opens:
        problems.append(
            f"{p}.registration: closes ({h.registration.closes}) must be after opens ({h.registration.opens})"
        )
    if multi_day and closes is not None and closes > 1440:
        problems.append(f"{p}.registration.closes = {h.registration.closes}: must be <= 24:00 when run.days > 1")

    registration = h.registration
    if registration.kiosks < 0:
        problems.append(f"{p}.registration.kiosks = {registration.kiosks}: must be an integer >= 0")
    _probability(registration.kiosk_share, f"{p}.registration.kiosk_share", problems)
    if registration.kiosk_share > 0 and registration.kiosks == 0:
        problems.append(
            f"{p}.registration.kiosk_share = {registration.kiosk_share}: needs "
            f"{p}.registration.kiosks >= 1 (there are no kiosks to use)"
        )
    dist(registration.kiosk_service, f"{p}.registration.kiosk_service")
    for name, station in (("registration", h.registration), ("cashier", h.cashier), ("pharmacy", h.pharmacy)):
        _servers(station.servers, f"{p}.{name}.servers", problems)
        dist(station.service, f"{p}.{name}.service")
        _clock(station.opens, f"{p}.{name}.opens", problems)
    for name, exam in h.exams.items():
        _servers(exam.servers, f"{p}.exams.{name}.servers", problems)
        dist(exam.service, f"{p}.exams.{name}.service")
        dist(exam.result_delay, f"{p}.exams.{name}.result_delay")
        _clock(exam.opens, f"{p}.exams.{name}.opens", problems)

    problems.extend(_check_arrivals(h, opens, closes))
    problems.extend(_check_departments(h, multi_day))

    rules = h.consultation_queue
    if rules.rush_per_waiting_patient < 0:
        problems.append(
            f"{p}.consultation_queue.rush_per_waiting_patient = {rules.rush_per_waiting_patient}: must be >= 0"
        )
    if not (0 < rules.rush_min_factor <= 1):
        problems.append(f"{p}.consultation_queue.rush_min_factor = {rules.rush_min_factor}: must be in (0, 1]")
    dist(h.patience.distribution, f"{p}.patience.distribution")
    _probability(h.patients.female_share, f"{p}.patients.female_share", problems)
    _shares(h.patients.age_groups, f"{p}.patients.age_groups", problems)
    _shares(h.patients.education, f"{p}.patients.education", problems)
    if h.warmup_min < 0:
        problems.append(f"{p}.warmup_min = {h.warmup_min}: must be >= 0")
    problems.extend(_check_complaints(h))
    problems.extend(booking.check(h))
    return problems


def _check_arrivals(h: HospitalConfig, opens: float | None, closes: float | None) -> list[str]:
    a = h.arrivals
    key = "hospital.arrivals"
    problems = []
    if a.daily_volume < 0 or not math.isfinite(a.daily_volume):
        problems.append(f"{key}.daily_volume = {a.daily_volume}: must be a finite number >= 0")
    if a.rate_per_hour is not None and (a.rate_per_hour < 0 or not math.isfinite(a.rate_per_hour)):
        problems.append(f"{key}.rate_per_hour = {a.rate_per_hour}: must be a finite number >= 0 (or null)")
    if a.interval_min is not None and not (a.interval_min > 0 and math.isfinite(a.interval_min)):
        problems.append(f"{key}.interval_min = {a.interval_min}: must be a finite number > 0 (or null)")
    if a.interval_min is not None and a.rate_per_hour is not None:
        problems.append(f"{key}: set rate_per_hour or interval_min, not both")
    for name, values, length in (
        ("hourly_profile", a.hourly_profile, 24),
        ("weekday_index", a.weekday_index, 7),
        ("month_index", a.month_index, 12),
    ):
        if len(values) != length:
            problems.append(f"{key}.{name} has {len(values)} values: it needs exactly {length}")
        elif any(v < 0 for v in values):
            problems.append(f"{key}.{name} = {list(values)}: values must be >= 0")
    bad_days = [d for d in a.open_weekdays if d not in range(7)]
    if bad_days:
        problems.append(f"{key}.open_weekdays contains {bad_days}: weekdays are 0 (Monday) to 6 (Sunday)")
    if (
        a.rate_per_hour is None
        and a.interval_min is None
        and len(a.hourly_profile) == 24
        and opens is not None
        and closes is not None
        and not any(a.hourly_profile[h] > 0 and h * 60 < closes and (h + 1) * 60 > opens for h in range(24))
    ):
        problems.append(
            f"{key}.hourly_profile is zero for every hour between registration opening "
            f"({h.registration.opens}) and closing ({h.registration.closes}): no patient could arrive"
        )
    return problems


def _check_departments(h: HospitalConfig, multi_day: bool) -> list[str]:
    problems: list[str] = []
    if not h.departments:
        return ["hospital.departments is empty: a hospital needs at least one department"]
    _shares({name: d.share for name, d in h.departments.items()}, "hospital.departments.<name>.share", problems)
    for name, d in h.departments.items():
        key = f"hospital.departments.{name}"
        if d.doctors < 1:
            problems.append(f"{key}.doctors = {d.doctors}: a department needs at least 1 doctor")
        if not d.sessions:
            problems.append(f"{key}.sessions is empty: a department needs at least one session")
        previous_end = None
        for index, session in enumerate(d.sessions):
            start = _clock(session.start, f"{key}.sessions[{index}].start", problems)
            end = _clock(session.end, f"{key}.sessions[{index}].end", problems)
            if start is None or end is None:
                continue
            if end <= start:
                problems.append(
                    f"{key}.sessions[{index}]: ends at {session.end}, not after it starts at {session.start}"
                )
            if previous_end is not None and start < previous_end:
                problems.append(f"{key}.sessions[{index}] starts at {session.start}, before the previous session ends")
            if multi_day and end > 1440:
                problems.append(
                    f"{key}.sessions[{index}].end = {session.end}: must be <= 24:00 when run.days > 1 "
                    "(sessions longer than a day are for one-day validation runs: set run.days=1)"
                )
            previous_end = end
        problems.extend(distributions.check(d.consultation, f"{key}.consultation"))
        problems.extend(distributions.check(d.review, f"{key}.review"))
        for exam, probability in d.exam_probability.items():
            if exam not in h.exams:
                problems.append(
                    f"{key}.exam_probability.{exam}: no such exam; defined exams: {', '.join(h.exams) or 'none'}"
                )
            _probability(probability, f"{key}.exam_probability.{exam}", problems)
        _probability(d.prescription_probability, f"{key}.prescription_probability", problems)
        if d.assignment not in ASSIGNMENTS:
            problems.append(f"{key}.assignment = {d.assignment!r}: allowed: {', '.join(ASSIGNMENTS)}")
    return problems


def _at_least(value: float, minimum: float, key: str, problems: list[str], why: str = "") -> None:
    if not (math.isfinite(value) and value >= minimum):
        problems.append(f"{key} = {value}: must be a finite number >= {minimum:g}{why}")


def _positive(value: float, key: str, problems: list[str]) -> None:
    if not (math.isfinite(value) and value > 0):
        problems.append(f"{key} = {value}: must be a finite number > 0")


def _check_complaints(h: HospitalConfig) -> list[str]:
    """The complaint model's settings (hospital.complaints)."""
    from sim.complaints import hcat
    from sim.engine.records import stage_names

    c = h.complaints
    k = "hospital.complaints"
    problems: list[str] = []
    driver = ": drivers can only add risk (odds ratio >= 1)"
    if not (0 < c.base_per_1000_visits < 1000):
        problems.append(f"{k}.base_per_1000_visits = {c.base_per_1000_visits}: must be between 0 and 1000 (exclusive)")

    _positive(c.patients.female_odds_ratio, f"{k}.patients.female_odds_ratio", problems)
    for name, groups, ratios in (
        ("age_group_odds_ratio", h.patients.age_groups, c.patients.age_group_odds_ratio),
        ("education_odds_ratio", h.patients.education, c.patients.education_odds_ratio),
    ):
        for group, ratio in ratios.items():
            if group not in groups:
                problems.append(
                    f"{k}.patients.{name}.{group}: no such group; groups of hospital.patients: {', '.join(groups)}"
                )
            _positive(ratio, f"{k}.patients.{name}.{group}", problems)

    w = c.waits
    _positive(w.perception_multiplier, f"{k}.waits.perception_multiplier", problems)
    allowed = set(stage_names(h)) | set(type(w)().tolerance_median_min)
    if "consultation" not in w.tolerance_median_min:
        problems.append(f"{k}.waits.tolerance_median_min needs a consultation entry (stages not listed use it)")
    for stage, median in w.tolerance_median_min.items():
        if stage not in allowed:
            problems.append(
                f"{k}.waits.tolerance_median_min.{stage}: no such stage; stages: {', '.join(stage_names(h))}"
            )
        _at_least(median, 0.0, f"{k}.waits.tolerance_median_min.{stage}", problems)
    _at_least(w.tolerance_sigma, 0.0, f"{k}.waits.tolerance_sigma", problems)
    _at_least(w.odds_ratio_per_10_min, 1.0, f"{k}.waits.odds_ratio_per_10_min", problems, driver)
    _at_least(w.deferral_odds_ratio, 1.0, f"{k}.waits.deferral_odds_ratio", problems, driver)

    _positive(c.crowding.threshold_per_server, f"{k}.crowding.threshold_per_server", problems)
    _at_least(c.crowding.odds_ratio_per_doubling, 1.0, f"{k}.crowding.odds_ratio_per_doubling", problems, driver)

    m = c.communication
    if not math.isfinite(m.skill_mean):
        problems.append(f"{k}.communication.skill_mean = {m.skill_mean}: must be a finite number")
    if not math.isfinite(m.perfect_quality):
        problems.append(f"{k}.communication.perfect_quality = {m.perfect_quality}: must be a finite number")
    _at_least(m.skill_sd, 0.0, f"{k}.communication.skill_sd", problems)
    _at_least(m.rush_quality_loss, 0.0, f"{k}.communication.rush_quality_loss", problems)
    _at_least(m.odds_ratio_per_2sd_lower, 1.0, f"{k}.communication.odds_ratio_per_2sd_lower", problems, driver)
    _at_least(m.doctor_propensity_sd, 0.0, f"{k}.communication.doctor_propensity_sd", problems)

    e = c.clinical
    _probability(e.quality_probability, f"{k}.clinical.quality_probability", problems)
    _probability(e.safety_probability, f"{k}.clinical.safety_probability", problems)
    if e.quality_probability + e.safety_probability > 1:
        problems.append(
            f"{k}.clinical: quality_probability + safety_probability = "
            f"{e.quality_probability + e.safety_probability:g}; they must not exceed 1"
        )
    _at_least(e.quality_odds_ratio, 1.0, f"{k}.clinical.quality_odds_ratio", problems, driver)
    _at_least(e.safety_odds_ratio, 1.0, f"{k}.clinical.safety_odds_ratio", problems, driver)

    problems.extend(_check_classification(c.classification, f"{k}.classification", hcat))

    ch = c.channels
    _at_least(ch.onsite_after_excess_min, 0.0, f"{k}.channels.onsite_after_excess_min", problems)
    for name in ("onsite_share_wait", "onsite_share_other", "phone_share_after_visit"):
        _probability(getattr(ch, name), f"{k}.channels.{name}", problems)
    problems.extend(distributions.check(ch.delay_days, f"{k}.channels.delay_days"))

    o = c.office
    if o.staff < 1:
        problems.append(
            f"{k}.office.staff = {o.staff}: must be an integer >= 1 (the complaint office needs "
            "someone to handle complaints)"
        )
    opens = _clock(o.opens, f"{k}.office.opens", problems)
    closes = _clock(o.closes, f"{k}.office.closes", problems)
    if opens is not None and closes is not None and not opens < closes <= 1440:
        problems.append(f"{k}.office: closes ({o.closes}) must be after opens ({o.opens}) and no later than 24:00")
    if not o.working_days or any(d not in range(7) for d in o.working_days):
        problems.append(
            f"{k}.office.working_days = {list(o.working_days)}: give at least one weekday, 0 (Monday) to 6 (Sunday)"
        )
    problems.extend(distributions.check(o.handling, f"{k}.office.handling"))
    _probability(o.upheld_share, f"{k}.office.upheld_share", problems)
    if o.target_working_days < 1:
        problems.append(f"{k}.office.target_working_days = {o.target_working_days}: must be an integer >= 1")
    return problems


def _check_classification(c, key: str, hcat) -> list[str]:
    problems: list[str] = []
    for name, shares, allowed in (
        ("background_categories", c.background_categories, hcat.CATEGORIES),
        ("communication_categories", c.communication_categories, hcat.CAUSE_CATEGORIES["communication"]),
    ):
        unknown = [category for category in shares if category not in allowed]
        if unknown:
            problems.append(f"{key}.{name}: unknown categories {unknown}; allowed: {', '.join(allowed)}")
        _shares(shares, f"{key}.{name}", problems)
    missing = [category for category in hcat.CATEGORIES if category not in c.severity]
    if missing:
        problems.append(f"{key}.severity: missing categories {missing}; give [low, medium, high] shares for each")
    for category, shares in c.severity.items():
        if category not in hcat.CATEGORIES:
            problems.append(f"{key}.severity.{category}: unknown category; allowed: {', '.join(hcat.CATEGORIES)}")
        elif len(shares) != len(hcat.SEVERITIES):
            problems.append(f"{key}.severity.{category} = {list(shares)}: needs 3 shares (low, medium, high)")
        else:
            _shares(dict(zip(hcat.SEVERITIES, shares, strict=True)), f"{key}.severity.{category}", problems)
    return problems
