"""Drawing a run's figures into files, shared with a forked copy of this process where
that is safe (each takes matplotlib 0.1-0.5 s). ``FIGURES`` lists them: file
name, the function drawing it on a Figure, its size, and when it is drawn (the
month figure only when the run spans two months or more)."""

from __future__ import annotations

import multiprocessing
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.pyplot as plt  # noqa: E402

from sim.reporting import complaint_figures, run_figures, service_quality_figures  # noqa: E402
from sim.reporting.figure_inputs import FigureInputs  # noqa: E402
from sim.reporting.forking import can_fork  # noqa: E402


@dataclass(frozen=True)
class RunFigure:
    name: str  # file name
    draw: Callable  # (FigureInputs, matplotlib Figure) -> None
    size: tuple[float, float] | Callable  # inches, or a function of the FigureInputs giving them
    drawn_when: Callable | None = None  # (FigureInputs) -> bool; None: always
    layout: str | None = "constrained"  # matplotlib's layout engine; None: fixed margins, below or its own
    margins_in: tuple[float, float, float, float, float] | None = None  # left, right, top, bottom, row gap

    def size_for(self, result) -> tuple[float, float]:
        return self.size(result) if callable(self.size) else self.size


# Figures whose labels are all ours (numbers, clock times, fixed words) have margins in
# inches: matplotlib's constrained layout measures every tick label twice before
# drawing, a third to half of a figure's time. Those with user-named categories
# (exam names, rotated) keep it.
OUR_LABELS_MARGINS = (0.8, 0.3, 0.4, 0.6, 0.5)
FIGURES = (
    RunFigure("waits_by_stage.png", run_figures.waits_by_stage, (7, 4)),
    RunFigure("waits_by_hour.png", run_figures.waits_by_hour, (7, 4), layout=None, margins_in=OUR_LABELS_MARGINS),
    RunFigure("stations.png", run_figures.station_timelines, run_figures.station_figure_size, layout=None),
    RunFigure("complaints_by_domain.png", complaint_figures.by_domain, (7, 4.5)),
    RunFigure("complaints_by_hour.png", complaint_figures.by_hour, (7, 6), layout=None, margins_in=OUR_LABELS_MARGINS),
    RunFigure("complaints_by_month.png", complaint_figures.by_month, (7, 4.5), complaint_figures.spans_two_months),
    RunFigure(
        "complaints_lorenz.png", complaint_figures.lorenz_curve, (7, 4.5), layout=None, margins_in=OUR_LABELS_MARGINS
    ),
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
    """Draw the figures of a run (a ``sim.Result`` or its ``FigureInputs``) into
    ``directory``: in two processes where that is safe (each figure takes matplotlib
    0.1-0.5 s; see ``_render``). Returns the paths of the figures drawn."""
    result = result if isinstance(result, FigureInputs) else FigureInputs.of(result)
    directory.mkdir(parents=True, exist_ok=True)
    figures = [figure for figure in FIGURES if figure.drawn_when is None or figure.drawn_when(result)]
    _render(result, directory, figures)
    return [directory / figure.name for figure in figures]


def _draw(result, directory: Path, figures) -> None:
    for figure in figures:
        fig = plt.figure(figsize=figure.size_for(result), layout=figure.layout)
        if figure.margins_in:
            _set_margins(fig, *figure.margins_in)
        if result.figure_data.rows:
            figure.draw(result, fig)
        else:
            fig.text(0.5, 0.5, "no visits in this run", ha="center", va="center")
        fig.savefig(directory / figure.name, dpi=110)
        plt.close(fig)


def _set_margins(fig, left: float, right: float, top: float, bottom: float, row_gap: float) -> None:
    """Subplot margins of ``fig`` in inches (the gap between rows of panels too)."""
    width, height = fig.get_size_inches()
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height)
    fig.subplotpars.hspace = row_gap / ((height - top - bottom - row_gap) / 2)  # as a share of a panel (2 rows)


def _render(result, directory: Path, figures) -> None:
    """The figures are drawn by this process and a forked copy of it, each taking the
    next one not yet taken, largest first (``_claim_and_draw``), so that neither waits
    for the other while figures are left; if the copy fails, the figures it did not
    finish are drawn here. Forking is used only where ``can_fork`` allows it."""
    if not can_fork():
        _draw(result, directory, figures)
        return
    figures = sorted(figures, key=lambda f: -float(np.prod(f.size_for(result))))  # area: a guess at the cost
    context = multiprocessing.get_context("fork")
    next_figure = context.Value("i", 0)
    finished = context.Array("b", len(figures), lock=False)
    sys.stdout.flush()  # what is buffered would otherwise be written by both processes
    sys.stderr.flush()
    child = context.Process(target=_draw_in_child, args=(result, directory, figures, next_figure, finished))
    child.start()
    _claim_and_draw(result, directory, figures, next_figure, finished)
    child.join()
    if child.exitcode != 0:
        _draw(result, directory, [figure for figure, done in zip(figures, finished, strict=True) if not done])


def _claim_and_draw(result, directory: Path, figures, next_figure, finished) -> None:
    """Draw the next figure nobody has taken until none is left, marking each finished."""
    while True:
        with next_figure.get_lock():
            index = next_figure.value
            next_figure.value += 1
        if index >= len(figures):
            return
        _draw(result, directory, [figures[index]])
        finished[index] = 1


def _draw_in_child(result, directory: Path, figures, next_figure, finished) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to report
    _claim_and_draw(result, directory, figures, next_figure, finished)
