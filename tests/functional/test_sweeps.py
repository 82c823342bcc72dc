"""Sweeps end to end, in subprocesses writing into temporary directories: a failing
job leaves the others intact, re-running skips complete jobs, an interrupted sweep
resumes with only the rest, and the comparison table, figures and reports are written."""

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from hydra.types import RunMode

from sim import report
from sim.config.compose import CONF_DIR
from sim.runs import sweep_jobs as sweep

SMALL = [
    "hospital=teaching_demo",
    "run.days=1",
    "run.replications=3",
    "output.print_kpis=false",
    "output.progress=false",
]


def cli(cwd, *args, module="sim"):
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def marker(job_dir):
    return json.loads((job_dir / "complete.json").read_text())


def test_failed_job_is_reported_others_complete_and_rerun_skips_them(tmp_path):
    sweep = tmp_path / "sweep"
    args = ["-m", *SMALL, "hospital.pharmacy.servers=1,0,2", f"hydra.sweep.dir={sweep}"]
    first = cli(tmp_path, *args)
    assert first.returncode == 1, first.stderr  # a job failed: the sweep says so in its exit code
    assert "1 failed" in first.stdout and "FAILED job 1" in first.stdout
    assert "hospital.pharmacy.servers = 0: must be an integer >= 1" in (sweep / "1" / "error.txt").read_text()
    assert not (sweep / "1" / "complete.json").exists()
    for job in ("0", "2"):  # the jobs on either side of the failure finished with all their files
        for name in ("visits.parquet", "kpis.csv", "summary.json", "report.html", "complete.json"):
            assert (sweep / job / name).is_file(), (job, name)

    # the tidy table: one row per complete job x KPI, the swept value as a column
    table = pd.read_csv(sweep / "comparison.csv")
    kpis = pd.read_csv(sweep / "0" / "kpis.csv").columns.drop("replication")
    assert len(table) == 2 * len(kpis) and set(table["job"]) == {0, 2}
    assert set(table["hospital.pharmacy.servers"]) == {1, 2}
    pharmacy = table[table["kpi"] == "wait_pharmacy_mean_min"].set_index("job")
    # no intervention swept: each value is compared with the first (servers=1), paired
    assert pharmacy.loc[2, "baseline_job"] == 0 and bool(pharmacy.loc[2, "paired"])
    assert pharmacy.loc[2, "difference"] == pytest.approx(pharmacy.loc[2, "mean"] - pharmacy.loc[0, "mean"])
    consultation = table[table["kpi"] == "wait_consultation_mean_min"].set_index("job")
    assert consultation.loc[2, "difference"] == 0  # common random numbers: the doctors' day is unchanged
    assert (sweep / "figures" / "kpis_vs_servers.png").is_file()
    report = (sweep / "report.html").read_text()
    assert "data:image/png;base64," in report and "failed" in report and "wait_pharmacy_mean_min" in report

    finished = {job: marker(sweep / job) for job in ("0", "2")}
    visits_written = (sweep / "0" / "visits.parquet").stat().st_mtime_ns
    again = cli(tmp_path, *args)
    assert again.returncode == 1
    assert again.stdout.count("already complete, skipped") == 2
    assert "2 skipped as already complete" in again.stdout
    assert {job: marker(sweep / job) for job in ("0", "2")} == finished  # not redone
    assert (sweep / "0" / "visits.parquet").stat().st_mtime_ns == visits_written


def test_interrupted_sweep_says_how_to_resume_and_resumes_with_only_the_unfinished_jobs(tmp_path):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it, workers
    included) prints one line naming the sweep directory and the command that resumes
    it, exits 130 (it used to print a 70-line traceback per process); that command
    skips the finished jobs and runs the rest."""
    sweep = tmp_path / "sweep"
    args = [
        "-m",
        "hospital=teaching_demo",
        "run.days=4",
        "run.replications=4",
        "run.jobs=2",
        "output.print_kpis=false",
        "output.progress=false",
        "hospital.pharmacy.servers=1,2,3",
    ]
    # A program started in the background by a shell (`pytest … &`) has Ctrl-C ignored,
    # and a child inherits that: give the sweep Python's usual Ctrl-C, as a terminal would
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "sim", *args, f"hydra.sweep.dir={sweep}"],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    deadline = time.monotonic() + 120
    while not (sweep / "0" / "complete.json").exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C while job 1 runs
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr, stderr
    resume = shlex.split(stderr.split("to resume it (complete jobs are skipped): ")[1])
    assert resume == ["python", "-m", "sim", *args, f"hydra.sweep.dir={sweep}"]
    done_before = {d.name for d in sweep.iterdir() if (d / "complete.json").exists()}
    assert "0" in done_before and len(done_before) < 3, done_before
    markers_before = {job: marker(sweep / job) for job in done_before}

    started = time.time()
    resumed = cli(tmp_path, *resume[3:])
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert resumed.stdout.count("already complete, skipped") == len(done_before)
    for job in ("0", "1", "2"):
        info = marker(sweep / job)
        if job in done_before:
            assert info == markers_before[job]  # kept, not redone
        else:
            assert info["finished_unix"] >= started  # run now
    assert set(pd.read_csv(sweep / "comparison.csv")["job"]) == {0, 1, 2}


def test_interrupted_message_gives_a_command_that_pastes_into_bash(monkeypatch):
    """A single run's line names its run directory; overrides are quoted for the shell,
    an earlier hydra.run.dir is replaced, and output.dir (which wins) is kept as it is."""
    monkeypatch.setattr(sweep, "_writing", {})
    assert sweep.interrupted(["sim/__main__.py"]) == "interrupted before anything was written"
    sweep.writing_into("run", Path("results/runs/x y"))
    line = sweep.interrupted(["/repo/sim/__main__.py", "intervention=[a,b]", "hydra.run.dir=old"])
    assert line == (
        "interrupted: the run in results/runs/x y is incomplete; to run it again: "
        "python -m sim 'intervention=[a,b]' 'hydra.run.dir=results/runs/x y'"
    )
    line = sweep.interrupted(["/venv/bin/hospital-sim", "output.dir=out"])
    assert line.endswith("to run it again: hospital-sim output.dir=out")


@pytest.fixture(scope="module")
def reused_sweep(tmp_path_factory):
    """A sweep directory reused by a different sweep: first four interventions (jobs
    0-3), then ``hospital.pharmacy.servers=0,4,5`` (job 0 now fails, 1 and 2 run, 3 is
    left over from the first sweep); with the second sweep's output."""
    root = tmp_path_factory.mktemp("reused")
    sweep = root / "sweep"
    small = [
        "hospital=teaching_demo",
        "run.days=1",
        "run.replications=2",
        "output.print_kpis=false",
        "output.progress=false",
        "output.figures=false",
        "output.report=false",
        f"hydra.sweep.dir={sweep}",
    ]
    first = cli(root, "-m", *small, "intervention=none,queue_information,mobile_payment,communication_training")
    assert first.returncode == 0, first.stdout + first.stderr
    second = cli(root, "-m", *small, "hospital.pharmacy.servers=0,4,5")
    return sweep, second


def test_a_reused_sweep_directory_reports_only_the_new_sweeps_jobs(reused_sweep):
    """The comparison holds only the jobs of the sweep that ran last: not job 3, left by
    the earlier sweep, nor job 0's earlier results (its new configuration failed).
    Both used to be reported, job 0 with the earlier intervention sweep's KPIs."""
    sweep, second = reused_sweep
    assert second.returncode == 1, second.stdout + second.stderr  # job 0 (servers=0) failed
    assert "not reported: job folder(s) 3, left by an earlier, different sweep" in second.stdout
    assert not (sweep / "0" / "complete.json").exists() and not (sweep / "0" / "kpis.csv").exists()
    table = pd.read_csv(sweep / "comparison.csv")
    assert set(table["job"]) == {1, 2} and "intervention" not in table.columns
    assert set(table["hospital.pharmacy.servers"]) == {4, 5}
    assert "communication_training" not in (sweep / "report.html").read_text()


def test_report_refuses_an_unknown_baseline_or_kpi_and_compares_with_none(reused_sweep, tmp_path, capsys):
    """`python -m sim.report` refuses a baseline no job has, or a KPI the sweep lacks,
    with the valid choices and exit code 2, before overwriting anything (an unknown
    baseline used to rewrite the comparison with NaN differences); `--baseline none`
    writes the table without differences; a valid baseline is used."""
    sweep = tmp_path / "sweep"
    shutil.copytree(reused_sweep[0], sweep)
    before = (sweep / "comparison.csv").read_bytes()
    for args, fragment in [
        (
            ["--baseline", "hospital.pharmacy.servers=9"],
            "matches no complete job; choose from hospital.pharmacy.servers=4, hospital.pharmacy.servers=5, or none",
        ),
        (["--baseline", "servers"], "not of the form KEY=VALUE"),
        (
            ["--kpis", "wait_pharmacy_mean_min", "no_such_kpi"],
            "KPI no_such_kpi: not among the sweep's KPIs, which are: visits, ",
        ),
    ]:
        with pytest.raises(SystemExit) as exit_:
            report.main([str(sweep), *args])
        assert exit_.value.code == 2 and fragment in capsys.readouterr().err
    assert (sweep / "comparison.csv").read_bytes() == before

    assert report.main([str(sweep), "--baseline", "none"]) == 1  # written; 1: job 0 failed
    table = pd.read_csv(sweep / "comparison.csv")
    assert table["baseline_job"].isna().all() and table["difference"].isna().all()
    assert report.main([str(sweep), "--baseline", "hospital.pharmacy.servers=5", "--kpis", "wait_*"]) == 1
    table = pd.read_csv(sweep / "comparison.csv")
    assert set(table["baseline_job"]) == {2} and table.loc[table["job"] == 1, "difference"].notna().any()


def test_run_writes_a_single_file_report_and_sim_report_rewrites_it(tmp_path):
    out = tmp_path / "run"
    proc = cli(
        tmp_path,
        "hospital=teaching_demo",
        "run.days=1",
        "run.replications=auto",
        "run.target_precision=0.3",
        f"hydra.run.dir={out}",
    )
    assert proc.returncode == 0, proc.stderr
    assert "replications=auto:" in proc.stdout
    report = (out / "report.html").read_text()
    figures = list((out / "figures").glob("*.png"))
    assert len(figures) >= 2 and report.count("data:image/png;base64,") == len(figures)  # all embedded
    assert "Headline KPIs" in report and "wait_consultation_mean_min" in report
    assert "config.yaml" in report and "teaching_demo" in report and "replications=auto" in report
    (out / "report.html").unlink()
    again = cli(tmp_path, str(out), module="sim.report")
    assert again.returncode == 0, again.stderr
    assert (out / "report.html").is_file()


def test_compare_interventions_runs_every_intervention(tmp_path):
    sweep = tmp_path / "sweep"
    proc = cli(tmp_path, "experiment=compare_interventions", *SMALL, "run.jobs=1", f"hydra.sweep.dir={sweep}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # complaint_follow_up switches on patients over time, so it is left out (it needs a baseline with them on)
    interventions = {path.stem for path in (CONF_DIR / "intervention").glob("*.yaml")} - {"complaint_follow_up"}
    table = pd.read_csv(sweep / "comparison.csv")
    assert set(table["intervention"]) == interventions
    assert (
        table.loc[table["intervention"] == "none", "baseline_job"] == table.loc[table["intervention"] == "none", "job"]
    ).all()
    assert (sweep / "report.html").is_file()


def test_report_of_a_directory_that_is_neither_fails_clearly(tmp_path):
    proc = cli(tmp_path, str(tmp_path), module="sim.report")
    assert proc.returncode == 2
    assert "neither a run directory" in proc.stderr and "Traceback" not in proc.stderr


def test_a_config_file_with_a_yaml_error_fails_its_job_only(tmp_path):
    """Hydra composes every job before launching any and used to stop the whole sweep
    at a broken file; now that job fails, with the file, line and column in one line."""
    extra = tmp_path / "extra" / "hospital"
    extra.mkdir(parents=True)
    (extra / "broken.yaml").write_text(
        "defaults:\n  - teaching_demo\n  - _self_\nname: broken\narrivals:\n  daily_volume: [1, 2\n"
    )
    sweep = tmp_path / "sweep"
    proc = cli(
        tmp_path,
        "--config-dir",
        str(tmp_path / "extra"),
        "-m",
        *SMALL,
        "run.replications=1",
        "output.figures=false",
        "output.report=false",
        "hospital=broken,teaching_demo",
        f"hydra.sweep.dir={sweep}",
    )
    assert proc.returncode == 1, proc.stderr
    assert "2 job(s): 1 complete" in proc.stdout and "1 failed" in proc.stdout
    assert (sweep / "1" / "complete.json").is_file()
    error = (sweep / "0" / "error.txt").read_text().splitlines()
    assert (
        error[1] == f"  - {extra / 'broken.yaml'}, line 7, column 1: expected ',' or ']', but got '<stream end>' "
        "(while parsing a flow sequence at line 6, column 17)"
    )


# the research tools (sim.research): one run each, not a sweep
RESEARCH_EXPERIMENTS = {"sensitivity", "pdca", "optimise_staffing"}


@pytest.mark.parametrize("name", sorted(path.stem for path in (CONF_DIR / "experiment").glob("*.yaml")))
def test_named_experiments_write_where_they_say(name):
    """Each named experiment sweeps into results/sweeps/<its name>/<timestamp>/ (its own
    hydra.sweep.dir, which conf/config.yaml's default used to override); a research
    tool's experiment is one run, into results/research/<its name>/<timestamp>/."""
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose(config_name="config", overrides=[f"experiment={name}"], return_hydra_config=True)
    GlobalHydra.instance().clear()
    if name in RESEARCH_EXPERIMENTS:
        assert cfg.research.task == name
        assert cfg.hydra.run._get_node("dir")._value() == f"results/research/{name}/${{now:%Y-%m-%d_%H-%M-%S}}"
        assert cfg.hydra.mode in (None, RunMode.RUN)
        return
    assert cfg.hydra.sweep._get_node("dir")._value() == f"results/sweeps/{name}/${{now:%Y-%m-%d_%H-%M-%S}}"
    assert cfg.hydra.mode == RunMode.MULTIRUN
