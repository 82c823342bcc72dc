"""Jobs of a sweep (``python -m sim -m …``): resume, failures and the closing summary.

A run directory is complete when it holds ``complete.json``, written last and
atomically (write a temporary file, then rename) after every other file of the run.
So a directory either has all its files and the marker, or no marker: a job cut off
by a crash or Ctrl-C leaves no marker and is run again, from scratch, next time.

Re-running a sweep into the same directory (``hydra.sweep.dir=…``) skips every job
whose marker records the same configuration (a digest of everything that shapes the
results: not output, runner, comparison settings or ``run.jobs``). A job that fails
writes ``error.txt`` (the message or traceback) into its directory and the sweep goes
on; at the end ``SweepSummary`` prints how many jobs are complete, were skipped or
failed, writes the sweep's comparison table and report, and exits 1 if any failed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from sim.config import ConfigError, to_typed
from sim.run_files import ERROR, MARKER, write_text
from sim.schema import Config

# settings that change where or how a run is computed or shown, never its results
NOT_RESULTS = ("output", "runner", "compare")

COMPLETED, SKIPPED, FAILED = "completed", "skipped", "failed"


def config_digest(cfg: Config) -> str:
    """SHA-256 of the parts of a config that determine a run's results (of the plain
    data of the typed config: what ``OmegaConf.to_container`` gives, ten times faster)."""
    data = dataclasses.asdict(cfg)
    for key in NOT_RESULTS:
        data.pop(key, None)
    data["run"].pop("jobs", None)
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def mark_complete(directory: Path, cfg: Config, overrides: list[str], wall_time_s: float) -> None:
    info = {"finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "finished_unix": time.time(),
            "config_sha256": config_digest(cfg), "overrides": list(overrides), "wall_time_s": round(wall_time_s, 3)}
    write_text(directory / MARKER, json.dumps(info, indent=2) + "\n", sync=True)


def is_complete(directory: Path, digest: str | None = None) -> bool:
    """True when ``directory`` holds a finished run (of the config with ``digest``, if given)."""
    try:
        info = json.loads((directory / MARKER).read_text())
    except (OSError, ValueError):
        return False
    return digest is None or info.get("config_sha256") == digest


def run_job(cfg: DictConfig, directory: Path, overrides: list[str],
            execute: Callable[[Config, Path, list[str]], None]) -> str:
    """One sweep job: skipped if already complete, else run by ``execute(typed config,
    directory, overrides)`` and marked complete; any error is written to ``error.txt``
    and reported, never raised, so that the other jobs still run."""
    directory.mkdir(parents=True, exist_ok=True)
    label = f"job {directory.name} ({' '.join(overrides) or 'no overrides'})"
    try:
        typed = to_typed(cfg)
    except ConfigError as error:
        return _failed(directory, label, f"hospital-sim: {error}\n")
    if is_complete(directory, config_digest(typed)):
        print(f"{label}: already complete, skipped")
        return SKIPPED
    # a stale marker (other config) or error must not sit beside the new run's files
    for name in (MARKER, ERROR):
        (directory / name).unlink(missing_ok=True)
    started = time.perf_counter()
    try:
        execute(typed, directory, overrides)
    except ConfigError as error:  # e.g. run.precision_kpis names no KPI of this run
        return _failed(directory, label, f"hospital-sim: {error}\n")
    except Exception:  # one job's failure must not stop the sweep: record it and go on
        return _failed(directory, label, traceback.format_exc())
    mark_complete(directory, typed, overrides, time.perf_counter() - started)
    return COMPLETED


def _failed(directory: Path, label: str, message: str) -> str:
    write_text(directory / ERROR, message, sync=True)
    last = message.strip().splitlines()[-1] if message.strip() else "unknown error"
    print(f"{label}: FAILED: {last} (details: {directory / ERROR})")
    return FAILED


class SweepSummary(Callback):
    """Hydra callback (conf/config.yaml): after a sweep, summarise its jobs, write the
    comparison table and report, and exit non-zero if a job failed."""

    def on_multirun_start(self, config: DictConfig, **kwargs) -> None:
        self._started = time.time()

    def on_multirun_end(self, config: DictConfig, **kwargs) -> None:
        from sim import aggregate

        sweep_dir = Path(config.hydra.sweep.dir)
        jobs = aggregate.find_jobs(sweep_dir)
        started = getattr(self, "_started", 0.0)
        complete = [job for job in jobs if job.status == aggregate.COMPLETE]
        skipped = [job for job in complete if job.finished_unix < started]
        failed = [job for job in jobs if job.status == aggregate.FAILED]
        print(f"sweep {sweep_dir}: {len(jobs)} job(s): {len(complete)} complete "
              f"({len(skipped)} skipped as already complete), {len(failed)} failed, "
              f"{len(jobs) - len(complete) - len(failed)} incomplete")
        for job in failed:
            print(f"  FAILED job {job.name}: {job.error_line} (see {job.directory / ERROR})")
        if complete:
            try:
                written = aggregate.write_sweep_outputs(sweep_dir, jobs)
                print(f"comparison: {written['table']}\nreport: {written['report']}")
            except Exception as error:  # the summary must still be printed and the exit code set
                print(f"could not write the sweep report: {error!r}; try `python -m sim.report {sweep_dir}`")
        if failed:
            raise SystemExit(1)
