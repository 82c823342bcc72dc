"""Single-file HTML reports a planner can open, print or mail: one per run, one per sweep.

Built from Jinja2 templates (``sim/reporting/templates/``): an executive summary in
plain sentences with intervals (``sim.reporting.executive``), warnings (overloaded
stations, imprecise KPIs), a glossary of the KPIs shown, the KPI tables in the
catalogue's words and units, the figures, and the configuration. Everything is in
the one file — figures are embedded as base64 PNGs — and print CSS lays it out on
paper (folded sections open when printed). A run's report is built from its
directory (``kpis.csv``, ``stations.parquet``, ``config.yaml``, ``provenance.json``,
``figures/``); a sweep's from its comparison table (``sim.runs.sweep_table``).
"""

from __future__ import annotations

import base64
import datetime as dt
import fnmatch
import json
import math
from pathlib import Path

import jinja2
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from sim import __version__
from sim.analysis import stats
from sim.analysis.kpis import entry as kpi_entry
from sim.analysis.overload import overload_warnings
from sim.reporting import executive, numbers
from sim.reporting.text import kpi_rows, labelled, precision_advice
from sim.runs import run_files

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
DEFAULT_THRESHOLD = 0.10

FIGURE_CAPTIONS = {
    "waits_by_stage.png": "Mean wait at each stage, with 95% intervals over replications.",
    "waits_by_hour.png": "Mean wait for the doctor by hour of arrival and department; grey: no doctor in session.",
    "stations.png": "Patients waiting and being served at each station over the day (15-minute means; band: 10th "
    "to 90th percentile across days and replications); dashed: servers at work.",
    "complaints_by_domain.png": "Expected complaints per 1,000 visits by HCAT category (bars, 95% intervals), "
    "realised complaints marked.",
    "complaints_by_hour.png": "Expected complaints by hour of arrival, and on-site complaints made per day by hour.",
    "complaints_by_month.png": "Expected and realised complaints per 1,000 visits by month of the visit.",
    "complaints_lorenz.png": "How complaints concentrate on few doctors (Lorenz curve).",
    "kpis_by_scenario.png": "Each KPI's mean and 95% interval per scenario.",
    "differences.png": "Each scenario's change from its baseline in % of the baseline, with the 95% interval "
    "(red: significant).",
}


def render(template: str, **context) -> str:
    created = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    return TEMPLATES.get_template(template).render(version=__version__, created=created, **context)


def _figure(path: Path) -> dict:
    caption = FIGURE_CAPTIONS.get(path.name, path.stem.replace("_", " ").capitalize() + ".")
    return {"caption": caption, "data": base64.b64encode(path.read_bytes()).decode("ascii")}


def _headline(patterns, available: list[str]) -> list[str]:
    chosen: list[str] = []
    for pattern in patterns or []:
        chosen += [k for k in available if fnmatch.fnmatchcase(k, pattern) and k not in chosen]
    return chosen


def kpi_row(name: str, row: pd.Series, flag: bool) -> dict:
    """A KPI's summary row in words: label (with unit), mean, interval, precision, flag."""
    entry = kpi_entry(name)
    unit = entry.unit if entry else ""
    label = labelled(entry.label, unit) if entry else name
    precision = row["rel_half_width"]
    return {
        "name": name,
        "label": label,
        "meaning": entry.meaning if entry else "",
        "mean": numbers.kpi_value(row["mean"], unit),
        "interval": numbers.kpi_interval(row["mean"], row["ci_low"], row["ci_high"], unit),
        "precision": "" if math.isnan(precision) else numbers.percent(precision, 1),
        "flag": bool(flag),
    }


def glossary(names) -> list[dict]:
    """Catalogue entries of the KPIs named, in the order named (unknown names left out)."""
    out = []
    for name in dict.fromkeys(names):
        entry = kpi_entry(name)
        if entry is not None:
            better = {"lower": "lower is better", "higher": "higher is better"}.get(
                entry.better.value, "neither direction is better"
            )
            unit = numbers.unit_text(entry.unit)
            out.append({"name": name, "label": entry.label, "meaning": entry.meaning, "unit": unit, "better": better})
    return out


def precision_note(flagged: pd.Series, threshold: float, replications: int | None) -> str:
    count = int(flagged.sum())
    if not count:
        return ""
    advice = precision_advice(threshold, replications).removeprefix("! ")
    return f"{count} KPI(s) marked ! are imprecise: {advice}."


# -- a run ------------------------------------------------------------------------------------


def write_run_report(directory: str | Path, config=None) -> Path:
    """``report.html`` for the run whose files are in ``directory``. ``config``: the
    run's typed config (``Config``) when the caller holds it, which saves reading
    ``config.yaml`` back (a tenth of a second)."""
    directory = Path(directory)
    if config is None:
        config = OmegaConf.load(directory / "config.yaml")
    provenance = json.loads((directory / "provenance.json").read_text())
    summary = stats.summarise(pd.read_csv(directory / "kpis.csv"))
    threshold = float(_setting(config, "output.precision_warning", DEFAULT_THRESHOLD))
    flagged = stats.imprecise(summary, threshold)
    timelines = pd.read_parquet(directory / "stations.parquet") if (directory / "stations.parquet").is_file() else None
    warnings = overload_warnings(summary, timelines if timelines is not None else pd.DataFrame(), config.hospital)
    imprecise = list(flagged[flagged].index)
    sentences, mentioned = executive.run_summary(summary, warnings, imprecise, threshold)
    headline = _headline(_setting(config, "compare.headline_kpis", []), list(summary.index))
    run = config.run
    rule = provenance.get("replications_rule")
    if rule:
        from sim.analysis.precision import describe

        rule = describe(rule)
    groups: dict[str, list[dict]] = {}
    for group, _label, _unit, row in kpi_rows(summary):
        groups.setdefault(group, []).append(kpi_row(str(row.name), row, flagged[row.name]))
    interventions = ", ".join(_setting(config, "interventions", None) or {}) or "none (baseline)"
    figures_dir = directory / "figures"
    page = render(
        "run_report.html.j2",
        title=f"hospital-sim: {config.hospital.name}",
        heading=f"{config.hospital.name}: {interventions}",
        description=str(_setting(config, "hospital.description", "")),
        facts=f"{run.replications} replication(s) of {run.days} day(s) from {run.start_date}, seed {run.seed}.",
        sentences=sentences,
        overload=warnings,
        precision=precision_note(flagged, threshold, run.replications),
        glossary=glossary([*mentioned, *headline]),
        headline=[kpi_row(name, summary.loc[name], flagged[name]) for name in headline],
        rule=rule or "",
        figures=[_figure(p) for p in _figure_paths(figures_dir)],
        groups=list(groups.items()),
        configuration=_configuration(provenance),
        config_yaml=(directory / "config.yaml").read_text(),
    )
    path = directory / "report.html"
    run_files.write_text(path, page)
    return path


def _setting(config, dotted: str, default):
    """A setting of a run's config, typed (``Config``) or as read from ``config.yaml``."""
    if isinstance(config, DictConfig):
        return OmegaConf.select(config, dotted, default=default)
    value = config
    for part in dotted.split("."):
        value = getattr(value, part, None)
        if value is None:
            return default
    return value


def _figure_paths(directory: Path) -> list[Path]:
    """The figures in ``directory``, in the order of the captions (the order they were listed)."""
    if not directory.is_dir():
        return []
    order = list(FIGURE_CAPTIONS)
    paths = list(directory.glob("*.png"))
    return sorted(paths, key=lambda p: (order.index(p.name) if p.name in order else len(order), p.name))


def _configuration(provenance: dict) -> list[list[str]]:
    return [
        ["command", provenance.get("command", "")],
        ["overrides", " ".join(provenance.get("overrides", [])) or "none"],
        ["git commit", f"{provenance.get('git_commit')} (dirty: {provenance.get('git_dirty')})"],
        ["created", str(provenance.get("created"))],
        ["wall time", f"{provenance.get('wall_time_s')} s"],
    ]


# -- a sweep ----------------------------------------------------------------------------------


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
    threshold = _sweep_threshold(complete)
    flagged = table["rel_half_width"].astype(float) > threshold
    sentences, mentioned = sweep_summary(table, complete, labels, headline)
    others = [k for k in dict.fromkeys(table["kpi"]) if k not in headline]
    first = complete[0] if complete else None
    page = render(
        "sweep_report.html.j2",
        title=f"hospital-sim sweep {sweep_dir.name}",
        heading=title,
        directory=str(sweep_dir.resolve()),
        facts=f"{len(jobs)} job(s): {len(complete)} complete, {len(failed)} failed, "
        f"{len(jobs) - len(complete) - len(failed)} incomplete.",
        baseline=" ".join(baseline) or "none (no comparison)",
        sentences=sentences,
        precision=_sweep_precision_note(table, flagged, threshold),
        glossary=glossary([*mentioned, *headline]),
        jobs_header=["job", *varying, "status", "baseline job"],
        jobs=_jobs_rows(jobs, varying, table),
        headline=[_kpi_section(table, kpi, labels, flagged) for kpi in headline],
        figures=[_figure(p) for p in figures],
        others=[_kpi_section(table, kpi, labels, flagged) for kpi in others],
        multirun=(sweep_dir / "multirun.yaml").read_text() if (sweep_dir / "multirun.yaml").is_file() else "",
        job_config=_job_config(first, labels),
    )
    path = sweep_dir / "report.html"
    run_files.write_text(path, page)
    return path


SUMMARY_KPIS = 5  # headline KPIs the executive summary speaks of


def sweep_summary(table: pd.DataFrame, complete, labels: dict, headline: list[str]) -> tuple[list[str], list[str]]:
    """One sentence per scenario compared with a baseline: what it did to the first
    headline KPIs that are not members of a family (by domain, by category, …)."""
    kpis = [k for k in headline if (entry := kpi_entry(k)) is not None and not entry.pattern][:SUMMARY_KPIS]
    by_name = {job.name: job for job in complete}
    values = {}
    sentences = []
    for job in complete:
        rows = table[table["job"] == job.name]
        base_name = rows["baseline_job"].iloc[0] if len(rows) else None
        if not isinstance(base_name, str) or base_name == job.name or base_name not in by_name:
            continue
        for name in (job.name, base_name):
            if name not in values:
                values[name] = by_name[name].kpis()
        paired = bool(rows["paired"].fillna(True).iloc[0])
        changes = [
            executive.kpi_change(kpi, values[base_name][kpi], values[job.name][kpi], paired)
            for kpi in kpis
            if kpi in values[job.name] and kpi in values[base_name]
        ]
        sentence = executive.scenario_sentence(labels[job.name], [c for c in changes if c is not None])
        if sentence:
            sentences.append(sentence)
    return sentences, kpis


def _sweep_threshold(complete) -> float:
    for job in complete:
        value = OmegaConf.select(job.config, "output.precision_warning", default=None)
        if value is not None:
            return float(value)
    return DEFAULT_THRESHOLD


def _sweep_precision_note(table: pd.DataFrame, flagged: pd.Series, threshold: float) -> str:
    if not flagged.any():
        return ""
    n = int(table["n"].min()) if len(table) else None
    jobs = table.loc[flagged, "job"].nunique()
    advice = precision_advice(threshold, n).removeprefix("! ")
    return f"{int(flagged.sum())} KPI value(s) in {jobs} job(s) marked ! are imprecise: {advice}."


def _kpi_section(table: pd.DataFrame, kpi: str, labels: dict, flagged: pd.Series) -> dict:
    entry = kpi_entry(kpi)
    unit = entry.unit if entry else ""
    rows = []
    for index, r in table[table["kpi"] == kpi].iterrows():
        own_baseline = r["baseline_job"] == r["job"]
        difference = relative = "baseline" if own_baseline else numbers.DASH
        if pd.notna(r["difference"]):
            difference = _difference_text(r, unit)
            relative = numbers.signed_percent(r["relative_difference"], 1)
        rows.append(
            {
                "scenario": labels.get(r["job"], str(r["job"])),
                "mean": numbers.kpi_value(r["mean"], unit),
                "interval": numbers.kpi_interval(r["mean"], r["ci_low"], r["ci_high"], unit),
                "precision": numbers.percent(r["rel_half_width"], 1) if math.isfinite(r["rel_half_width"]) else "",
                "flag": bool(flagged[index]),
                "difference": difference,
                "relative": relative,
                "significant": bool(r["significant"]) if pd.notna(r["significant"]) else False,
                "paired": "" if pd.isna(r["paired"]) else ("paired" if r["paired"] else "independent"),
            }
        )
    title = labelled(entry.label, unit) if entry else kpi
    return {"name": kpi, "title": title, "rows": rows}


def _difference_text(r, unit: str) -> str:
    """A difference in the KPI's unit (shares: percentage points), with its interval."""
    if unit == "share":
        points = [100 * r[c] for c in ("difference", "difference_ci_low", "difference_ci_high")]
        return f"{points[0]:+.1f} points [{points[1]:+.1f}, {points[2]:+.1f}]".replace("-", "−")
    places = numbers.places_for(r["baseline_mean"], unit)
    low, high = (numbers.number(r[c], places) for c in ("difference_ci_low", "difference_ci_high"))
    return f"{numbers.number(r['difference'], places)} [{low}, {high}]"


def _jobs_rows(jobs, varying: list[str], table: pd.DataFrame) -> list[list[str]]:
    from sim.runs import sweep_table as aggregate

    rows = []
    for job in jobs:
        status = job.status if job.status != aggregate.FAILED else f"failed: {job.error_line}"
        base = table.loc[table["job"] == job.name, "baseline_job"]
        baseline = base.iloc[0] if len(base) and isinstance(base.iloc[0], str) else numbers.DASH
        rows.append([job.name, *(aggregate._display(job.values.get(k)) for k in varying), status, baseline])
    return rows


def _job_config(job, labels: dict) -> dict | None:
    if job is None or not (job.directory / "config.yaml").is_file():
        return None
    return {"name": job.name, "label": labels[job.name], "text": (job.directory / "config.yaml").read_text()}
