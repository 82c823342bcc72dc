"""``python -m sim.report DIR`` (``hospital-sim-report``): rebuild the report of a run
directory, or the comparison table, figures and report of a sweep directory."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.reporting import html as html_report
from sim.reporting import sweep_report
from sim.runs import sweep_table as aggregate


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.report DIR``: for a sweep directory, the comparison table
    (comparison.csv/.parquet/.xlsx), figures and report.html; for a run directory, its
    report.html again."""
    parser = argparse.ArgumentParser(prog="python -m sim.report", description=main.__doc__)
    parser.add_argument("directory", type=Path, help="a sweep directory (results/sweeps/...) or a run directory")
    parser.add_argument(
        "--baseline",
        nargs="+",
        metavar="KEY=VALUE",
        help="the comparator's values, e.g. intervention=none (default: compare.baseline of the "
        "jobs); none: no comparison",
    )
    parser.add_argument(
        "--kpis",
        nargs="+",
        metavar="KPI",
        help="KPIs (names or shell-style patterns) to draw and show first (default: compare.headline_kpis)",
    )
    args = parser.parse_args(argv)
    if args.baseline == ["none"]:
        args.baseline = []  # no comparison: the difference columns stay empty
    if (args.directory / "kpis.csv").is_file():
        print(f"report: {html_report.write_run_report(args.directory)}")
        return 0
    jobs = aggregate.find_jobs(args.directory)
    if not jobs:
        parser.error(
            f"{args.directory}: neither a run directory (kpis.csv) nor a sweep directory (job folders with .hydra/)"
        )
    try:
        written = sweep_report.write_sweep_outputs(args.directory, jobs, args.baseline, args.kpis)
    except ValueError as error:
        parser.error(str(error))
    failed = [job for job in jobs if job.status == aggregate.FAILED]
    incomplete = [job for job in jobs if job.status == aggregate.INCOMPLETE]
    print(
        f"{len(jobs)} job(s): {len(jobs) - len(failed) - len(incomplete)} complete, {len(failed)} failed, "
        f"{len(incomplete)} incomplete"
    )
    earlier = aggregate.earlier_jobs(args.directory)
    if earlier:
        print(f"not reported: job folder(s) {', '.join(earlier)}, left by an earlier, different sweep")
    print(sweep_report.describe_outputs(written))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
