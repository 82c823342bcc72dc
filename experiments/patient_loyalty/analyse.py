"""The patient_loyalty study's analysis: retention, volume in year two and segment
shifts of each scenario against baseline, paired by replication (and by patient for
the segments), with 95% intervals; a figure and a table.

    python experiments/patient_loyalty/analyse.py results/studies/patient_loyalty [--write experiments/patient_loyalty] [--cutoff-day 365]

"Year two" is the second half of the horizon (days 365 to 729 of the study's two
years). Segment shifts (``sim.analysis.crm.compare``): each run's patients are put in
the baseline's dRFM segments on their own visits before the cut-off day (default the
middle of the horizon), and the patients in the same segment in both runs are compared
on whether they were lost after it; patients in different segments, or lost before
it, are counted in ``transitions.csv``. This needs the runs' visits
(``output.save_visits=true``). The older reading, baseline segments from the
baseline's end-of-run values, showed shifts for a near-placebo (the complaint
follow-up) because it picked patients on the baseline's own outcome.

Scenarios are compared on the replications they share with the baseline (a scenario
may have run fewer). Three kinds of paired 95% interval, each where it can be had:
over replications (``ci_low``/``ci_high``: t-interval of the per-replication
differences, needs two or more); within the run (``batch_ci_low``/``batch_ci_high``:
year two cut into 12 blocks of about a month, the block differences pooled over
replications, t-interval; blocks are treated as independent, which lost patients'
lasting absence makes optimistic); and, for the segments, by patient
(``patient_ci_low``/``patient_ci_high``: the paired lost-or-not indicator of the same
patients, normal interval; patients are treated as independent although they share
queues).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402

from sim import crm as crm_runs  # noqa: E402
from sim.analysis import crm, stats  # noqa: E402

SCENARIOS = {
    "none": "baseline",
    "online_appointments": "online appointments",
    "communication_training": "communication training",
    "complaint_follow_up": "complaint follow-up",
}
BLOCKS = 12  # year two cut into blocks of about a month for the within-run intervals
# what the measures and the segment comparison read (4 replications of 1.4 million
# patients in each of 4 scenarios: the whole table would take gigabytes)
PATIENT_COLUMNS = ["replication", "patient_id", "first_visit_day", "last_visit_day", "lost_day"]


def load(out: Path, scenario: str) -> dict:
    run = out / scenario
    days = pd.read_parquet(run / "patient_days.parquet")
    days["visits"] = days.filter(like="visits_").sum(axis=1)
    return {
        "kpis": pd.read_csv(run / "kpis.csv").set_index("replication"),
        "days": days,
        "patients": pd.read_parquet(run / "patients.parquet", columns=PATIENT_COLUMNS),
        "horizon_days": int(yaml.safe_load((run / "config.yaml").read_text())["run"]["days"]),
    }


def per_replication(run: dict, year: int) -> pd.DataFrame:
    """The study's measures, one row per replication (year two: from day ``year``)."""
    days = run["days"]
    second = days[days["day"] >= year].groupby("replication")
    first = days[days["day"] < year].groupby("replication")
    patients = run["patients"]
    seen_first = patients[(patients["first_visit_day"] >= 0) & (patients["first_visit_day"] < year)]
    kept = seen_first["last_visit_day"] >= year
    return pd.DataFrame(
        {
            "retention": run["kpis"]["patient_retention_share"],
            "retention_year_2": second["returned"].sum() / second["decisions"].sum(),
            "visits_per_day_year_2": second["visits"].mean(),
            "visits_per_day_year_1": first["visits"].mean(),
            "patients_lost_year_2": second["lost"].sum(),
            "year_1_patients_seen_in_year_2": kept.groupby(seen_first["replication"]).mean(),
            "wait_doctor_mean_min": run["kpis"]["wait_doctor_mean_min"],
            "complaints_per_1000_visits": run["kpis"]["complaints_per_1000_visits"],
        }
    )


def year_two_blocks(days: pd.DataFrame, year: int) -> pd.DataFrame:
    """Visits per day and retention in each of BLOCKS blocks of year two, per replication."""
    second = days[days["day"] >= year].copy()
    span = second["day"].max() - year + 1
    second["block"] = ((second["day"] - year) * BLOCKS // span).astype(int)
    grouped = second.groupby(["replication", "block"])
    sums = grouped[["returned", "decisions"]].sum()
    return pd.DataFrame(
        {
            "visits_per_day_year_2": grouped["visits"].mean(),
            "retention_year_2": sums["returned"] / sums["decisions"],
        }
    )


def paired(base: pd.DataFrame, other: pd.DataFrame, base_blocks: pd.DataFrame, blocks: pd.DataFrame) -> pd.DataFrame:
    """scenario - baseline on the replications both have, with the intervals above."""
    shared = base.index.intersection(other.index)
    base, other = base.loc[shared], other.loc[shared]
    rows = {}
    for measure in base.columns:
        difference = (other[measure] - base[measure]).to_numpy(dtype=float)
        interval = stats.t_interval(difference)
        row = {
            "baseline": base[measure].mean(),
            "scenario": other[measure].mean(),
            "difference": interval["mean"],
            "ci_low": interval["ci_low"],
            "ci_high": interval["ci_high"],
            "replications": len(shared),
            "batch_ci_low": np.nan,
            "batch_ci_high": np.nan,
        }
        if measure in blocks.columns:
            by_block = (blocks[measure] - base_blocks[measure]).loc[list(shared)]
            batch = stats.t_interval(by_block.to_numpy(dtype=float))
            row["batch_ci_low"], row["batch_ci_high"] = batch["ci_low"], batch["ci_high"]
        rows[measure] = row
    return pd.DataFrame(rows).T


def segment_shifts(out: Path, runs: dict, cutoff_day: int):
    """The baseline's dRFM segments at the cut-off (fitted on its patients kept to it),
    their profile, and each scenario's comparison with baseline on the replications
    both have (``sim.analysis.crm.compare``)."""
    base = crm_runs.at_cutoff(out / "none", cutoff_day, runs["none"]["patients"])
    kept = base[~base["lost_before"]].reset_index(drop=True)
    model = crm.segment(kept, "drfm", seed=0)
    profile = crm.profiles(kept, model.labels, model.names)
    shifts, transitions = {}, {}
    for name in list(SCENARIOS)[1:]:
        other = crm_runs.at_cutoff(out / name, cutoff_day, runs[name]["patients"])
        shared = base["replication"].isin(other["replication"].unique())
        shifts[name], transitions[name] = crm.compare(base[shared], other, model)
    return model, profile, shifts, transitions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--write", type=Path, help="where to copy the figure and tables (the study folder)")
    parser.add_argument(
        "--cutoff-day",
        type=int,
        help="segments on the visits before this day, losses from it (default the middle of the horizon: 365)",
    )
    args = parser.parse_args()
    runs = {name: load(args.out, name) for name in SCENARIOS}
    horizon = runs["none"]["horizon_days"]
    year = horizon // 2
    cutoff_day = year if args.cutoff_day is None else args.cutoff_day
    try:
        crm.check_cutoff(cutoff_day, min(run["horizon_days"] for run in runs.values()))
        model, profile, shifts, transitions = segment_shifts(args.out, runs, cutoff_day)
    except (crm.CutoffError, crm_runs.NoVisits) as error:
        print(f"analyse.py: {error}", file=sys.stderr)
        sys.exit(2)
    measures = {name: per_replication(run, year) for name, run in runs.items()}
    blocks = {name: year_two_blocks(run["days"], year) for name, run in runs.items()}
    rows = []
    for name in list(SCENARIOS)[1:]:
        differences = paired(measures["none"], measures[name], blocks["none"], blocks[name])
        rows.append(differences.assign(scenario=SCENARIOS[name]).reset_index(names="measure"))
    columns = ["difference", "ci_low", "ci_high", "replications", "batch_ci_low", "batch_ci_high"]
    results = pd.concat(rows)[["scenario", "measure", "baseline", "scenario", *columns]]
    results.columns = ["scenario", "measure", "baseline", "with_intervention", *columns]
    segment_table = pd.concat({SCENARIOS[n]: s for n, s in shifts.items()}, names=["scenario", "segment"])
    transition_table = pd.concat({SCENARIOS[n]: t for n, t in transitions.items()}, names=["scenario"])
    pd.set_option("display.width", 200)
    print(
        f"dRFM segments of the baseline at day {cutoff_day} (k = {model.k}, CART accuracy {model.tree_accuracy:.1%}):"
    )
    print(profile.round(3).to_string(), "\n")
    print(results.round(4).to_string(index=False), "\n")
    print(f"Patients lost from day {cutoff_day}, among those in the same segment at it in both runs:")
    print(segment_table.round(4).to_string(), "\n")
    print(f"Each patient's state at day {cutoff_day}, baseline (rows) x scenario (columns):")
    print(transition_table.to_string(), "\n")
    by_replication = pd.concat({SCENARIOS[n]: m for n, m in measures.items()}, names=["scenario", "replication"])
    print("Each replication's measures (the spread one replication shows):")
    print(by_replication.round(4).to_string())
    figure(runs, results, segment_table, cutoff_day, args.out / "patient_loyalty.png")
    if args.write:
        args.write.mkdir(parents=True, exist_ok=True)
        results.to_csv(args.write / "differences.csv", index=False)
        segment_table.to_csv(args.write / "segment_shifts.csv")
        transition_table.to_csv(args.write / "segment_transitions.csv")
        profile.to_csv(args.write / "segments_baseline.csv")
        by_replication.to_csv(args.write / "by_replication.csv")
        (args.write / "patient_loyalty.png").write_bytes((args.out / "patient_loyalty.png").read_bytes())


def figure(runs: dict, results: pd.DataFrame, shifts: pd.DataFrame, cutoff_day: int, path: Path) -> None:
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
    over_replications = bool(chosen["ci_low"].notna().all())  # else only the within-run intervals exist
    low, high = ("ci_low", "ci_high") if over_replications else ("batch_ci_low", "batch_ci_high")
    y = np.arange(len(chosen))
    effects.errorbar(
        chosen["difference"],
        y,
        xerr=[chosen["difference"] - chosen[low], chosen[high] - chosen["difference"]],
        fmt="o",
        capsize=4,
    )
    effects.axvline(0, color="grey", lw=0.8)
    effects.set_yticks(y, chosen["scenario"])
    effects.invert_yaxis()
    over = "replications" if over_replications else "monthly blocks"
    effects.set_xlabel(f"visits per day in year two: scenario - baseline\n(paired 95% interval over {over})")
    effects.set_title("Volume in year two")
    labels, values, below, above = [], [], [], []
    for (scenario, segment), row in shifts.iterrows():
        labels.append(f"{scenario}: {segment}")
        values.append(row["difference"] * 100)
        interval = ("ci_low", "ci_high") if over_replications else ("patient_ci_low", "patient_ci_high")
        below.append((row["difference"] - row[interval[0]]) * 100)
        above.append((row[interval[1]] - row["difference"]) * 100)
    y = np.arange(len(labels))
    segments.errorbar(values, y, xerr=[np.nan_to_num(below), np.nan_to_num(above)], fmt="o", capsize=3)
    segments.axvline(0, color="grey", lw=0.8)
    segments.set_yticks(y, labels, fontsize=7)
    segments.invert_yaxis()
    segments.set_xlabel(
        f"patients lost from day {cutoff_day}, scenario - baseline (pp)\n(paired 95% interval over "
        + ("replications)" if over_replications else "patients)")
    )
    segments.set_title(f"dRFM segment at day {cutoff_day} in both runs")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
