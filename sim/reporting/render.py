"""Drawing a run's figures into files: every figure on its own Axes, half of them in a
forked copy of this process where that is safe (each takes matplotlib about 0.1 s)."""

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

from sim.reporting import complaint_figures as complaint_report  # noqa: E402
from sim.reporting import run_figures, service_quality_figures  # noqa: E402


def save_figures(result, directory: Path) -> list[Path]:
    """Draw the run's figures into ``directory``: in two processes where that is safe
    and worth it (each figure takes matplotlib about 0.1 s; see ``_render``)."""
    directory.mkdir(parents=True, exist_ok=True)
    figures = [(name, draw, run_figures.FIGURE_SIZE) for name, draw in run_figures.FIGURES.items()]
    figures += [(name, draw, complaint_report.FIGURE_SIZE) for name, draw in complaint_report.FIGURES.items()]
    quality = service_quality_figures.figures_of(result.config.hospital)  # only the parts switched on
    figures += [(name, draw, service_quality_figures.FIGURE_SIZE) for name, draw in quality.items()]
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
    return (
        sys.platform.startswith("linux")
        and (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
    )
