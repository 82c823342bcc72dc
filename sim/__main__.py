"""``python -m sim [overrides]``: run a configured scenario, print its KPIs and write
its files and report into Hydra's run directory (``--help``: what can be chosen,
``sim.reporting.help_screen``) (``results/runs/<timestamp>/`` by
default). ``python -m sim -m …`` sweeps: each job writes into
``results/sweeps/<timestamp>/<job>/``, complete jobs are skipped when the sweep is
run again into the same directory, and a failed job does not stop the others
(``sim.runs.sweep_jobs``).

A configuration error exits with code 2 and one line per problem, whether our checks
find it or Hydra does while composing (``HYDRA_FULL_ERROR`` is set so that Hydra raises
its errors instead of printing them; set it yourself to see Hydra's tracebacks)."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import NoReturn

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.config.compose import (
    CONF_DIR,
    ConfigError,
    command_line_overrides,
    describe_error,
    to_typed,
)
from sim.config.mode_probe import mode_may_be_set, skip_mode_probe
from sim.reporting import figure_worker, help_screen
from sim.runs import sweep_jobs as sweep
from sim.runs.sweep_launch import jobs_fail_alone
from sim.schema import Config, ResearchTask

EXIT_BAD_CONFIG = 2


def execute(typed: Config, out: Path, overrides: list[str]) -> None:
    """Simulate, write the run files and report into ``out``, print the KPI table and
    any overload warnings; or run the research tool ``research.task`` names
    (``sim.research.tasks``)."""
    if typed.research.task != ResearchTask.none:
        from sim.research.tasks import execute as research

        sweep.writing_into("research", out)
        lines = research(typed, out, overrides)
        if typed.output.print_kpis:
            print("\n".join(lines))
        return
    from sim.reporting.result import simulate  # here: --help needs none of it

    result = simulate(typed, overrides=overrides, directory=out)
    result.save(out, figures=typed.output.figures, save_visits=typed.output.save_visits)
    if typed.output.report:
        from sim.reporting.html import write_run_report

        write_run_report(out, result.config)
    if typed.output.print_kpis:
        from sim.reporting.text import kpi_table

        interventions = ", ".join(typed.interventions) or "none"
        print(
            f"{typed.hospital.name} | interventions: {interventions} | {result.config.run.replications} "
            f"replication(s) x {typed.run.days} day(s) from {typed.run.start_date}\n"
        )
        print(kpi_table(result.summary, typed.output.precision_warning, result.config.run.replications))
    rule = result.provenance.get("replications_rule")
    if rule is not None:
        from sim.analysis.precision import describe

        print(describe(rule), file=sys.stdout if rule["reached"] else sys.stderr)
    _print_overload_warnings(result)


def _print_overload_warnings(result) -> None:
    from sim.analysis.overload import overload_warnings

    warnings = overload_warnings(result.summary, result.stations, result.config.hospital)
    if warnings:
        print(f"\nOverload warnings ({len(warnings)}):", file=sys.stderr)
        for warning in warnings:
            print(f"  - {warning.text()}", file=sys.stderr)


# an absolute path: Hydra reads a relative one against the calling file only when this
# module runs as a script (python -m sim); the hospital-sim console script imports it,
# and Hydra would then look for a Python package named `conf`
@hydra.main(config_path=str(CONF_DIR), config_name="config", version_base="1.3")
def run(cfg: DictConfig) -> str | None:
    global _task_started
    _task_started = True
    hydra_cfg = HydraConfig.get()
    overrides = list(hydra_cfg.overrides.task)
    if hydra_cfg.mode == RunMode.MULTIRUN:
        return sweep.run_job(cfg, Path(hydra_cfg.runtime.output_dir), overrides, execute)
    run_dir = Path(hydra_cfg.runtime.output_dir)
    try:
        typed = to_typed(cfg, overrides)
        out = Path(typed.output.dir or run_dir)
        check_output_dir(out, "output.dir" if typed.output.dir else "hydra.run.dir")
    except ConfigError as error:
        _remove_if_only_hydra_files(run_dir, hydra_cfg)
        refuse(error)
    if not typed.output.figures or typed.research.task != ResearchTask.none:
        figure_worker.stop()  # this run draws no figures: the process started for them is not needed
    sweep.writing_into("run", out)
    started = time.perf_counter()
    try:
        execute(typed, out, overrides)
    except ConfigError as error:  # found while running, e.g. run.precision_kpis naming no KPI
        refuse(error)
    sweep.mark_complete(out, typed, overrides, time.perf_counter() - started)
    print(f"results: {out}")
    return None


_task_started = False  # errors raised before it are Hydra's, while composing or making the run directory


def refuse(error: ConfigError) -> NoReturn:
    print(f"hospital-sim: {error}", file=sys.stderr)
    raise SystemExit(EXIT_BAD_CONFIG) from None


def check_output_dir(directory: Path, key: str) -> None:
    """Refuse, before anything is simulated, a directory the run could not write into."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as error:
        raise ConfigError([_directory_problem(directory, key, error)]) from None


def _directory_problem(directory: Path, key: str, error: OSError) -> str:
    problem = f"{key} = {directory}: cannot be used as the output directory"
    blocking = _file_in_the_way(directory)
    if blocking is not None:
        return f"{problem}: {'it' if blocking == directory else blocking} is a file, not a directory"
    return f"{problem}: cannot {'write in' if directory.is_dir() else 'create'} it ({error.strerror})"


def _file_in_the_way(directory: Path) -> Path | None:
    """The directory itself or the folder above it that is a file, if one is."""
    return next((p for p in (directory, *directory.parents) if p.exists() and not p.is_dir()), None)


def _remove_if_only_hydra_files(directory: Path, hydra_cfg) -> None:
    """A refused run leaves no folder behind: Hydra made the run directory and wrote its
    own files (``.hydra/``, the job's log) before the task could check the config."""
    hydra_files = {str(hydra_cfg.output_subdir), f"{hydra_cfg.job.name}.log"}
    try:
        if any(path.name not in hydra_files for path in directory.iterdir()):
            return  # a directory that holds anything else was not made for this run only
        for path in directory.iterdir():
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        directory.rmdir()
    except OSError:
        pass


def _startup_problem(error: Exception) -> str | None:
    """One line for an error Hydra raised before the task ran, or None if it is not a
    configuration error (then it is a bug, shown with its traceback)."""
    if isinstance(error, OSError) and error.filename:  # making the run (or sweep) directory, writing in it
        key = "hydra.sweep.dir" if {"-m", "--multirun"} & set(sys.argv) else "hydra.run.dir"
        path = Path(error.filename)
        if _file_in_the_way(path) is not None:
            return _directory_problem(path, key, error)
        return f"{key}: cannot write {path} ({error.strerror})"
    return describe_error(error)


def main() -> None:
    global _task_started
    _task_started = False
    if help_screen.wants_help(sys.argv[1:]):  # ours, before Hydra's generic help and config dump
        try:
            sys.stdout.write(help_screen.help_text())
            sys.stdout.flush()
        except BrokenPipeError:  # python -m sim --help | head
            _stdout_closed()
        return
    typed_argv = list(sys.argv)  # as the user typed it: the command to resume with
    sys.argv[1:] = command_line_overrides(sys.argv[1:])
    wants_tracebacks = "HYDRA_FULL_ERROR" in os.environ
    os.environ.setdefault("HYDRA_FULL_ERROR", "1")
    if not mode_may_be_set(sys.argv[1:]):  # one run, not a sweep: its figures are drawn by a process started now
        figure_worker.start()
    try:
        with jobs_fail_alone(), skip_mode_probe(sys.argv[1:]):  # sim.runs.sweep_launch, sim.config.mode_probe
            run()
    except BrokenPipeError:  # the output was piped into a reader that stopped (| head)
        _stdout_closed()
        raise SystemExit(1) from None
    except KeyboardInterrupt:  # Ctrl-C: one line saying what to do, not a traceback
        print(sweep.interrupted(typed_argv), file=sys.stderr)
        raise SystemExit(sweep.EXIT_INTERRUPTED) from None
    except Exception as error:
        problem = None if wants_tracebacks or _task_started else _startup_problem(error)
        if problem is None:
            raise
        refuse(ConfigError([problem]))


def _stdout_closed() -> None:
    """Nothing more can be written: point stdout at /dev/null so that Python's own flush
    at exit does not fail again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":
    main()
