"""Compose, type and validate configurations.

``compose`` builds a config from ``conf/`` the way ``python -m sim`` does; ``validate``
checks everything the schema's types cannot (ranges, shares, clock times, cross
references) and raises one ``ConfigError`` listing every problem, each naming the
key, the value and what is allowed, before anything is simulated.
"""

from __future__ import annotations

import math
from pathlib import Path

from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim import booking, distributions
from sim.clock import parse_clock, parse_date
from sim.schema import Config, HospitalConfig

CONF_DIR = Path(__file__).resolve().parent.parent / "conf"
ASSIGNMENTS = ("pooled", "shortest_queue", "random")
SHARE_TOLERANCE = 1e-6


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
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
            cfg = hydra_compose(config_name="config", overrides=list(overrides))
    except Exception as error:  # Hydra's composition errors carry a readable message
        raise ConfigError([_describe(error)]) from None
    finally:
        GlobalHydra.instance().clear()
    return cfg


def _describe(error: BaseException) -> str:
    """An exception's message followed by its causes' (Hydra wraps the useful part)."""
    parts = []
    while error is not None:
        text = str(error).strip()
        if text and text not in parts:
            parts.append(text)
        error = error.__cause__
    return ": ".join(parts)


def to_typed(cfg: DictConfig | Config) -> Config:
    """The typed ``Config`` of a composed config, validated."""
    if isinstance(cfg, Config):
        typed = cfg
    else:
        try:
            typed = OmegaConf.to_object(cfg)
        except OmegaConfBaseException as error:
            raise ConfigError([_describe(error)]) from None
    validate(typed)
    return typed


def validate(cfg: Config) -> None:
    problems = _check_run(cfg) + _check_hospital(cfg.hospital, multi_day=cfg.run.days > 1)
    if problems:
        raise ConfigError(problems)


def _check_run(cfg: Config) -> list[str]:
    run = cfg.run
    problems = []
    if run.days < 1:
        problems.append(f"run.days = {run.days}: must be an integer >= 1")
    if run.replications < 1:
        problems.append(f"run.replications = {run.replications}: must be an integer >= 1")
    if run.seed < 0:
        problems.append(f"run.seed = {run.seed}: must be an integer >= 0")
    if run.jobs < 0:
        problems.append(f"run.jobs = {run.jobs}: must be >= 0 (0 = one worker per CPU core)")
    try:
        parse_date(run.start_date)
    except ValueError as error:
        problems.append(f"run.start_date: {error}")
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
        problems.append(f"{p}.consultation_queue.rush_per_waiting_patient = {rules.rush_per_waiting_patient}: must be >= 0")
    if not (0 < rules.rush_min_factor <= 1):
        problems.append(f"{p}.consultation_queue.rush_min_factor = {rules.rush_min_factor}: must be in (0, 1]")
    dist(h.patience.distribution, f"{p}.patience.distribution")
    _probability(h.patients.female_share, f"{p}.patients.female_share", problems)
    _shares(h.patients.age_groups, f"{p}.patients.age_groups", problems)
    _shares(h.patients.education, f"{p}.patients.education", problems)
    if h.warmup_min < 0:
        problems.append(f"{p}.warmup_min = {h.warmup_min}: must be >= 0")
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
    for name, values, length in (("hourly_profile", a.hourly_profile, 24), ("weekday_index", a.weekday_index, 7),
                                 ("month_index", a.month_index, 12)):
        if len(values) != length:
            problems.append(f"{key}.{name} has {len(values)} values: it needs exactly {length}")
        elif any(v < 0 for v in values):
            problems.append(f"{key}.{name} = {list(values)}: values must be >= 0")
    bad_days = [d for d in a.open_weekdays if d not in range(7)]
    if bad_days:
        problems.append(f"{key}.open_weekdays contains {bad_days}: weekdays are 0 (Monday) to 6 (Sunday)")
    if (a.rate_per_hour is None and a.interval_min is None and len(a.hourly_profile) == 24 and opens is not None and closes is not None
            and not any(a.hourly_profile[h] > 0 and h * 60 < closes and (h + 1) * 60 > opens for h in range(24))):
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
                problems.append(f"{key}.sessions[{index}].end = {session.end}: must be <= 24:00 when run.days > 1 "
                                "(sessions longer than a day are for one-day validation runs: set run.days=1)")
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
