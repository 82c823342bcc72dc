"""Simulated samples for the complaint calibration (``sim.complaints.calibration``):
the visits of replications spread over a year, or of one configuration, kept raw so
that the complaint model can be re-assessed on them under any settings."""

from __future__ import annotations

import calendar
from concurrent.futures import ProcessPoolExecutor

from sim.complaints.calibration import Replication
from sim.config.compose import compose, to_typed
from sim.engine.day import simulate_replication
from sim.engine.records import stage_names


def _simulate(args) -> list[Replication]:
    overrides, replications, stratum, stratum_days = args
    cfg = to_typed(compose(["output.progress=false", *overrides]))
    stages = stage_names(cfg.hospital)
    return [
        Replication(
            cfg.hospital, cfg.run, r, simulate_replication(cfg.hospital, cfg.run, r)[0], stages, stratum, stratum_days
        )
        for r in replications
    ]


def _simulate_all(tasks: list, jobs: int) -> list[Replication]:
    if jobs <= 1:
        return [rep for block in map(_simulate, tasks) for rep in block]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return [rep for block in pool.map(_simulate, tasks) for rep in block]


def year_sample(
    days: int, reps: int, jobs: int = 1, overrides: tuple[str, ...] = (), first: int = 0
) -> list[Replication]:
    """Replications spread over a year: a block of ``days`` days from the 1st of each
    month of 2026, ``reps`` replications per block (the strata; replications
    ``first``, ``first`` + 1, ...: samples with different ``first`` are independent),
    each month with its own seed so that every replication has its own doctors, each
    month standing for its days of the year. Visits only (no complaint assessment):
    ``measure`` re-assesses them under any complaint settings."""
    return _simulate_all(
        [
            (
                [f"run.start_date=2026-{month:02d}-01", f"run.days={days}", f"run.seed={20261125 + month}", *overrides],
                range(first, first + reps),
                month,
                calendar.monthrange(2026, month)[1],
            )
            for month in range(1, 13)
        ],
        jobs,
    )


def run_sample(reps: int, jobs: int = 1, overrides: tuple[str, ...] = ()) -> list[Replication]:
    """Replications 0..``reps``-1 of the configuration ``overrides`` give (default: the
    default run's days, start date and seed)."""
    chunks = [range(first, reps, max(jobs, 1)) for first in range(max(jobs, 1))]
    return sorted(
        _simulate_all([(list(overrides), chunk, 0, 1.0) for chunk in chunks if len(chunk)], jobs),
        key=lambda rep: rep.replication,
    )
