"""Where the page's runs happen: two worker processes (so the page stays responsive
while a run goes, and a scenario and its baseline run side by side on two cores),
which import the model once and keep the results of the scenarios they have run (a
scenario run twice returns at once).

``run_page`` is the whole of a page's run: ``sim.simulate`` on the composed
overrides — exactly what ``python -m sim <overrides>`` runs, so the numbers are the
command line's — and the small tables the page draws from, including the animation of
the first day of replication 0.
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

CACHED_RUNS = 32
WORKERS = 2
_progress = None  # shared by the workers: [done, in all] replication-days for each worker
_slot = 0  # this worker's pair in _progress
_cache: dict[tuple[str, ...], PageResult] = {}


@dataclass
class PageResult:
    """What the page shows of one run."""

    overrides: list[str]
    hospital: str
    summary: pd.DataFrame  # KPI -> mean, ci_low, ci_high, n
    kpis: pd.DataFrame  # one row per replication
    waits_by_hour: pd.DataFrame  # department, hour, wait (min)
    per_doctor: dict[str, np.ndarray]  # "expected" / "realised" complaints per doctor, all replications
    seconds: float  # wall time in the worker
    cpu_seconds: float  # of which this process computed (the rest: waiting for a core)
    replications: int
    days: int
    timelines: pd.DataFrame | None = None  # every station's queue and busy servers (sim.analysis.timelines)
    animation: dict | None = None  # plotly figure data (sim.reporting.animation_html)
    extras: dict = field(default_factory=dict)


def run_page(overrides: list[str], animate: bool = True) -> PageResult:
    """Run the scenario of ``overrides`` (the command line's) and gather what the page
    shows. A scenario this worker has run before is returned from its cache."""
    key = (*overrides, f"animate={animate}")
    if key in _cache:
        return _cache[key]
    import sim
    from sim.config.compose import to_typed

    started, cpu_started = time.perf_counter(), time.process_time()
    typed = to_typed(sim.compose(list(overrides)))
    _report(0, typed.run.days * (typed.run.replications if isinstance(typed.run.replications, int) else 1))
    result = sim.simulate(typed, progress=False, on_progress=_advance)
    page = PageResult(
        overrides=list(overrides),
        hospital=typed.hospital.name,
        summary=result.summary[["mean", "ci_low", "ci_high", "n"]].copy(),
        kpis=result.kpis.copy(),
        waits_by_hour=_waits_by_hour(result.figure_data),
        per_doctor={"expected": result.figure_data.doctor_totals(1), "realised": result.figure_data.doctor_totals(2)},
        seconds=0.0,
        cpu_seconds=0.0,
        replications=int(result.config.run.replications),
        days=typed.run.days,
    )
    page.timelines = result.stations  # sim.analysis.timelines
    if animate:
        page.animation = first_day_animation(result)
    page.seconds = time.perf_counter() - started
    page.cpu_seconds = time.process_time() - cpu_started
    if len(_cache) >= CACHED_RUNS:
        _cache.pop(next(iter(_cache)))
    _cache[key] = page
    return page


def _waits_by_hour(data) -> pd.DataFrame:
    rows = []
    for department, total, count in zip(data.departments, data.wait_sum, data.wait_count, strict=True):
        for hour in np.flatnonzero(count):
            wait = float(total[hour] / count[hour])
            rows.append({"department": department.replace("_", " "), "hour": int(hour), "wait": wait})
    return pd.DataFrame(rows, columns=["department", "hour", "wait"])


def first_day_animation(result) -> dict | None:
    """The animation (plotly figure data) of the first day with patients of replication 0."""
    from sim.analysis.event_log import event_log
    from sim.engine.records import stage_names
    from sim.reporting.animation import flow
    from sim.reporting.animation_html import figure
    from sim.schema import plain_data

    visits = result.visits
    came = visits[(visits["replication"] == 0) & visits["arrival_time"].notna()]
    if not len(came):
        return None
    day = int(came["day"].min())
    visits = visits[(visits["replication"] == 0) & (visits["day"] == day)]
    complaints = result.complaints
    complaints = complaints[(complaints["replication"] == 0) & complaints["visit_id"].isin(visits["visit_id"])]
    config = plain_data(result.config)
    events = event_log(visits, complaints, stage_names(result.config.hospital), config["run"]["start_date"])
    return figure(flow(events, config, replication=0, day=day))


# -- the worker process ----------------------------------------------------------------


def _start(progress, started) -> None:
    """In each worker, once: take a pair of the shared progress counters, load the model."""
    global _progress, _slot
    with started.get_lock():
        _slot = started.value
        started.value += 1
    _progress = progress
    import sim  # noqa: F401  (the first run should not pay for the imports)
    import sim.reporting.result  # noqa: F401


def _report(done: float, total: float) -> None:
    if _progress is not None:
        _progress[2 * _slot], _progress[2 * _slot + 1] = done, total


def _advance(days: int) -> None:
    if _progress is not None:
        _progress[2 * _slot] += days


class Worker:
    """Worker processes running the page's scenarios."""

    def __init__(self, workers: int = WORKERS):
        context = multiprocessing.get_context("spawn")  # the page's threads make fork unsafe
        self._progress = context.Array("d", 2 * workers)
        started = context.Value("i", 0)
        self._pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_start, initargs=(self._progress, started)
        )
        for _ in range(workers):
            self._pool.submit(_warm)

    def submit(self, overrides: list[str], animate: bool = True) -> Future:
        return self._pool.submit(run_page, list(overrides), animate)

    def reset_progress(self) -> None:
        """Forget the counters of earlier runs (call before submitting a Run's scenarios)."""
        self._progress[:] = [0.0] * len(self._progress)

    def progress(self) -> float:
        """Share of the replication-days done by the runs going (0 when none runs)."""
        done, total = sum(self._progress[0::2]), sum(self._progress[1::2])
        return min(1.0, done / total) if total else 0.0

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _warm() -> None:
    """Compose once, so that Hydra's first composition is not a run's."""
    import sim

    sim.compose(["hospital=teaching_demo"])
