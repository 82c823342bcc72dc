"""CRM segments of a run's patients: ``python -m sim.crm <run dir> [--baseline <run dir>]``.

Reads ``patients.parquet`` (a run with ``hospital.population.enabled=true``), computes
each patient's recency, frequency, monetary value and drug share at the end of the
horizon, segments them with k-means on RFM and on RFM + d (k by silhouette), checks the
segments with a CART tree, and writes into ``<run dir>/crm/`` (or ``--out``):
``rfm.parquet`` (per patient, with both segmentations), ``profiles_rfm.csv``,
``profiles_drfm.csv``, ``segmentation.json`` (k, silhouettes, tree accuracy),
``tree_drfm.txt`` and ``crm.png``. With ``--baseline`` (a run of the same seed and
replications), the patients are paired with the baseline's and segmented by the
baseline's segments: ``comparison.csv`` (who the run keeps or loses, by segment, with
paired 95% intervals) and ``transitions.csv``. The same from Python: ``sim.crm.analyse``.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from sim.analysis import crm


@dataclass
class CrmReport:
    rfm: pd.DataFrame  # per patient: R, F, M, d, complaints, lost, segments
    segmentations: dict[str, crm.Segmentation]  # "rfm", "drfm"
    profiles: dict[str, pd.DataFrame]
    comparison: pd.DataFrame | None = None
    transitions: pd.DataFrame | None = None


class NoPatients(ValueError):
    """A run without patients.parquet."""


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


def analyse(run, baseline=None, seed: int = 0) -> CrmReport:
    """Segments of ``run`` (a ``sim.Result`` or a run directory); with ``baseline``,
    segmented by the baseline's segments and compared with it patient by patient."""
    patients, days = _load(run)
    if baseline is None:
        reference, reference_days = patients, days
    else:
        reference, reference_days = _load(baseline)
    table = crm.rfm_table(reference, reference_days)
    if table.empty:
        raise NoPatients("no patient made a visit: nothing to segment")
    segmentations = {name: crm.segment(table, name, seed=seed) for name in crm.FEATURE_SETS}
    for name, model in segmentations.items():
        table[f"segment_{name}"] = [model.names[s] for s in model.labels]
    profiles = {name: crm.profiles(table, m.labels, m.names) for name, m in segmentations.items()}
    report = CrmReport(table, segmentations, profiles)
    if baseline is not None:
        report.comparison, report.transitions = crm.compare(reference, patients, days, segmentations["drfm"])
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
    parser.add_argument("--baseline", help="a baseline run directory (same seed and replications) to compare with")
    parser.add_argument("--out", help="where to write (default: <run>/crm)")
    parser.add_argument("--seed", type=int, default=0, help="seed of k-means and the tree (default 0)")
    args = parser.parse_args(argv)
    try:
        report = analyse(args.run, args.baseline, args.seed)
    except (NoPatients, FileNotFoundError) as error:
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
        print("Against the baseline (dRFM segments of the baseline, paired by patient):")
        print(report.comparison.round(4).to_string())
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
