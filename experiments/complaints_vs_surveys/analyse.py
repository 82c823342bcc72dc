"""Complaints against a SERVQUAL survey as signals of an intervention's effect, from
the sweep of ``experiment=complaints_vs_surveys``.

    python experiments/complaints_vs_surveys/analyse.py results/studies/complaints_vs_surveys \
        --into experiments/complaints_vs_surveys

For each intervention against the baseline, with differences paired by replication
(common random numbers; 95% t-intervals):

* **Effect.** The change in expected complaints per visit (the sum of the complaint
  probabilities: what a hospital would see on average) and in respondents' mean
  SERVQUAL gap (overall and per dimension).
* **Patients needed to detect it.** A hospital cannot pair its patients: it compares
  a period before with a period after. So the sample needed is that of an unpaired
  two-group comparison (5% two-sided, 80% power) with patient-level variance:
  complaints, a proportion (Bernoulli variance p(1-p) in each period); the survey, a
  mean with the respondents' SD of the baseline. Complaints count every visit; the
  survey counts respondents, and the visits it needs are respondents ÷ (share asked
  × response rate).
* **Where each signal points.** The complaint category and the survey dimension that
  moved most: complaints by the share of the change in expected complaints (per
  1,000 visits in ``causes.csv``); the survey by the change in units of the
  respondents' SD (a standardised effect). The patients a survey needs are also
  given for the dimension that moved most (``survey_best_*``), as a survey aimed at
  that dimension would need.

Writes ``signals.csv``, ``causes.csv`` and ``signals.png`` into ``--into`` and prints
the tables.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from sim.analysis import stats  # noqa: E402
from sim.complaints import hcat  # noqa: E402
from sim.runs.sweep_table import COMPLETE, find_jobs  # noqa: E402
from sim.schema import SERVQUAL_DIMENSIONS  # noqa: E402

BASELINE = "none"
Z = 1.959964 + 0.841621  # 5% two-sided, 80% power
# the cause each intervention acts on: the complaint categories and survey dimensions
# that should move (the complaint model's and the survey's drivers)
RIGHT_CAUSE = {
    "queue_information": ({"institutional_processes"}, {"responsiveness"}),
    "communication_training": ({"communication", "listening", "respect_and_patient_rights"}, {"empathy", "assurance"}),
    "guidance_system": ({"communication"}, {"responsiveness", "empathy"}),
}


def load(sweep: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(KPIs per scenario and replication, respondents per scenario, survey settings)."""
    kpis, respondents, settings = [], [], {}
    for job in find_jobs(sweep):
        if job.status != COMPLETE:
            continue
        scenario = str(job.value("intervention"))
        k = job.kpis()
        k["scenario"] = scenario
        kpis.append(k)
        s = pd.read_parquet(job.directory / "survey.parquet")
        s["scenario"] = scenario
        respondents.append(s)
        survey = job.config.hospital.survey
        settings = {"sampled_share": survey.sampled_share, "response_rate": survey.response_rate}
    if not kpis:
        raise SystemExit(f"no complete job in {sweep}: run experiments/complaints_vs_surveys/run.sh")
    survey = pd.concat(respondents, ignore_index=True)
    survey["gap_overall"] = survey[[f"gap_{d}" for d in SERVQUAL_DIMENSIONS]].mean(axis=1)
    return pd.concat(kpis, ignore_index=True), survey, settings


def paired(a: pd.Series, b: pd.Series) -> tuple[float, float, float]:
    """Mean of b - a over replications (both indexed by replication), 95% t-interval."""
    i = stats.t_interval((b - a).dropna().to_numpy(dtype=float))
    return i["mean"], i["ci_low"], i["ci_high"]


def per_replication(kpis: pd.DataFrame, survey: pd.DataFrame, scenario: str) -> pd.DataFrame:
    k = kpis[kpis["scenario"] == scenario].set_index("replication")
    s = survey[survey["scenario"] == scenario].groupby("replication")
    out = pd.DataFrame({"expected_per_visit": k["expected_complaints_per_1000_visits"] / 1000.0})
    for c in hcat.CATEGORIES:
        out[f"expected_{c}"] = k[f"expected_complaints_{c}_per_1000_visits"] / 1000.0
    for d in (*SERVQUAL_DIMENSIONS, "overall"):
        out[f"gap_{d}"] = s[f"gap_{d}"].mean()
    out["respondents"] = s.size()
    return out


def signals(kpis: pd.DataFrame, survey: pd.DataFrame, settings: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    base = per_replication(kpis, survey, BASELINE)
    sd = survey[survey["scenario"] == BASELINE][[f"gap_{d}" for d in (*SERVQUAL_DIMENSIONS, "overall")]].std()
    visits_per_respondent = 1.0 / (settings["sampled_share"] * settings["response_rate"])
    rows, causes = [], []
    for scenario in sorted(set(kpis["scenario"]) - {BASELINE}):
        other = per_replication(kpis, survey, scenario)
        p0, p1 = base["expected_per_visit"].mean(), other["expected_per_visit"].mean()
        row = {"intervention": scenario, "baseline_complaints_per_1000": 1000 * p0}
        mean, low, high = paired(base["expected_per_visit"], other["expected_per_visit"])
        row["complaints_change_per_1000"], row["complaints_ci_low"], row["complaints_ci_high"] = (
            1000 * mean, 1000 * low, 1000 * high,
        )  # fmt: skip
        row["complaints_visits_needed"] = Z**2 * (p0 * (1 - p0) + p1 * (1 - p1)) / mean**2
        mean, low, high = paired(base["gap_overall"], other["gap_overall"])
        row["survey_gap_change"], row["survey_gap_ci_low"], row["survey_gap_ci_high"] = mean, low, high
        row["survey_respondents_needed"] = 2 * Z**2 * sd["gap_overall"] ** 2 / mean**2
        row["survey_visits_needed"] = row["survey_respondents_needed"] * visits_per_respondent
        row["survey_better_by"] = row["complaints_visits_needed"] / row["survey_visits_needed"]
        found = cause(scenario, base, other, sd)
        best = found[found["signal"] == "survey"].sort_values("weight", ascending=False).iloc[0]
        row["survey_best_dimension"] = best["where"]  # the dimension that moved most (standardised)
        row["survey_best_respondents_needed"] = 2 * Z**2 / best["weight"] ** 2
        row["survey_best_visits_needed"] = row["survey_best_respondents_needed"] * visits_per_respondent
        rows.append(row)
        causes.append(found)
    return pd.DataFrame(rows), pd.concat(causes, ignore_index=True)


def cause(scenario: str, base: pd.DataFrame, other: pd.DataFrame, sd: pd.Series) -> pd.DataFrame:
    """Each complaint category's share of the change in expected complaints and each
    survey dimension's standardised change, with whether it is the cause acted on."""
    categories, dimensions = RIGHT_CAUSE.get(scenario, (set(), set()))
    total = paired(base["expected_per_visit"], other["expected_per_visit"])[0]
    rows = []
    for c in hcat.CATEGORIES:  # change: expected complaints per 1,000 visits
        mean, low, high = paired(base[f"expected_{c}"], other[f"expected_{c}"])
        rows.append({"intervention": scenario, "signal": "complaints", "where": c, "change": 1000 * mean,
                     "ci_low": 1000 * low, "ci_high": 1000 * high, "weight": mean / total,
                     "acted_on": c in categories})  # fmt: skip
    for d in SERVQUAL_DIMENSIONS:
        mean, low, high = paired(base[f"gap_{d}"], other[f"gap_{d}"])
        rows.append({"intervention": scenario, "signal": "survey", "where": d, "change": mean,
                     "ci_low": low, "ci_high": high, "weight": mean / sd[f"gap_{d}"], "acted_on": d in dimensions})  # fmt: skip
    return pd.DataFrame(rows)


def figure(causes: pd.DataFrame, path: Path) -> None:
    scenarios = list(dict.fromkeys(causes["intervention"]))
    fig, axes = plt.subplots(2, len(scenarios), figsize=(4 * len(scenarios), 6.5), layout="constrained", squeeze=False)
    for j, scenario in enumerate(scenarios):
        for i, (signal, xlabel) in enumerate(
            (("complaints", "share of the fall in expected complaints"), ("survey", "gap change (respondent SDs)"))
        ):
            t = causes[(causes["intervention"] == scenario) & (causes["signal"] == signal)]
            colours = ["#e45756" if a else "#9d9d9d" for a in t["acted_on"]]
            weight = t["weight"]
            axes[i, j].barh(t["where"].str.replace("_", " "), weight, color=colours)
            axes[i, j].axvline(0, color="black", lw=0.8)
            axes[i, j].invert_yaxis()
            axes[i, j].set_xlabel(xlabel)
            if i == 0:
                axes[i, j].set_title(scenario.replace("_", " "))
    fig.suptitle("Where each signal points (red: what the intervention acts on)")
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sweep", type=Path)
    parser.add_argument("--into", type=Path, default=None, help="where to write the figure and tables")
    args = parser.parse_args(argv)
    into = args.into or args.sweep
    kpis, survey, settings = load(args.sweep)
    table, causes = signals(kpis, survey, settings)
    table.to_csv(into / "signals.csv", index=False, float_format="%.4g")
    causes.to_csv(into / "causes.csv", index=False, float_format="%.4g")
    figure(causes, into / "signals.png")
    with pd.option_context("display.width", 220, "display.max_columns", 30):
        print(table.T)
        print(causes.round(4).to_string(index=False))


if __name__ == "__main__":
    main(sys.argv[1:])
