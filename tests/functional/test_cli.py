"""`python -m sim` end to end, in a subprocess, writing into a temporary directory."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest


def run_cli(tmp_path, *overrides):
    return subprocess.run(
        [sys.executable, "-m", "sim", *overrides], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )


def test_cli_writes_the_run_files(tmp_path):
    out = tmp_path / "run"
    proc = run_cli(tmp_path, "hospital=teaching_demo", "run.days=2", "run.replications=2", f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stderr
    for name in (
        "visits.parquet",
        "kpis.csv",
        "summary.json",
        "provenance.json",
        "config.yaml",
        "figures/waits_by_stage.png",
        "figures/waits_by_hour.png",
        ".hydra/config.yaml",
    ):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary["wait_consultation_mean_min"]) == {"mean", "ci_low", "ci_high", "n"}
    assert summary["wait_consultation_mean_min"]["n"] == 2
    visits = pd.read_parquet(out / "visits.parquet")
    assert visits["replication"].nunique() == 2
    provenance = json.loads((out / "provenance.json").read_text())
    assert provenance["seed"] == 20261125 and provenance["packages"]["simpy"]
    assert "Mean wait for consultation" in proc.stdout  # the printed KPI table speaks the catalogue


def test_default_run_directory_is_under_results(tmp_path):
    proc = run_cli(tmp_path, "hospital=teaching_demo", "run.days=1", "run.replications=1", "output.figures=false")
    assert proc.returncode == 0, proc.stderr
    runs = list((tmp_path / "results" / "runs").iterdir())
    assert len(runs) == 1 and (runs[0] / "summary.json").is_file()


def run_folders(tmp_path):
    runs = tmp_path / "results" / "runs"
    return list(runs.iterdir()) if runs.is_dir() else []


def test_bad_config_exits_2_with_a_message_and_leaves_no_run_folder(tmp_path):
    """Found by our checks, after Hydra made the run directory: it is removed again.
    Every value out of its field's limits is reported at once, a NaN among them."""
    proc = run_cli(tmp_path, "hospital=teaching_demo", "hospital.pharmacy.servers=0", "hospital.warmup_min=nan")
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "hospital-sim: invalid configuration:",
        "  - hospital.pharmacy.servers = 0: must be an integer >= 1 — servers (windows, counters) working at the station",
        "  - hospital.warmup_min = nan: must be a finite number >= 0 — visits arriving in a day's first this many "
        "minutes are simulated but left out of KPIs",
    ]
    assert run_folders(tmp_path) == []


def test_error_hydra_raises_exits_2_in_the_same_format(tmp_path):
    """An unknown key is Hydra's error, raised before our code runs: same format, exit 2,
    no OmegaConf internals, no traceback, no run folder."""
    proc = run_cli(tmp_path, "hospital.pharmacy.windows=3")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [
        "hospital-sim: invalid configuration:",
        "  - hospital.pharmacy.windows: no such setting; settings of hospital.pharmacy: servers, service, opens, schedule, extra",
    ]
    assert run_folders(tmp_path) == []


@pytest.mark.parametrize(
    "override, problem",
    [
        (
            "hospital.departments.surgery.assignment=lottery",
            "hospital.departments.surgery.assignment = 'lottery': allowed: pooled, shortest_queue, random",
        ),
        (
            "hospital.booking.slots.rule=fifo",
            "hospital.booking.slots.rule = 'fifo': allowed: individual, bailey_welch, block",
        ),
        ("runner.kind=slurm", "runner.kind = 'slurm': allowed: local, dask"),
    ],
)
def test_a_choice_the_schema_does_not_have_exits_2_with_the_allowed_values(tmp_path, override, problem):
    """Choices are enums: OmegaConf refuses an unknown one while composing, and the
    message is the same line our checks write for it, with the allowed values."""
    proc = run_cli(tmp_path, override)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == ["hospital-sim: invalid configuration:", f"  - {problem}"]
    assert run_folders(tmp_path) == []


@pytest.mark.parametrize(
    "setting, problem",
    [
        (
            "output.dir={file}",
            "output.dir = {file}: cannot be used as the output directory: it is a file, not a directory",
        ),
        (
            "hydra.run.dir={file}/run",
            "hydra.run.dir = {file}/run: cannot be used as the output directory: {file} is a file, not a directory",
        ),
        pytest.param(
            "output.dir=/sys/hospital-sim",
            "output.dir = /sys/hospital-sim: cannot be used as the output "
            "directory: cannot create it (Operation not permitted)",
            marks=pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/sys is Linux's"),
        ),
        pytest.param(
            "output.dir={locked}",
            "output.dir = {locked}: cannot be used as the output directory: cannot write in it (Permission denied)",
            marks=pytest.mark.skipif(getattr(os, "geteuid", lambda: 1)() == 0, reason="root may write anywhere"),
        ),
    ],
)
def test_output_directory_that_cannot_be_written_is_refused_before_running(tmp_path, setting, problem):
    file = tmp_path / "a_file"
    file.write_text("not a directory")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    proc = run_cli(tmp_path, "hospital=teaching_demo", setting.format(file=file, locked=locked))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines()[1].startswith("  - " + problem.format(file=file, locked=locked)), proc.stderr
    assert "Traceback" not in proc.stderr and "wait_consultation_mean_min" not in proc.stdout  # nothing ran


def test_a_refused_run_removes_only_a_directory_holding_nothing_but_hydras_files(tmp_path):
    """What Hydra wrote before the config was refused goes; a directory with anything
    else in it (an earlier run's files) is left as it is."""
    from types import SimpleNamespace

    from sim.__main__ import _remove_if_only_hydra_files

    hydra_cfg = SimpleNamespace(output_subdir=".hydra", job=SimpleNamespace(name="__main__"))
    for name, keep in (("fresh", False), ("earlier_run", True)):
        directory = tmp_path / name
        (directory / ".hydra").mkdir(parents=True)
        (directory / ".hydra" / "config.yaml").write_text("{}")
        (directory / "__main__.log").write_text("")
        if keep:
            (directory / "summary.json").write_text("{}")
        _remove_if_only_hydra_files(directory, hydra_cfg)
        assert directory.exists() == keep
        assert not keep or (directory / "summary.json").is_file()


def console_script(name: str) -> list[str]:
    """The installed console script ``name`` (beside this Python, as ``pip install -e .``
    puts it), or else what its wrapper does: import the entry point and call it."""
    installed = Path(sys.executable).with_name(name)
    if installed.is_file():
        return [str(installed)]
    module, function = {"hospital-sim": ("sim.__main__", "main"), "hospital-sim-report": ("sim.report", "main")}[name]
    return [sys.executable, "-c", f"import sys; from {module} import {function}; sys.exit({function}())"]


def test_console_scripts_work_from_any_directory(tmp_path):
    """`hospital-sim` imports sim.__main__ rather than running it as a script, so Hydra
    must find conf/ by an absolute path (it used to fail with "Primary config module
    'conf' not found" from every directory); `hospital-sim-report` rewrites the report."""
    out = tmp_path / "run"
    proc = subprocess.run(
        [
            *console_script("hospital-sim"),
            "hospital=teaching_demo",
            "run.days=1",
            "run.replications=1",
            "output.figures=false",
            "output.print_kpis=false",
            f"hydra.run.dir={out}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert (out / "complete.json").is_file() and (out / "visits.parquet").is_file()
    (out / "report.html").unlink()
    report = subprocess.run(
        [*console_script("hospital-sim-report"), str(out)], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert report.returncode == 0, report.stderr
    assert (out / "report.html").is_file()
