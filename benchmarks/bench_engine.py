"""Throughput of the engine, against a hand-written SimPy reference, and the cost of a
30-day general_hospital run.

    python benchmarks/bench_engine.py            # all measurements
    python benchmarks/bench_engine.py --quick    # shorter horizons

Reports visits simulated per second (best of several repeats, one process, one
replication, tables built but no files written) for general_hospital (35% booked,
slot-aware queues), for general_hospital with walk-ins only (the plain queues), for
validation_network and for the reference model of that network (benchmarks/
reference_network.py) over the same horizon, then the wall time and peak memory (max
RSS, measured in a fresh subprocess) of a 30-day general_hospital run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import reference_network  # noqa: E402

import sim  # noqa: E402


def best_rate(job, repeats: int) -> tuple[float, int, float]:
    """(visits per second, visits, seconds) of the fastest of ``repeats`` runs."""
    best = None
    for _ in range(repeats):
        started = time.perf_counter()
        visits = job()
        seconds = time.perf_counter() - started
        if best is None or seconds < best[2]:
            best = (visits / seconds, visits, seconds)
    return best


def engine_job(overrides):
    cfg = sim.compose(["output.progress=false", "run.replications=1", *overrides])

    def job():
        return len(sim.simulate(cfg).visits)

    return job


def long_run(days: int) -> dict:
    """Wall time and peak RSS of one replication of ``days`` days, in a fresh process."""
    code = (
        "import time, resource, sim\n"
        f"cfg = sim.compose(['output.progress=false', 'run.replications=1', 'run.days={days}'])\n"
        "t = time.perf_counter(); res = sim.simulate(cfg); wall = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(len(res.visits), wall, rss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return {"days": days, "visits": int(out[0]), "wall_s": float(out[1]), "peak_rss_mb": float(out[2])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter horizons, fewer repeats")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    repeats = 2 if args.quick else 3
    hours = 200 if args.quick else 1000
    days = 7 if args.quick else 30

    figures = {}
    rate, visits, seconds = best_rate(engine_job(["hospital=general_hospital", "run.days=2"]), repeats)
    figures["general_hospital"] = {"visits_per_s": rate, "visits": visits, "seconds": seconds}
    rate, visits, seconds = best_rate(
        engine_job(["hospital=general_hospital", "run.days=2", "hospital.booking.booked_share=0"]), repeats
    )
    figures["general_hospital_walk_ins_only"] = {"visits_per_s": rate, "visits": visits, "seconds": seconds}
    network = [
        "hospital=validation_network",
        f"hospital.registration.closes={hours}:00",
        f"hospital.departments.clinic.sessions=[{{start:'0:00',end:'{hours}:00'}}]",
    ]
    rate, visits, seconds = best_rate(engine_job(network), repeats)
    figures["validation_network"] = {"visits_per_s": rate, "visits": visits, "seconds": seconds}
    rate, visits, seconds = best_rate(lambda: len(reference_network.run(hours * 60.0)), repeats)
    figures["reference_simpy_network"] = {"visits_per_s": rate, "visits": visits, "seconds": seconds}
    figures["engine_vs_reference"] = (
        figures["validation_network"]["visits_per_s"] / figures["reference_simpy_network"]["visits_per_s"]
    )
    figures["general_hospital_long_run"] = long_run(days)

    for name in ("general_hospital", "general_hospital_walk_ins_only", "validation_network", "reference_simpy_network"):
        f = figures[name]
        print(f"{name:<31} {f['visits_per_s']:>10,.0f} visits/s  ({f['visits']:,} visits in {f['seconds']:.2f} s)")
    print(f"{'engine / reference':<31} {figures['engine_vs_reference']:>10.2f} x  (same network, same horizon)")
    lr = figures["general_hospital_long_run"]
    print(
        f"general_hospital {lr['days']} days: {lr['visits']:,} visits, {lr['wall_s']:.1f} s wall, "
        f"peak RSS {lr['peak_rss_mb']:.0f} MB"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
