"""How long a teacher waits after pressing Run on the teaching page (target: 5 s on
2 cores for teaching_demo, issue 12).

    python benchmarks/bench_app.py                 # teaching_demo, 5 days x 5 replications
    python benchmarks/bench_app.py --repeats 3 -- hospital.pharmacy.servers=2

The page's workers (``sim.app.runner.Worker``: two spawned processes that have
imported the model) run each scenario as the page does — ``run_page``: the simulation, the
page's tables and the first day's animation. Two waits are timed, each repeat with a
new seed so that the worker's cache never answers:

- *first Run*: the baseline and the scenario, both new, side by side (what the page
  runs when a class starts, or after a change of hospital or run settings);
- *next Run*: a scenario whose baseline has run already (every other press of Run).

The worker is started and warmed before timing, as it is when the page opens.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from sim.app.runner import Worker


def timed(worker: Worker, *scenarios: list[str]) -> tuple[float, float]:
    """Wall time until every scenario (submitted together) is back, and the CPU time
    the worker processes spent on them."""
    started = time.perf_counter()
    results = [future.result() for future in [worker.submit(s) for s in scenarios]]
    return time.perf_counter() - started, sum(r.cpu_seconds for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--hospital", default="teaching_demo")
    parser.add_argument("overrides", nargs="*", help="the scenario's overrides (after --)")
    args = parser.parse_args()
    worker = Worker()
    timed(worker, [f"hospital={args.hospital}", "run.seed=1"], [f"hospital={args.hospital}", "run.seed=2"])  # warm
    first, following, first_cpu, following_cpu = [], [], [], []
    for k in range(args.repeats):
        baseline = [f"hospital={args.hospital}", f"run.seed={1000 + k}"]
        scenario = [*baseline, *(args.overrides or ["intervention=mobile_payment"])]
        wall, cpu = timed(worker, baseline, scenario)
        first.append(wall)
        first_cpu.append(cpu)
        wall, cpu = timed(worker, [*scenario, "hospital.cashier.servers=2"])
        following.append(wall)
        following_cpu.append(cpu)
    worker.close()
    load = os.getloadavg()[0]
    print(f"teaching page, hospital={args.hospital} {' '.join(args.overrides)}".rstrip())
    for name, walls, cpus in (
        ("first Run (baseline + scenario)", first, first_cpu),
        ("next Run (scenario only)", following, following_cpu),
    ):
        print(
            f"  {name:<32} wall best {min(walls):.2f} s, median {statistics.median(walls):.2f} s; "
            f"CPU median {statistics.median(cpus):.2f} s"
        )
    print(f"  over {args.repeats} repeats on {os.cpu_count()} cores, load average {load:.1f} (target 5 s)")


if __name__ == "__main__":
    main()
