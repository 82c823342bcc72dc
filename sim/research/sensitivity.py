"""Global sensitivity analysis: which uncertain inputs move a KPI, and how much.

Two steps, both done by SALib: Morris elementary effects screen every parameter
(``research.sensitivity.morris``: mean absolute effect μ*, with its bootstrap
interval, and σ, the spread that signals non-linearity or interactions); then the
``research.sensitivity.sobol.parameters`` most influential ones get Sobol indices from
Saltelli's sampling (first order S1: the share of the output's variance a parameter
explains alone; total order ST: with all its interactions), the others staying at the
hospital's values. Each sample point is a variant of the configuration
(``sim.research.settings``), evaluated through ``sim.research.evaluations`` (the
configured runner, common random numbers, resumable); its KPIs are means over
``run.replications`` replications.

``model: ishigami`` runs the same two steps on the Ishigami function, whose Sobol
indices are known: a check of the machinery end to end (``tests/functional/test_research_sensitivity.py``).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis import kpis as kpi_catalogue
from sim.config.validate import ConfigError
from sim.engine.records import stage_names
from sim.research import settings as config_settings
from sim.research.evaluations import Evaluator, Job, Outputs
from sim.schema import Config, SensitivityModel

ISHIGAMI_OUTPUT = "ishigami"
ISHIGAMI_A, ISHIGAMI_B = 7.0, 0.1  # the usual constants (Ishigami & Homma 1990; SALib's defaults)


@dataclass
class Parameter:
    """One uncertain input: its name, label, range, and the keys a value is set on
    (several when its key has ``*``; each key's own value times the sampled factor
    when relative)."""

    name: str
    label: str
    low: float
    high: float
    keys: list[str]
    base: list[float]  # the hospital's values at those keys
    relative: bool = False

    def settings(self, value: float) -> dict[str, float]:
        if self.relative:
            return {key: base * value for key, base in zip(self.keys, self.base, strict=True)}
        return dict.fromkeys(self.keys, value)


@dataclass
class Study:
    """What is analysed: the parameters, the outputs, and how a point is evaluated."""

    cfg: Config
    parameters: list[Parameter]
    outputs: list[str]
    model: SensitivityModel

    def problem(self, parameters: list[Parameter]) -> dict:
        """SALib's problem definition for these parameters."""
        return {
            "num_vars": len(parameters),
            "names": [p.name for p in parameters],
            "bounds": [[p.low, p.high] for p in parameters],
        }

    def evaluate(self, evaluator: Evaluator, parameters: list[Parameter], points: np.ndarray) -> np.ndarray:
        """The outputs (points x outputs) at each row of ``points`` (one column per parameter)."""
        if self.model == SensitivityModel.ishigami:
            jobs = [Job(_ishigami_key(x), ishigami_outputs, (tuple(float(v) for v in x),)) for x in points]
            results = evaluator.run(jobs, [{"point": [float(v) for v in x]} for x in points])
            return np.array([[r[name] for name in self.outputs] for r in results])
        variants = [self.variant(parameters, x) for x in points]
        replications = range(self.cfg.run.replications)
        per_variant = evaluator.replications(variants, replications)
        return np.array([[np.mean([r[name] for r in reps]) for name in self.outputs] for reps in per_variant])

    def variant(self, parameters: list[Parameter], x: np.ndarray) -> Config:
        values: dict[str, float] = {}
        for parameter, value in zip(parameters, x, strict=True):
            values.update(parameter.settings(float(value)))
        return config_settings.apply(self.cfg, values, check=False)  # the ranges were checked up front


def ishigami_outputs(x: tuple[float, float, float]) -> Outputs:
    """The Ishigami function at one point (SALib's test function)."""
    from SALib.test_functions import Ishigami

    return {ISHIGAMI_OUTPUT: float(Ishigami.evaluate(np.array([x]), ISHIGAMI_A, ISHIGAMI_B)[0])}


def _ishigami_key(x: np.ndarray) -> str:
    text = json.dumps(["ishigami", ISHIGAMI_A, ISHIGAMI_B, [float(v).hex() for v in x]])
    return hashlib.sha256(text.encode()).hexdigest()


# -- the study from the configuration -----------------------------------------------


def study_of(cfg: Config) -> Study:
    """The study ``research.sensitivity`` describes; ``ConfigError`` (every problem,
    before anything runs) if a key, a range or an output is wrong."""
    spec = cfg.research.sensitivity
    problems = _check_budget(cfg)
    if spec.model == SensitivityModel.ishigami:
        parameters = [Parameter(f"x{i}", f"x{i}", -math.pi, math.pi, [], []) for i in (1, 2, 3)]
        return Study(cfg, parameters, [ISHIGAMI_OUTPUT], spec.model) if not problems else _refuse(problems)
    parameters = []
    for name, given in spec.parameters.items():
        where = f"research.sensitivity.parameters.{name}"
        try:
            keys = config_settings.expand(cfg, given.key)
            base = [float(config_settings.number(cfg, key)) for key in keys]
        except ConfigError as error:
            problems += [f"{where}.key: {p}" for p in error.problems]
            continue
        if not given.low < given.high:
            problems.append(f"{where}: low = {given.low}, high = {given.high}: low must be below high")
            continue
        parameter = Parameter(name, given.label or name, given.low, given.high, keys, base, given.relative)
        problems += _check_range(cfg, parameter, where)
        parameters.append(parameter)
    if len(spec.parameters) < 2:
        problems.append(f"research.sensitivity.parameters: {len(spec.parameters)} given; at least 2 are needed")
    problems += check_kpis(cfg, spec.outputs, "research.sensitivity.outputs")
    if problems:
        _refuse(problems)
    return Study(cfg, parameters, list(spec.outputs), spec.model)


def _refuse(problems: list[str]):
    raise ConfigError(problems)


def _check_budget(cfg: Config) -> list[str]:
    spec = cfg.research.sensitivity
    problems = []
    n = spec.sobol.base_samples
    if n & (n - 1):
        problems.append(f"research.sensitivity.sobol.base_samples = {n}: must be a power of 2 (Sobol' sequence)")
    if spec.morris.levels % 2:
        problems.append(f"research.sensitivity.morris.levels = {spec.morris.levels}: must be even")
    if not isinstance(cfg.run.replications, int):
        problems.append(f"run.replications = {cfg.run.replications}: the research tools need a count")
    return problems


def _check_range(cfg: Config, parameter: Parameter, where: str) -> list[str]:
    """Each end of the range, set on the hospital, must give a valid configuration."""
    problems = []
    for end in (parameter.low, parameter.high):
        try:
            config_settings.apply(cfg, parameter.settings(end))
        except ConfigError as error:
            problems += [f"{where}: at {end}: {p}" for p in error.problems]
    return problems


def check_kpis(cfg: Config, names: list[str], key: str) -> list[str]:
    """Problems with KPI names that this hospital's runs do not have."""
    known = kpi_catalogue.names(stage_names(cfg.hospital))
    return [f"{key}: no KPI named {name!r} in this hospital's runs" for name in names if name not in known]


# -- the two steps -------------------------------------------------------------------


@dataclass
class SensitivityResult:
    """The indices (tidy: one row per method x output x parameter x index), the
    Morris and Sobol tables, and what it took."""

    study: Study
    morris: pd.DataFrame
    sobol: pd.DataFrame
    kept: list[str]
    evaluations: dict[str, int] = field(default_factory=dict)

    def indices(self) -> pd.DataFrame:
        rows = []
        for _, row in self.morris.iterrows():
            base = {"method": "morris", "output": row.output, "parameter": row.parameter, "label": row.label}
            rows.append(
                {
                    **base,
                    "index": "mu_star",
                    "value": row.mu_star,
                    "ci_low": row.mu_star_ci_low,
                    "ci_high": row.mu_star_ci_high,
                }
            )
            rows.append({**base, "index": "sigma", "value": row.sigma, "ci_low": math.nan, "ci_high": math.nan})
        for _, row in self.sobol.iterrows():
            base = {"method": "sobol", "output": row.output, "parameter": row.parameter, "label": row.label}
            for index in ("S1", "ST"):
                rows.append(
                    {
                        **base,
                        "index": index,
                        "value": row[index],
                        "ci_low": row[f"{index}_ci_low"],
                        "ci_high": row[f"{index}_ci_high"],
                    }
                )
        return pd.DataFrame(rows)


def run(cfg: Config, directory: Path | None = None, progress: bool = False) -> SensitivityResult:
    """Morris screening, then Sobol indices of the parameters kept (see the module docstring)."""
    from SALib.analyze import morris as morris_analysis
    from SALib.analyze import sobol as sobol_analysis
    from SALib.sample import morris as morris_sampling
    from SALib.sample import sobol as sobol_sampling

    study = study_of(cfg)
    spec = cfg.research.sensitivity
    seed = cfg.run.seed
    with Evaluator(cfg, directory, progress, "sensitivity") as evaluator:
        problem = study.problem(study.parameters)
        points = morris_sampling.sample(problem, spec.morris.trajectories, spec.morris.levels, seed=seed)
        outputs = _checked(study.evaluate(evaluator, study.parameters, points), study.outputs, "Morris")
        morris_rows = []
        for j, output in enumerate(study.outputs):
            found = morris_analysis.analyze(
                problem,
                points,
                outputs[:, j],
                spec.bootstrap,
                spec.confidence,
                num_levels=spec.morris.levels,
                seed=seed,
            )
            for i, parameter in enumerate(study.parameters):
                mu_star, half = float(found["mu_star"][i]), float(found["mu_star_conf"][i])
                morris_rows.append(
                    {
                        "output": output,
                        "parameter": parameter.name,
                        "label": parameter.label,
                        "mu": float(found["mu"][i]),
                        "mu_star": mu_star,
                        "mu_star_ci_low": mu_star - half,
                        "mu_star_ci_high": mu_star + half,
                        "sigma": float(found["sigma"][i]),
                    }
                )
        morris = pd.DataFrame(morris_rows)
        kept = screened(morris, [p.name for p in study.parameters], spec.sobol.parameters)
        morris["kept"] = morris["parameter"].isin(kept)
        morris_evaluations = len(points)

        chosen = [p for p in study.parameters if p.name in kept]
        problem = study.problem(chosen)
        points = sobol_sampling.sample(problem, spec.sobol.base_samples, calc_second_order=False, seed=seed)
        outputs = _checked(study.evaluate(evaluator, chosen, points), study.outputs, "Sobol")
        sobol_rows = []
        for j, output in enumerate(study.outputs):
            found = sobol_analysis.analyze(
                problem,
                outputs[:, j],
                calc_second_order=False,
                num_resamples=spec.bootstrap,
                conf_level=spec.confidence,
                seed=seed,
            )
            for i, parameter in enumerate(chosen):
                row = {"output": output, "parameter": parameter.name, "label": parameter.label}
                for index in ("S1", "ST"):
                    value, half = float(found[index][i]), float(found[f"{index}_conf"][i])
                    row.update({index: value, f"{index}_ci_low": value - half, f"{index}_ci_high": value + half})
                sobol_rows.append(row)
        replications = 1 if study.model == SensitivityModel.ishigami else cfg.run.replications
        evaluations = {
            "morris_points": morris_evaluations,
            "sobol_points": len(points),
            "replications_per_point": replications,
            "evaluations": (morris_evaluations + len(points)) * replications,
            "computed_now": evaluator.computed,
            "read_back": evaluator.store.read_back,
        }
    return SensitivityResult(study, morris, pd.DataFrame(sobol_rows), kept, evaluations)


def screened(morris: pd.DataFrame, names: list[str], keep: int) -> list[str]:
    """The ``keep`` parameters (0: all) with the largest μ*, each output's μ* scaled by
    its largest so that outputs in different units weigh alike; in the given order."""
    if keep == 0 or keep >= len(names):
        return list(names)
    scaled = morris.assign(score=morris.mu_star / morris.groupby("output").mu_star.transform("max").replace(0, 1))
    score = scaled.groupby("parameter").score.max()
    top = set(score.sort_values(ascending=False, kind="stable").index[:keep])
    return [name for name in names if name in top]


def _checked(outputs: np.ndarray, names: list[str], step: str) -> np.ndarray:
    undefined = [name for j, name in enumerate(names) if np.isnan(outputs[:, j]).any()]
    if undefined:
        raise ConfigError(
            [
                f"research.sensitivity.outputs: {', '.join(undefined)} is undefined at some {step} points "
                "(nothing counted towards it): choose another KPI"
            ]
        )
    return outputs
