"""Complaints by month in general_hospital and kunming_tertiary, and Wang et al.
2021's other findings (complaints mostly made on site, mostly handled within 5 days,
more often from women), from the sweep of ``experiment=complaint_seasons``.

    python experiments/complaint_seasons/analyse.py results/studies/complaint_seasons --into experiments/complaint_seasons

Writes ``complaints_by_month.png``, ``by_month.csv`` and ``wang_findings.csv`` into
``--into`` and prints the tables. Women's share of complaints needs each complainant's
sex, which the complaint table does not carry: it comes from a short run of each
hospital kept with its visits (January, 14 days, 4 replications), joined on the visit.
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

import sim  # noqa: E402
from sim.analysis import stats  # noqa: E402
from sim.runs.sweep_table import COMPLETE, find_jobs  # noqa: E402

HOSPITALS = {"general_hospital": "#4c78a8", "kunming_tertiary": "#e45756"}
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
WINTER_SPRING = [12, 1, 2, 3, 4]  # December to April


def by_month(sweep: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per hospital, month and replication: the KPIs the study reads; every
    realised complaint, with its hospital and month)."""
    rows, complaints = [], []
    for job in find_jobs(sweep):
        if job.status != COMPLETE:
            continue
        where = {"hospital": job.value("hospital"), "month": int(str(job.value("run.start_date"))[5:7])}
        rows.append(job.kpis().assign(**where))
        complaints.append(pd.read_parquet(job.directory / "complaints.parquet").assign(**where))
    if not rows:
        raise SystemExit(f"no complete job in {sweep}: run experiments/complaint_seasons/run.sh")
    return pd.concat(rows, ignore_index=True), pd.concat(complaints, ignore_index=True)


def wilson(successes: int, n: int, z: float = 1.959964) -> tuple[float, float, float]:
    """Share and its 95% Wilson interval (complaints pooled over months and replications)."""
    p = successes / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return p, centre - half, centre + half


def interval(values) -> tuple[float, float, float]:
    i = stats.t_interval(np.asarray(values, dtype=float))
    return i["mean"], i["ci_low"], i["ci_high"]


def monthly_table(data: pd.DataFrame) -> pd.DataFrame:
    out = []
    for (hospital, month), g in data.groupby(["hospital", "month"]):
        row = {"hospital": hospital, "month": month, "visits_per_day": g["visits_per_day"].mean()}
        for kpi in ("expected_complaints_per_1000_visits", "complaints_per_1000_visits", "wait_doctor_mean_min"):
            row[kpi], row[f"{kpi}_ci_low"], row[f"{kpi}_ci_high"] = interval(g[kpi])
        out.append(row)
    return pd.DataFrame(out)


def winter_spring_ratio(data: pd.DataFrame, hospital: str) -> tuple[float, float, float]:
    """Expected complaints per 1,000 visits December-April over May-November, per
    replication (months weighted equally: each is 14 days), with a t-interval."""
    g = data[data["hospital"] == hospital]
    table = g.pivot_table(index="replication", columns="month", values="expected_complaints_per_1000_visits")
    winter = table[[m for m in WINTER_SPRING if m in table]].mean(axis=1)
    rest = table[[m for m in table if m not in WINTER_SPRING]].mean(axis=1)
    return interval(winter / rest)


def women(hospital: str) -> dict:
    """Women's share of visits and of complaints (realised and expected) in a short
    run kept with its visits."""
    result = sim.simulate(
        sim.compose(
            [
                f"hospital={hospital}",
                "run.start_date=2026-01-05",
                "run.days=14",
                "run.replications=4",
                "run.jobs=0",
                "output.progress=false",
            ]
        )
    )
    visits = result.visits[result.visits["outcome"] != "no_show"]
    complaints = result.complaints.merge(visits[["replication", "visit_id", "female"]], on=["replication", "visit_id"])
    p = visits["complaint_probability"]
    share, low, high = wilson(int(complaints["female"].sum()), len(complaints))
    return {
        "women_share_of_visits": float(visits["female"].mean()),
        "women_share_of_complaints": share,
        "women_share_of_complaints_ci_low": low,
        "women_share_of_complaints_ci_high": high,
        "complaints_in_sample": len(complaints),
        "women_share_of_expected_complaints": float(p[visits["female"]].sum() / p.sum()),
    }


def findings(data: pd.DataFrame, complaints: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for hospital in HOSPITALS:
        g = data[data["hospital"] == hospital]
        c = complaints[complaints["hospital"] == hospital]
        row = {"hospital": hospital, "complaints": len(c)}
        for name, made in (
            ("onsite_share", c["channel"] == "onsite"),
            ("within_5_working_days_share", c["within_target"]),
            ("resolved_within_5_days_share", c["resolution_days"] <= 5),
        ):
            row[name], row[f"{name}_ci_low"], row[f"{name}_ci_high"] = wilson(int(made.sum()), len(c))
        row["winter_spring_ratio"], row["winter_spring_ratio_ci_low"], row["winter_spring_ratio_ci_high"] = (
            winter_spring_ratio(data, hospital)
        )
        peak = g.groupby("month")["expected_complaints_per_1000_visits"].mean()
        row["peak_month"] = MONTHS[int(peak.idxmax()) - 1]
        row.update(women(hospital))
        rows.append(row)
    return pd.DataFrame(rows)


def figure(table: pd.DataFrame, path: Path) -> None:
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 7), sharex=True, layout="constrained")
    width = 0.38
    for k, (hospital, colour) in enumerate(HOSPITALS.items()):
        t = table[table["hospital"] == hospital].sort_values("month")
        x = t["month"].to_numpy() + (k - 0.5) * width
        mean = t["expected_complaints_per_1000_visits"].to_numpy()
        error = [
            mean - t["expected_complaints_per_1000_visits_ci_low"].to_numpy(),
            t["expected_complaints_per_1000_visits_ci_high"].to_numpy() - mean,
        ]
        top.bar(x, mean, width, yerr=error, capsize=2, color=colour, label=hospital)
        top.plot(x, t["complaints_per_1000_visits"], "k_", ms=8, mew=1.5)
        bottom.plot(t["month"], t["visits_per_day"], "o-", color=colour, label=hospital)
    for axis in (top, bottom):
        axis.axvspan(0.5, 4.5, color="grey", alpha=0.08)
        axis.axvspan(11.5, 12.5, color="grey", alpha=0.08)
    top.plot([], [], "k_", ms=8, mew=1.5, label="realised")
    top.set_ylabel("complaints per 1,000 visits\n(expected, 95% CI; realised —)")
    top.set_title("Complaints by month (shaded: December-April)")
    top.legend(fontsize="small")
    bottom.set_ylabel("visits per day")
    bottom.set_xticks(range(1, 13), MONTHS)
    bottom.set_xlabel("month (14 days from the 1st, 2026)")
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sweep", type=Path)
    parser.add_argument("--into", type=Path, default=None, help="where to write the figure and tables")
    args = parser.parse_args(argv)
    into = args.into or args.sweep
    data, complaints = by_month(args.sweep)
    table = monthly_table(data)
    found = findings(data, complaints)
    table.to_csv(into / "by_month.csv", index=False, float_format="%.4g")
    found.to_csv(into / "wang_findings.csv", index=False, float_format="%.4g")
    figure(table, into / "complaints_by_month.png")
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(table[["hospital", "month", "visits_per_day", "wait_doctor_mean_min",
                     "expected_complaints_per_1000_visits", "complaints_per_1000_visits"]].round(3))  # fmt: skip
        print(found.T)


if __name__ == "__main__":
    main(sys.argv[1:])
