"""Jobs of a sweep (``python -m sim -m …``): resume, failures and the closing summary.

A run directory is complete when it holds ``complete.json``, written last and
atomically (write a temporary file, then rename) after every other file of the run.
So a directory either has all its files and the marker, or no marker: a job cut off
by a crash or Ctrl-C leaves no marker and is run again, from scratch, next time.

Re-running a sweep into the same directory (``hydra.sweep.dir=…``) skips every job
whose marker records the same configuration (a digest of everything that shapes the
results: not output, runner, comparison settings or ``run.jobs``). A job that fails
writes ``error.txt`` (the message or traceback) into its directory and the sweep goes
on; at the end ``SweepSummary`` (``sim.reporting.sweep_summary``) prints how many jobs
are complete, were skipped or failed, writes the sweep's comparison table and report,
and exits 1 if any failed.

A sweep directory reused for a different sweep (other overrides or swept values) may
still hold job folders of the earlier one. So the sweep writes ``sweep.json`` (an
identifier of its definition: the command's overrides and the sweeper's parameters)
when it starts, each of its jobs copies that identifier into ``.hydra/sweep_id``,
and the comparison and report take only the jobs of the sweep that ran last
(``sim.runs.sweep_table.find_jobs``).

Ctrl-C prints one line — what was left incomplete and the command that resumes it —
and exits 130 (``interrupted``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shlex
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from sim.config.compose import ConfigError, to_typed
from sim.runs.run_files import ERROR, MARKER, clear, write_text
from sim.schema import Config, plain_data

# settings that change where or how a run is computed or shown, never its results
NOT_RESULTS = ("output", "runner", "compare")

COMPLETED, SKIPPED, FAILED = "completed", "skipped", "failed"
SWEEP_FILE = "sweep.json"  # in the sweep directory: which sweep ran there last
JOB_SWEEP_ID = ".hydra/sweep_id"  # in a job directory: the sweep it was last run by
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C

# where this process is writing, for the message when it is interrupted: set when a
# run, a research run or a sweep starts ("run", "research" or "sweep" -> directory)
_writing: dict[str, Path] = {}


def config_digest(cfg: Config) -> str:
    """SHA-256 of the parts of a config that determine a run's results (of the plain
    data of the typed config: what ``OmegaConf.to_container`` gives, ten times faster)."""
    data = plain_data(cfg)
    for key in NOT_RESULTS:
        data.pop(key, None)
    data["run"].pop("jobs", None)
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def mark_complete(directory: Path, cfg: Config, overrides: list[str], wall_time_s: float) -> None:
    info = {
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "finished_unix": time.time(),
        "config_sha256": config_digest(cfg),
        "overrides": list(overrides),
        "wall_time_s": round(wall_time_s, 3),
    }
    write_text(directory / MARKER, json.dumps(info, indent=2) + "\n", sync=True)


def is_complete(directory: Path, digest: str | None = None) -> bool:
    """True when ``directory`` holds a finished run (of the config with ``digest``, if given)."""
    try:
        info = json.loads((directory / MARKER).read_text())
    except (OSError, ValueError):
        return False
    return digest is None or info.get("config_sha256") == digest


def run_job(
    cfg: DictConfig, directory: Path, overrides: list[str], execute: Callable[[Config, Path, list[str]], None]
) -> str:
    """One sweep job: skipped if already complete, else run by ``execute(typed config,
    directory, overrides)`` and marked complete; any error is written to ``error.txt``
    and reported, never raised, so that the other jobs still run."""
    directory.mkdir(parents=True, exist_ok=True)
    _stamp(directory)
    label = f"job {directory.name} ({' '.join(overrides) or 'no overrides'})"
    try:
        typed = to_typed(cfg, overrides)
    except ConfigError as error:
        return fail_job(directory, label, f"hospital-sim: {error}\n")
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
        return fail_job(directory, label, f"hospital-sim: {error}\n")
    except Exception:  # one job's failure must not stop the sweep: record it and go on
        return fail_job(directory, label, traceback.format_exc())
    mark_complete(directory, typed, overrides, time.perf_counter() - started)
    return COMPLETED


def fail_job(directory: Path, label: str, message: str) -> str:
    """Record a job that failed: no marker, no earlier outputs, ``error.txt``."""
    clear(directory)  # what an earlier run left here must not pass for this job's results
    write_text(directory / ERROR, message, sync=True)
    last = message.strip().splitlines()[-1] if message.strip() else "unknown error"
    print(f"{label}: FAILED: {last} (details: {directory / ERROR})")
    return FAILED


def sweep_id(config: DictConfig) -> str:
    """An identifier of a sweep's definition: the command's overrides and the sweeper's
    parameters (a named experiment's). The same command gives the same identifier, so a
    resumed sweep keeps the jobs its earlier attempts finished."""
    params = OmegaConf.select(config, "hydra.sweeper.params", default=None)
    definition = {
        "overrides": list(config.hydra.overrides.task),
        "params": OmegaConf.to_container(params, resolve=False) if params is not None else None,
    }
    return hashlib.sha256(json.dumps(definition, sort_keys=True, default=str).encode()).hexdigest()[:16]


def current_sweep_id(sweep_dir: Path) -> str | None:
    """The identifier of the sweep that ran last in ``sweep_dir`` (None before sweeps recorded one)."""
    try:
        return json.loads((Path(sweep_dir) / SWEEP_FILE).read_text())["sweep_id"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _stamp(directory: Path) -> None:
    """Record in a job's directory which sweep ran it (the one in its sweep directory)."""
    try:
        sweep_dir = Path(HydraConfig.get().sweep.dir)
    except ValueError:  # not launched by Hydra
        return
    identifier = current_sweep_id(sweep_dir)
    if identifier is not None:
        (directory / JOB_SWEEP_ID).parent.mkdir(exist_ok=True)
        write_text(directory / JOB_SWEEP_ID, identifier + "\n")


def writing_into(kind: str, directory: Path) -> None:
    """Note where this process writes (``kind`` "run", "research" or "sweep"), for ``interrupted``."""
    _writing[kind] = Path(directory)


def interrupted(argv: list[str]) -> str:
    """The line printed on Ctrl-C: what was left incomplete, and the command (``argv``
    with the directory made explicit) that resumes it."""
    program = "hospital-sim" if Path(argv[0]).name == "hospital-sim" else "python -m sim"
    if "sweep" in _writing:
        directory, key, action = _writing["sweep"], "hydra.sweep.dir", "resume it (complete jobs are skipped)"
    elif "research" in _writing:  # a research tool keeps each finished evaluation (sim.research)
        directory, key, action = _writing["research"], "hydra.run.dir", "resume it (finished evaluations are kept)"
    elif "run" in _writing:
        directory, key, action = _writing["run"], "hydra.run.dir", "run it again"
    else:
        return "interrupted before anything was written"
    args = [arg for arg in argv[1:] if not arg.lstrip("+").startswith(f"{key}=")]
    if not any(arg.lstrip("+").startswith("output.dir=") for arg in args):  # (which would win)
        args.append(f"{key}={directory}")
    command = " ".join([program, *(shlex.quote(arg) for arg in args)])
    what = "sweep" if key == "hydra.sweep.dir" else "run"
    return f"interrupted: the {what} in {directory} is incomplete; to {action}: {command}"


def record_sweep(config: DictConfig) -> None:
    """When a sweep starts: note where it writes (for ``interrupted``) and record its
    definition in the sweep directory (``sweep.json``), so its jobs can be told from
    the folders an earlier, different sweep left there."""
    sweep_dir = Path(config.hydra.sweep.dir)
    writing_into("sweep", sweep_dir)
    sweep_dir.mkdir(parents=True, exist_ok=True)
    info = {
        "sweep_id": sweep_id(config),
        "overrides": list(config.hydra.overrides.task),
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    write_text(sweep_dir / SWEEP_FILE, json.dumps(info, indent=2) + "\n", sync=True)
