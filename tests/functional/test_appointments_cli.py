"""The online-appointments intervention swept from the command line, and the
experiment script reading the sweep's outputs."""

import json
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_sweep_over_the_booked_share_and_plot_it(tmp_path):
    sweep = tmp_path / "sweep"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "-m",
            "intervention=online_appointments",
            "hospital=teaching_demo",
            "hospital.booking.booked_share=0.2,0.8",
            "run.days=2",
            "run.replications=2",
            "output.figures=false",
            "output.save_visits=false",
            "output.progress=false",
            f"hydra.sweep.dir={sweep}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    shares = {}
    for job in ("0", "1"):
        overrides = yaml.safe_load((sweep / job / ".hydra" / "overrides.yaml").read_text())
        summary = json.loads((sweep / job / "summary.json").read_text())
        share = next(float(o.split("=")[1]) for o in overrides if o.startswith("hospital.booking.booked_share="))
        shares[share] = summary
        assert "online_appointments" in (sweep / job / "config.yaml").read_text()
    # the sweep value, not the intervention's 0.85, is what ran
    assert abs(shares[0.2]["booked_share"]["mean"] - 0.2) < 0.1
    assert abs(shares[0.8]["booked_share"]["mean"] - 0.8) < 0.1
    figure = tmp_path / "figure.png"
    plot = subprocess.run(
        [
            sys.executable,
            str(ROOT / "experiments" / "online_appointments" / "plot_sweep.py"),
            str(sweep),
            "--out",
            str(figure),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert plot.returncode == 0, plot.stderr
    assert figure.stat().st_size > 10_000
    assert "0.20" in plot.stdout and "0.80" in plot.stdout
