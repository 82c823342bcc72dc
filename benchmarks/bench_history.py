"""The benchmarks of this folder run against earlier commits: each optimisation's effect.

    python benchmarks/bench_history.py 1cf1227 5c2c27b HEAD          # engine + 30-day run per commit
    python benchmarks/bench_history.py --year --cli --parallel 1cf1227 HEAD

For each commit, its ``sim/`` and ``conf/`` are exported (``git archive``) into a
temporary directory, which is put first on ``PYTHONPATH`` so that the benchmark
processes import that version of the package (they use only ``sim.compose`` and
``sim.simulate``, which every version has). Measured per commit, each in fresh
processes:

* visits per second of general_hospital (2 days) and of validation_network
  (1,000 hours) and of the hand-written SimPy reference in the same process (best of
  3; as ``bench_engine.py``), and their ratio;
* wall time and peak RSS of a 30-day general_hospital run (``bench_year.py --days 30``);
* with ``--year``: the same for 365 days; with ``--cli``: ``python -m sim
  hospital=teaching_demo`` (best of 3, ``bench_cli.py``); with ``--parallel``: one and
  two workers on 20 replications x 5 days (``bench_parallel.py``, best of 2).

Commits are measured one after the other, so run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

ENGINE = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
import reference_network, sim
def best(job, repeats=3):
    out = None
    for _ in range(repeats):
        t = time.perf_counter(); n = job(); s = time.perf_counter() - t
        out = max(out or 0.0, n / s)
    return out
def engine(overrides):
    cfg = sim.compose(["output.progress=false", "run.replications=1", *overrides])
    return lambda: len(sim.simulate(cfg).visits)
h = 1000
network = ["hospital=validation_network", f"hospital.registration.closes={h}:00",
           f"hospital.departments.clinic.sessions=[{{start:'0:00',end:'{h}:00'}}]"]
figures = {"general_hospital": best(engine(["hospital=general_hospital", "run.days=2"])),
           "validation_network": best(engine(network)),
           "reference": best(lambda: len(reference_network.run(h * 60.0)))}
figures["ratio"] = figures["validation_network"] / figures["reference"]
print(json.dumps(figures))
"""


def export(commit: str, into: Path) -> Path:
    tree = into / commit
    tree.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", commit, "sim", "conf"], cwd=REPO, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def run_json(command: list[str], tree: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=f"{tree}{os.pathsep}{HERE}")
    out = subprocess.run(command, capture_output=True, text=True, check=True, env=env, cwd=tree).stdout
    return json.loads(out.strip().splitlines()[-1])


def cli_seconds(tree: Path, repeats: int = 3) -> float:
    env = dict(os.environ, PYTHONPATH=str(tree))
    best = float("inf")
    for k in range(repeats):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "sim", "hospital=teaching_demo", f"hydra.run.dir={tree}/cli{k}"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=tree,
        )
        best = min(best, time.perf_counter() - started)
    return best


def measure(commit: str, tree: Path, args) -> dict:
    row = {"commit": commit}
    row.update(run_json([sys.executable, "-c", ENGINE, str(HERE)], tree))
    sys.path.insert(0, str(HERE))
    import bench_parallel
    import bench_year

    for days in (30, 365) if args.year else (30,):
        figures = run_json([sys.executable, "-c", bench_year.CODE, str(days), "0"], tree)
        row[f"days_{days}_s"], row[f"days_{days}_mb"] = figures["wall_s"], figures["peak_rss_mb"]
    if args.cli:
        row["cli_s"] = cli_seconds(tree)
    if args.parallel:
        walls = {1: float("inf"), 2: float("inf")}
        for _ in range(2):
            for jobs in (1, 2):
                figures = run_json([sys.executable, "-c", bench_parallel.CODE, "5", "20", str(jobs)], tree)
                walls[jobs] = min(walls[jobs], figures["wall_s"])
        row["one_worker_s"], row["two_workers_s"], row["speedup"] = walls[1], walls[2], walls[1] / walls[2]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commits", nargs="+")
    parser.add_argument("--year", action="store_true", help="also 365 days of general_hospital")
    parser.add_argument("--cli", action="store_true", help="also python -m sim hospital=teaching_demo")
    parser.add_argument("--parallel", action="store_true", help="also one vs two workers")
    parser.add_argument("--json", type=Path, help="append one JSON line per commit to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for commit in args.commits:
            row = measure(commit, export(commit, Path(tmp)), args)
            print(json.dumps(row), flush=True)
            if args.json:
                with open(args.json, "a") as handle:
                    handle.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
