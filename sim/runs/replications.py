"""A configured scenario's run: its replications (``sim.runs.worker``, serially or on a
process pool; with ``run.replications=auto`` until the KPIs are precise enough),
gathered into tables with the KPIs' confidence intervals (``sim.runs.result``)."""

from __future__ import annotations

import math
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
from omegaconf import DictConfig

from sim.analysis import stats
from sim.analysis.precision import projected_replications
from sim.config.compose import AUTO, ConfigError, to_typed
from sim.engine.day import concat_columns
from sim.runs import provenance, run_files, runners, tables
from sim.runs.result import RunTables
from sim.runs.worker import run_replications
from sim.schema import Config


def simulate(
    cfg: DictConfig | Config,
    progress: bool | None = None,
    overrides: list[str] | None = None,
    directory: str | Path | None = None,
    result_type: type[RunTables] = RunTables,
    on_progress=None,
) -> RunTables:
    """Run every replication of a composed config and return its tables. With
    ``output.stream`` (and ``output.save_visits``) the visits are written into
    ``directory`` (default ``output.dir``) as the days are simulated. ``directory``
    (where the run's files will go) loses its completion marker at once: from now on
    it holds an unfinished run (``sim.runs.run_files``). ``on_progress`` (if given) is
    called with the number of replication-days just finished."""
    started = time.perf_counter()
    typed = to_typed(cfg)
    if directory is not None:
        run_files.unmark(Path(directory))
    stream_to = _stream_directory(typed, directory)
    if progress is None:
        progress = typed.output.progress
    rule = None
    if typed.run.replications == AUTO:
        outputs, rule = run_until_precise(typed, progress=progress, stream_to=stream_to, on_progress=on_progress)
        typed = replace(typed, run=replace(typed.run, replications=len(outputs)))
    else:
        outputs = run_replications(typed, progress=progress, stream_to=stream_to, on_progress=on_progress)

    if typed.output.stream:
        visits, sessions = pd.DataFrame(), pd.DataFrame()
    else:
        visits = tables.visits_frame(concat_columns([o.visits for o in outputs]), typed.hospital)
        sessions = tables.sessions_frame(concat_columns([o.sessions for o in outputs]), typed.hospital)
    complaint_table = tables.complaints_frame(concat_columns([o.complaints for o in outputs]), typed.hospital)
    survey = pd.DataFrame()
    if typed.hospital.survey.enabled:
        survey = tables.survey_frame(concat_columns([o.survey for o in outputs]), typed.hospital)
    patients = tables.patients_frame(_joined([o.patients for o in outputs]), typed.hospital)
    patient_days = pd.DataFrame(_joined([o.patient_days for o in outputs]))
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
        survey=survey,
        patients=patients,
        patient_days=patient_days,
        streamed_to=stream_to,
    )
    if typed.output.stream:
        result._figure_data = outputs[0].figure_data
        for output in outputs[1:]:
            result._figure_data.merge(output.figure_data)
    if rule is not None:
        result.provenance["replications_rule"] = rule
    return result


def _joined(parts: list[dict]) -> dict:
    """Per-replication columns end to end ({} when the replications have none)."""
    parts = [part for part in parts if part]
    return concat_columns(parts) if parts else {}


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


def run_until_precise(cfg: Config, progress: bool = False, stream_to=None, on_progress=None):
    """``run.replications=auto``: (outputs in replication order, record of the rule)."""
    run = cfg.run
    outputs, history = [], []
    wanted = run.min_replications
    with runners.open_executor(cfg, run.max_replications) as executor:
        while True:
            outputs += run_replications(cfg, progress, range(len(outputs), wanted), executor, stream_to, on_progress)
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
