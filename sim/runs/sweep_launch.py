"""A sweep goes on when one job's configuration cannot be composed.

Hydra's basic sweeper composes every job of a batch before launching any
(``validate_batch_is_legal``) and stops the whole sweep at the first that fails: one
option of a swept group with a YAML syntax error (``-m hospital=teaching_demo,broken``)
or one bad value among the swept ones. ``jobs_fail_alone`` makes such a job fail like a
job that fails while running (``sim.runs.sweep_jobs``): its directory gets ``error.txt`` (one
line: the file, line and column, or the key), and the other jobs run.

Hydra has no setting for this, and its plugins must live in a top-level
``hydra_plugins`` package, so the two methods are wrapped while the CLI runs. Other
launchers (``hydra/launcher=submitit_slurm``) keep Hydra's behaviour.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator, Sequence
from pathlib import Path

from hydra.core.plugins import Plugins
from hydra.core.utils import JobReturn, JobStatus
from hydra.plugins.launcher import Launcher
from omegaconf import DictConfig, OmegaConf, open_dict

from sim.config.compose import ConfigError, describe_error
from sim.runs import sweep_jobs as sweep
from sim.runs.run_files import write_text

CORE_PLUGINS = "hydra._internal.core_plugins"


@contextlib.contextmanager
def jobs_fail_alone() -> Iterator[None]:
    # Hydra imports its core plugins afresh when it first scans for plugins: patch the
    # classes that scan registered, the ones it will instantiate
    classes = Plugins.instance().class_name_to_class
    BasicSweeper = classes[f"{CORE_PLUGINS}.basic_sweeper.BasicSweeper"]
    BasicLauncher = classes[f"{CORE_PLUGINS}.basic_launcher.BasicLauncher"]
    validate, launch = BasicSweeper.validate_batch_is_legal, BasicLauncher.launch

    def validate_unless_basic_launcher(self, batch: Sequence[Sequence[str]]) -> None:
        if not isinstance(self.launcher, BasicLauncher):
            validate(self, batch)  # the basic launcher composes each job itself, below

    def launch_composable_jobs(
        self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int
    ) -> Sequence[JobReturn]:
        returns: list[JobReturn] = []
        runnable: list[Sequence[str]] = []  # consecutive composable jobs, launched together
        first = initial_job_idx
        for index, overrides in enumerate(job_overrides, start=initial_job_idx):
            problem = _composition_problem(self, overrides)
            if problem is None:
                first = index if not runnable else first
                runnable.append(overrides)
                continue
            if runnable:
                returns.extend(launch(self, runnable, first))
                runnable = []
            returns.append(_record_failure(self.config, index, overrides, problem))
        if runnable:
            returns.extend(launch(self, runnable, first))
        return returns

    BasicSweeper.validate_batch_is_legal = validate_unless_basic_launcher
    BasicLauncher.launch = launch_composable_jobs
    try:
        yield
    finally:
        BasicSweeper.validate_batch_is_legal, BasicLauncher.launch = validate, launch


def _composition_problem(launcher: Launcher, overrides: Sequence[str]) -> str | None:
    """Why the job's config cannot be composed (None if it can); not a configuration
    error: raised, as Hydra would."""
    try:
        launcher.hydra_context.config_loader.load_sweep_config(launcher.config, list(overrides))
    except Exception as error:
        problem = describe_error(error)
        if problem is None:
            raise
        return problem
    return None


def _record_failure(master: DictConfig, index: int, overrides: Sequence[str], problem: str) -> JobReturn:
    """The failed job's directory as ``sim.runs.sweep_jobs`` leaves one: Hydra's overrides (so the
    sweep summary lists the job), ``error.txt``, no completion marker."""
    directory = _job_directory(master, index)
    (directory / ".hydra").mkdir(parents=True, exist_ok=True)
    (directory / ".hydra" / "overrides.yaml").write_text(OmegaConf.to_yaml(list(overrides)))
    (directory / ".hydra" / "config.yaml").write_text("{}\n")  # nothing could be composed
    identifier = sweep.current_sweep_id(Path(master.hydra.sweep.dir))
    if identifier is not None:  # the job belongs to this sweep (sim.runs.sweep_table reports it)
        write_text(directory / sweep.JOB_SWEEP_ID, identifier + "\n")
    sweep.fail_job(
        directory, f"job {directory.name} ({' '.join(overrides)})", f"hospital-sim: {ConfigError([problem])}\n"
    )
    return JobReturn(overrides=list(overrides), status=JobStatus.COMPLETED, _return_value=sweep.FAILED)


def _job_directory(master: DictConfig, index: int) -> Path:
    """Where Hydra would have run job ``index``: hydra.sweep.dir / hydra.sweep.subdir."""
    cfg = copy.deepcopy(master)
    OmegaConf.copy_cache(from_config=master, to_config=cfg)  # the same ${now:} as the sweep's
    with open_dict(cfg.hydra.job):
        cfg.hydra.job.num = index
        cfg.hydra.job.id = index
    return Path(str(cfg.hydra.sweep.dir)) / str(cfg.hydra.sweep.subdir)
