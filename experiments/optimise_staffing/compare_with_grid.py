"""Compare optimisation runs with the exhaustive grid (run.sh beside this file):

    python experiments/optimise_staffing/compare_with_grid.py GRID_DIR RUN_DIR [RUN_DIR ...]

prints a Markdown table: for the grid and each run, the cheapest configuration that
meets the targets, how many trials were proposed up to the first that proposed the
grid's optimum, the configurations simulated and the evaluations (replication x
configuration) computed."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

LEVERS = ["doctors_internal_medicine", "doctors_surgery", "registration_windows", "cashiers", "pharmacy_windows"]


def best(trials: pd.DataFrame) -> pd.Series:
    feasible = trials[trials.feasible].sort_values(["staff_cost_per_day", "wait_doctor_mean_min", "trial"])
    return feasible.iloc[0]


def summary(directory: Path, optimum: tuple) -> dict:
    trials = pd.read_csv(directory / "trials.csv")
    found = best(trials)
    first = trials[(trials[LEVERS] == list(optimum)).all(axis=1)].trial.min()
    return {
        "run": directory.name,
        "best configuration": " / ".join(str(int(found[lever])) for lever in LEVERS),
        "cost (CNY/day)": f"{found.staff_cost_per_day:,.0f}",
        "trials until the grid's optimum": "never" if pd.isna(first) else str(int(first) + 1),  # trials count from 0
        "trials": len(trials),
        "configurations simulated": len(trials[LEVERS].drop_duplicates()),
        "evaluations": sum(1 for _ in open(directory / "evaluations.jsonl")),
    }


def main(grid: Path, runs: list[Path]) -> None:
    optimum = tuple(int(best(pd.read_csv(grid / "trials.csv"))[lever]) for lever in LEVERS)
    rows = [summary(directory, optimum) for directory in [grid, *runs]]
    columns = list(rows[0])
    print("Configurations as " + " / ".join(LEVERS) + ".\n")
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in columns) + " |")


if __name__ == "__main__":
    main(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
