"""The research tools on the command line, in a subprocess: ``python -m sim.sensitivity``
writes its tables, figures and report; Ctrl-C prints the command that resumes it and
exits 130, and that command computes only the evaluations that were missing; a bad
setting exits 2 with one line naming it, before anything runs."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time

import pandas as pd

ARGS = [
    "run.days=2",
    "run.replications=2",
    "run.jobs=1",
    "output.progress=false",
    "research.sensitivity.morris.trajectories=2",
    "research.sensitivity.sobol.base_samples=4",
    "research.sensitivity.sobol.parameters=2",
    "research.sensitivity.parameters={"
    "tolerance:{key:hospital.complaints.waits.tolerance_median_min.consultation,low:10,high:37},"
    "consultation:{key:'hospital.departments.*.consultation.median',relative:true,low:0.6,high:1.6},"
    "crowding:{key:hospital.complaints.crowding.odds_ratio_per_doubling,low:1.2,high:2.0}}",
]


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_an_interrupted_analysis_says_how_to_resume_and_resumes_without_recomputing(tmp_path):
    """SIGINT to the process group (a terminal's Ctrl-C) after a few evaluations: exit
    130, one line with the command; that command finishes the analysis, computing only
    the evaluations not on disk, each once, and writes the tables, the figures and the
    report."""
    out = tmp_path / "analysis"
    process = subprocess.Popen(
        [sys.executable, "-m", "sim.sensitivity", *ARGS, f"hydra.run.dir={out}"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    store = out / "evaluations.jsonl"
    deadline = time.monotonic() + 120
    while len(lines(store)) < 6 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr, stderr
    command = shlex.split(stderr.split("to resume it (finished evaluations are kept): ")[1])
    assert command[:4] == ["python", "-m", "sim", "experiment=sensitivity"] and f"hydra.run.dir={out}" in command
    kept = {record["key"] for record in lines(store)}
    assert 6 <= len(kept) < 48  # 24 points x 2 replications in all

    resumed = subprocess.run([sys.executable, *command[1:]], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    records = lines(store)
    assert len(records) == len({r["key"] for r in records}) == 48  # every evaluation once
    provenance = json.loads((out / "provenance.json").read_text())["research"]
    assert provenance["read_back"] == len(kept) and provenance["computed_now"] == 48 - len(kept)
    indices = pd.read_csv(out / "indices.csv")
    assert set(indices["index"]) == {"mu_star", "sigma", "S1", "ST"}
    for name in (
        "report.md",
        "complete.json",
        "figures/morris_wait_doctor_mean_min.png",
        "figures/sobol_expected_complaints_per_1000_visits.png",
    ):
        assert (out / name).is_file(), name
    assert "Expected complaints per 1,000 visits" in resumed.stdout  # the summary, printed


def test_a_bad_research_setting_exits_2_with_one_line_before_anything_runs(tmp_path):
    """An unknown intervention in the PDCA map: exit 2, the key, the value and the
    interventions there are; no evaluation was made."""
    out = tmp_path / "pdca"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "experiment=pdca",
            "research.pdca.changes={environment:[kiosks]}",
            f"hydra.run.dir={out}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2, proc.stderr
    assert "research.pdca.changes.environment: 'kiosks': kiosks is no intervention" in proc.stderr
    assert "self_service_kiosks" in proc.stderr and "Traceback" not in proc.stderr
    assert not (out / "evaluations.jsonl").exists()
