"""Simulation-optimisation of staffing with Optuna: the cheapest staffing that meets
the targets.

The levers (``research.optimise.variables``: doctors per department, registration
windows, cashiers, pharmacy windows…) are integer settings; Optuna proposes
configurations (``sampler``: TPE or NSGA-II, multi-objective with constraints, seeded
with ``sampler_seed``, by default ``run.seed``; or ``grid``, every configuration, the exhaustive reference) and each
is simulated through ``sim.research.evaluations`` (the configured runner, common random
numbers, resumable). The objectives (``objectives``: the staff cost per open day from
``sim.research.staff_cost``, then KPIs such as the mean wait for the doctor) are
minimised (a KPI whose better direction is higher is maximised); each target
(``targets``) is an Optuna constraint, mean − target ≤ 0 (target − mean for a KPI where
higher is better).

**Replications per trial (the rule).** Every trial runs replications 0, 1, …, so all
trials share their random numbers and differences between them are paired. A trial
first runs ``min_replications``; while the ``confidence`` interval of a KPI with a target
still contains the target (feasible or not is undecided), its replications double, up
to ``max_replications``. A configuration's feasibility is then decided by its mean over
the replications it ran, and a configuration has the same replications and so the same
decision whichever study or sampler proposes it.

**Determinism and resuming.** The study lives in memory and is rebuilt each time from
the seed: trials are proposed ``batch`` at a time in a fixed order, so a study run again
into its directory proposes the same configurations, finds their evaluations in the
store, and goes on where it stopped, giving what an uninterrupted study gives.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.analysis import kpis as kpi_catalogue
from sim.analysis.stats import t_interval
from sim.config.validate import ConfigError
from sim.research import settings as config_settings
from sim.research import staff_cost
from sim.research.evaluations import Evaluator
from sim.research.sensitivity import check_kpis
from sim.schema import Config, OptimiseSampler


@dataclass(frozen=True)
class Variable:
    """One lever: its name (``doctors_surgery`` for an entry of a ``*`` key), its key and range."""

    name: str
    key: str
    low: int
    high: int

    def values(self) -> list[int]:
        return list(range(self.low, self.high + 1))


@dataclass
class Problem:
    cfg: Config
    variables: list[Variable]
    objectives: list[str]
    targets: dict[str, float]
    minimise: dict[str, bool]  # objective or target KPI -> lower is better

    def variant(self, values: dict[str, int]) -> Config:
        return config_settings.apply(self.cfg, {v.key: values[v.name] for v in self.variables}, check=False)

    def grid_size(self) -> int:
        return math.prod(len(v.values()) for v in self.variables)


def problem_of(cfg: Config) -> Problem:
    """The problem ``research.optimise`` describes; ``ConfigError`` listing every problem."""
    spec = cfg.research.optimise
    problems = staff_cost.check(cfg)
    variables = []
    for name, given in spec.variables.items():
        where = f"research.optimise.variables.{name}"
        try:
            keys = config_settings.expand(cfg, given.key)
            for key in keys:
                if not isinstance(config_settings.get(cfg, key), int):
                    raise ConfigError([f"{key}: not an integer setting, so not a staffing lever"])
        except ConfigError as error:
            problems += [f"{where}.key: {p}" for p in error.problems]
            continue
        if given.low > given.high:
            problems.append(f"{where}: low = {given.low}, high = {given.high}: low must not exceed high")
            continue
        for key in keys:
            suffix = key.split(".")[given.key.split(".").index("*")] if "*" in given.key else ""
            variable = Variable(f"{name}_{suffix}" if suffix else name, key, given.low, given.high)
            for end in (variable.low, variable.high):
                try:
                    config_settings.apply(cfg, {key: end})
                except ConfigError as error:
                    problems += [f"{where}: at {end}: {p}" for p in error.problems]
            variables.append(variable)
    if not spec.variables:
        problems.append("research.optimise.variables: none given; name at least one staffing lever")
    kpis = [o for o in spec.objectives if o != staff_cost.COST]
    problems += check_kpis(cfg, kpis, "research.optimise.objectives")
    problems += check_kpis(cfg, list(spec.targets), "research.optimise.targets")
    if not spec.objectives:
        problems.append(f"research.optimise.objectives: none given; e.g. [{staff_cost.COST}, wait_doctor_mean_min]")
    if spec.min_replications > spec.max_replications:
        problems.append(
            f"research.optimise.min_replications = {spec.min_replications}: must not exceed max_replications "
            f"({spec.max_replications})"
        )
    if problems:
        raise ConfigError(problems)
    minimise = {
        name: kpi_catalogue.describe(name).better != kpi_catalogue.Better.HIGHER for name in [*kpis, *spec.targets]
    }
    minimise[staff_cost.COST] = True
    return Problem(cfg, variables, list(spec.objectives), dict(spec.targets), minimise)


# -- trials ----------------------------------------------------------------------------


@dataclass
class Trial:
    """A configuration simulated: its lever values, KPIs by replication, and verdicts."""

    number: int
    values: dict[str, int]
    kpis: pd.DataFrame = field(default_factory=pd.DataFrame)
    cost: float = math.nan

    def objective(self, name: str) -> float:
        return self.cost if name == staff_cost.COST else float(self.kpis[name].mean())

    def interval(self, name: str, confidence: float) -> dict:
        if name == staff_cost.COST:
            return {"mean": self.cost, "ci_low": self.cost, "ci_high": self.cost}
        return t_interval(self.kpis[name].to_numpy(dtype=float), confidence)

    def undecided(self, problem: Problem, confidence: float) -> bool:
        """Whether the interval of a KPI with a target still contains the target."""
        for name, target in problem.targets.items():
            interval = self.interval(name, confidence)
            if interval["ci_low"] <= target <= interval["ci_high"]:
                return True
        return False

    def violations(self, problem: Problem) -> dict[str, float]:
        """Each target's constraint value: ≤ 0 when it is met."""
        return {
            name: (self.objective(name) - target) if problem.minimise[name] else (target - self.objective(name))
            for name, target in problem.targets.items()
        }

    def feasible(self, problem: Problem) -> bool:
        return all(value <= 0 for value in self.violations(problem).values())


def simulate(problem: Problem, evaluator: Evaluator, batch: list[Trial]) -> None:
    """Simulate a batch of trials side by side, each under the replication rule."""
    spec = problem.cfg.research.optimise
    replications = dict.fromkeys(range(len(batch)), spec.min_replications)
    pending = list(range(len(batch)))
    while pending:
        variants = [problem.variant(batch[i].values) for i in pending]
        outputs = evaluator.replications_each(variants, [range(replications[i]) for i in pending])
        still = []
        for i, rows in zip(pending, outputs, strict=True):
            trial = batch[i]
            trial.kpis = pd.DataFrame(rows)
            trial.cost = staff_cost.per_day(variants[pending.index(i)])
            if trial.undecided(problem, spec.confidence) and replications[i] < spec.max_replications:
                replications[i] = min(spec.max_replications, 2 * replications[i])
                still.append(i)
        pending = still


@dataclass
class OptimisationResult:
    problem: Problem
    trials: list[Trial]
    study: object  # the optuna.Study
    evaluations: dict[str, int] = field(default_factory=dict)

    def best(self, count: int | None = None) -> list[Trial]:
        """Feasible configurations, each once, ordered by the objectives in turn."""
        seen, found = set(), []
        ranked = sorted(
            (t for t in self.trials if t.feasible(self.problem)),
            key=lambda t: tuple(
                t.objective(o) if self.problem.minimise[o] else -t.objective(o) for o in self.problem.objectives
            ),
        )
        for trial in ranked:
            key = tuple(sorted(trial.values.items()))
            if key not in seen:
                seen.add(key)
                found.append(trial)
        return found[:count] if count else found

    def first_found(self, values: dict[str, int]) -> int | None:
        """The number of the first trial that proposed ``values`` (None: never)."""
        return next((t.number for t in self.trials if t.values == values), None)

    def distinct(self) -> int:
        return len({tuple(sorted(t.values.items())) for t in self.trials})


def _sampler(problem: Problem):
    import optuna

    spec = problem.cfg.research.optimise
    seed = problem.cfg.run.seed if spec.sampler_seed is None else spec.sampler_seed
    if spec.sampler == OptimiseSampler.grid:  # every configuration is enqueued (run): nothing left to sample
        return optuna.samplers.RandomSampler(seed=seed)
    if spec.sampler == OptimiseSampler.nsga2:
        return optuna.samplers.NSGAIISampler(seed=seed, population_size=max(4, spec.batch * 2))
    # random proposals first: a sixth of the budget, at least one batch
    startup = max(spec.batch, spec.trials // 6)
    return optuna.samplers.TPESampler(seed=seed, multivariate=True, n_startup_trials=startup)


def run(cfg: Config, directory: Path | None = None, progress: bool = False) -> OptimisationResult:
    """The study (see the module docstring)."""
    import optuna

    problem = problem_of(cfg)
    spec = cfg.research.optimise
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    directions = ["minimize" if problem.minimise[o] else "maximize" for o in problem.objectives]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        study = optuna.create_study(directions=directions, sampler=_sampler(problem))
    total = spec.trials
    if spec.sampler == OptimiseSampler.grid:
        # the grid in a fixed order, as trials Optuna hands out first (GridSampler would stop
        # the study from inside tell, which only works within study.optimize)
        for values in itertools.product(*[v.values() for v in problem.variables]):
            study.enqueue_trial(dict(zip([v.name for v in problem.variables], values, strict=True)))
        total = problem.grid_size()
    trials: list[Trial] = []
    with Evaluator(cfg, directory, progress, "optimisation") as evaluator:
        while len(trials) < total:
            asked = [study.ask() for _ in range(min(spec.batch, total - len(trials)))]
            batch = [
                Trial(len(trials) + i, {v.name: t.suggest_int(v.name, v.low, v.high) for v in problem.variables})
                for i, t in enumerate(asked)
            ]
            simulate(problem, evaluator, batch)
            for optuna_trial, trial in zip(asked, batch, strict=True):
                for name, value in trial.violations(problem).items():
                    optuna_trial.set_constraint(name, value)
                optuna_trial.set_user_attr("replications", len(trial.kpis))
                study.tell(optuna_trial, [trial.objective(o) for o in problem.objectives])
            trials += batch
        evaluations = {
            "computed_now": evaluator.computed,
            "read_back": evaluator.store.read_back,
            "evaluations": len(evaluator.store.results),
        }
    return OptimisationResult(problem, trials, study, evaluations)


def trials_table(result: OptimisationResult) -> pd.DataFrame:
    """One row per trial: its levers, objectives and targets (mean and interval),
    replications, feasibility and whether it is on the Pareto front."""
    problem, confidence = result.problem, result.problem.cfg.research.optimise.confidence
    pareto = {t.number for t in result.study.best_trials}
    rows = []
    for trial in result.trials:
        row = {"trial": trial.number, **trial.values, "replications": len(trial.kpis)}
        for name in dict.fromkeys([*problem.objectives, *problem.targets]):
            interval = trial.interval(name, confidence)
            row.update(
                {name: interval["mean"], f"{name}_ci_low": interval["ci_low"], f"{name}_ci_high": interval["ci_high"]}
            )
        row["feasible"] = trial.feasible(problem)
        row["decided"] = not trial.undecided(problem, confidence)  # every target's interval excludes it
        row["pareto"] = trial.number in pareto
        rows.append(row)
    return pd.DataFrame(rows)


# overrides of the study's command that are not about the scenario
NOT_SCENARIO = ("experiment=", "research.", "hydra.", "run.jobs=", "run.replications=", "output.", "runner")


def command(problem: Problem, trial: Trial, study_overrides: list[str]) -> str:
    """The ``python -m sim`` command that runs ``trial``'s configuration: the study's
    scenario overrides, its run settings, the trial's replications and levers."""
    run = problem.cfg.run
    kept = [o for o in study_overrides if not o.lstrip("+~").startswith(NOT_SCENARIO)]
    if not any(o.startswith("hospital=") for o in kept):
        kept.insert(0, f"hospital={problem.cfg.hospital.name}")
    given = {o.split("=")[0] for o in kept}
    settings = [
        f"{key}={value}"
        for key, value in (("run.days", run.days), ("run.start_date", run.start_date), ("run.seed", run.seed))
        if key not in given
    ]
    levers = config_settings.overrides({v.key: trial.values[v.name] for v in problem.variables})
    return " ".join(["python -m sim", *kept, *settings, f"run.replications={len(trial.kpis)}", *levers])
