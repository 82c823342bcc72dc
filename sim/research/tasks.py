"""A research run: the tool ``research.task`` names, run into a directory, its tables,
figures, report and provenance written there.

``python -m sim experiment=sensitivity|pdca|optimise_staffing`` (and ``python -m
sim.sensitivity``) come here instead of simulating one scenario. The directory keeps
``evaluations.jsonl``: the same command run again into it (``hydra.run.dir=<it>``)
resumes, computing only the evaluations it lacks (``sim.research.evaluations``). Every
other file is written under a temporary name and renamed into place
(``sim.runs.run_files``); the caller writes the completion marker last.
"""

from __future__ import annotations

import importlib.util
import json
import time
from importlib import metadata
from pathlib import Path

import pandas as pd

from sim.config.validate import ConfigError
from sim.research import figures, report
from sim.runs import provenance, run_files
from sim.runs.result import config_to_yaml
from sim.schema import Config, ResearchTask

LIBRARIES = ("SALib", "optuna")
NEEDS = {  # the libraries each tool imports (the research extra)
    ResearchTask.sensitivity: ("SALib",),
    ResearchTask.pdca: (),
    ResearchTask.optimise_staffing: ("optuna",),
}


def execute(cfg: Config, directory: Path, overrides: list[str]) -> list[str]:
    """Run the research task of ``cfg`` into ``directory``; the lines to print."""
    missing = [name for name in NEEDS[cfg.research.task] if importlib.util.find_spec(name) is None]
    if missing:
        raise ConfigError(
            [
                f"research.task = {cfg.research.task}: needs {', '.join(missing)}, not installed: "
                'pip install -e ".[research]" (or pip install hospital-sim[research])'
            ]
        )
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    run_files.unmark(directory)
    started = time.perf_counter()
    writers = {
        ResearchTask.sensitivity: _sensitivity,
        ResearchTask.pdca: _pdca,
        ResearchTask.optimise_staffing: _optimise,
    }
    lines, record = writers[cfg.research.task](cfg, directory, overrides)
    run_files.write_text(directory / "config.yaml", config_to_yaml(cfg))
    about = provenance.collect(cfg.run.seed, cfg.run.replications, time.perf_counter() - started, overrides)
    about["packages"].update({name: _version(name) for name in LIBRARIES})
    about["research"] = record
    run_files.write_text(directory / "provenance.json", json.dumps(about, indent=2, default=str) + "\n")
    return lines


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _csv(frame: pd.DataFrame, path: Path) -> None:
    with run_files.written(path) as temporary:
        frame.to_csv(temporary, index=False)


def _sensitivity(cfg: Config, directory: Path, overrides: list[str]):
    from sim.research import sensitivity

    result = sensitivity.run(cfg, directory, progress=cfg.output.progress)
    _csv(result.indices(), directory / "indices.csv")
    _csv(result.morris, directory / "morris.csv")
    _csv(result.sobol, directory / "sobol.csv")
    paths = {}
    for output in result.study.outputs:
        label = report.kpi_label(output)
        name = output if output.isidentifier() else "output"
        morris_path, sobol_path = Path("figures") / f"morris_{name}.png", Path("figures") / f"sobol_{name}.png"
        if cfg.output.figures:
            figures.morris(result.morris[result.morris.output == output], label, directory / morris_path)
            figures.sobol(result.sobol[result.sobol.output == output], label, directory / sobol_path)
        paths[output] = (morris_path.as_posix(), sobol_path.as_posix())
    text = report.sensitivity(result, paths)
    run_files.write_text(directory / "report.md", text)
    lines = [report.summary(result, output, markdown=False) for output in result.study.outputs]
    return lines, {"task": "sensitivity", "kept_for_sobol": result.kept, **result.evaluations}


def _pdca(cfg: Config, directory: Path, overrides: list[str]):
    from sim.research import pdca

    result = pdca.run(cfg, directory, progress=cfg.output.progress)
    _csv(result.cycles, directory / "cycles.csv")
    figure = None
    if cfg.output.figures:
        interval = result.baseline.interval(result.kpi, cfg.research.pdca.confidence)
        baseline = (interval["mean"], interval["ci_low"], interval["ci_high"])
        figure = "figures/complaint_rate_by_cycle.png"
        figures.pdca(result.cycles, baseline, report.kpi_label(result.kpi), directory / figure)
    run_files.write_text(directory / "report.md", report.pdca(result, figure))
    lines = report.findings(result)
    record = {"task": "pdca", "cycles": len(result.cycles), "stopped": result.stopped, **result.evaluations}
    return lines, record


def _optimise(cfg: Config, directory: Path, overrides: list[str]):
    from sim.research import optimise, staff_cost

    result = optimise.run(cfg, directory, progress=cfg.output.progress)
    problem = result.problem
    trials = optimise.trials_table(result)
    _csv(trials, directory / "trials.csv")
    best = result.best(cfg.research.optimise.best)
    commands = [optimise.command(problem, trial, overrides) for trial in best]
    _csv(
        trials.set_index("trial").loc[[t.number for t in best]].reset_index().assign(command=commands),
        directory / "best.csv",
    )
    figure = None
    if cfg.output.figures:
        names = [report.objective_label(o) for o in problem.objectives]
        targets = {i: problem.targets[o] for i, o in enumerate(problem.objectives) if o in problem.targets}
        if figures.pareto_front(result.study, names, targets, directory / "figures" / "pareto_front.png"):
            figure = "figures/pareto_front.png"
    run_files.write_text(directory / "report.md", report.optimisation(result, commands, figure))
    lines = [*report.optimisation_findings(result), *[f"  {c}" for c in commands[:1]]]
    record = {
        "task": "optimise_staffing",
        "trials": len(result.trials),
        "distinct": result.distinct(),
        "cost": staff_cost.COST,
        **result.evaluations,
    }
    return lines, record
