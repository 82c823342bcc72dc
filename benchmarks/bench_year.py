"""A year of general_hospital in one process: wall time and peak memory.

    python benchmarks/bench_year.py                   # 365 days, complaints included
    python benchmarks/bench_year.py --days 30         # a shorter horizon
    python benchmarks/bench_year.py --stream          # output.stream=true: visits to Parquet by day
    python benchmarks/bench_year.py --stream --days 30 120 365 730   # memory against the horizon

The target (issue 6): 365 days of general_hospital (about 1.5 million patients) with
the complaint model, one replication in one process, in at most 60 s and 1.5 GB.

Each measurement runs in a fresh Python process (so imports and peak RSS are the
run's own): ``sim.simulate`` of one replication (the tables, KPIs and complaints
built, no files written), or with ``--stream`` the same run writing its visits into
a temporary directory day by day. Peak RSS is the process's maximum resident set
(``getrusage``), imports included.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

CODE = """
import json, resource, sys, tempfile, time
import sim
days, stream = int(sys.argv[1]), sys.argv[2] == "1"
overrides = ["output.progress=false", "run.replications=1", f"run.days={days}", "hospital=general_hospital"]
with tempfile.TemporaryDirectory() as tmp:
    if stream:
        overrides += ["output.stream=true", f"output.dir={tmp}"]
    cfg = sim.compose(overrides)
    started = time.perf_counter()
    res = sim.simulate(cfg)
    wall = time.perf_counter() - started
    visits = int(res.kpis["visits"].sum() + res.kpis["no_shows"].sum())
    complaints = len(res.complaints)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"days": days, "stream": stream, "patients": visits, "complaints": complaints,
                  "wall_s": wall, "peak_rss_mb": rss}))
"""


def measure(days: int, stream: bool = False) -> dict:
    """One run of ``days`` days in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", CODE, str(days), "1" if stream else "0"], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, nargs="+", default=[365], help="one or more horizons")
    parser.add_argument("--stream", action="store_true", help="output.stream=true (visits written by day)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    rows = []
    for days in args.days:
        figures = measure(days, args.stream)
        rows.append(figures)
        mode = "streamed to Parquet" if args.stream else "in memory"
        print(
            f"general_hospital, {figures['days']} days ({mode}): {figures['patients']:,} patients, "
            f"{figures['complaints']:,} complaints, {figures['wall_s']:.1f} s wall, "
            f"peak RSS {figures['peak_rss_mb']:.0f} MB  (targets for 365 days: 60 s, 1,536 MB)",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(rows if len(rows) > 1 else rows[0], indent=2) + "\n")


if __name__ == "__main__":
    main()
