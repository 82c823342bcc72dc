"""A process, started with the command line, that draws the run's figures.

Importing matplotlib and the figure code takes half a second, and a run takes more
than a second to reach its figures (Hydra composing the config, the imports the
simulation needs, the simulation) on one core. ``start`` forks a process as the command begins; it makes those
imports on the other core while this one composes the config and simulates, then
waits. ``hand_over`` sends it a run's ``FigureInputs`` and the folder to draw them in;
it draws them (with a forked copy of itself, ``render.save_figures``) while this
process writes the data files, and ``drawn`` waits until it is done.

If it is gone or failed, ``drawn`` says so and the caller draws the figures itself.
It is started only where this process may fork (``can_fork``) and is killed, with any
copy it made, when this process exits."""

from __future__ import annotations

import atexit
import multiprocessing
import os
import signal
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from sim.reporting.forking import can_fork

if TYPE_CHECKING:  # imported by the command line before the fork: nothing heavy here
    from sim.reporting.figure_inputs import FigureInputs

_worker: _Worker | None = None  # the one started by this process, until it is handed a run


class _Worker:
    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        self.connection, their_end = context.Pipe()
        sys.stdout.flush()  # what is buffered would otherwise be written by both processes
        sys.stderr.flush()
        self.process = context.Process(target=_serve, args=(their_end, self.connection), name="hospital-sim figures")
        self.process.start()
        their_end.close()
        _own_group(self.process.pid)

    def stop(self) -> None:
        """Kill it and anything it forked (its process group), then reap it."""
        if self.process.exitcode is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except OSError:  # already gone
                pass
        self.process.join()
        self.connection.close()


def start() -> None:
    """Fork the figure process, if this platform allows it and none is running."""
    global _worker
    if _worker is not None or not can_fork():
        return
    import pandas  # noqa: F401  both processes need it: imported once, before the fork (0.3 s of CPU)

    _worker = _Worker()
    atexit.register(stop)  # before multiprocessing's own exit handler, which would wait for it


def stop() -> None:
    """Kill the figure process if it was not handed a run (or has not finished one)."""
    global _worker
    if _worker is not None:
        _worker.stop()
        _worker = None


def hand_over(inputs: FigureInputs, directory: Path) -> bool:
    """Send the figure process a run to draw into ``directory``; False if there is no
    figure process (or it is gone): the caller then draws the figures itself."""
    if _worker is None or _worker.process.exitcode is not None:
        stop()
        return False
    try:
        # absolute: this process may have changed directory since the fork (hydra.job.chdir)
        _worker.connection.send((inputs, Path(directory).absolute()))
    except OSError:
        stop()
        return False
    return True


def drawn() -> bool:
    """Wait for the figures handed over; True if they were all drawn, False if the
    process failed or died (the caller then draws them itself)."""
    global _worker
    worker, _worker = _worker, None
    try:
        failure = worker.connection.recv()  # None, or the traceback of what failed there
    except (EOFError, OSError):  # it died
        failure = "no answer"
    worker.stop()
    return failure is None


def _serve(connection, parents_end) -> None:
    """The figure process: import the figure code, then draw the one run it is sent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to report
    _own_group(0)
    parents_end.close()  # the fork copied it: closed here, the parent's death reads as the end of the pipe
    from sim.reporting import render  # what this process is for: matplotlib and the figures

    try:
        inputs, directory = connection.recv()
    except EOFError:  # the run draws no figures, or ended
        return
    try:
        render.save_figures(inputs, directory)
        answer = None
    except BaseException:
        answer = traceback.format_exc()
    try:
        connection.send(answer)
    except OSError:  # the parent is gone
        pass


def _own_group(pid: int) -> None:
    """Put the figure process in a process group of its own (set from both sides, so
    that it is set whichever runs first) so that ``stop`` kills its copies too."""
    try:
        os.setpgid(pid, 0)
    except OSError:  # done already by the other side, or the process has exited
        pass
