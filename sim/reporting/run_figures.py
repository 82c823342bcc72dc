"""Figures and the printed KPI table of a run."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.runs import tables  # noqa: E402


def kpi_table(summary: pd.DataFrame) -> str:
    """The summary as aligned text: KPI, mean, 95% CI."""
    width = max([40, *(len(str(kpi)) for kpi in summary.index)])
    lines = [f"{'KPI':<{width}} {'mean':>12} {'95% CI':>27}  n"]
    for kpi, row in summary.iterrows():
        ci = "" if not np.isfinite(row["ci_low"]) else f"[{row['ci_low']:.4g}, {row['ci_high']:.4g}]"
        lines.append(f"{kpi:<{width}} {row['mean']:>12.4g} {ci:>27}  {int(row['n'])}")
    return "\n".join(lines)


def _waits_by_stage(result, ax) -> None:
    stages = tables.stage_names(result.config.hospital)
    names = [f"wait_{s}_mean_min" for s in stages]
    summary = result.summary.reindex(names)
    mean = summary["mean"].to_numpy(dtype=float)
    low = np.nan_to_num(mean - summary["ci_low"].to_numpy(dtype=float))
    high = np.nan_to_num(summary["ci_high"].to_numpy(dtype=float) - mean)
    ax.bar(range(len(stages)), np.nan_to_num(mean), yerr=[low, high], capsize=3, color="#4c78a8")
    ax.set_xticks(range(len(stages)), [s.replace("_", " ") for s in stages], rotation=30, ha="right")
    ax.set_ylabel("mean wait (min), 95% CI over replications")
    ax.set_title("Waits by stage")


def _waits_by_hour(result, ax) -> None:
    data = result.figure_data
    for department, total, count in zip(data.departments, data.wait_sum, data.wait_count, strict=True):
        hours = np.flatnonzero(count)
        if len(hours):
            ax.plot(hours, total[hours] / count[hours], marker="o", ms=3, label=department)
    ax.set_xlabel("hour of arrival")
    ax.set_ylabel("mean wait for the doctor (min)")
    ax.set_title("Wait for the doctor by hour of arrival")
    ax.legend(fontsize="small", ncol=2)


RUN_FIGURES = {"waits_by_stage.png": _waits_by_stage, "waits_by_hour.png": _waits_by_hour}
RUN_FIGURE_SIZE = (7, 4)


def save_figures(result, directory: Path) -> list[Path]:
    """Draw the run's figures into ``directory``: in two processes where that is safe
    and worth it (each figure takes matplotlib about 0.1 s; see ``_render``)."""
    from sim.reporting import complaint_figures as complaint_report

    directory.mkdir(parents=True, exist_ok=True)
    figures = [(name, draw, RUN_FIGURE_SIZE) for name, draw in RUN_FIGURES.items()]
    figures += [(name, draw, complaint_report.FIGURE_SIZE) for name, draw in complaint_report.FIGURES.items()]
    _render(result, directory, figures)
    return [directory / name for name, _, _ in figures]


def _draw(result, directory: Path, figures) -> None:
    """``figures``: (file name, function drawing on an Axes, size in inches)."""
    for name, draw, size in figures:
        fig, ax = plt.subplots(figsize=size, layout="constrained")
        if result.figure_data.rows:
            draw(result, ax)
        fig.savefig(directory / name, dpi=110)
        plt.close(fig)


def _render(result, directory: Path, figures) -> None:
    """Half of the figures are drawn in a forked copy of this process while this one
    draws the rest; if the copy fails, its figures are drawn here. Forking is used only
    on Linux with more than one core and no other thread running (a fork copies only
    the calling thread, so locks held by others would stay locked in the copy)."""
    if not _can_fork():
        _draw(result, directory, figures)
        return
    theirs, ours = figures[1::2], figures[0::2]
    sys.stdout.flush()  # what is buffered would otherwise be written by both processes
    sys.stderr.flush()
    child = multiprocessing.get_context("fork").Process(target=_draw_in_child, args=(result, directory, theirs))
    child.start()
    _draw(result, directory, ours)
    child.join()
    if child.exitcode != 0:
        _draw(result, directory, theirs)


def _draw_in_child(result, directory: Path, figures) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to report
    _draw(result, directory, figures)


def _can_fork() -> bool:
    return (sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1 and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods())


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.reporting.run_figures DIR``: for a sweep directory, the comparison table
    (comparison.csv/.parquet), figures and report.html; for a run directory, its
    report.html again."""
    import argparse

    from sim.reporting import html as html_report
    from sim.runs import sweep_table as aggregate

    parser = argparse.ArgumentParser(prog="python -m sim.reporting.run_figures", description=main.__doc__)
    parser.add_argument("directory", type=Path, help="a sweep directory (results/sweeps/...) or a run directory")
    parser.add_argument("--baseline", nargs="+", metavar="KEY=VALUE",
                        help="the comparator's values, e.g. intervention=none (default: compare.baseline of the "
                        "jobs); none: no comparison")
    parser.add_argument("--kpis", nargs="+", metavar="KPI", help="KPIs (names or shell-style patterns) to draw and "
                        "show first (default: compare.headline_kpis)")
    args = parser.parse_args(argv)
    if args.baseline == ["none"]:
        args.baseline = []  # no comparison: the difference columns stay empty
    if (args.directory / "kpis.csv").is_file():
        print(f"report: {html_report.write_run_report(args.directory)}")
        return 0
    jobs = aggregate.find_jobs(args.directory)
    if not jobs:
        parser.error(f"{args.directory}: neither a run directory (kpis.csv) nor a sweep directory (job folders with .hydra/)")
    try:
        written = aggregate.write_sweep_outputs(args.directory, jobs, args.baseline, args.kpis)
    except ValueError as error:
        parser.error(str(error))
    failed = [job for job in jobs if job.status == aggregate.FAILED]
    incomplete = [job for job in jobs if job.status == aggregate.INCOMPLETE]
    print(f"{len(jobs)} job(s): {len(jobs) - len(failed) - len(incomplete)} complete, {len(failed)} failed, "
          f"{len(incomplete)} incomplete")
    earlier = aggregate.earlier_jobs(args.directory)
    if earlier:
        print(f"not reported: job folder(s) {', '.join(earlier)}, left by an earlier, different sweep")
    print(f"comparison: {written['table']}\nreport: {written['report']}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
