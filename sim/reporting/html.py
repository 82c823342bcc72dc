"""Single-file HTML reports a planner can open: one per run, one per sweep.

Everything is in the one file — figures are embedded as base64 PNGs — so it can be
mailed or attached. A run's report is built from its directory (``kpis.csv``,
``config.yaml``, ``provenance.json``, ``figures/``); a sweep's from its comparison
table (``sim.runs.sweep_table``).
"""

from __future__ import annotations

import base64
import datetime as dt
import fnmatch
import html
import json
import math
from pathlib import Path

import pandas as pd
from omegaconf import OmegaConf

from sim.analysis import stats
from sim.runs import run_files

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 75em; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0; }
th, td { padding: 0.25em 0.6em; border-bottom: 1px solid #eee; text-align: right; }
th { background: #f4f4f4; } td:first-child, th:first-child { text-align: left; }
.sig { color: #b22222; font-weight: 600; } .muted { color: #777; } .fail { color: #b22222; }
img { max-width: 100%; border: 1px solid #eee; margin: 0.5em 0; }
pre { background: #f8f8f8; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
"""


def _fmt(value, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, float | int):
        return f"{value:.{digits}g}"
    return html.escape(str(value))


def _interval(low, high) -> str:
    return "–" if not (math.isfinite(low) and math.isfinite(high)) else f"[{_fmt(low)}, {_fmt(high)}]"


def _percent(value) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{100 * value:.1f}%"


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _image(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<figure><img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}"></figure>'


def _page(title: str, body: str) -> str:
    created = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>\n{body}\n"
        f'<p class="muted">Written by hospital-sim on {created}.</p></body></html>\n'
    )


def _headline(patterns, available: list[str]) -> list[str]:
    chosen: list[str] = []
    for pattern in patterns or []:
        chosen += [k for k in available if fnmatch.fnmatchcase(k, pattern) and k not in chosen]
    return chosen


def _summary_rows(summary: pd.DataFrame, names: list[str]) -> list[list[str]]:
    return [
        [
            html.escape(k),
            _fmt(r["mean"]),
            _interval(r["ci_low"], r["ci_high"]),
            _percent(r["rel_half_width"]),
            _fmt(r["sd"]),
            str(int(r["n"])),
        ]
        for k, r in summary.loc[names].iterrows()
    ]


SUMMARY_HEADER = ["KPI", "mean", "95% interval", "± (% of mean)", "sd", "replications"]


def write_run_report(directory: str | Path) -> Path:
    """``report.html`` for the run whose files are in ``directory``."""
    directory = Path(directory)
    config = OmegaConf.load(directory / "config.yaml")
    provenance = json.loads((directory / "provenance.json").read_text())
    summary = stats.summarise(pd.read_csv(directory / "kpis.csv"))
    run = config.run
    interventions = ", ".join(config.get("interventions", {}) or {}) or "none (baseline)"
    headline = _headline(OmegaConf.select(config, "compare.headline_kpis", default=[]), list(summary.index))
    parts = [
        f"<h1>{html.escape(str(config.hospital.name))}: {html.escape(interventions)}</h1>",
        f"<p>{html.escape(str(config.hospital.get('description', '')))}</p>",
        f"<p>{run.replications} replication(s) of {run.days} day(s) from {run.start_date}, seed {run.seed}. "
        "Intervals are 95% t-intervals over replications; ± is the half-width as a share of the mean.</p>",
    ]
    rule = provenance.get("replications_rule")
    if rule:
        from sim.analysis.precision import describe

        parts.append(f"<p>{html.escape(describe(rule))}.</p>")
    if headline:
        parts += ["<h2>Headline KPIs</h2>", _table(SUMMARY_HEADER, _summary_rows(summary, headline))]
    figures = sorted((directory / "figures").glob("*.png")) if (directory / "figures").is_dir() else []
    if figures:
        parts += ["<h2>Figures</h2>", *(_image(p) for p in figures)]
    parts += ["<h2>All KPIs</h2>", _table(SUMMARY_HEADER, _summary_rows(summary, list(summary.index)))]
    parts += _configuration((directory / "config.yaml").read_text(), provenance)
    path = directory / "report.html"
    run_files.write_text(path, _page(f"hospital-sim: {config.hospital.name}", "\n".join(parts)))
    return path


def _configuration(config_yaml: str, provenance: dict) -> list[str]:
    facts = [
        ["command", html.escape(provenance.get("command", ""))],
        ["overrides", html.escape(" ".join(provenance.get("overrides", [])) or "none")],
        ["git commit", html.escape(f"{provenance.get('git_commit')} (dirty: {provenance.get('git_dirty')})")],
        ["created", html.escape(str(provenance.get("created")))],
        ["wall time", f"{provenance.get('wall_time_s')} s"],
    ]
    return [
        "<h2>Configuration used</h2>",
        _table(["", ""], facts),
        f"<details><summary>config.yaml (the resolved configuration)</summary><pre>{html.escape(config_yaml)}</pre>"
        "</details>",
    ]


def write_sweep_report(
    sweep_dir: Path, table: pd.DataFrame, jobs, headline: list[str], figures: list[Path], baseline: list[str]
) -> Path:
    """``report.html`` for a sweep, from its comparison table."""
    from sim.runs import sweep_table as aggregate

    complete = [job for job in jobs if job.status == aggregate.COMPLETE]
    varying = aggregate.varying_keys(complete)
    labels = {job.name: aggregate.label(job, varying) for job in complete}
    failed = [job for job in jobs if job.status == aggregate.FAILED]
    experiments = {job.choices.get("experiment") for job in jobs} - {None}
    title = f"{' / '.join(sorted(experiments))}: sweep {sweep_dir.name}" if experiments else f"Sweep {sweep_dir.name}"
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="muted">{html.escape(str(sweep_dir.resolve()))}</p>',
        f"<p>{len(jobs)} job(s): {len(complete)} complete, {len(failed)} failed, "
        f"{len(jobs) - len(complete) - len(failed)} incomplete. Baseline: "
        f"<code>{html.escape(' '.join(baseline) or 'none (no comparison)')}</code>. Differences are scenario − baseline with a 95% interval "
        "(paired by replication when the jobs share a seed: common random numbers); "
        '<span class="sig">red</span> = significant (the interval excludes 0).</p>',
    ]
    parts += ["<h2>Jobs</h2>", _jobs_table(jobs, varying, table)]
    for kpi in headline:
        parts += [f"<h2>{html.escape(kpi)}</h2>", _kpi_table(table[table["kpi"] == kpi], labels)]
    if figures:
        parts += ["<h2>Figures</h2>", *(_image(p) for p in figures)]
    others = [k for k in dict.fromkeys(table["kpi"]) if k not in headline]
    rows = [_kpi_table(table[table["kpi"] == kpi], labels, caption=kpi) for kpi in others]
    parts += [
        "<h2>All KPIs</h2><details><summary>every KPI of every job (also in comparison.csv)</summary>",
        *rows,
        "</details>",
    ]
    multirun = sweep_dir / "multirun.yaml"
    if multirun.is_file():
        parts.append(
            "<h2>Configuration used</h2><details><summary>multirun.yaml (the sweep as Hydra ran it)"
            f"</summary><pre>{html.escape(multirun.read_text())}</pre></details>"
        )
    if complete and (complete[0].directory / "config.yaml").is_file():
        text = (complete[0].directory / "config.yaml").read_text()
        parts.append(
            f"<details><summary>config.yaml of job {complete[0].name} ({html.escape(labels[complete[0].name])})"
            f"</summary><pre>{html.escape(text)}</pre></details>"
        )
    path = sweep_dir / "report.html"
    run_files.write_text(path, _page(f"hospital-sim sweep {sweep_dir.name}", "\n".join(parts)))
    return path


def _jobs_table(jobs, varying: list[str], table: pd.DataFrame) -> str:
    from sim.runs import sweep_table as aggregate

    rows = []
    for job in jobs:
        status = (
            job.status
            if job.status != aggregate.FAILED
            else f'<span class="fail">failed: {html.escape(job.error_line)}</span>'
        )
        base = table.loc[table["job"] == job.name, "baseline_job"]
        rows.append(
            [
                job.name,
                *(_fmt(aggregate._display(job.values.get(k))) for k in varying),
                status,
                _fmt(base.iloc[0]) if len(base) and isinstance(base.iloc[0], str) else "–",
            ]
        )
    return _table(["job", *varying, "status", "baseline job"], rows)


def _kpi_table(rows: pd.DataFrame, labels: dict, caption: str = "") -> str:
    body = []
    for _, r in rows.iterrows():
        own_baseline = r["baseline_job"] == r["job"]
        difference = "baseline" if own_baseline else "–"
        if pd.notna(r["difference"]):
            text = (
                f"{_fmt(r['difference'])} {_interval(r['difference_ci_low'], r['difference_ci_high'])} "
                f"({_percent(r['relative_difference'])})"
            )
            difference = f'<span class="sig">{text}</span>' if r["significant"] else text
        body.append(
            [
                html.escape(labels.get(r["job"], str(r["job"]))),
                _fmt(r["mean"]),
                _interval(r["ci_low"], r["ci_high"]),
                _percent(r["rel_half_width"]),
                difference,
                "" if pd.isna(r["paired"]) else ("paired" if r["paired"] else "independent"),
            ]
        )
    header = ["scenario", "mean", "95% interval", "±", "difference from baseline [95% interval] (%)", ""]
    title = f"<p><b>{html.escape(caption)}</b></p>" if caption else ""
    return title + _table(header, body)
