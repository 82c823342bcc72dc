"""Compose, type and validate configurations.

``compose`` builds a config from ``conf/`` the way ``python -m sim`` does; ``validate``
checks everything the schema's types cannot (ranges, shares, clock times, cross
references) and raises one ``ConfigError`` listing every problem, each naming the
key, the value and what is allowed, before anything is simulated.
"""

from __future__ import annotations

import importlib.util
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
RUNNERS = ("local", "dask")
AUTO = "auto"  # run.replications=auto
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
    problems = _check_run(cfg) + _check_runner(cfg) + _check_hospital(cfg.hospital, multi_day=cfg.run.days > 1)
    if problems:
        raise ConfigError(problems)


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
        return [f"run.replications = {run.replications!r}: must be an integer >= 1, or 'auto' "
                "(replications until run.target_precision is reached)"]
    if run.replications != AUTO:
        return []
    problems = []
    if not (0 < run.target_precision < 1):
        problems.append(f"run.target_precision = {run.target_precision}: must be between 0 and 1 "
                        "(relative half-width of the 95% interval, e.g. 0.05)")
    if run.min_replications < 2:
        problems.append(f"run.min_replications = {run.min_replications}: must be an integer >= 2 "
                        "(an interval needs two replications)")
    if run.max_replications < run.min_replications:
        problems.append(f"run.max_replications = {run.max_replications}: must be >= run.min_replications "
                        f"({run.min_replications})")
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
        problems.append("runner=dask needs dask.distributed, which is not installed: "
                        "pip install -e \".[dask]\"")
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
        problems.append(f"{p}.registration.kiosk_share = {registration.kiosk_share}: needs "
                        f"{p}.registration.kiosks >= 1 (there are no kiosks to use)")
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
        problems.append(f"{p}.consultation_queue.rush_per_waiting_patient = {rules.rush_per_waiting_patient}: must be >= 0")
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


def _at_least(value: float, minimum: float, key: str, problems: list[str], why: str = "") -> None:
    if not (math.isfinite(value) and value >= minimum):
        problems.append(f"{key} = {value}: must be a finite number >= {minimum:g}{why}")


def _positive(value: float, key: str, problems: list[str]) -> None:
    if not (math.isfinite(value) and value > 0):
        problems.append(f"{key} = {value}: must be a finite number > 0")


def _check_complaints(h: HospitalConfig) -> list[str]:
    """The complaint model's settings (hospital.complaints)."""
    from sim import hcat
    from sim.tables import stage_names

    c = h.complaints
    k = "hospital.complaints"
    problems: list[str] = []
    driver = ": drivers can only add risk (odds ratio >= 1)"
    if not (0 < c.base_per_1000_visits < 1000):
        problems.append(f"{k}.base_per_1000_visits = {c.base_per_1000_visits}: must be between 0 and 1000 (exclusive)")

    _positive(c.patients.female_odds_ratio, f"{k}.patients.female_odds_ratio", problems)
    for name, groups, ratios in (("age_group_odds_ratio", h.patients.age_groups, c.patients.age_group_odds_ratio),
                                 ("education_odds_ratio", h.patients.education, c.patients.education_odds_ratio)):
        for group, ratio in ratios.items():
            if group not in groups:
                problems.append(f"{k}.patients.{name}.{group}: no such group; groups of hospital.patients: "
                                f"{', '.join(groups)}")
            _positive(ratio, f"{k}.patients.{name}.{group}", problems)

    w = c.waits
    _positive(w.perception_multiplier, f"{k}.waits.perception_multiplier", problems)
    allowed = set(stage_names(h)) | set(type(w)().tolerance_median_min)
    if "consultation" not in w.tolerance_median_min:
        problems.append(f"{k}.waits.tolerance_median_min needs a consultation entry (stages not listed use it)")
    for stage, median in w.tolerance_median_min.items():
        if stage not in allowed:
            problems.append(f"{k}.waits.tolerance_median_min.{stage}: no such stage; stages: {', '.join(stage_names(h))}")
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
        problems.append(f"{k}.clinical: quality_probability + safety_probability = "
                        f"{e.quality_probability + e.safety_probability:g}; they must not exceed 1")
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
        problems.append(f"{k}.office.staff = {o.staff}: must be an integer >= 1 (the complaint office needs "
                        "someone to handle complaints)")
    opens = _clock(o.opens, f"{k}.office.opens", problems)
    closes = _clock(o.closes, f"{k}.office.closes", problems)
    if opens is not None and closes is not None and not opens < closes <= 1440:
        problems.append(f"{k}.office: closes ({o.closes}) must be after opens ({o.opens}) and no later than 24:00")
    if not o.working_days or any(d not in range(7) for d in o.working_days):
        problems.append(f"{k}.office.working_days = {list(o.working_days)}: give at least one weekday, "
                        "0 (Monday) to 6 (Sunday)")
    problems.extend(distributions.check(o.handling, f"{k}.office.handling"))
    _probability(o.upheld_share, f"{k}.office.upheld_share", problems)
    if o.target_working_days < 1:
        problems.append(f"{k}.office.target_working_days = {o.target_working_days}: must be an integer >= 1")
    return problems


def _check_classification(c, key: str, hcat) -> list[str]:
    problems: list[str] = []
    for name, shares, allowed in (("background_categories", c.background_categories, hcat.CATEGORIES),
                                  ("communication_categories", c.communication_categories,
                                   hcat.CAUSE_CATEGORIES["communication"])):
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
