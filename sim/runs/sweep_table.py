"""Gather a sweep's jobs into one tidy table.

A sweep directory (``results/sweeps/<timestamp>/``) holds one directory per job with
Hydra's ``.hydra/`` (the job's composed config and its overrides) and, when the job
finished, the run files and ``complete.json`` (``sim.runs.sweep_jobs``). ``comparison_table``
makes one row per complete job × KPI: the job's swept values as columns (one column
per key overridden in any job, holding the value that job ran with), the KPI's mean,
standard deviation, 95% interval, relative half-width and n, and its difference from
the job's baseline with a paired 95% interval (``sim.analysis.compare``).

Only the jobs of the sweep that ran last in the directory are gathered (``find_jobs``;
folders an earlier, different sweep left there are named by ``earlier_jobs``).

A job's baseline is chosen by ``compare.baseline`` (default ``intervention=none``):
the job whose values of those keys are as given and whose other swept values equal
the job's own. Jobs with the same seed are compared replication by replication.
"""

from __future__ import annotations

import fnmatch
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import DictConfig, OmegaConf

from sim.analysis import compare, stats
from sim.runs.run_files import ERROR, MARKER
from sim.runs.sweep_jobs import JOB_SWEEP_ID, current_sweep_id

COMPLETE, FAILED, INCOMPLETE = "complete", "failed", "incomplete"
STAT_COLUMNS = ["mean", "sd", "ci_low", "ci_high", "half_width", "rel_half_width", "n"]
DIFFERENCE_COLUMNS = [
    "baseline_job",
    "baseline_mean",
    "difference",
    "difference_ci_low",
    "difference_ci_high",
    "relative_difference",
    "significant",
    "paired",
]


@dataclass
class Job:
    """One job directory of a sweep."""

    name: str
    directory: Path
    status: str
    overrides: list[str]
    config: DictConfig  # the composed config the job ran (or tried to)
    choices: dict  # config-group choices (hospital, intervention, ...)
    finished_unix: float = 0.0
    error_line: str = ""
    values: dict = field(default_factory=dict)  # swept key -> value this job ran with

    def kpis(self) -> pd.DataFrame:
        return pd.read_csv(self.directory / "kpis.csv")

    def value(self, key: str):
        """The value this job ran with for ``key`` (a config path or a config group)."""
        overridden = _override_values(self.overrides)
        if key in overridden:
            return overridden[key]
        if key in self.choices:
            return self.choices[key]
        return OmegaConf.select(self.config, key, default=None)


def _override_values(overrides: list[str]) -> dict:
    parsed = OverridesParser.create().parse_overrides(overrides)
    return {o.key_or_group: o.value() for o in parsed if not o.is_delete()}


def _job(directory: Path) -> Job:
    hydra_dir = directory / ".hydra"
    overrides = list(OmegaConf.load(hydra_dir / "overrides.yaml"))
    config = OmegaConf.load(hydra_dir / "config.yaml")
    hydra_yaml = hydra_dir / "hydra.yaml"
    choices = {}
    if hydra_yaml.is_file():
        choices = dict(OmegaConf.select(OmegaConf.load(hydra_yaml), "hydra.runtime.choices", default={}) or {})
    status, finished, error = INCOMPLETE, 0.0, ""
    if (directory / MARKER).is_file():
        status = COMPLETE
        finished = float(json.loads((directory / MARKER).read_text()).get("finished_unix", 0.0))
    elif (directory / ERROR).is_file():
        status = FAILED
        lines = (directory / ERROR).read_text().strip().splitlines()
        error = lines[-1] if lines else "unknown error"
    return Job(directory.name, directory, status, overrides, config, choices, finished, error)


def _job_dirs(sweep_dir: Path) -> list[Path]:
    """Every job directory under ``sweep_dir`` (those with a ``.hydra/``), in job order."""
    dirs = [d for d in sweep_dir.iterdir() if (d / ".hydra" / "overrides.yaml").is_file()] if sweep_dir.is_dir() else []
    return sorted(dirs, key=lambda d: (not d.name.isdigit(), int(d.name) if d.name.isdigit() else 0, d.name))


def _of_this_sweep(job_dir: Path, identifier: str | None) -> bool:
    """Whether a job folder was run by the sweep that ran last (``sweep.json``); every
    folder is, in sweep directories from before sweeps recorded themselves."""
    if identifier is None:
        return True
    try:
        return (job_dir / JOB_SWEEP_ID).read_text().strip() == identifier
    except OSError:
        return False


def find_jobs(sweep_dir: str | Path) -> list[Job]:
    """The jobs of the sweep that ran last in ``sweep_dir``, in job order: folders left
    by an earlier, different sweep in the same directory are not among them
    (``earlier_jobs``; ``sim.runs.sweep_jobs``)."""
    sweep_dir = Path(sweep_dir)
    identifier = current_sweep_id(sweep_dir)
    jobs = [_job(d) for d in _job_dirs(sweep_dir) if _of_this_sweep(d, identifier)]
    keys = swept_keys(jobs)
    for job in jobs:
        job.values = {key: job.value(key) for key in keys}
    return jobs


def earlier_jobs(sweep_dir: str | Path) -> list[str]:
    """Names of the job folders in ``sweep_dir`` that an earlier, different sweep left."""
    sweep_dir = Path(sweep_dir)
    identifier = current_sweep_id(sweep_dir)
    return [d.name for d in _job_dirs(sweep_dir) if not _of_this_sweep(d, identifier)]


def swept_keys(jobs: list[Job]) -> list[str]:
    """Keys overridden in any job, in order of first appearance."""
    keys: dict[str, None] = {}
    for job in jobs:
        keys.update(dict.fromkeys(_override_values(job.overrides)))
    return list(keys)


def varying_keys(jobs: list[Job]) -> list[str]:
    """Swept keys whose value differs between jobs: what tells the jobs apart."""
    return [key for key in swept_keys(jobs) if len({canonical(job.values[key]) for job in jobs}) > 1]


def canonical(value) -> str:
    """A value as text, so that 3, 3.0 and '3' compare equal and lists read well."""
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    if isinstance(value, int | float):
        return repr(float(value))
    if isinstance(value, list | tuple) or OmegaConf.is_list(value):
        return "[" + ", ".join(canonical(v) for v in value) + "]"
    try:
        return repr(float(value))
    except (TypeError, ValueError):
        return str(value)


def label(job: Job, keys: list[str]) -> str:
    """A short name for a job: its values of the keys that vary, or its number."""
    if not keys:
        return f"job {job.name}"
    return ", ".join(f"{key.split('.')[-1]}={_display(job.values[key])}" for key in keys)


def _display(value) -> str:
    if isinstance(value, list | tuple) or OmegaConf.is_list(value):
        return "+".join(str(v) for v in value)
    return str(value)


def baseline_of(job: Job, jobs: list[Job], spec: list[str]) -> Job | None:
    """The complete job that is ``job``'s comparator under ``spec`` (``key=value``
    strings), or None."""
    wanted = {key: canonical(value) for key, value in _override_values(list(spec)).items()}
    keys = set(swept_keys(jobs)) | set(wanted)
    target = {key: wanted.get(key, canonical(job.value(key))) for key in keys}
    for candidate in jobs:
        if candidate.status == COMPLETE and all(canonical(candidate.value(k)) == v for k, v in target.items()):
            return candidate
    return None


def effective_baseline(jobs: list[Job], baseline: list[str] | None = None) -> list[str]:
    """The baseline spec to use: ``baseline`` or else the jobs' ``compare.baseline``;
    when none of its keys is swept (a parameter sweep without interventions), the first
    job's value of the first swept key, so that each value is compared with the first.
    An empty spec (``--baseline none``, ``compare.baseline=[]``) stays empty: no comparison."""
    complete = [job for job in jobs if job.status == COMPLETE]
    spec = list(baseline) if baseline is not None else baseline_spec(complete[0]) if complete else []
    varying = varying_keys(complete)
    if not spec or not varying or set(_override_values(spec)) & set(varying):
        return spec
    key = varying[0]
    return [f"{key}={_override_text(complete[0].values[key])}"]


def baseline_problem(jobs: list[Job], spec: list[str]) -> str | None:
    """Why ``spec`` (``key=value`` strings) cannot be the baseline — it is not of that
    form, or no complete job has those values — with the values the jobs have; None
    when some complete job matches (an empty spec asks for no comparison)."""
    complete = [job for job in jobs if job.status == COMPLETE]
    if not spec or not complete:
        return None
    choices = ", ".join(
        f"{key}={_override_text(value)}"
        for key in varying_keys(complete) or swept_keys(complete)
        for value in dict.fromkeys(_override_text(job.values[key]) for job in complete)
    )
    choices = f"choose from {choices or 'the values of the swept keys'}, or none (no comparison)"
    try:
        wanted = {key: canonical(value) for key, value in _override_values(list(spec)).items()}
    except Exception:  # Hydra's override parser: not key=value
        return f"baseline {' '.join(spec)}: not of the form KEY=VALUE; {choices}"
    if any(all(canonical(job.value(key)) == value for key, value in wanted.items()) for job in complete):
        return None
    return f"baseline {' '.join(spec)} matches no complete job; {choices}"


def select_kpis(patterns: list[str], available: list[str]) -> list[str]:
    """The KPIs of ``available`` that ``patterns`` (names or shell-style patterns) name,
    in the patterns' order; a ValueError listing the KPIs if a pattern names none."""
    unknown = [p for p in patterns if not any(fnmatch.fnmatchcase(k, p) for k in available)]
    if unknown:
        raise ValueError(f"KPI {', '.join(unknown)}: not among the sweep's KPIs, which are: {', '.join(available)}")
    chosen: list[str] = []
    for pattern in patterns:
        chosen += [k for k in available if fnmatch.fnmatchcase(k, pattern) and k not in chosen]
    return chosen


def _override_text(value) -> str:
    if isinstance(value, list | tuple) or OmegaConf.is_list(value):
        return "[" + ",".join(_override_text(v) for v in value) + "]"
    return str(value)


def comparison_table(jobs: list[Job], baseline: list[str] | None = None) -> pd.DataFrame:
    """One row per complete job × KPI (see the module docstring)."""
    complete = [job for job in jobs if job.status == COMPLETE]
    if not complete:
        return pd.DataFrame()
    spec = effective_baseline(jobs, baseline)
    keys = swept_keys(jobs)
    kpis = {job.name: job.kpis() for job in complete}
    frames = []
    for job in complete:
        summary = stats.summarise(kpis[job.name])[STAT_COLUMNS].rename_axis("kpi").reset_index()
        base = baseline_of(job, jobs, spec) if spec else None
        if base is not None and base is not job:
            paired = _seed(base) == _seed(job)
            diff = compare.differences(kpis[base.name], kpis[job.name], paired=paired)
            summary = summary.merge(diff[["kpi", *DIFFERENCE_COLUMNS[1:]]], on="kpi", how="left")
            summary["baseline_job"] = base.name
        else:
            for column in DIFFERENCE_COLUMNS:
                summary[column] = math.nan
            summary["baseline_job"] = base.name if base is not None else None
        summary.insert(0, "job", job.name)
        for position, key in enumerate(keys, start=1):
            summary.insert(position, key, _display(job.values[key]))
        frames.append(summary)
    table = pd.concat(frames, ignore_index=True)
    for key in keys:  # numbers stay numbers so that a swept parameter can be an axis
        numeric = pd.to_numeric(table[key], errors="coerce")
        if numeric.notna().all():
            table[key] = numeric
    table["significant"] = table["significant"].astype("boolean")
    table["paired"] = table["paired"].astype("boolean")
    return table[["job", *keys, "kpi", *STAT_COLUMNS, *DIFFERENCE_COLUMNS]]


def baseline_spec(job: Job) -> list[str]:
    """``compare.baseline`` as the job ran it (the default when the job's config has none)."""
    spec = OmegaConf.select(job.config, "compare.baseline", default=None)
    return list(spec) if spec is not None else ["intervention=none"]


def _seed(job: Job):
    return OmegaConf.select(job.config, "run.seed", default=None)


def headline_kpis(job: Job, available: list[str]) -> list[str]:
    """``compare.headline_kpis`` (names or patterns) that this sweep has, in order."""
    patterns = OmegaConf.select(job.config, "compare.headline_kpis", default=None)
    patterns = list(patterns) if patterns is not None else ["wait_consultation_mean_min"]
    chosen: list[str] = []
    for pattern in patterns:
        chosen += [k for k in available if fnmatch.fnmatchcase(k, pattern) and k not in chosen]
    return chosen
