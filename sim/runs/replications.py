"""Replications of a configured scenario: run them (serially or on a process pool),
gather the tables, compute KPIs and their confidence intervals.

Each replication draws only from its own named streams, so the tables do not depend
on how many workers ran them or in which order they finished.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from omegaconf import DictConfig

from sim.analysis import kpis as kpi_definitions
from sim.analysis import stats
from sim.analysis.figure_data import FigureData
from sim.analysis.kpi_totals import KpiTotals
from sim.analysis.precision import projected_replications
from sim.complaints import model as complaints
from sim.config.compose import AUTO, ConfigError, to_typed
from sim.engine.day import concat_columns, replication_days
from sim.engine.records import stage_names
from sim.runs import provenance, run_files, runners, tables
from sim.runs.progress import Progress
from sim.runs.result import RunTables
from sim.schema import Config


@dataclass
class ReplicationOutput:
    replication: int
    visits: dict[str, np.ndarray]  # empty when the run streams its visits (output.stream)
    sessions: dict[str, np.ndarray]
    kpis: dict[str, float]
    complaints: dict[str, np.ndarray] = field(default_factory=dict)
    figure_data: FigureData | None = None  # made as the days go when streaming


def run_replication(
    cfg: Config, replication: int, on_day_done=None, stream_to: Path | None = None
) -> ReplicationOutput:
    """One replication. With ``output.stream`` its visits are not kept: KPIs and figure
    data are added up day by day, and the days are written to part files in
    ``stream_to`` (when given; ``sim.runs.parquet``)."""
    stages = stage_names(cfg.hospital)
    # the complaint model, a vectorised function of each finished day's visits
    day_by_day = complaints.DayByDay(cfg.hospital, cfg.run, replication, stages)
    days = replication_days(cfg.hospital, cfg.run, replication, on_day_done)
    if cfg.output.stream:
        return _run_streamed(cfg, replication, days, day_by_day, stages, stream_to)
    visit_parts, session_parts = [], []
    for visits, sessions in days:
        visits.update(day_by_day.add_day(visits))
        visit_parts.append(visits)
        session_parts.append(sessions)
    visits, sessions = concat_columns(visit_parts), concat_columns(session_parts)
    complaint_rows = day_by_day.handle()
    totals = KpiTotals(stages, len(day_by_day.doctors[0]))  # fed the whole replication at once
    totals.add(visits, sessions, complaint_rows["visit_id"])
    totals.finish(complaint_rows, day_by_day.expected_by_category)
    kpis = {"replication": replication, **kpi_definitions.values(totals)}
    return ReplicationOutput(replication, visits, sessions, kpis, complaint_rows)


def _run_streamed(
    cfg: Config, replication: int, days, day_by_day: complaints.DayByDay, stages: list[str], stream_to: Path | None
) -> ReplicationOutput:
    from sim.runs import parquet as stream  # pyarrow.parquet: only when streaming

    hospital = cfg.hospital
    doctors = len(day_by_day.doctors[0])
    totals = KpiTotals(stages, doctors, exact_percentile=False)  # fed day by day
    figure_data = FigureData(list(hospital.departments), doctors)
    writers = []
    if stream_to is not None:
        writers = [
            stream.DayWriter(stream_to, "visits", replication, lambda columns: tables.visits_frame(columns, hospital)),
            stream.DayWriter(
                stream_to, "doctor_sessions", replication, lambda columns: tables.sessions_frame(columns, hospital)
            ),
        ]
    try:
        for visits, sessions in days:
            visits.update(day_by_day.add_day(visits))
            totals.add(visits, sessions, day_by_day.complaint_parts[-1]["visit_id"])
            figure_data.add(visits)
            for writer, columns in zip(writers, (visits, sessions), strict=False):
                writer.write(columns)
    finally:
        for writer in writers:
            writer.close()
    complaint_rows = day_by_day.handle()
    totals.finish(complaint_rows, day_by_day.expected_by_category)
    kpis = {"replication": replication, **kpi_definitions.values(totals)}
    return ReplicationOutput(replication, {}, {}, kpis, complaint_rows, figure_data)


def worker_count(jobs: int, replications: int) -> int:
    return runners.local_workers(jobs, replications)


def run_replications(
    cfg: Config,
    progress: bool = False,
    replications: Sequence[int] | None = None,
    executor: Executor | None = None,
    stream_to: Path | None = None,
) -> list[ReplicationOutput]:
    """Replications ``replications`` of ``cfg`` (default: all ``run.replications``), in
    that order, on ``executor`` or else on the executor ``cfg.runner`` chooses."""
    indices = list(range(cfg.run.replications) if replications is None else replications)
    bar = Progress(
        total=len(indices) * cfg.run.days,
        unit="day",
        enabled=progress,
        description=f"{cfg.hospital.name}: {len(indices)} replication(s) x {cfg.run.days} day(s)",
    )
    with bar:
        if executor is not None:
            return _run_on(executor, cfg, indices, bar, stream_to)
        with runners.open_executor(cfg, len(indices)) as pool:
            if pool is None:
                return [run_replication(cfg, r, lambda _day: bar.advance(1), stream_to) for r in indices]
            return _run_on(pool, cfg, indices, bar, stream_to)


def _run_on(
    executor: Executor, cfg: Config, indices: list[int], bar: Progress, stream_to: Path | None
) -> list[ReplicationOutput]:
    outputs = []
    futures = [executor.submit(run_replication, cfg, r, None, stream_to) for r in indices]
    for future in futures:
        outputs.append(future.result())
        bar.advance(cfg.run.days)
    return outputs


def simulate(
    cfg: DictConfig | Config,
    progress: bool | None = None,
    overrides: list[str] | None = None,
    directory: str | Path | None = None,
    result_type: type[RunTables] = RunTables,
) -> RunTables:
    """Run every replication of a composed config and return its tables. With
    ``output.stream`` (and ``output.save_visits``) the visits are written into
    ``directory`` (default ``output.dir``) as the days are simulated. ``directory``
    (where the run's files will go) loses its completion marker at once: from now on
    it holds an unfinished run (``sim.runs.run_files``)."""
    started = time.perf_counter()
    typed = to_typed(cfg)
    if directory is not None:
        run_files.unmark(Path(directory))
    stream_to = _stream_directory(typed, directory)
    if progress is None:
        progress = typed.output.progress
    rule = None
    if typed.run.replications == AUTO:
        outputs, rule = run_until_precise(typed, progress=progress, stream_to=stream_to)
        typed = replace(typed, run=replace(typed.run, replications=len(outputs)))
    else:
        outputs = run_replications(typed, progress=progress, stream_to=stream_to)

    if typed.output.stream:
        visits, sessions = pd.DataFrame(), pd.DataFrame()
    else:
        visits = tables.visits_frame(concat_columns([o.visits for o in outputs]), typed.hospital)
        sessions = tables.sessions_frame(concat_columns([o.sessions for o in outputs]), typed.hospital)
    complaint_table = tables.complaints_frame(concat_columns([o.complaints for o in outputs]), typed.hospital)
    kpis = pd.DataFrame([o.kpis for o in outputs])
    summary = stats.summarise(kpis)
    wall = time.perf_counter() - started
    result = result_type(
        config=typed,
        visits=visits,
        doctor_sessions=sessions,
        kpis=kpis,
        summary=summary,
        provenance=provenance.collect(typed.run.seed, typed.run.replications, wall, overrides),
        complaints=complaint_table,
        streamed_to=stream_to,
    )
    if typed.output.stream:
        result._figure_data = outputs[0].figure_data
        for output in outputs[1:]:
            result._figure_data.merge(output.figure_data)
    if rule is not None:
        result.provenance["replications_rule"] = rule
    return result


def _stream_directory(cfg: Config, directory: str | Path | None) -> Path | None:
    """Where a streaming run writes its visits (None when it keeps or discards them)."""
    output = cfg.output
    if not (output.stream and output.save_visits):
        return None
    directory = directory if directory is not None else output.dir
    if directory is None:
        raise ConfigError(
            [
                "output.stream = true: the visits are written while the run goes, so it needs a "
                "directory: set output.dir (python -m sim uses its run directory), or "
                "output.save_visits=false to keep only the KPIs"
            ]
        )
    from sim.runs.parquet import prepare

    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    run_files.unmark(path)
    prepare(path)
    return path


def _precision(kpis: pd.DataFrame, names: list[str]) -> dict[str, float]:
    missing = [name for name in names if name not in kpis.columns]
    if missing:
        known = ", ".join(c for c in kpis.columns if c != "replication")
        raise ConfigError([f"run.precision_kpis: no KPI named {', '.join(missing)}; KPIs of this run: {known}"])
    precision = {name: stats.t_interval(kpis[name].to_numpy(dtype=float))["rel_half_width"] for name in names}
    undefined = [name for name, value in precision.items() if math.isnan(value)]
    if undefined:
        raise ConfigError(
            [
                f"run.precision_kpis: {', '.join(undefined)} is undefined in this scenario "
                "(no visit counted towards it): choose another KPI"
            ]
        )
    return precision


def run_until_precise(cfg: Config, progress: bool = False, stream_to=None):
    """``run.replications=auto``: (outputs in replication order, record of the rule)."""
    run = cfg.run
    outputs, history = [], []
    wanted = run.min_replications
    with runners.open_executor(cfg, run.max_replications) as executor:
        while True:
            outputs += run_replications(cfg, progress, range(len(outputs), wanted), executor, stream_to)
            kpis = pd.DataFrame([o.kpis for o in outputs])
            precision = _precision(kpis, list(run.precision_kpis))
            history.append({"replications": len(outputs), "precision": precision})
            reached = all(value <= run.target_precision for value in precision.values())
            if reached or len(outputs) >= run.max_replications:
                break
            projected = max(
                projected_replications(
                    kpis[name].dropna().to_numpy(dtype=float), run.target_precision, 0.95, run.max_replications
                )
                for name in run.precision_kpis
            )
            # a few replications estimate the spread poorly: at most double each time
            wanted = min(run.max_replications, 2 * len(outputs), max(len(outputs) + 1, projected))
    rule = {
        "replications": AUTO,
        "target_precision": run.target_precision,
        "precision_kpis": list(run.precision_kpis),
        "min_replications": run.min_replications,
        "max_replications": run.max_replications,
        "replications_run": len(outputs),
        "reached": reached,
        "precision": precision,
        "history": history,
    }
    return outputs, rule
