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
import sys
import time

import numpy as np
from scipy import optimize

from sim.complaint_calibration import TARGETS, Replication, measure, year_sample

# --fit adjusts four values (everything else keeps its sourced default or estimate):
#   base_per_1000_visits           -> the rate, 0.4 per 1,000 visits
#   clinical.quality_odds_ratio    -> the clinical share (safety_odds_ratio kept at twice it)
#   communication.perfect_quality  -> the relationships share (management follows: shares sum to 1)
#   communication.doctor_propensity_sd -> the top 10% of doctors' share


def changes_of(x: np.ndarray) -> dict:
    base, quality_or, perfect, sd = np.exp(x[0]), np.exp(x[1]), x[2], x[3]
    return {"base_per_1000_visits": float(base),
            "clinical": {"quality_odds_ratio": float(quality_or), "safety_odds_ratio": float(2 * quality_or)},
            "communication": {"perfect_quality": float(perfect), "doctor_propensity_sd": float(sd)}}


def fit(sample: list[Replication], start) -> dict:
    """Least squares on the four targets, each scaled by its tolerance band."""
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
    sample = year_sample(args.days, args.reps, args.jobs, tuple(args.overrides))
    visits = sum(len(r.columns["day"]) for r in sample)
    print(f"{sample[0].hospital.name}: {len(sample)} replications ({args.reps} per month x 12), "
          f"{visits:,} visits, simulated in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    changes = {}
    if args.fit:
        changes = fit(sample, sample[0].hospital.complaints)
        print("fitted (hospital.complaints):", changes)
    report(measure(sample, **changes))
    print(f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
