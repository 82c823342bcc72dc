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
from sim.analysis.staff_costs import StaffCosts
from sim.analysis.stations import stations
from sim.analysis.timelines import StationTimelines
from sim.complaints import model as complaints
from sim.demand.patients import draw_day
from sim.engine.day import GrowingColumns, replication_days
from sim.engine.records import stage_names
from sim.patients_over_time import population
from sim.runs import runners
from sim.runs.progress import Progress
from sim.schema import Config
from sim.service_quality import disputes
from sim.service_quality.survey import DaySurveys
from sim.staffing.on_duty import OnDuty


@dataclass
class ReplicationOutput:
    replication: int
    visits: dict[str, np.ndarray]  # empty when the run streams its visits (output.stream)
    sessions: dict[str, np.ndarray]
    kpis: dict[str, float]
    complaints: dict[str, np.ndarray] = field(default_factory=dict)
    figure_data: FigureData | None = None  # made as the days go when streaming
    patients: dict[str, np.ndarray] = field(default_factory=dict)  # hospital.population: one row per patient
    patient_days: dict[str, np.ndarray] = field(default_factory=dict)  # and one per open day
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

    def finish(self, totals: KpiTotals) -> dict[str, np.ndarray]:
        """Add the survey to the replication's totals (before they are finished);
        return its respondents (or nothing)."""
        respondents = {}
        if self.surveys is not None:
            respondents = self.surveys.rows()
            totals.add_survey(respondents, self.surveys.asked)
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
    # patients over time (identity, returns, loyalty, charges), when switched on
    over_time = population.for_replication(cfg, replication)
    draw = over_time.draw_day if over_time is not None and over_time.identity else draw_day
    days = replication_days(cfg.hospital, cfg.run, replication, on_day_done, draw)
    if cfg.output.stream:
        return _run_streamed(cfg, replication, days, day_by_day, quality, stages, stream_to, over_time)
    kept_visits, kept_sessions = GrowingColumns(), GrowingColumns()
    for visits, sessions in days:
        _assess_day(visits, day_by_day, over_time, quality)
        kept_visits.add(visits)
        kept_sessions.add(sessions)
    visits, sessions = kept_visits.columns(), kept_sessions.columns()
    complaint_rows = day_by_day.handle()
    quality.escalate(complaint_rows)
    totals = KpiTotals(  # fed the whole replication at once
        stages,
        len(day_by_day.doctors[0]),
        stations=stations(cfg.hospital),
        warmup_min=cfg.hospital.warmup_min,
        features=quality.features,
        costs=StaffCosts(cfg.hospital, cfg.run.start_date),
    )
    totals.add(visits, sessions, complaint_rows["visit_id"])
    respondents = quality.finish(totals)
    totals.finish(complaint_rows, day_by_day.expected_by_category)
    return _output(replication, visits, sessions, totals, complaint_rows, over_time, survey=respondents)


def _assess_day(visits, day_by_day: complaints.DayByDay, over_time, quality: ServiceQuality) -> None:
    """Add the complaint model's columns to a day's visits, then (when on) the
    patients' columns, the population learning from the day; then survey the day
    (charges, when on, are among its columns by then)."""
    visits.update(day_by_day.add_day(visits))
    if over_time is not None:
        visits.update(over_time.add_day(visits, day_by_day.complaint_parts[-1]))
    quality.add_day(visits)


def _output(replication, visits, sessions, totals: KpiTotals, complaint_rows, over_time, figure_data=None, survey=None):
    patients, patient_days = ({}, {}) if over_time is None else over_time.finish()
    if over_time is not None:
        totals.over_time = {**over_time.totals, "identity": over_time.identity}
        totals.charges_on = over_time.hospital.charges.enabled
    kpis = {"replication": replication, **kpi_definitions.values(totals)}
    return ReplicationOutput(
        replication,
        visits,
        sessions,
        kpis,
        complaint_rows,
        figure_data,
        survey=survey or {},
        patients=patients,
        patient_days=patient_days,
    )


def _run_streamed(
    cfg: Config,
    replication: int,
    days,
    day_by_day: complaints.DayByDay,
    quality: ServiceQuality,
    stages: list[str],
    stream_to: Path | None,
    over_time=None,
) -> ReplicationOutput:
    from sim.runs import parquet as stream  # pyarrow.parquet: only when streaming
    from sim.runs import tables  # pandas: only to write the streamed days

    hospital = cfg.hospital
    doctors = len(day_by_day.doctors[0])
    totals = KpiTotals(  # fed day by day
        stages,
        doctors,
        exact_percentile=False,
        stations=stations(hospital),
        warmup_min=hospital.warmup_min,
        features=quality.features,
        costs=StaffCosts(hospital, cfg.run.start_date),
    )
    timelines = StationTimelines(stations(hospital), OnDuty(hospital, cfg.run.start_date))
    figure_data = FigureData(list(hospital.departments), doctors, timelines=timelines)
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
            _assess_day(visits, day_by_day, over_time, quality)
            totals.add(visits, sessions, day_by_day.complaint_parts[-1]["visit_id"])
            figure_data.add(visits)
            for writer, columns in zip(writers, (visits, sessions), strict=False):
                writer.write(columns)
    finally:
        for writer in writers:
            writer.close()
    complaint_rows = day_by_day.handle()
    quality.escalate(complaint_rows)
    respondents = quality.finish(totals)
    totals.finish(complaint_rows, day_by_day.expected_by_category)
    return _output(replication, {}, {}, totals, complaint_rows, over_time, figure_data, survey=respondents)


def worker_count(jobs: int, replications: int) -> int:
    return runners.local_workers(jobs, replications)


def run_replications(
    cfg: Config,
    progress: bool = False,
    replications: Sequence[int] | None = None,
    executor: Executor | None = None,
    stream_to: Path | None = None,
    on_progress=None,
) -> list[ReplicationOutput]:
    """Replications ``replications`` of ``cfg`` (default: all ``run.replications``), in
    that order, on ``executor`` or else on the executor ``cfg.runner`` chooses.
    ``on_progress`` (if given) is called with the number of days just finished."""
    indices = list(range(cfg.run.replications) if replications is None else replications)
    bar = Progress(
        total=len(indices) * cfg.run.days,
        unit="day",
        enabled=progress,
        description=f"{cfg.hospital.name}: {len(indices)} replication(s) x {cfg.run.days} day(s)",
        listener=on_progress,
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
