"""The patient_loyalty study's analysis: retention, volume in year two and segment
shifts of each scenario against baseline, paired by replication (and by patient for
the segments), with 95% intervals; a figure and a table.

    python experiments/patient_loyalty/analyse.py results/studies/patient_loyalty [--write experiments/patient_loyalty]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.analysis import crm, stats  # noqa: E402

SCENARIOS = {
    "none": "baseline",
    "online_appointments": "online appointments",
    "communication_training": "communication training",
    "complaint_follow_up": "complaint follow-up",
}
YEAR = 365


def load(out: Path, scenario: str) -> dict:
    run = out / scenario
    days = pd.read_parquet(run / "patient_days.parquet")
    days["visits"] = days.filter(like="visits_").sum(axis=1)
    return {
        "kpis": pd.read_csv(run / "kpis.csv").set_index("replication"),
        "days": days,
        "patients": pd.read_parquet(run / "patients.parquet"),
    }


def per_replication(run: dict) -> pd.DataFrame:
    """The study's measures, one row per replication."""
    days = run["days"]
    second = days[days["day"] >= YEAR].groupby("replication")
    first = days[days["day"] < YEAR].groupby("replication")
    patients = run["patients"]
    seen_first = patients[(patients["first_visit_day"] >= 0) & (patients["first_visit_day"] < YEAR)]
    kept = seen_first["last_visit_day"] >= YEAR
    return pd.DataFrame(
        {
            "retention": run["kpis"]["patient_retention_share"],
            "visits_per_day_year_2": second["visits"].mean(),
            "visits_per_day_year_1": first["visits"].mean(),
            "patients_lost_year_2": second["lost"].sum(),
            "year_1_patients_seen_in_year_2": kept.groupby(seen_first["replication"]).mean(),
            "wait_doctor_mean_min": run["kpis"]["wait_doctor_mean_min"],
            "complaints_per_1000_visits": run["kpis"]["complaints_per_1000_visits"],
        }
    )


def paired(base: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    rows = {}
    for measure in base.columns:
        difference = (other[measure] - base[measure]).to_numpy(dtype=float)
        interval = stats.t_interval(difference)
        rows[measure] = {
            "baseline": base[measure].mean(),
            "scenario": other[measure].mean(),
            "difference": interval["mean"],
            "ci_low": interval["ci_low"],
            "ci_high": interval["ci_high"],
        }
    return pd.DataFrame(rows).T


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--write", type=Path, help="where to copy the figure and tables (the study folder)")
    args = parser.parse_args()
    runs = {name: load(args.out, name) for name in SCENARIOS}
    measures = {name: per_replication(run) for name, run in runs.items()}
    base = runs["none"]
    table = crm.rfm_table(base["patients"], 2 * YEAR)
    model = crm.segment(table, "drfm", seed=0)
    profile = crm.profiles(table, model.labels, model.names)
    rows, shifts = [], {}
    for name in list(SCENARIOS)[1:]:
        differences = paired(measures["none"], measures[name])
        rows.append(differences.assign(scenario=SCENARIOS[name]).reset_index(names="measure"))
        shifts[name], _ = crm.compare(base["patients"], runs[name]["patients"], 2 * YEAR, model)
    results = pd.concat(rows)[["scenario", "measure", "baseline", "scenario", "difference", "ci_low", "ci_high"]]
    results.columns = ["scenario", "measure", "baseline", "with_intervention", "difference", "ci_low", "ci_high"]
    segment_shifts = pd.concat({SCENARIOS[n]: s for n, s in shifts.items()}, names=["scenario", "segment"])
    pd.set_option("display.width", 200)
    print(f"dRFM segments of the baseline (k = {model.k}, CART accuracy {model.tree_accuracy:.1%}):")
    print(profile.round(3).to_string(), "\n")
    print(results.round(4).to_string(index=False), "\n")
    print(segment_shifts.round(4).to_string())
    figure(runs, results, segment_shifts, args.out / "patient_loyalty.png")
    if args.write:
        args.write.mkdir(parents=True, exist_ok=True)
        results.to_csv(args.write / "differences.csv", index=False)
        segment_shifts.to_csv(args.write / "segment_shifts.csv")
        profile.to_csv(args.write / "segments_baseline.csv")
        (args.write / "patient_loyalty.png").write_bytes((args.out / "patient_loyalty.png").read_bytes())


def figure(runs: dict, results: pd.DataFrame, shifts: pd.DataFrame, path: Path) -> None:
    fig, (volume, effects, segments) = plt.subplots(1, 3, figsize=(16, 4.6))
    for name, run in runs.items():
        per_day = run["days"].groupby("day")["visits"].mean()
        monthly = per_day.groupby(per_day.index // 30).mean()
        volume.plot(monthly.index * 30 / 30.4, monthly.to_numpy(), label=SCENARIOS[name])
    volume.set_xlabel("month of the run")
    volume.set_ylabel("visits per day (mean of replications)")
    volume.set_title("Volume over two years")
    volume.legend(fontsize=8)
    chosen = results[results["measure"].isin(["visits_per_day_year_2"])]
    y = np.arange(len(chosen))
    effects.errorbar(
        chosen["difference"],
        y,
        xerr=[chosen["difference"] - chosen["ci_low"], chosen["ci_high"] - chosen["difference"]],
        fmt="o",
        capsize=4,
    )
    effects.axvline(0, color="grey", lw=0.8)
    effects.set_yticks(y, chosen["scenario"])
    effects.invert_yaxis()
    effects.set_xlabel("visits per day in year two: scenario - baseline (paired 95% interval)")
    effects.set_title("Volume in year two")
    labels, values, low, high = [], [], [], []
    for (scenario, segment), row in shifts.iterrows():
        labels.append(f"{scenario}: {segment}")
        values.append(row["difference"] * 100)
        low.append((row["difference"] - row["ci_low"]) * 100)
        high.append((row["ci_high"] - row["difference"]) * 100)
    y = np.arange(len(labels))
    segments.errorbar(values, y, xerr=[np.nan_to_num(low), np.nan_to_num(high)], fmt="o", capsize=3)
    segments.axvline(0, color="grey", lw=0.8)
    segments.set_yticks(y, labels, fontsize=7)
    segments.invert_yaxis()
    segments.set_xlabel("patients lost: scenario - baseline (percentage points)")
    segments.set_title("Baseline dRFM segments kept or lost")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
