"""Drawing a run's figures into files, about half of the work in a forked copy of this
process where that is safe (each takes matplotlib 0.1-0.8 s). ``FIGURES`` lists them: file
name, the function drawing it on a Figure, its size, and when it is drawn (the
month figure only when the run spans two months or more)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.pyplot as plt  # noqa: E402

from sim.reporting import complaint_figures, run_figures, service_quality_figures  # noqa: E402


@dataclass(frozen=True)
class RunFigure:
    name: str  # file name
    draw: Callable  # (result, matplotlib Figure) -> None
    size: tuple[float, float] | Callable  # inches, or a function of the result giving them
    drawn_when: Callable | None = None  # (result) -> bool; None: always

    def size_for(self, result) -> tuple[float, float]:
        return self.size(result) if callable(self.size) else self.size


FIGURES = (
    RunFigure("waits_by_stage.png", run_figures.waits_by_stage, (7, 4)),
    RunFigure("waits_by_hour.png", run_figures.waits_by_hour, (7, 4)),
    RunFigure("stations.png", run_figures.station_timelines, run_figures.station_figure_size),
    RunFigure("complaints_by_domain.png", complaint_figures.by_domain, (7, 4.5)),
    RunFigure("complaints_by_hour.png", complaint_figures.by_hour, (7, 6)),
    RunFigure("complaints_by_month.png", complaint_figures.by_month, (7, 4.5), complaint_figures.spans_two_months),
    RunFigure("complaints_lorenz.png", complaint_figures.lorenz_curve, (7, 4.5)),
    # service quality: only when the hospital has the part switched on
    RunFigure("servqual_gaps.png", service_quality_figures.servqual_gaps, (7, 4.5), service_quality_figures.has_survey),
    RunFigure(
        "information_gaps.png",
        service_quality_figures.information_gaps,
        (7, 4.5),
        service_quality_figures.has_information_gaps,
    ),
)


def save_figures(result, directory: Path) -> list[Path]:
    """Draw the run's figures into ``directory``: in two processes where that is safe
    and worth it (each figure takes matplotlib about 0.1 s; see ``_render``). Returns
    the paths of the figures drawn."""
    directory.mkdir(parents=True, exist_ok=True)
    figures = [figure for figure in FIGURES if figure.drawn_when is None or figure.drawn_when(result)]
    _render(result, directory, figures)
    return [directory / figure.name for figure in figures]


def _draw(result, directory: Path, figures) -> None:
    for figure in figures:
        fig = plt.figure(figsize=figure.size_for(result), layout="constrained")
        if result.figure_data.rows:
            figure.draw(result, fig)
        else:
            fig.text(0.5, 0.5, "no visits in this run", ha="center", va="center")
        fig.savefig(directory / figure.name, dpi=110)
        plt.close(fig)


def _render(result, directory: Path, figures) -> None:
    """Half of the figures (by area, ``_halves``) are drawn in a forked copy of this
    process while this one draws the rest; if the copy fails, its figures are drawn here. Forking is used only
    on Linux with more than one core and no other thread running (a fork copies only
    the calling thread, so locks held by others would stay locked in the copy)."""
    if not _can_fork():
        _draw(result, directory, figures)
        return
    theirs, ours = _halves(result, figures)
    sys.stdout.flush()  # what is buffered would otherwise be written by both processes
    sys.stderr.flush()
    child = multiprocessing.get_context("fork").Process(target=_draw_in_child, args=(result, directory, theirs))
    child.start()
    _draw(result, directory, ours)
    child.join()
    if child.exitcode != 0:
        _draw(result, directory, theirs)


def _halves(result, figures) -> tuple[list, list]:
    """Two halves that take about as long to draw: a figure's area stands for its cost
    (the station panels, the largest, take as long as three ordinary figures), and
    each figure, largest first, goes to the half with less area so far."""
    halves: tuple[list, list] = ([], [])
    areas = [0.0, 0.0]
    for figure in sorted(figures, key=lambda f: -float(np.prod(f.size_for(result)))):
        side = areas.index(min(areas))
        halves[side].append(figure)
        areas[side] += float(np.prod(figure.size_for(result)))
    return halves


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
