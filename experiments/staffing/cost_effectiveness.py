"""Cost of each staffing intervention against the waiting and the expected complaints
it saves, from the staffing study's sweep (``experiments/staffing/run.sh``).

    python experiments/staffing/cost_effectiveness.py results/studies/staffing experiments/staffing

For every scenario and replication (common random numbers: replication r of every
scenario sees the same patients), the difference from the baseline (``intervention=
none``) in: staff cost per day (CNY), patient-hours of queueing per day (all queue
waits of all visits: ``waiting_per_visit_min`` x ``visits_per_day`` / 60), expected
complaints per 30 days (``expected_complaints_per_1000_visits`` x visits per day x 30
/ 1000) and the mean wait for the doctor; each with its paired 95% t-interval over
replications; and the cost per patient-hour of queueing saved and per expected
complaint avoided (ratios of the means, where the saving is significant). Writes ``cost_effectiveness.csv`` and ``cost_effectiveness.png`` into
the output folder and prints the table.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.analysis.compare import paired_difference  # noqa: E402
from sim.runs.sweep_table import COMPLETE, find_jobs  # noqa: E402

BASELINE = "none"
MEASURES = {
    "extra_cost_per_day": "extra staff cost per day (CNY)",
    "waiting_hours_saved_per_day": "patient-hours of queueing saved per day",
    "complaints_avoided_per_30_days": "expected complaints avoided per 30 days",
    "wait_doctor_saved_min": "mean wait for the doctor saved (min)",
}


def per_replication(kpis: pd.DataFrame) -> pd.DataFrame:
    """The study's quantities of one scenario, one row per replication."""
    visits = kpis["visits_per_day"]
    return pd.DataFrame(
        {
            "cost": kpis["staff_cost_per_day"],
            "waiting_hours": kpis["waiting_per_visit_min"] * visits / 60,
            "complaints": kpis["expected_complaints_per_1000_visits"] * visits * 30 / 1000,
            "wait_doctor": kpis["wait_doctor_mean_min"],
        }
    ).set_index(kpis["replication"])


def table(sweep: Path) -> pd.DataFrame:
    jobs = [job for job in find_jobs(sweep) if job.status == COMPLETE]
    scenarios = {str(job.value("intervention")).strip("[]") or BASELINE: per_replication(job.kpis()) for job in jobs}
    base = scenarios.pop(BASELINE)
    rows = []
    for name, scenario in scenarios.items():
        row = {"intervention": name}
        for measure, base_column, sign in (
            ("extra_cost_per_day", "cost", 1),
            ("waiting_hours_saved_per_day", "waiting_hours", -1),
            ("complaints_avoided_per_30_days", "complaints", -1),
            ("wait_doctor_saved_min", "wait_doctor", -1),
        ):
            d = paired_difference(base[base_column], scenario.loc[base.index, base_column])
            low, high = sorted((sign * d["difference_ci_low"], sign * d["difference_ci_high"]))
            row |= {measure: sign * d["difference"], f"{measure}_low": low, f"{measure}_high": high}
        # cost per unit saved: only where the saving is significant (its interval above zero)
        saved_hours = row["waiting_hours_saved_per_day"] if row["waiting_hours_saved_per_day_low"] > 0 else np.nan
        avoided = row["complaints_avoided_per_30_days"] if row["complaints_avoided_per_30_days_low"] > 0 else np.nan
        row["cny_per_waiting_hour_saved"] = row["extra_cost_per_day"] / saved_hours
        row["cny_per_complaint_avoided"] = row["extra_cost_per_day"] * 30 / avoided
        row["replications"] = len(base)
        rows.append(row)
    baseline = {f"baseline_{column}": base[column].mean() for column in base}
    return pd.DataFrame(rows).assign(**baseline)


def figure(frame: pd.DataFrame, path: Path) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    for ax, measure in zip(axes, ("waiting_hours_saved_per_day", "complaints_avoided_per_30_days"), strict=True):
        for row in frame.itertuples():
            x, y = row.extra_cost_per_day, getattr(row, measure)
            ax.errorbar(
                x,
                y,
                xerr=[[x - row.extra_cost_per_day_low], [row.extra_cost_per_day_high - x]],
                yerr=[[y - getattr(row, f"{measure}_low")], [getattr(row, f"{measure}_high") - y]],
                fmt="o",
                capsize=3,
            )
            ax.annotate(row.intervention, (x, y), textcoords="offset points", xytext=(5, 5), fontsize=8)
        ax.axhline(0, color="grey", lw=0.8)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_xlabel(MEASURES["extra_cost_per_day"])
        ax.set_ylabel(MEASURES[measure])
    fig.suptitle("Staffing interventions on general_hospital: cost against what they save (paired 95% intervals)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep", type=Path, help="the sweep directory of experiment=staffing_study")
    parser.add_argument("out", type=Path, help="where to write cost_effectiveness.csv and .png")
    args = parser.parse_args()
    frame = table(args.sweep)
    args.out.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out / "cost_effectiveness.csv", index=False, float_format="%.4g")
    figure(frame, args.out / "cost_effectiveness.png")
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(frame.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
