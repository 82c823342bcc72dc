"""CRM segments of a run's patients: ``python -m sim.crm <run dir> [--baseline <run dir> [--cutoff-day N]]``.

Reads ``patients.parquet`` (a run with ``hospital.population.enabled=true``), computes
each patient's recency, frequency, monetary value and drug share at the end of the
horizon, segments them with k-means on RFM and on RFM + d (k by silhouette), checks the
segments with a CART tree, and writes into ``<run dir>/crm/`` (or ``--out``):
``rfm.parquet`` (per patient, with both segmentations), ``profiles_rfm.csv``,
``profiles_drfm.csv``, ``segmentation.json`` (k, silhouettes, tree accuracy),
``tree_drfm.txt`` and ``crm.png``.

With ``--baseline`` (a run of the same seed and replications, both with
``output.save_visits=true``), patients are segmented at a cut-off day (default: the
middle of the horizon) on each run's visits before it, by segments fitted on the
baseline's, and the patients in the same segment in both runs are compared on their
losses after it (``sim.analysis.crm.compare``: unbiased under a placebo). Then the
tables and profiles describe the baseline at the cut-off, and ``comparison.csv`` (who
the run keeps or loses, by segment, with paired 95% intervals) and ``transitions.csv``
(each patient's state at the cut-off in baseline x in the run) are added. The same from
Python: ``sim.crm.analyse``.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import yaml

from sim.analysis import crm


@dataclass
class CrmReport:
    rfm: pd.DataFrame  # per patient: R, F, M, d, complaints, lost, segments
    segmentations: dict[str, crm.Segmentation]  # "rfm", "drfm"
    profiles: dict[str, pd.DataFrame]
    comparison: pd.DataFrame | None = None
    transitions: pd.DataFrame | None = None
    cutoff_day: int | None = None  # with a baseline: the day segments are taken at


class NoPatients(ValueError):
    """A run without patients.parquet."""


class NoVisits(ValueError):
    """A run without visits.parquet (``output.save_visits=false``)."""


VISIT_COLUMNS = ["replication", "visit_id", "patient_id", "day", "outcome", "charge_total", "charge_drugs"]


def _load(run) -> tuple[pd.DataFrame, int]:
    """(patients, horizon in days) of a Result or a run directory."""
    if hasattr(run, "patients"):
        return run.patients, run.config.run.days
    directory = Path(run)
    path = directory / "patients.parquet"
    if not path.exists():
        raise NoPatients(
            f"{directory}: no patients.parquet — run with hospital.population.enabled=true "
            "(and hospital.charges.enabled=true for the money)"
        )
    days = yaml.safe_load((directory / "config.yaml").read_text())["run"]["days"]
    return pd.read_parquet(path), int(days)


def _load_visits(run, cutoff_day: int) -> pd.DataFrame:
    """The visits before ``cutoff_day`` of a Result or a run directory (the columns the
    segments need; zero charges when ``hospital.charges`` was off)."""
    in_memory = hasattr(run, "visits")
    if in_memory and not run.visits.empty:
        visits = run.visits[[c for c in VISIT_COLUMNS if c in run.visits.columns]]
        visits = visits[visits["day"] < cutoff_day]
    else:
        directory = Path(run.streamed_to) if in_memory and run.streamed_to else None if in_memory else Path(run)
        if directory is None or not (directory / "visits.parquet").exists():
            raise NoVisits(
                f"{directory or 'the run'}: no visits.parquet — comparing with a baseline segments patients "
                "on their visits before the cut-off day: run both with output.save_visits=true"
            )
        path = directory / "visits.parquet"
        names = pq.ParquetDataset(path).schema.names
        columns = [c for c in VISIT_COLUMNS if c in names]
        visits = pd.read_parquet(path, columns=columns, filters=[("day", "<", cutoff_day)])
    for money in ("charge_total", "charge_drugs"):
        if money not in visits.columns:
            visits = visits.assign(**{money: 0.0})
    return visits


def _load_complaints(run) -> pd.DataFrame | None:
    if hasattr(run, "complaints"):
        return run.complaints if not run.complaints.empty else None
    path = Path(run) / "complaints.parquet"
    return pd.read_parquet(path, columns=["replication", "visit_id", "visit_day"]) if path.exists() else None


def at_cutoff(run, cutoff_day: int, patients: pd.DataFrame | None = None) -> pd.DataFrame:
    """``sim.analysis.crm.rfm_at_cutoff`` of a Result or a run directory (``patients``:
    its patients.parquet if already read)."""
    if patients is None:
        patients, _ = _load(run)
    return crm.rfm_at_cutoff(_load_visits(run, cutoff_day), patients, cutoff_day, _load_complaints(run))


def analyse(run, baseline=None, seed: int = 0, cutoff_day: int | None = None) -> CrmReport:
    """Segments of ``run`` (a ``sim.Result`` or a run directory) at the end of its
    horizon; with ``baseline``, segments at ``cutoff_day`` (default the middle of the
    baseline's horizon) fitted on the baseline's patients kept to it, and the
    comparison with the baseline patient by patient (``sim.analysis.crm.compare``)."""
    patients, days = _load(run)
    if baseline is None:
        if cutoff_day is not None:
            raise crm.CutoffError("a cut-off day is for comparing with a baseline: give the baseline too")
        table = crm.rfm_table(patients, days)
        fitted_on = table
    else:
        _, baseline_days = _load(baseline)
        cutoff_day = baseline_days // 2 if cutoff_day is None else cutoff_day
        crm.check_cutoff(cutoff_day, min(days, baseline_days))
        table = at_cutoff(baseline, cutoff_day)
        fitted_on = table[~table["lost_before"]].reset_index(drop=True)
    if fitted_on.empty:
        raise NoPatients("no patient made a visit: nothing to segment")
    segmentations = {name: crm.segment(fitted_on, name, seed=seed) for name in crm.FEATURE_SETS}
    for name, model in segmentations.items():
        fitted_on[f"segment_{name}"] = [model.names[s] for s in model.labels]
    profiles = {name: crm.profiles(fitted_on, m.labels, m.names) for name, m in segmentations.items()}
    report = CrmReport(fitted_on, segmentations, profiles, cutoff_day=cutoff_day)
    if baseline is not None:
        scenario = at_cutoff(run, cutoff_day)
        report.comparison, report.transitions = crm.compare(table, scenario, segmentations["drfm"])
    return report


def write(report: CrmReport, out: Path) -> None:
    from sim.reporting.crm_figures import crm_figure

    out.mkdir(parents=True, exist_ok=True)
    report.rfm.to_parquet(out / "rfm.parquet", index=False)
    summary = {}
    for name, model in report.segmentations.items():
        report.profiles[name].to_csv(out / f"profiles_{name}.csv")
        summary[name] = {
            "features": list(model.features),
            "k": model.k,
            "silhouette": {str(k): v for k, v in model.silhouette.items()},
            "tree_accuracy": model.tree_accuracy,
        }
    (out / "segmentation.json").write_text(json.dumps(summary, indent=2) + "\n")
    (out / "tree_drfm.txt").write_text(report.segmentations["drfm"].tree_rules)
    if report.comparison is not None:
        report.comparison.to_csv(out / "comparison.csv")
        report.transitions.to_csv(out / "transitions.csv")
    model = report.segmentations["drfm"]
    crm_figure(report.rfm, model.labels, model, report.comparison, out / "crm.png")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.crm", description=__doc__.splitlines()[0])
    parser.add_argument("run", help="a run directory with patients.parquet")
    parser.add_argument(
        "--baseline",
        help="a baseline run directory (same seed and replications, both run with output.save_visits=true): "
        "segments at the cut-off day on each run's visits before it, losses after it, compared over "
        "the patients in the same segment in both runs",
    )
    parser.add_argument(
        "--cutoff-day",
        type=int,
        help="with --baseline: the day segments are taken at (visits before it) and losses counted from "
        "(1 to the horizon's days - 1; default the middle of the horizon, 365 for two years)",
    )
    parser.add_argument("--out", help="where to write (default: <run>/crm)")
    parser.add_argument("--seed", type=int, default=0, help="seed of k-means and the tree (default 0)")
    args = parser.parse_args(argv)
    try:
        report = analyse(args.run, args.baseline, args.seed, args.cutoff_day)
    except (NoPatients, NoVisits, crm.CutoffError, FileNotFoundError) as error:
        print(f"sim.crm: {error}", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else Path(args.run) / "crm"
    write(report, out)
    for name, profile in report.profiles.items():
        model = report.segmentations[name]
        print(
            f"{name.upper()}: k = {model.k} (silhouette {model.silhouette[model.k]:.3f}), "
            f"CART tree accuracy {model.tree_accuracy:.1%}"
        )
        print(profile.round(3).to_string(), end="\n\n")
    if report.comparison is not None:
        print(
            f"Against the baseline: patients lost from day {report.cutoff_day}, among those in the same "
            "dRFM segment at it in both runs (paired by patient):"
        )
        print(report.comparison.round(4).to_string())
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
