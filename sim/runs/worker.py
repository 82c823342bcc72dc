"""What a worker runs: replications of a configured scenario, one at a time, each from
its own named streams (so the tables do not depend on how many workers ran them or
in which order they finished). Config in, columns and KPIs out: nothing here needs
pandas unless the visits are streamed to Parquet."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.analysis import kpis as kpi_definitions
from sim.analysis.figure_data import FigureData
from sim.analysis.kpi_totals import DISPUTES, SURVEY, KpiTotals, features_of
from sim.complaints import model as complaints
from sim.engine.day import concat_columns, replication_days
from sim.engine.records import stage_names
from sim.runs import runners
from sim.runs.progress import Progress
from sim.schema import Config
from sim.service_quality import disputes
from sim.service_quality.survey import DaySurveys


@dataclass
class ReplicationOutput:
    replication: int
    visits: dict[str, np.ndarray]  # empty when the run streams its visits (output.stream)
    sessions: dict[str, np.ndarray]
    kpis: dict[str, float]
    complaints: dict[str, np.ndarray] = field(default_factory=dict)
    figure_data: FigureData | None = None  # made as the days go when streaming
    survey: dict[str, np.ndarray] = field(default_factory=dict)  # respondents, with hospital.survey on


class ServiceQuality:
    """The optional parts of the model that follow the complaint model in one
    replication: the survey (day by day) and the escalation of complaints to disputes
    (when the complaints have been handled). Does nothing for parts switched off."""

    def __init__(self, cfg: Config, replication: int, day_by_day: complaints.DayByDay):
        self.features = features_of(cfg.hospital)
        self.disputes = cfg.hospital.complaints.disputes
        self.streams = day_by_day.streams
        self.surveys = None
        if SURVEY in self.features:
            self.surveys = DaySurveys(cfg.hospital, cfg.run, replication, day_by_day.doctors[0])

    def add_day(self, visits: dict[str, np.ndarray]) -> None:
        if self.surveys is not None:
            self.surveys.add_day(visits)

    def escalate(self, complaint_rows: dict[str, np.ndarray]) -> None:
        if DISPUTES in self.features:
            complaint_rows.update(disputes.escalate(complaint_rows, self.disputes, self.streams))

    def finish(self, totals: KpiTotals, complaint_rows, expected_by_category) -> dict[str, np.ndarray]:
        """Finish the replication's totals; return the survey's respondents (or nothing)."""
        respondents = {}
        if self.surveys is not None:
            respondents = self.surveys.rows()
            totals.add_survey(respondents, self.surveys.asked)
        totals.finish(complaint_rows, expected_by_category)
        return respondents


def run_replication(
    cfg: Config, replication: int, on_day_done=None, stream_to: Path | None = None
) -> ReplicationOutput:
    """One replication. With ``output.stream`` its visits are not kept: KPIs and figure
    data are added up day by day, and the days are written to part files in
    ``stream_to`` (when given; ``sim.runs.parquet``)."""
    stages = stage_names(cfg.hospital)
    # the complaint model, a vectorised function of each finished day's visits
    day_by_day = complaints.DayByDay(cfg.hospital, cfg.run, replication, stages)
    quality = ServiceQuality(cfg, replication, day_by_day)
    days = replication_days(cfg.hospital, cfg.run, replication, on_day_done)
    if cfg.output.stream:
        return _run_streamed(cfg, replication, days, day_by_day, quality, stages, stream_to)
    visit_parts, session_parts = [], []
    for visits, sessions in days:
        visits.update(day_by_day.add_day(visits))
        quality.add_day(visits)
        visit_parts.append(visits)
        session_parts.append(sessions)
    visits, sessions = concat_columns(visit_parts), concat_columns(session_parts)
    complaint_rows = day_by_day.handle()
    quality.escalate(complaint_rows)
    # fed the whole replication at once
    totals = KpiTotals(stages, len(day_by_day.doctors[0]), features=quality.features)
    totals.add(visits, sessions, complaint_rows["visit_id"])
    respondents = quality.finish(totals, complaint_rows, day_by_day.expected_by_category)
    kpis = {"replication": replication, **kpi_definitions.values(totals)}
    return ReplicationOutput(replication, visits, sessions, kpis, complaint_rows, survey=respondents)


def _run_streamed(
    cfg: Config,
    replication: int,
    days,
    day_by_day: complaints.DayByDay,
    quality: ServiceQuality,
    stages: list[str],
    stream_to: Path | None,
) -> ReplicationOutput:
    from sim.runs import parquet as stream  # pyarrow.parquet: only when streaming
    from sim.runs import tables  # pandas: only to write the streamed days

    hospital = cfg.hospital
    doctors = len(day_by_day.doctors[0])
    totals = KpiTotals(stages, doctors, exact_percentile=False, features=quality.features)  # fed day by day
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
            quality.add_day(visits)
            totals.add(visits, sessions, day_by_day.complaint_parts[-1]["visit_id"])
            figure_data.add(visits)
            for writer, columns in zip(writers, (visits, sessions), strict=False):
                writer.write(columns)
    finally:
        for writer in writers:
            writer.close()
    complaint_rows = day_by_day.handle()
    quality.escalate(complaint_rows)
    respondents = quality.finish(totals, complaint_rows, day_by_day.expected_by_category)
    kpis = {"replication": replication, **kpi_definitions.values(totals)}
    return ReplicationOutput(replication, {}, {}, kpis, complaint_rows, figure_data, respondents)


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
