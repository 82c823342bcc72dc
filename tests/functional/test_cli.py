"""`python -m sim` end to end, in a subprocess, writing into a temporary directory."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd


def run_cli(tmp_path, *overrides):
    return subprocess.run([sys.executable, "-m", "sim", *overrides], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)


def test_cli_writes_the_run_files(tmp_path):
    out = tmp_path / "run"
    proc = run_cli(tmp_path, "hospital=teaching_demo", "run.days=2", "run.replications=2", f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stderr
    for name in ("visits.parquet", "kpis.csv", "summary.json", "provenance.json", "config.yaml",
                 "figures/waits_by_stage.png", "figures/waits_by_hour.png", ".hydra/config.yaml"):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary["wait_consultation_mean_min"]) == {"mean", "ci_low", "ci_high", "n"}
    assert summary["wait_consultation_mean_min"]["n"] == 2
    visits = pd.read_parquet(out / "visits.parquet")
    assert visits["replication"].nunique() == 2
    provenance = json.loads((out / "provenance.json").read_text())
    assert provenance["seed"] == 20261125 and provenance["packages"]["simpy"]
    assert "wait_consultation_mean_min" in proc.stdout  # the printed KPI table


def test_default_run_directory_is_under_results(tmp_path):
    proc = run_cli(tmp_path, "hospital=teaching_demo", "run.days=1", "run.replications=1", "output.figures=false")
    assert proc.returncode == 0, proc.stderr
    runs = list((tmp_path / "results" / "runs").iterdir())
    assert len(runs) == 1 and (runs[0] / "summary.json").is_file()


def test_bad_config_exits_non_zero_with_a_message_and_no_traceback(tmp_path):
    proc = run_cli(tmp_path, "hospital=teaching_demo", "hospital.pharmacy.servers=0")
    assert proc.returncode == 2
    assert "hospital.pharmacy.servers = 0: must be an integer >= 1" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "results" / "runs").exists() or not any((tmp_path / "results" / "runs").rglob("*.parquet"))


def test_unknown_key_exits_non_zero(tmp_path):
    proc = run_cli(tmp_path, "hospital.pharmacy.windows=3")
    assert proc.returncode != 0
    assert "windows" in proc.stderr
    assert "Traceback" not in proc.stderr


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
    proc = subprocess.run([*console_script("hospital-sim"), "hospital=teaching_demo", "run.days=1",
                           "run.replications=1", "output.figures=false", "output.print_kpis=false",
                           f"hydra.run.dir={out}"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert (out / "complete.json").is_file() and (out / "visits.parquet").is_file()
    (out / "report.html").unlink()
    report = subprocess.run([*console_script("hospital-sim-report"), str(out)], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300)
    assert report.returncode == 0, report.stderr
    assert (out / "report.html").is_file()
