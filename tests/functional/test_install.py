"""The project installed the way a user installs it, and a user's own hospital kept in
their own folder.

- A wheel built from the source (``pip install .``, not editable) installed into a fresh
  virtual environment runs from a folder outside the repository: ``hospital-sim`` and
  ``python -m sim`` run a job, ``hospital-sim-report`` rewrites its report, the configs
  come from the wheel (``sim/conf/``), and a hospital from the user's ``--config-dir``
  composes with the shipped ones. (Before conf/ was shipped, ``hospital-sim`` failed
  everywhere: "Primary config module 'conf' not found".)
- ``--config-dir`` on the command line and ``hydra.searchpath`` from Python add a user's
  hospital that builds on a shipped one.
"""

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import sim

ROOT = Path(__file__).resolve().parents[2]
TINY = ["hospital=teaching_demo", "run.days=1", "run.replications=1", "output.figures=false", "output.print_kpis=false"]
MY_CLINIC = """\
# The teaching clinic with a third surgeon and 180 patients a day
defaults:
  - teaching_demo
  - _self_

name: my_clinic
description: Teaching demo with three surgeons
arrivals:
  daily_volume: 180
departments:
  surgery:
    doctors: 3
"""


def write_my_clinic(folder: Path) -> Path:
    """A user's config folder holding one hospital, ``my_clinic``."""
    (folder / "hospital").mkdir(parents=True)
    (folder / "hospital" / "my_clinic.yaml").write_text(MY_CLINIC)
    return folder


def run(command: list, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_own_hospital_from_the_command_line_with_config_dir(tmp_path):
    """``python -m sim --config-dir my_configs hospital=my_clinic`` runs the user's hospital,
    with its own settings over teaching_demo's and a shipped intervention on top."""
    write_my_clinic(tmp_path / "my_configs")
    out = tmp_path / "run"
    proc = run(
        [
            sys.executable,
            "-m",
            "sim",
            "--config-dir",
            "my_configs",
            *TINY[1:],
            "hospital=my_clinic",
            "intervention=queue_information",
            f"hydra.run.dir={out}",
        ],
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    config = (out / "config.yaml").read_text()
    assert "name: my_clinic" in config and "daily_volume: 180" in config
    assert "perception_multiplier: 0.67" in config


def test_own_hospital_from_python_with_hydra_searchpath(tmp_path):
    """From Python the same folder is added with ``hydra.searchpath``; the user's values
    replace the base hospital's and the rest is inherited."""
    folder = write_my_clinic(tmp_path / "my_configs")
    cfg = sim.compose(["hospital=my_clinic", f"hydra.searchpath=[file://{folder}]"])
    demo = sim.compose(["hospital=teaching_demo"])
    assert cfg.hospital.name == "my_clinic" and cfg.hospital.arrivals.daily_volume == 180
    assert cfg.hospital.departments.surgery.doctors == 3
    assert cfg.hospital.departments.internal_medicine == demo.hospital.departments.internal_medicine


def fresh_environment(tmp_path: Path) -> Path:
    """A new virtual environment that sees this environment's installed packages (added
    by a .pth file, so nothing is downloaded) but not the project's source tree."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path).stdout.strip()
    here = {*site.getsitepackages(), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(purelib) / "_dependencies.pth").write_text("".join(f"{path}\n" for path in sorted(here)))
    return python


def build_wheel(tmp_path: Path) -> Path:
    """A wheel built from a copy of the files the package is made of (so nothing else in
    the repository can stand in for something the wheel lacks, and no build files are
    left in the repository)."""
    source = tmp_path / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in ("sim", "conf"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    built = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(source)], tmp_path
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("hospital_sim-*.whl")
    return wheel


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_environment_and_runs_from_any_directory(tmp_path):
    """``pip install <wheel>`` into a new environment, then every entry point from an
    unrelated folder, reading the configs the wheel ships. The environment sits inside
    someone else's git repository, whose commit the runs must not claim as theirs."""
    for command in (
        ["init", "-q"],
        ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "x"],
    ):
        subprocess.run(["git", *command], cwd=tmp_path, check=True, capture_output=True)
    python = fresh_environment(tmp_path)
    installed = run(
        [python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(build_wheel(tmp_path))], tmp_path
    )
    assert installed.returncode == 0, installed.stderr
    bin_dir = python.parent
    elsewhere = tmp_path / "elsewhere"
    write_my_clinic(elsewhere / "my_configs")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}

    where = run([python, "-c", "import sim.config.compose as c; print(c.__file__); print(c.CONF_DIR)"], elsewhere, env)
    module_file, conf_dir = where.stdout.split()
    assert Path(module_file).is_relative_to(tmp_path / "venv"), "the project's source was imported, not the wheel"
    assert Path(conf_dir) == Path(module_file).parents[1] / "conf"

    cli = run([bin_dir / "hospital-sim", *TINY, "hydra.run.dir=by_script"], elsewhere, env)
    assert cli.returncode == 0, cli.stderr
    module = run([python, "-m", "sim", *TINY, "hydra.run.dir=by_module"], elsewhere, env)
    assert module.returncode == 0, module.stderr
    for out in ("by_script", "by_module"):
        assert (elsewhere / out / "complete.json").is_file() and (elsewhere / out / "summary.json").is_file()
    assert (elsewhere / "by_script" / "kpis.csv").read_text() == (elsewhere / "by_module" / "kpis.csv").read_text()
    assert json.loads((elsewhere / "by_script" / "provenance.json").read_text())["git_commit"] is None

    (elsewhere / "by_script" / "report.html").unlink()
    report = run([bin_dir / "hospital-sim-report", "by_script"], elsewhere, env)
    assert report.returncode == 0, report.stderr
    assert (elsewhere / "by_script" / "report.html").is_file()

    own = run(
        [bin_dir / "hospital-sim", "--config-dir", "my_configs", *TINY[1:], "hospital=my_clinic", "hydra.run.dir=own"],
        elsewhere,
        env,
    )
    assert own.returncode == 0, own.stderr
    assert "name: my_clinic" in (elsewhere / "own" / "config.yaml").read_text()
