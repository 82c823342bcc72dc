"""Check a typed configuration and refuse it with one ``ConfigError`` listing every problem.

Two passes. ``check_fields`` walks the whole config, every nesting level, dict entries
and list items included, and checks each value against its field in the schema
(``sim.schema``): keys the schema does not have (added with ``+``), choices that are
not among the enum's, numbers that are not finite (unless the field allows ``inf``) or
outside the field's ``ge`` / ``gt`` / ``le`` / ``lt`` limits. Then, once every number is
finite and every choice known, the cross-field checks below (which compare numbers and
branch on choices): shares that must sum to 1, clock times and their order, names that
must refer to a department, exam, stage or age group, what each distribution kind needs,
slots that must fit in their sessions.

Each problem names the key, the value and what is allowed, e.g.
``hospital.pharmacy.servers = 0: must be an integer >= 1 — servers (windows, counters) working at the
station`` (the field's help line ends the problem).
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import importlib.util
import math
import types
import typing
from collections.abc import Mapping
from enum import Enum
from typing import Any

from sim import distributions
from sim.clock import parse_clock, parse_date
from sim.config.staffing_checks import check_staffing
from sim.demand import slots
from sim.demand.booking import CHANNELS
from sim.schema import AUTO, Config, HospitalConfig, PunctualityConfig, PunctualityKind, RunnerKind

SHARE_TOLERANCE = 1e-6


class ConfigError(ValueError):
    """An invalid configuration; ``problems`` lists each one."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("invalid configuration:\n" + "\n".join(f"  - {p}" for p in self.problems))


def validate(cfg: Config) -> None:
    """Raise ``ConfigError`` listing every problem of ``cfg``; return quietly when there is none."""
    problems, comparable = check_fields(cfg)
    if comparable:
        problems += _check_run(cfg) + _check_runner(cfg) + _check_hospital(cfg.hospital, multi_day=cfg.run.days > 1)
        problems += _check_event_log(cfg.output)
    if not problems:  # the KPI names depend on the hospital's stages and stations
        problems += _check_kpi_names(cfg)
    if problems:
        raise ConfigError(problems)


def _check_kpi_names(cfg: Config) -> list[str]:
    """``run.precision_kpis`` must name KPIs of this hospital, ``compare.figure_kpis``
    name them or match them (fnmatch patterns); a misspelt name gets a suggestion."""
    import fnmatch
    from operator import attrgetter

    from sim.analysis.kpis import OPTIONAL_SWITCHES, names
    from sim.analysis.stations import stations
    from sim.engine.records import stage_names

    hospital = cfg.hospital
    switched_on = [group for group, key in OPTIONAL_SWITCHES.items() if attrgetter(key)(cfg)]
    known = names(stage_names(hospital), [station.name for station in stations(hospital)], switched_on)
    problems = []
    for key, entries, patterns in (
        ("run.precision_kpis", cfg.run.precision_kpis, False),
        ("compare.figure_kpis", cfg.compare.figure_kpis, True),
    ):
        for index, entry in enumerate(entries):
            if entry in known or (patterns and any(fnmatch.fnmatchcase(k, entry) for k in known)):
                continue
            close = closest(entry, known)
            hint = f"did you mean {close}? " if close else ""
            problems.append(
                f"{key}[{index}] = {entry!r}: no KPI of this hospital {'matches' if patterns else 'has that name'}; "
                f"{hint}KPI names: the KPI reference (docs/reference/kpis.md) or kpis.csv of a run"
            )
    return problems


# -- each value against its field -------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Field:
    """What the schema says about the values of one field (items of a list or dict field)."""

    name: str
    metadata: Mapping[str, Any]
    integer: bool
    choices: tuple[str, ...] | None  # the enum's values, for a choice


@functools.cache
def _fields(cls: type) -> tuple[_Field, ...]:
    hints = typing.get_type_hints(cls)
    found = []
    for f in dataclasses.fields(cls):
        leaf = _item_type(hints[f.name])
        choices = tuple(m.value for m in leaf) if isinstance(leaf, type) and issubclass(leaf, Enum) else None
        found.append(_Field(f.name, f.metadata, leaf is int, choices))
    return tuple(found)


@functools.cache
def _names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


def _item_type(annotation):
    """The type of the values a field holds: a list's or dict's items, ``Optional`` removed."""
    annotation = _without_none(annotation)
    while typing.get_origin(annotation) in (list, dict):
        annotation = _without_none(typing.get_args(annotation)[-1])
    return annotation


def check_fields(obj: Any, key: str = "") -> tuple[list[str], bool]:
    """Problems of every value in the dataclass ``obj`` against its field, and whether
    the cross-field checks can run (every number finite, every choice known)."""
    walk = _Walk()
    walk.visit(obj, key, None)
    return walk.problems, walk.comparable


class _Walk:
    """One pass over a config, collecting problems; ``comparable`` turns false on a value
    the cross-field checks cannot work with (a number not finite, an unknown choice)."""

    def __init__(self):
        self.problems: list[str] = []
        self.comparable = True

    def visit(self, value: Any, key: str, spec: _Field | None) -> None:
        if dataclasses.is_dataclass(value):
            self.dataclass(value, key)
        elif isinstance(value, dict):
            for name, item in value.items():
                self.visit(item, f"{key}.{name}", spec)
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                self.visit(item, f"{key}[{index}]", spec)
        elif value is None or spec is None:
            return
        elif spec.choices is not None:
            if value not in spec.choices:
                self.problems.append(choice_problem(key, value, spec.choices))
                self.comparable = False
        elif isinstance(value, int | float) and not isinstance(value, bool):
            self.number(value, key, spec)

    def dataclass(self, value: Any, key: str) -> None:
        # OmegaConf keeps keys added with ``+`` as extra attributes of the dataclass
        names = _names(type(value))
        extra = [name for name in vars(value) if name not in names]
        if extra:
            settings = [f.name for f in dataclasses.fields(value)]
            self.problems.extend(no_such_setting(_join(key, name), settings) for name in extra)
        for spec in _fields(type(value)):
            self.visit(getattr(value, spec.name), _join(key, spec.name), spec)

    def number(self, value: float, key: str, spec: _Field) -> None:
        metadata = spec.metadata
        if not math.isfinite(value):
            if value == math.inf and metadata.get("allow_inf"):
                return
            self.comparable = False
            self.problems.append(_limits_problem(key, value, metadata, spec.integer, finite=True))
        elif not within_limits(value, metadata):
            self.problems.append(_limits_problem(key, value, metadata, spec.integer))


def within_limits(value: float, metadata: Mapping[str, Any]) -> bool:
    """Whether a finite ``value`` is within the ``ge`` / ``gt`` / ``le`` / ``lt`` of a field's metadata."""
    return (
        ("ge" not in metadata or value >= metadata["ge"])
        and ("gt" not in metadata or value > metadata["gt"])
        and ("le" not in metadata or value <= metadata["le"])
        and ("lt" not in metadata or value < metadata["lt"])
    )


def describe_limits(metadata: Mapping[str, Any], integer: bool = False, finite: bool = False) -> str:
    """What a field's values must be, from its metadata: ``an integer >= 1``,
    ``a number between 0 and 1``, ``a number >= 0, or inf``."""
    what = "an integer" if integer else "a finite number" if finite else "a number"
    lower = [(op, metadata[name]) for name, op in (("ge", ">="), ("gt", ">")) if name in metadata]
    upper = [(op, metadata[name]) for name, op in (("le", "<="), ("lt", "<")) if name in metadata]
    if lower and upper:
        (low_op, low), (high_op, high) = lower[0], upper[0]
        if (low_op, high_op) == (">=", "<="):
            bounds = f" between {low:g} and {high:g}"
        elif (low_op, high_op) == (">", "<"):
            bounds = f" between {low:g} and {high:g} (exclusive)"
        else:
            bounds = f" {low_op} {low:g} and {high_op} {high:g}"
    else:
        bounds = "".join(f" {op} {bound:g}" for op, bound in lower + upper)
    return what + bounds + (", or inf" if metadata.get("allow_inf") else "")


def _limits_problem(key: str, value: float, metadata: Mapping[str, Any], integer: bool, finite: bool = False) -> str:
    help_text = metadata.get("help")
    return f"{key} = {value}: must be {describe_limits(metadata, integer, finite)}" + (
        f" — {help_text}" if help_text else ""
    )


def closest(word: str, options: typing.Iterable[str]) -> str | None:
    """The option a misspelt ``word`` most likely meant: the closest spelling
    (``difflib``), else the only option containing it or contained in it
    (``kiosks`` -> ``self_service_kiosks``); None when nothing is close."""
    options = [str(option) for option in options]
    close = difflib.get_close_matches(str(word), options, n=1)
    if close:
        return close[0]
    word = str(word)
    containing = [o for o in options if len(word) >= 3 and len(o) >= 3 and (word in o or o in word)]
    return containing[0] if len(containing) == 1 else None


def choice_problem(key: str, value: Any, choices: typing.Iterable[str]) -> str:
    """``key = 'value': allowed: a, b, c`` (the same line whether the schema's types or our
    checks found it), with the likely meant choice."""
    choices = list(choices)
    close = closest(str(value), choices)
    hint = f"; did you mean {close}?" if close else ""
    return f"{key} = {str(value)!r}: allowed: {', '.join(choices)}{hint}"


def _join(parent: str, name: str) -> str:
    return f"{parent}.{name}" if parent else name


def no_such_setting(key: str, settings: list[str]) -> str:
    """`run.dayz: no such setting; did you mean run.days?` (or the settings there are)."""
    parent, _, name = key.rpartition(".")
    close = closest(name, settings)
    if close:
        return f"{key}: no such setting; did you mean {_join(parent, close)}?"
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


# -- cross-field checks -------------------------------------------------------------------
# They run once every number is finite and every choice known; limits of single values
# (ranges, probabilities, counts) are in the schema's field metadata, checked above.


def _check_run(cfg: Config) -> list[str]:
    run = cfg.run
    problems = _check_replications(run)
    try:
        parse_date(run.start_date)
    except ValueError as error:
        problems.append(f"run.start_date: {error}")
    return problems


def _check_event_log(output) -> list[str]:
    """The event log is built from the visits: a run must keep or write them."""
    problems = []
    if output.event_log_xes and not output.event_log:
        problems.append("output.event_log_xes = true: needs output.event_log = true (the XES file is the event log)")
    if output.event_log and output.stream and not output.save_visits:
        problems.append(
            "output.event_log = true: the event log is built from the visits, which output.stream = true with "
            "output.save_visits = false neither keeps nor writes: set output.save_visits=true or output.stream=false"
        )
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
    if run.max_replications < run.min_replications:
        problems.append(
            f"run.max_replications = {run.max_replications}: must be >= run.min_replications ({run.min_replications})"
        )
    if not run.precision_kpis:
        problems.append("run.precision_kpis is empty: name at least one KPI, e.g. [wait_consultation_mean_min]")
    return problems


def _check_runner(cfg: Config) -> list[str]:
    if cfg.runner.kind == RunnerKind.dask and importlib.util.find_spec("distributed") is None:
        return ['runner=dask needs dask.distributed, which is not installed: pip install -e ".[dask]"']
    return []


def _clock(value: str, key: str, problems: list[str]) -> float | None:
    try:
        return parse_clock(value)
    except ValueError as error:
        problems.append(f"{key}: {error}")
        return None


def _shares(shares: dict[str, float], key: str, problems: list[str]) -> None:
    """Shares sum to 1 (each is within [0, 1] by its field's limits)."""
    if not shares:
        problems.append(f"{key} is empty: give at least one category with its share")
        return
    total = sum(shares.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        problems.append(f"{key}: shares {dict(shares)} sum to {total:g}; they must sum to 1")


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
    if registration.kiosk_share > 0 and registration.kiosks == 0:
        problems.append(
            f"{p}.registration.kiosk_share = {registration.kiosk_share}: needs "
            f"{p}.registration.kiosks >= 1 (there are no kiosks to use)"
        )
    dist(registration.kiosk_service, f"{p}.registration.kiosk_service")
    for name, station in (("registration", h.registration), ("cashier", h.cashier), ("pharmacy", h.pharmacy)):
        dist(station.service, f"{p}.{name}.service")
        _clock(station.opens, f"{p}.{name}.opens", problems)
    for name, exam in h.exams.items():
        dist(exam.service, f"{p}.exams.{name}.service")
        dist(exam.result_delay, f"{p}.exams.{name}.result_delay")
        _clock(exam.opens, f"{p}.exams.{name}.opens", problems)

    problems.extend(_check_arrivals(h, opens, closes))
    problems.extend(_check_departments(h, multi_day))
    dist(h.patience.distribution, f"{p}.patience.distribution")
    _shares(h.patients.age_groups, f"{p}.patients.age_groups", problems)
    _shares(h.patients.education, f"{p}.patients.education", problems)
    problems.extend(_check_complaints(h))
    problems.extend(_check_booking(h))
    problems.extend(_check_information(h))
    problems.extend(_check_survey(h))
    problems.extend(_check_season(h))
    problems.extend(check_staffing(h, multi_day))
    problems.extend(_check_population(h))
    return problems


def _check_population(h: HospitalConfig) -> list[str]:
    """Patients over time (hospital.population, hospital.charges): names that must be
    departments or exams, and switches that need another."""
    problems: list[str] = []
    pop, returns, loyalty = h.population, h.population.returns, h.population.loyalty
    k = "hospital.population"
    departments = list(h.departments)
    for key, names, allowed in (
        (f"{k}.returns.chronic_share", returns.chronic_share, departments),
        (f"{k}.returns.chronic_interval_days", returns.chronic_interval_days, departments),
        ("hospital.charges.consultation_fee", h.charges.consultation_fee, departments),
        ("hospital.charges.drug_median", h.charges.drug_median, departments),
        ("hospital.charges.exam_fee", h.charges.exam_fee, list(h.exams)),
    ):
        for name in names:
            if name not in allowed:
                problems.append(
                    f"{key}.{name}: no such {'exam' if 'exam' in key else 'department'}; "
                    f"there are: {', '.join(allowed) or 'none'}"
                )
    if returns.enabled and not pop.enabled:
        problems.append(f"{k}.returns.enabled = true needs {k}.enabled = true (returning patients need an identity)")
    if loyalty.enabled and not returns.enabled:
        problems.append(f"{k}.loyalty.enabled = true needs {k}.returns.enabled = true (nobody comes back to decide)")
    if loyalty.follow_up_calls and not loyalty.enabled:
        problems.append(f"{k}.loyalty.follow_up_calls = true needs {k}.loyalty.enabled = true (calls act on loyalty)")
    steady = returns.enabled and returns.start_in_steady_state
    if steady and loyalty.chronic_return >= 1 and any(v > 0 for v in returns.chronic_share.values()):
        problems.append(
            f"{k}.loyalty.chronic_return = 1: with {k}.returns.start_in_steady_state = true it must be < 1 "
            "(no chronic patient ever leaves, so there is no steady state); or start_in_steady_state=false"
        )
    if returns.enabled and returns.new_patient_share < 1 and h.arrivals.interval_min is not None:
        problems.append(
            f"{k}.returns.new_patient_share = {returns.new_patient_share:g}: cannot scale arrivals at a fixed "
            "interval (hospital.arrivals.interval_min); use 1 or daily_volume / rate_per_hour arrivals"
        )
    problems.extend(distributions.check(returns.review_after_days, f"{k}.returns.review_after_days"))
    return problems


def _check_arrivals(h: HospitalConfig, opens: float | None, closes: float | None) -> list[str]:
    a = h.arrivals
    key = "hospital.arrivals"
    problems = []
    if a.interval_min is not None and a.rate_per_hour is not None:
        problems.append(f"{key}: set rate_per_hour or interval_min, not both")
    for name, values, length in (
        ("hourly_profile", a.hourly_profile, 24),
        ("weekday_index", a.weekday_index, 7),
        ("month_index", a.month_index, 12),
    ):
        if len(values) != length:
            problems.append(f"{key}.{name} has {len(values)} values: it needs exactly {length}")
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
        problems.extend(_check_sessions(d.sessions, key, multi_day))
        problems.extend(distributions.check(d.consultation, f"{key}.consultation"))
        problems.extend(distributions.check(d.review, f"{key}.review"))
        for exam in d.exam_probability:
            if exam not in h.exams:
                problems.append(
                    f"{key}.exam_probability.{exam}: no such exam; defined exams: {', '.join(h.exams) or 'none'}"
                )
    return problems


def _check_sessions(sessions, key: str, multi_day: bool) -> list[str]:
    """A department's sessions: at least one, each ending after it starts, in order."""
    problems: list[str] = []
    if not sessions:
        problems.append(f"{key}.sessions is empty: a department needs at least one session")
    previous_end = None
    for index, session in enumerate(sessions):
        start = _clock(session.start, f"{key}.sessions[{index}].start", problems)
        end = _clock(session.end, f"{key}.sessions[{index}].end", problems)
        if start is None or end is None:
            continue
        if end <= start:
            problems.append(f"{key}.sessions[{index}]: ends at {session.end}, not after it starts at {session.start}")
        if previous_end is not None and start < previous_end:
            problems.append(f"{key}.sessions[{index}] starts at {session.start}, before the previous session ends")
        if multi_day and end > 1440:
            problems.append(
                f"{key}.sessions[{index}].end = {session.end}: must be <= 24:00 when run.days > 1 "
                "(sessions longer than a day are for one-day validation runs: set run.days=1)"
            )
        previous_end = end
    return problems


def _check_complaints(h: HospitalConfig) -> list[str]:
    """The complaint model's settings (hospital.complaints) that refer to others."""
    from sim.complaints import hcat
    from sim.engine.records import stage_names

    c = h.complaints
    k = "hospital.complaints"
    problems: list[str] = []
    for name, groups, ratios in (
        ("age_group_odds_ratio", h.patients.age_groups, c.patients.age_group_odds_ratio),
        ("education_odds_ratio", h.patients.education, c.patients.education_odds_ratio),
    ):
        for group in ratios:
            if group not in groups:
                problems.append(
                    f"{k}.patients.{name}.{group}: no such group; groups of hospital.patients: {', '.join(groups)}"
                )

    w = c.waits
    allowed = set(stage_names(h)) | set(type(w)().tolerance_median_min)
    if "consultation" not in w.tolerance_median_min:
        problems.append(f"{k}.waits.tolerance_median_min needs a consultation entry (stages not listed use it)")
    for stage in w.tolerance_median_min:
        if stage not in allowed:
            problems.append(
                f"{k}.waits.tolerance_median_min.{stage}: no such stage; stages: {', '.join(stage_names(h))}"
            )

    e = c.clinical
    if e.quality_probability + e.safety_probability > 1:
        problems.append(
            f"{k}.clinical: quality_probability + safety_probability = "
            f"{e.quality_probability + e.safety_probability:g}; they must not exceed 1"
        )
    problems.extend(_check_classification(c.classification, f"{k}.classification", hcat))
    problems.extend(distributions.check(c.channels.delay_days, f"{k}.channels.delay_days"))

    o = c.office
    opens = _clock(o.opens, f"{k}.office.opens", problems)
    closes = _clock(o.closes, f"{k}.office.closes", problems)
    if opens is not None and closes is not None and not opens < closes <= 1440:
        problems.append(f"{k}.office: closes ({o.closes}) must be after opens ({o.opens}) and no later than 24:00")
    if not o.working_days:
        problems.append(f"{k}.office.working_days is empty: give at least one weekday, 0 (Monday) to 6 (Sunday)")
    problems.extend(distributions.check(o.handling, f"{k}.office.handling"))
    problems.extend(distributions.check(c.disputes.internal_days, f"{k}.disputes.internal_days"))
    problems.extend(distributions.check(c.disputes.third_party_days, f"{k}.disputes.third_party_days"))
    return problems


# -- service quality and seasons ---------------------------------------------------------


def _keys_among(keys, allowed, key: str, what: str, every: bool = False) -> list[str]:
    """Entries of ``key`` must name one of ``allowed`` (with ``every``: each exactly once)."""
    problems = [f"{key}.{name}: no such {what}; allowed: {', '.join(allowed)}" for name in keys if name not in allowed]
    missing = [name for name in allowed if name not in keys]
    if every and missing:
        problems.append(f"{key}: missing {', '.join(missing)}; give a value for each of {', '.join(allowed)}")
    return problems


def _check_information(h: HospitalConfig) -> list[str]:
    """Information gaps (hospital.information): stages, groups, measures, delays."""
    from sim.demand.information import measures
    from sim.schema import GAP_STAGES

    i = h.information
    k = "hospital.information"
    problems = _keys_among(i.reference_probability, GAP_STAGES, f"{k}.reference_probability", "stage", every=True)
    problems += _keys_among(i.age_group_odds_ratio, list(h.patients.age_groups), f"{k}.age_group_odds_ratio", "group")
    problems += _keys_among(i.education_odds_ratio, list(h.patients.education), f"{k}.education_odds_ratio", "group")
    for name, measure in measures(i).items():
        problems += _keys_among(measure.odds_ratio, GAP_STAGES, f"{k}.{name}.odds_ratio", "stage")
    for stage in GAP_STAGES:
        problems.extend(distributions.check(getattr(i.delay_min, stage), f"{k}.delay_min.{stage}"))
    return problems


def _check_survey(h: HospitalConfig) -> list[str]:
    from sim.schema import SERVQUAL_DIMENSIONS

    s = h.survey
    k = "hospital.survey"
    return _keys_among(s.expectation, SERVQUAL_DIMENSIONS, f"{k}.expectation", "dimension", every=True) + _keys_among(
        s.perception, SERVQUAL_DIMENSIONS, f"{k}.perception", "dimension", every=True
    )


def _check_season(h: HospitalConfig) -> list[str]:
    """The seasonal profile (hospital.season): departments, 12 months, holiday dates."""
    season = h.season
    k = "hospital.season"
    problems = _keys_among(
        season.department_month_index, list(h.departments), f"{k}.department_month_index", "department"
    )
    for name, index in season.department_month_index.items():
        if len(index) != 12:
            problems.append(f"{k}.department_month_index.{name} has {len(index)} values: it needs exactly 12")
    for n, period in enumerate(season.holidays):
        key = f"{k}.holidays[{n}]"
        dates = []
        for end in ("start", "end"):
            try:
                dates.append(parse_date(getattr(period, end)))
            except ValueError as error:
                problems.append(f"{key}.{end}: {error}")
        if len(dates) == 2 and dates[1] < dates[0]:
            problems.append(f"{key}: ends on {period.end}, before it starts on {period.start}")
    if (season.department_month_index or season.holidays) and h.arrivals.interval_min is not None:
        problems.append(
            f"{k}: a seasonal profile changes the expected demand, but hospital.arrivals.interval_min = "
            f"{h.arrivals.interval_min} makes arrivals deterministic; set it to null"
        )
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


# -- appointments ---------------------------------------------------------------------------


def _check_booking(h: HospitalConfig) -> list[str]:
    """``hospital.booking``: channels, punctuality, age groups and slot templates."""
    b = h.booking
    key = "hospital.booking"
    problems: list[str] = []
    booking_channels = CHANNELS[1:]  # the first is walk-in
    if not b.channels:
        problems.append(f"{key}.channels is empty: give at least one of {', '.join(booking_channels)}")
    for name in b.channels:
        if name not in booking_channels:
            problems.append(f"{key}.channels.{name}: unknown channel; allowed: {', '.join(booking_channels)}")
    if b.channels:
        total = sum(c.share for c in b.channels.values())
        if abs(total - 1.0) > SHARE_TOLERANCE:
            shares = {name: c.share for name, c in b.channels.items()}
            problems.append(f"{key}.channels.<name>.share: shares {shares} sum to {total:g}; they must sum to 1")
    problems.extend(_check_punctuality(b.punctuality, f"{key}.punctuality"))
    unknown = [g for g in b.elderly_age_groups if g not in h.patients.age_groups]
    if b.elderly_priority and unknown:
        problems.append(
            f"{key}.elderly_age_groups contains {unknown}: age groups are "
            f"{', '.join(h.patients.age_groups)} (hospital.patients.age_groups)"
        )
    problems.extend(_check_template(b.slots, f"{key}.slots", h, list(h.departments), b.booked_share))
    for name, override in b.department_slots.items():
        if name not in h.departments:
            problems.append(
                f"{key}.department_slots.{name}: no such department; departments: {', '.join(h.departments)}"
            )
            continue
        template = slots.resolve_template(b.slots, override)
        problems.extend(_check_template(template, f"{key}.department_slots.{name}", h, [name], b.booked_share))
    return problems


def _check_punctuality(p: PunctualityConfig, key: str) -> list[str]:
    if p.kind != PunctualityKind.empirical:
        return []  # normal: a finite mean and sd >= 0, checked by their fields
    if p.values is None:
        return [f"{key}.values is missing: an empirical punctuality needs values (minutes from slot time to arrival)"]
    return distributions.Empirical(p.values, p.weights).problems(key)


def _check_template(t, key: str, h: HospitalConfig, departments: list[str], booked_share: float) -> list[str]:
    """A slot template's released slots and whether its slots fit in the departments' sessions."""
    problems = []
    if booked_share > 0 and t.released_share == 0:
        problems.append(
            f"{key}.released_share = 0 but booked_share = {booked_share}: no slot would be released for booking"
        )
    if not (t.slot_length_min > 0 and (t.slots_per_session is None or t.slots_per_session >= 1)):
        return problems  # refused by the fields' limits; the slots cannot be counted
    seen = set()  # departments usually share their sessions: report each session once
    for name in departments:
        for index, session in enumerate(h.departments[name].sessions):
            try:
                length = parse_clock(session.end) - parse_clock(session.start)
            except ValueError:
                continue  # reported with the department's sessions
            if length <= 0 or length in seen:
                continue
            seen.add(length)
            count = slots.slot_count(t, length)
            if count * t.slot_length_min > length + 1e-9:
                problems.append(
                    f"{key}: {count} slot(s) of {t.slot_length_min:g} min ({count * t.slot_length_min:g} min) do not "
                    f"fit in hospital.departments.{name}.sessions[{index}] ({session.start}-{session.end}, "
                    f"{length:g} min)"
                )
            elif count == 0:
                problems.append(
                    f"{key}.slot_length_min = {t.slot_length_min:g}: longer than "
                    f"hospital.departments.{name}.sessions[{index}] ({session.start}-{session.end}, "
                    f"{length:g} min): no slot fits"
                )
    return problems
