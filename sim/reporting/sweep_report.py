"""A sweep's outputs: the comparison table (CSV, Parquet and Excel), its figures and
report, written when a sweep ends (``sim.reporting.sweep_summary``) or by ``python -m
sim.report``."""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pandas as pd
from omegaconf import OmegaConf

from sim.analysis.kpis import entry as kpi_entry
from sim.reporting import excel, sweep_figures
from sim.reporting import html as html_report
from sim.runs import run_files
from sim.runs import sweep_table as aggregate


def with_labels(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison table with each KPI's label and unit (from the catalogue) after
    its name."""
    entries = {name: kpi_entry(name) for name in dict.fromkeys(table["kpi"])}
    at = table.columns.get_loc("kpi") + 1
    table = table.copy()
    table.insert(at, "label", table["kpi"].map(lambda k: entries[k].label if entries[k] else k))
    table.insert(at + 1, "unit", table["kpi"].map(lambda k: entries[k].unit if entries[k] else ""))
    return table


def figure_kpis(table: pd.DataFrame, complete: list[aggregate.Job], headline: list[str], kpis) -> list[str]:
    """What the figures draw: ``--kpis``, else ``compare.figure_kpis`` of the jobs (the
    KPIs it names that the sweep has), else the KPIs that vary across the sweep."""
    if kpis:
        return headline
    available = list(dict.fromkeys(table["kpi"]))
    patterns = OmegaConf.select(complete[0].config, "compare.figure_kpis", default=None) if complete else None
    if patterns:
        return [k for k in available if any(fnmatch.fnmatchcase(k, p) for p in patterns)] or headline
    return sweep_figures.varying_kpis(table, headline)


def write_sweep_outputs(
    sweep_dir: str | Path,
    jobs: list[aggregate.Job] | None = None,
    baseline: list[str] | None = None,
    kpis: list[str] | None = None,
) -> dict[str, Path]:
    """comparison.csv, .parquet and .xlsx, figures/ and report.html in ``sweep_dir``;
    ``workbook`` is None when openpyxl is not installed."""
    sweep_dir = Path(sweep_dir)
    jobs = aggregate.find_jobs(sweep_dir) if jobs is None else jobs
    if baseline is not None and (problem := aggregate.baseline_problem(jobs, baseline)):
        raise ValueError(problem)  # before anything is overwritten
    table = aggregate.comparison_table(jobs, baseline)
    if table.empty:
        raise ValueError(f"{sweep_dir}: no complete job to report on")
    table = with_labels(table)
    available = list(dict.fromkeys(table["kpi"]))
    complete = [job for job in jobs if job.status == aggregate.COMPLETE]
    headline = aggregate.select_kpis(kpis, available) if kpis else aggregate.headline_kpis(complete[0], available)
    drawn = figure_kpis(table, complete, headline, kpis)
    with run_files.written(sweep_dir / "comparison.csv") as path:
        table.to_csv(path, index=False)
    with run_files.written(sweep_dir / "comparison.parquet") as path:
        table.to_parquet(path, index=False)
    varying = aggregate.varying_keys(complete)
    labels = {job.name: aggregate.label(job, varying) for job in complete}
    workbook = None
    if excel.available():
        with run_files.written(sweep_dir / "comparison.xlsx") as path:
            excel.write_comparison(table, labels, path)
        workbook = sweep_dir / "comparison.xlsx"
    with run_files.written(sweep_dir / "figures") as drawing:  # (no figure of another baseline stays)
        figures = [sweep_dir / "figures" / path.name for path in sweep_figures.draw(table, jobs, drawn, drawing)]
    spec = aggregate.effective_baseline(jobs, baseline)
    report = html_report.write_sweep_report(sweep_dir, table, jobs, headline, figures, spec)
    return {"table": sweep_dir / "comparison.csv", "workbook": workbook, "report": report}


def describe_outputs(written: dict) -> str:
    """The lines saying where a sweep's outputs went."""
    workbook = written.get("workbook")
    return (
        f"comparison: {written['table']}\n"
        + (f"workbook: {workbook}\n" if workbook else f"{excel.INSTALL_HINT}\n")
        + f"report: {written['report']}"
    )
