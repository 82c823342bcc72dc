"""Calibrate the complaint model: print each published target next to what the
general_hospital baseline gives, and (with --fit) fit the calibrated defaults.

    python experiments/complaint_calibration/calibrate.py           # targets vs simulated
    python experiments/complaint_calibration/calibrate.py --fit     # and refit the calibrated values

The sample spreads over the year: one block of --days days starting on the 1st of
each month of 2026 (so seasonality and every weekday count), --reps replications per
block, each block with its own seed so every replication has its own doctors. The
complaint model is re-assessed on the stored visits for every trial configuration;
the hospital is simulated once.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from scipy import optimize

import sim
from sim import tables
from sim.complaint_calibration import TARGETS, Replication, measure, with_complaints
from sim.config import to_typed
from sim.model import simulate_replication

# the values --fit adjusts; everything else keeps its sourced default
FITTED = ("base_per_1000_visits", "clinical.quality_odds_ratio (safety = 2x)", "communication.perfect_quality",
          "communication.doctor_propensity_sd")


def simulate_block(args) -> list[Replication]:
    month, days, reps, overrides = args
    cfg = to_typed(sim.compose([f"run.start_date=2026-{month:02d}-01", f"run.days={days}",
                                f"run.seed={20261125 + month}", "output.progress=false", *overrides]))
    stages = tables.stage_names(cfg.hospital)
    return [Replication(cfg.hospital, cfg.run, r, simulate_replication(cfg.hospital, cfg.run, r)[0], stages)
            for r in range(reps)]


def build_sample(days: int, reps: int, jobs: int, overrides: list[str]) -> list[Replication]:
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        blocks = pool.map(simulate_block, [(m, days, reps, overrides) for m in range(1, 13)])
        return [rep for block in blocks for rep in block]


def changes_of(x: np.ndarray) -> dict:
    base, quality_or, perfect, sd = np.exp(x[0]), np.exp(x[1]), x[2], x[3]
    return {"base_per_1000_visits": float(base),
            "clinical": {"quality_odds_ratio": float(quality_or), "safety_odds_ratio": float(2 * quality_or)},
            "communication": {"perfect_quality": float(perfect), "doctor_propensity_sd": float(sd)}}


def fit(sample: list[Replication], start: dict) -> dict:
    names = ("expected_complaints_per_1000_visits", "clinical_share", "relationships_share", "top10_doctors_share")

    def residuals(x):
        got = measure(sample, counterfactual=False, **changes_of(x))
        r = [(got[n][0] - TARGETS[n].value) / (TARGETS[n].high - TARGETS[n].low) for n in names]
        print("  trial", {k: round(v, 4) for k, v in zip(("base", "quality OR", "perfect", "sd"),
                                                          (np.exp(x[0]), np.exp(x[1]), x[2], x[3]), strict=True)},
              "->", [round(got[n][0], 4) for n in names], flush=True)
        return r

    c = start
    x0 = np.array([np.log(c.base_per_1000_visits), np.log(c.clinical.quality_odds_ratio),
                   c.communication.perfect_quality, c.communication.doctor_propensity_sd])
    solution = optimize.least_squares(residuals, x0, diff_step=0.02, xtol=1e-3, ftol=1e-4)
    return changes_of(solution.x)


def report(results: dict) -> None:
    print(f"{'measure':<44} {'target':>8} {'band':>15} {'simulated':>10} {'95% CI':>18}  source")
    for name, (mean, low, high) in results.items():
        target = TARGETS.get(name)
        ci = f"[{low:.3g}, {high:.3g}]" if np.isfinite(low) else ""
        if target:
            flag = "ok" if target.low <= mean <= target.high else "OUT"
            print(f"{name:<44} {target.value:>8.3g} {f'[{target.low:.3g}, {target.high:.3g}]':>15} {mean:>10.3g} "
                  f"{ci:>18}  {flag}  {target.source}")
        else:
            print(f"{name:<44} {'':>8} {'':>15} {mean:>10.3g} {ci:>18}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=7, help="days per monthly block")
    parser.add_argument("--reps", type=int, default=2, help="replications per monthly block")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--fit", action="store_true", help="refit the calibrated values")
    parser.add_argument("overrides", nargs="*", help="config overrides, e.g. hospital.complaints.waits.perception_multiplier=0.67")
    args = parser.parse_args()
    started = time.perf_counter()
    sample = build_sample(args.days, args.reps, args.jobs, args.overrides)
    visits = sum(len(r.columns["day"]) for r in sample)
    print(f"general_hospital baseline: {len(sample)} replications ({args.reps} per month x 12), "
          f"{visits:,} visits, simulated in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    changes = {}
    if args.fit:
        changes = fit(sample, sample[0].hospital.complaints)
        fitted = with_complaints(sample[0].hospital, **changes).complaints
        print("fitted:", {"base_per_1000_visits": fitted.base_per_1000_visits,
                          "clinical": dataclasses.asdict(fitted.clinical),
                          "communication": dataclasses.asdict(fitted.communication)})
    report(measure(sample, **changes))
    print(f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
