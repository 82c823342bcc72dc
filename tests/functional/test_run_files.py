"""A run directory never lies: a run rewriting the directory of an earlier one removes
its completion marker before writing anything, writes every file under a temporary
name and renames it into place, and leaves no file of the earlier run that it did not
rewrite (``sim.runs.run_files``). The streamed case, killed for real, is in test_stream.py."""

import pandas as pd
import pytest

import sim
from sim.runs import run_files
from sim.runs.sweep_jobs import mark_complete
from tests.conftest import QUIET

DEMO = [*QUIET, "hospital=teaching_demo", "run.days=1", "run.replications=1"]


def earlier_run(out, *overrides) -> sim.Result:
    """A finished run in ``out``, marked complete as `python -m sim` marks it."""
    result = sim.simulate(sim.compose([*DEMO, *overrides]), directory=out)
    result.save(out, figures=False)
    mark_complete(out, result.config, list(overrides), 0.0)
    return result


def test_a_rerun_cut_off_while_saving_leaves_whole_files_and_no_marker(tmp_path, monkeypatch):
    """The marker goes as soon as the new run starts; a save interrupted while writing
    visits.parquet (garbage written, then Ctrl-C) leaves the earlier, whole file. It used
    to keep the earlier marker beside a half-written visits.parquet."""
    out = tmp_path / "run"
    earlier = earlier_run(out)
    rerun = sim.simulate(sim.compose([*DEMO, "run.seed=7"]), directory=out)
    assert not (out / run_files.MARKER).exists()

    def cut_off(frame, path, **kwargs):
        with open(path, "wb") as handle:
            handle.write(b"PAR1 half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_parquet", cut_off)
    with pytest.raises(KeyboardInterrupt):
        rerun.save(out, figures=False)
    monkeypatch.undo()
    assert not (out / run_files.MARKER).exists()
    pd.testing.assert_frame_equal(pd.read_parquet(out / "visits.parquet"), earlier.visits)
    assert not list(out.glob(".*.tmp"))  # the temporary file is cleaned up


def test_save_leaves_no_file_of_an_earlier_run(tmp_path):
    """Tables, figures and report that a rerun does not write are removed (they would
    describe the earlier run), and a kept run replaces a streamed run's visits.parquet
    directory with a file."""
    out = tmp_path / "run"
    earlier_run(out, "output.stream=true")
    (out / "report.html").write_text("the earlier run's report")
    (out / "figures").mkdir()
    assert (out / "visits.parquet").is_dir()

    kept = sim.simulate(sim.compose([*DEMO, "run.seed=7"]), directory=out)
    kept.save(out, figures=False)
    assert (out / "visits.parquet").is_file()
    pd.testing.assert_frame_equal(pd.read_parquet(out / "visits.parquet"), kept.visits)
    assert not (out / "report.html").exists() and not (out / "figures").exists()

    kept.save(out, figures=False, save_visits=False)
    assert not (out / "visits.parquet").exists() and not (out / "doctor_sessions.parquet").exists()
    assert (out / "kpis.csv").is_file() and not (out / run_files.MARKER).exists()
    assert sorted(p.name for p in out.iterdir()) == [
        "complaints.parquet",
        "config.yaml",
        "kpis.csv",
        "provenance.json",
        "stations.parquet",
        "summary.json",
    ]
