"""Calibrate the SERVQUAL survey: print each published target next to what
general_hospital (information gaps on, as outpatients have them) gives over a year, and
(with --fit) fit the dimensions' latent expectation and perception means.

    python experiments/survey_calibration/calibrate.py          # targets vs simulated
    python experiments/survey_calibration/calibrate.py --fit    # and refit the latent means

The sample spreads over the year as the complaint calibration's does: --days days
from the 1st of each month of 2026, --reps replications each, each month its own seed;
the hospital is simulated and the complaint model run once, then the survey is
re-drawn for every trial setting, with every patient asked and answering. Seeded: the
same command prints the same figures.
"""

from __future__ import annotations

import argparse
import sys
import time

from sim.runs.calibration_sample import year_sample
from sim.schema import SERVQUAL_DIMENSIONS
from sim.service_quality.calibration import (
    BAND_SOURCES,
    BANDS,
    FAN_ORDER,
    TARGET_EXPECTATION,
    TARGET_GAP,
    assess,
    fit,
    measure,
)

BASE = ("hospital=general_hospital", "hospital.information.enabled=true", "hospital.survey.enabled=true")


def table(figures: dict) -> None:
    print(f"{'dimension':<15} {'expectation':>24} {'perception':>24} {'gap (target)':>32}")
    for d in FAN_ORDER:
        cells = []
        for part in ("expectation", "perception", "gap"):
            mean, low, high = figures[f"{part}_{d}"]
            cells.append(f"{mean:6.3f} ({low:.3f} to {high:.3f})")
        target = f"{cells[2]} [{TARGET_GAP[d]:+.2f}]"
        print(f"{d:<15} {cells[0]:>24} {cells[1]:>24} {target:>32}")
    gaps = [figures[f"gap_{d}"] for d in FAN_ORDER]
    ordered = all(a[2] < b[1] for a, b in zip(gaps, gaps[1:], strict=False))  # intervals apart, in order
    print(f"Fan et al. 2017's order (largest gap first, every interval apart): {'yes' if ordered else 'NO'}")
    for part, (low, high) in BANDS.items():
        values = [figures[f"{part}_{d}"][0] for d in SERVQUAL_DIMENSIONS]
        inside = all(low <= v <= high for v in values)
        print(f"{part}s within {low}-{high} ({BAND_SOURCES[part]}): {'yes' if inside else 'NO'}")
    for name in ("overall_satisfaction", "would_recommend"):
        mean, low, high = figures[name]
        print(f"{name}: {mean:.3f} ({low:.3f} to {high:.3f})")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fit", action="store_true", help="refit the latent means")
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("overrides", nargs="*", help="extra overrides, e.g. hospital.arrivals.daily_volume=4500")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sample = assess(year_sample(args.days, args.reps, args.jobs, (*BASE, *args.overrides)))
    print(f"sample: {len(sample)} replications x {args.days} days, {time.perf_counter() - started:.0f} s")
    print(f"expectation targets: {TARGET_EXPECTATION}")
    table(measure(sample))
    if args.fit:
        fitted = fit(sample)
        print("\nfitted latent means (sim/schema.py, SurveyConfig.expectation and .perception):")
        for part, values in fitted.items():
            print(f"  {part}: {tuple(values[d] for d in SERVQUAL_DIMENSIONS)}")
        table(measure(sample, **fitted))
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
