"""Calibrate the complaint model: print each published target next to what the
general_hospital baseline gives for the population of replications, and (with --fit)
fit the calibrated defaults; with --spread, what single replications and runs show.

    python experiments/complaint_calibration/calibrate.py            # targets vs simulated
    python experiments/complaint_calibration/calibrate.py --fit      # and refit the calibrated values
    python experiments/complaint_calibration/calibrate.py --spread   # the spread of single runs

The sample spreads over the year: one block of --days days starting on the 1st of
each month of 2026 (so seasonality and every weekday count), --reps replications per
block, each block with its own seed. The complaint model is re-assessed on the stored
visits for every trial configuration and every draw of the doctors; the hospital is
simulated once. Everything is seeded: the same command prints the same figures.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from scipy import optimize

from sim.complaints.calibration import (
    FITTED_TARGETS,
    SPREAD_QUANTILES,
    TARGETS,
    Exposure,
    Replication,
    exposure,
    measure,
    replication_spread,
    runs_of,
    with_complaints,
)
from sim.runs.calibration_sample import run_sample, year_sample

# --fit adjusts four values (everything else keeps its sourced default or estimate):
#   base_per_1000_visits           -> the rate, 0.4 per 1,000 visits
#   clinical.quality_odds_ratio    -> the clinical share (safety_odds_ratio kept at twice it)
#   communication.perfect_quality  -> the relationships share (management follows: shares sum to 1)
#   communication.doctor_propensity_sd -> the top 10% of doctors' share (population of doctor draws)


def changes_of(x: np.ndarray) -> dict:
    base, quality_or, perfect, sd = np.exp(x[0]), np.exp(x[1]), x[2], x[3]
    return {
        "base_per_1000_visits": float(base),
        "clinical": {"quality_odds_ratio": float(quality_or), "safety_odds_ratio": float(2 * quality_or)},
        "communication": {"perfect_quality": float(perfect), "doctor_propensity_sd": float(sd)},
    }


def rounded(changes: dict) -> dict:
    """The fitted values at the precision sim/schema.py keeps them."""
    quality_or = round(changes["clinical"]["quality_odds_ratio"], 2)
    c = changes["communication"]
    return {
        "base_per_1000_visits": round(changes["base_per_1000_visits"], 4),
        "clinical": {"quality_odds_ratio": quality_or, "safety_odds_ratio": round(2 * quality_or, 2)},
        "communication": {
            "perfect_quality": round(c["perfect_quality"], 2),
            "doctor_propensity_sd": round(c["doctor_propensity_sd"], 3),
        },
    }


def fit(sample: list[Replication], start) -> dict:
    """Least squares on the four targets, each scaled by its tolerance band."""

    def residuals(x):
        got = measure(sample, counterfactual=False, drawn_doctors=False, **changes_of(x))
        r = [(got[n][0] - TARGETS[n].value) / (TARGETS[n].high - TARGETS[n].low) for n in FITTED_TARGETS]
        print(
            "  trial",
            {
                k: round(v, 4)
                for k, v in zip(
                    ("base", "quality OR", "perfect", "sd"), (np.exp(x[0]), np.exp(x[1]), x[2], x[3]), strict=True
                )
            },
            "->",
            [round(got[n][0], 4) for n in FITTED_TARGETS],
            file=sys.stderr,
            flush=True,
        )
        return r

    c = start
    x0 = np.array(
        [
            np.log(c.base_per_1000_visits),
            np.log(c.clinical.quality_odds_ratio),
            c.communication.perfect_quality,
            c.communication.doctor_propensity_sd,
        ]
    )
    solution = optimize.least_squares(residuals, x0, diff_step=0.02, xtol=1e-3, ftol=1e-4)
    return rounded(changes_of(solution.x))


def print_fitted(changes: dict) -> None:
    print("Fitted values: paste into sim/schema.py (and the defaults table in docs/background/complaint-model.md)")
    print(f"  ComplaintsConfig.base_per_1000_visits               = {changes['base_per_1000_visits']}")
    for key, value in changes["clinical"].items():
        print(f"  ClinicalEventConfig.{key:<32}= {value}")
    for key, value in changes["communication"].items():
        print(f"  CommunicationComplaintConfig.{key:<23}= {value}")


def report(results: dict) -> None:
    print(f"{'measure':<52} {'target':>8} {'band':>15} {'simulated':>10} {'95% CI':>18}  source")
    for name, (mean, low, high) in results.items():
        target = TARGETS.get(name)
        ci = f"[{low:.3g}, {high:.3g}]" if np.isfinite(low) else ""
        if target:
            flag = "ok" if target.low <= mean <= target.high else "OUT"
            print(
                f"{name:<52} {target.value:>8.3g} {f'[{target.low:.3g}, {target.high:.3g}]':>15} {mean:>10.3g} "
                f"{ci:>18}  {flag}  {target.source}"
            )
        else:
            print(f"{name:<52} {'':>8} {'':>15} {mean:>10.3g} {ci:>18}")


def spread(sample: list[Replication], changes: dict, reps: int, jobs: int, overrides: tuple[str, ...]) -> None:
    """Median and 5th-95th percentiles of the complaint KPIs of single replications:
    one year (the year-spread sample's months joined per replication, scaled to 365
    days), five days of the default run, and the default run's mean of 5."""
    hospital = with_complaints(sample[0].hospital, **changes)
    by_rep: dict[int, list[Exposure]] = {}
    for rep in sample:
        by_rep.setdefault(rep.replication, []).append(exposure(rep, hospital))
    years = [Exposure.joined(parts) for parts in by_rep.values()]
    year = replication_spread(years, hospital, draws=4000 // len(years), scale=365 / years[0].days, key=1)

    days = run_sample(reps, jobs, overrides)
    short_hospital = with_complaints(days[0].hospital, **changes)
    short = replication_spread(
        [exposure(rep, short_hospital) for rep in days], short_hospital, draws=max(4000 // reps, 1), key=2
    )
    run = runs_of(short, days[0].run.replications, runs=4000, key=3)
    n = days[0].run
    columns = {
        "one replication of a year": year,
        f"one replication of {n.days} days": short,
        f"default run: mean of {n.replications} x {n.days} days": run,
    }
    print(
        f"\nWhat single runs show ({hospital.name}; {n.days}-day runs from {n.start_date}, {reps} simulated "
        f"replications): over independent replications, mean, median "
        f"[{SPREAD_QUANTILES[0]:.0%}-{SPREAD_QUANTILES[-1]:.0%} range]"
    )
    width = max(len(name) for name in columns) + 2
    print(f"{'KPI':<42}" + "".join(f"{name:>{width}}" for name in columns))
    for kpi in year:
        cells = []
        for values in columns.values():
            low, median, high = np.nanquantile(values[kpi], SPREAD_QUANTILES)
            cells.append(f"{np.nanmean(values[kpi]):.3g}, {median:.3g} [{low:.3g}, {high:.3g}]")
        print(f"{kpi:<42}" + "".join(f"{cell:>{width}}" for cell in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=7, help="days per monthly block")
    parser.add_argument("--reps", type=int, default=2, help="replications per monthly block")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--fit", action="store_true", help="refit the calibrated values")
    parser.add_argument("--spread", action="store_true", help="also show what single runs show")
    parser.add_argument(
        "--spread-reps", type=int, default=20, help="replications of the default run simulated for --spread"
    )
    parser.add_argument(
        "overrides", nargs="*", help="config overrides, e.g. hospital.complaints.waits.perception_multiplier=0.67"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    sample = year_sample(args.days, args.reps, args.jobs, tuple(args.overrides))
    visits = sum(len(r.columns["day"]) for r in sample)
    print(
        f"{sample[0].hospital.name}: {len(sample)} replications ({args.reps} per month x 12), "
        f"{visits:,} visits, simulated in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    changes = {}
    if args.fit:
        changes = fit(sample, sample[0].hospital.complaints)
        print_fitted(changes)
    report(measure(sample, **changes))
    if args.spread:
        spread(sample, changes, args.spread_reps, args.jobs, tuple(args.overrides))
    print(f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
