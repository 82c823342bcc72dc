"""Evaluations of many variants of one configuration, on the configured runner, kept
on disk so that an interrupted study resumes without recomputing any of them.

An evaluation is one replication of one variant: its KPIs. Every variant runs with the
run's seed, so replication r of every variant sees the same patients, arrivals and base
service times (common random numbers) and differences between variants are free of
most of the day-to-day noise. Replications go to the executor ``runner`` chooses
(``sim.runs.runners``: a local process pool of ``run.jobs`` workers, or a dask cluster
with ``runner=dask``), only their KPIs come back, and each finished evaluation is
appended at once to ``evaluations.jsonl`` in the study's directory. A study run again
into the same directory reads that file first and runs only what is missing.

An evaluation is found again by a key: the SHA-256 of everything that determines its
result (the hospital, the seed, the days, the replication; not the output, runner,
comparison or research settings, nor how many replications the variant has), so a
study whose budget grows reuses what a smaller one computed, and a changed hospital
never reuses a stale result.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, as_completed
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.runs import runners
from sim.runs.progress import Progress
from sim.runs.worker import run_replication
from sim.schema import Config, plain_data

STORE_FILE = "evaluations.jsonl"
Outputs = dict[str, float]


def replication_kpis(cfg: Config, replication: int) -> Outputs:
    """What a worker runs for one evaluation: one replication, its KPIs only (the
    visits stay in the worker)."""
    kpis = run_replication(cfg, replication).kpis
    return {name: float(value) for name, value in kpis.items() if name != "replication"}


def result_key(cfg: Config, replication: int) -> str:
    """The key of replication ``replication`` of ``cfg`` (see the module docstring)."""
    data = plain_data(cfg)
    run = data["run"]
    shaping = {
        "hospital": data["hospital"],
        "run": {"seed": run["seed"], "days": run["days"], "start_date": run["start_date"]},
        "replication": replication,
    }
    return hashlib.sha256(json.dumps(shaping, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class Job:
    """One evaluation to make: its key, and the function and arguments a worker calls."""

    key: str
    function: Callable[..., Outputs]
    arguments: tuple


class Store:
    """Finished evaluations, key -> outputs, appended to a JSON-lines file as they
    finish (flushed line by line: a killed process loses at most the line it was
    writing, which is skipped when read back)."""

    def __init__(self, directory: Path | None):
        self.path = Path(directory) / STORE_FILE if directory is not None else None
        self.results: dict[str, Outputs] = {}
        self.read_back = 0  # evaluations found on disk when the study started
        if self.path is not None and self.path.is_file():
            for line in self.path.read_text().splitlines():
                try:
                    record = json.loads(line)
                    self.results[record["key"]] = {k: _number(v) for k, v in record["outputs"].items()}
                except (ValueError, KeyError, TypeError, AttributeError):
                    continue  # the line a killed process was writing
            self.read_back = len(self.results)
        self._file = None

    def __contains__(self, key: str) -> bool:
        return key in self.results

    def add(self, key: str, outputs: Outputs, about: dict[str, Any]) -> None:
        self.results[key] = outputs
        if self.path is None:
            return
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "a")
            if self._file.tell() and not self.path.read_bytes().endswith(b"\n"):
                self._file.write("\n")  # after a line cut off by a kill
        record = {"key": key, **about, "outputs": {k: _json_number(v) for k, v in outputs.items()}}
        self._file.write(json.dumps(record) + "\n")  # outputs in their order (the KPI table's)
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _json_number(value: float) -> float | None:
    return None if math.isnan(value) else value


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)


class Evaluator:
    """Runs evaluations on the runner ``cfg.runner`` chooses and keeps them in a store.
    A context manager: the executor (a process pool, a dask cluster) is opened once
    for the whole study and closed on exit."""

    def __init__(self, cfg: Config, directory: Path | None, progress: bool = False, description: str = "evaluations"):
        self.cfg = cfg
        self.store = Store(directory)
        self.progress = progress
        self.description = description
        self.computed = 0  # evaluations computed by this process (not read back)
        self._stack = ExitStack()
        self._executor: Executor | None = None

    def __enter__(self) -> Evaluator:
        # as many tasks as workers can take: the pool's size is run.jobs (0: one per core)
        self._executor = self._stack.enter_context(runners.open_executor(self.cfg, tasks=1 << 20))
        return self

    def __exit__(self, *exc) -> None:
        self.store.close()
        self._stack.close()

    def run(self, jobs: Sequence[Job], about: Sequence[dict[str, Any]] | None = None) -> list[Outputs]:
        """The outputs of every job, in order: read from the store, or computed now
        (each stored as soon as it finishes)."""
        about = about if about is not None else [{} for _ in jobs]
        missing: dict[str, int] = {}
        for index, job in enumerate(jobs):
            if job.key not in self.store and job.key not in missing:
                missing[job.key] = index
        with Progress(len(missing), "evaluation", self.description, enabled=self.progress) as bar:
            if self._executor is None:
                for key, index in missing.items():
                    self._finish(key, jobs[index].function(*jobs[index].arguments), about[index], bar)
            else:
                futures = {
                    self._executor.submit(jobs[i].function, *jobs[i].arguments): (key, i) for key, i in missing.items()
                }
                for future in as_completed(futures):
                    key, index = futures[future]
                    self._finish(key, future.result(), about[index], bar)
        return [self.store.results[job.key] for job in jobs]

    def _finish(self, key: str, outputs: Outputs, about: dict[str, Any], bar: Progress) -> None:
        self.store.add(key, outputs, about)
        self.computed += 1
        bar.advance(1)

    def replications(self, variants: Sequence[Config], replications: Sequence[int]) -> list[list[Outputs]]:
        """KPIs of each variant (a typed config), one dict per replication in
        ``replications``, every variant with the same seed (common random numbers)."""
        return self.replications_each(variants, [replications] * len(variants))

    def replications_each(
        self, variants: Sequence[Config], replications: Sequence[Sequence[int]]
    ) -> list[list[Outputs]]:
        """As ``replications``, each variant with its own replications, all run side by side."""
        jobs, about, sizes = [], [], []
        for variant, indices in zip(variants, replications, strict=True):
            for r in indices:
                jobs.append(Job(result_key(variant, r), replication_kpis, (variant, r)))
                about.append({"replication": r})
            sizes.append(len(indices))
        flat = self.run(jobs, about)
        out, start = [], 0
        for size in sizes:
            out.append(flat[start : start + size])
            start += size
        return out
