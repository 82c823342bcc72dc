"""Cost of the complaint model next to the simulation it post-processes.

    python benchmarks/bench_complaints.py            # 30 days of general_hospital
    python benchmarks/bench_complaints.py --days 7

Simulates one replication of general_hospital (visits only), then times the complaint
model on those visits (drivers, probabilities, classification, channels and the
complaint office: ``sim.complaints.model.assess_replication``), best of three.
"""

from __future__ import annotations

import argparse
import time

import sim
from sim.complaints import model as complaints
from sim.config.compose import to_typed
from sim.engine.day import simulate_replication
from sim.runs import tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    cfg = to_typed(sim.compose(["output.progress=false", f"run.days={args.days}"]))
    started = time.perf_counter()
    visits, _ = simulate_replication(cfg.hospital, cfg.run, 0)
    simulated = time.perf_counter() - started
    stages = tables.stage_names(cfg.hospital)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        result = complaints.assess_replication(visits, cfg.hospital, cfg.run, 0, stages)
        best = min(best, time.perf_counter() - started)
    n = len(visits["day"])
    print(
        f"general_hospital, {args.days} days: {n:,} visits simulated in {simulated:.2f} s; "
        f"complaint model {best:.3f} s ({n / best:,.0f} visits/s, {best / simulated:.1%} of the simulation), "
        f"{len(result.complaints['time'])} complaints"
    )


if __name__ == "__main__":
    main()
