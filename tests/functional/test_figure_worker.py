"""The figure process the command line starts (``sim.reporting.figure_worker``): it
draws what this process would draw, a run whose figure process died or failed still
gets every figure, stopping it stops the copies it forked, and a command-line run
draws its figures without importing matplotlib in its own process."""

import os
import signal
import subprocess
import sys
import time

import pytest

from sim.reporting import figure_worker, render
from sim.reporting.figure_inputs import FigureInputs
from sim.reporting.forking import can_fork
from tests.forking import figure_bytes, passes_in_a_process_of_its_own

SIX = {
    "waits_by_stage.png",
    "waits_by_hour.png",
    "stations.png",
    "complaints_by_domain.png",
    "complaints_by_hour.png",
    "complaints_lorenz.png",
}


@pytest.fixture(autouse=True)
def no_figure_process_left():
    yield
    figure_worker.stop()


def _started() -> int:
    """Start the figure process; its pid."""
    if not can_fork():
        pytest.skip("no figure process here (not Linux, one core, or threads running)")
    figure_worker.start()
    return figure_worker._worker.process.pid


def _machine_forks() -> bool:
    """Whether a command started here forks its figure process (this pytest process
    may not fork: pytest-xdist runs threads)."""
    return sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1


def _gone(pid: int) -> bool:
    """No such process, or only its exit status left (a zombie, for its parent to reap)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_the_figure_process_draws_what_this_process_draws(tmp_path, monkeypatch, demo_result):
    if passes_in_a_process_of_its_own(__file__, "test_the_figure_process_draws_what_this_process_draws"):
        return
    pid = _started()
    assert figure_worker.hand_over(FigureInputs.of(demo_result), tmp_path / "there")
    assert figure_worker.drawn()
    assert _gone(pid)  # one run per process, reaped once it answered
    monkeypatch.setattr(render, "can_fork", lambda: False)
    render.save_figures(demo_result, tmp_path / "here")
    there, here = figure_bytes(tmp_path / "there"), figure_bytes(tmp_path / "here")
    assert set(there) == SIX and there == here


def test_a_run_whose_figure_process_died_draws_its_figures_itself(tmp_path, demo_result):
    if passes_in_a_process_of_its_own(__file__, "test_a_run_whose_figure_process_died_draws_its_figures_itself"):
        return
    pid = _started()
    os.kill(pid, signal.SIGKILL)
    figure_worker._worker.process.join()
    demo_result.save(tmp_path)
    assert set(figure_bytes(tmp_path / "figures")) == SIX
    # and one that dies after it was handed the run
    _started()
    assert figure_worker.hand_over(FigureInputs.of(demo_result), tmp_path / "lost")
    os.kill(figure_worker._worker.process.pid, signal.SIGKILL)
    assert not figure_worker.drawn()


def test_a_failure_in_the_figure_process_is_answered_and_the_figures_drawn_here(tmp_path, monkeypatch, demo_result):
    if passes_in_a_process_of_its_own(
        __file__, "test_a_failure_in_the_figure_process_is_answered_and_the_figures_drawn_here"
    ):
        return
    parent, draw = os.getpid(), render.save_figures

    def fails_in_the_figure_process(result, directory):
        if os.getpid() != parent:
            raise RuntimeError("the figure process fails")
        return draw(result, directory)

    monkeypatch.setattr(render, "save_figures", fails_in_the_figure_process)  # before the fork: it has it too
    _started()
    assert figure_worker.hand_over(FigureInputs.of(demo_result), tmp_path / "failed")
    assert not figure_worker.drawn()
    _started()
    demo_result.save(tmp_path / "run")
    assert set(figure_bytes(tmp_path / "run" / "figures")) == SIX


def test_stopping_the_figure_process_stops_its_copies_too(tmp_path, demo_result):
    """Stopped while the figures are being drawn (by it and the copy it forked), no
    figure is written after it: neither process is left drawing."""
    if passes_in_a_process_of_its_own(__file__, "test_stopping_the_figure_process_stops_its_copies_too"):
        return
    pid = _started()
    directory = tmp_path / "stopped"
    assert figure_worker.hand_over(FigureInputs.of(demo_result), directory)
    deadline = time.monotonic() + 60
    while not list(directory.glob("*.png")) and time.monotonic() < deadline:
        time.sleep(0.005)
    figure_worker.stop()
    drawn = set(figure_bytes(directory))
    time.sleep(2.0)  # the six figures take about 0.7 s in two processes
    assert _gone(pid) and 1 <= len(drawn) < 6 and set(figure_bytes(directory)) == drawn


def _command_line(tmp_path, *overrides: str) -> subprocess.CompletedProcess:
    """``python -m sim`` with ``overrides``, telling the figure process's pid when it
    starts and at exit whether this process imported matplotlib (the figure process
    exits without running exit handlers)."""
    return subprocess.run(
        [sys.executable, "-c", _script(overrides)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )


def _script(overrides) -> str:
    return (
        "import atexit, runpy, sys\n"
        "from sim.reporting import figure_worker\n"
        "atexit.register(lambda: print('matplotlib imported here:', 'matplotlib' in sys.modules))\n"
        "start = figure_worker.start\n"
        "def started():\n"
        "    start()\n"
        "    print('figure process:', figure_worker._worker.process.pid, flush=True)\n"
        "figure_worker.start = started\n"
        "from sim.reporting.result import Result\n"
        "save = Result.save\n"
        "def saved(self, *args, **kwargs):\n"
        "    print('figure process at saving:', figure_worker._worker is not None, flush=True)\n"
        "    return save(self, *args, **kwargs)\n"
        "Result.save = saved\n"
        f"sys.argv = ['sim', *{list(overrides)!r}]\n"
        "runpy.run_module('sim', run_name='__main__', alter_sys=True)\n"
    )


def test_a_command_line_run_draws_its_figures_in_the_figure_process(tmp_path):
    if not _machine_forks():
        pytest.skip("no figure process on this machine (not Linux, or one core)")
    out = tmp_path / "run"
    proc = _command_line(tmp_path, "hospital=teaching_demo", "run.days=3", f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stderr
    assert "matplotlib imported here: False" in proc.stdout and "figure process at saving: True" in proc.stdout
    assert set(figure_bytes(out / "figures")) == SIX and (out / "report.html").is_file()


@pytest.mark.parametrize(
    "overrides, code",
    [
        (["output.figures=false"], 0),  # never handed a run: killed once the config says so
        (["run.days=0"], 2),  # a refused config
    ],
)
def test_a_command_without_figures_ends_and_leaves_no_figure_process(tmp_path, overrides, code):
    """It ends (multiprocessing would otherwise wait for the figure process at exit)
    and the figure process it started is gone."""
    if not _machine_forks():
        pytest.skip("no figure process on this machine (not Linux, or one core)")
    out = tmp_path / "run"
    proc = _command_line(tmp_path, "hospital=teaching_demo", "run.days=3", *overrides, f"hydra.run.dir={out}")
    assert proc.returncode == code, proc.stderr
    pid = int(proc.stdout.split("figure process:")[1].split()[0])
    assert _gone(pid) and not (out / "figures").exists()
    if code == 0:  # stopped as soon as the config said no figures, not at the end
        assert "figure process at saving: False" in proc.stdout


def test_the_figure_process_ends_when_the_command_is_killed(tmp_path):
    """Killed (no exit handler runs), the command leaves its figure process waiting for
    a run that will not come: it must see the end of the pipe and exit by itself."""
    if not _machine_forks():
        pytest.skip("no figure process on this machine (not Linux, or one core)")
    overrides = ["hospital=general_hospital", "run.days=300", "output.progress=false", f"hydra.run.dir={tmp_path}/run"]
    command = subprocess.Popen(
        [sys.executable, "-c", _script(overrides)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        pid = int(command.stdout.readline().split("figure process:")[1])
    finally:
        command.kill()
        command.wait()
    deadline = time.monotonic() + 30  # it may still be importing matplotlib
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(pid)
