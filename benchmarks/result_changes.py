"""How much a change to the model moves the results: the KPIs of the golden-master
configurations and of a larger general_hospital sample, written to JSON, and two such
files compared side by side.

    python benchmarks/result_changes.py --out before.json          # on the old code
    python benchmarks/result_changes.py --out after.json           # on the new code
    python benchmarks/result_changes.py --compare before.json after.json

Each configuration's KPIs are averaged over its replications (the golden-master
configurations are the ones in ``tests/golden_master.py``; ``general_hospital_5x5`` is
5 replications of 5 days of the default hospital). The package and configs are imported
from the checkout the script sits in: to measure an older commit, copy the script into
an export of that commit (``git archive <commit> | tar -x -C <dir>``) and run it there.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sim  # noqa: E402
from tests.golden_master import CONFIGS  # noqa: E402

KPIS = [
    "wait_doctor_mean_min",
    "wait_consultation_mean_min",
    "wait_review_mean_min",
    "time_in_system_mean_min",
    "doctor_overtime_per_day_min",
    "left_without_being_seen_share",
    "clinic_closed_share",
    "review_deferred_share",
    "complaints_per_1000_visits",
    "expected_complaints_per_1000_visits",
]
SAMPLES = {**CONFIGS, "general_hospital_5x5": ["hospital=general_hospital", "run.days=5", "run.replications=5"]}


def measure(overrides: list[str]) -> dict[str, float]:
    result = sim.simulate(sim.compose(["output.progress=false", *overrides]))
    figures = {name: float(result.kpis[name].mean()) for name in KPIS}
    seen = result.visits["consultation_rush_factor"].dropna()
    figures["rush_factor_mean"] = float(seen.mean())
    figures["waiting_at_consultation_mean"] = float(result.visits["waiting_at_consultation"].mean())
    return figures


def _same(old: float | None, new: float) -> bool:
    return old == new or (old is not None and math.isnan(old) and math.isnan(new))


def compare(before: dict, after: dict) -> None:
    for config in after:
        if config not in before:
            continue
        rows = [
            (name, before[config][name], after[config][name])
            for name in after[config]
            if not _same(before[config].get(name), after[config][name])
        ]
        print(f"{config}: {'unchanged' if not rows else ''}")
        for name, old, new in rows:
            print(f"  {name:<38} {old:>10.4f} -> {new:>10.4f}  ({new - old:+.4f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="measure every configuration and write the KPIs here")
    parser.add_argument("--only", nargs="*", help="measure only these configurations")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        compare(*(json.loads(path.read_text()) for path in args.compare))
    if args.out:
        names = args.only or list(SAMPLES)
        args.out.write_text(json.dumps({name: measure(SAMPLES[name]) for name in names}, indent=1) + "\n")


if __name__ == "__main__":
    main()
