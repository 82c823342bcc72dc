"""``python -m sim --help``: a page for people listing every option that can be chosen
in every config group (each one composes) and nothing that cannot (the schema nodes of
Hydra's ConfigStore), the main settings, examples, where results and docs are, and no
configuration dump; ``--cfg job`` still prints the configuration. Misspelt keys,
options, choices and KPI names are refused with a suggestion."""

import subprocess
import sys

import pytest

import sim
from sim.config.compose import CONF_DIR, ConfigError
from sim.reporting import help_screen
from tests.conftest import assert_refused


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, timeout=120, cwd=cwd)


@pytest.fixture(scope="module")
def page():
    proc = cli("--help")
    assert proc.returncode == 0 and not proc.stderr, proc.stderr
    return proc.stdout


def _listed(page: str, group: str) -> list[str]:
    """The options listed under a group's heading."""
    lines = page.splitlines()
    start = lines.index(next(line for line in lines if line.startswith(f"  {group}:")))
    listed = []
    for line in lines[start + 1 :]:
        if not line.startswith("    ") or line.startswith("     "):
            if line.startswith("  ") and not line.startswith("    "):
                break
            continue
        listed.append(line.split()[0])
    return listed


@pytest.mark.parametrize("group", help_screen.GROUPS)
def test_every_choosable_option_is_listed_and_each_listed_option_composes(page, group):
    files = sorted(path.stem for path in (CONF_DIR / group).glob("*.yaml"))
    assert _listed(page, group) == files
    for option in files:
        sim.compose([f"{group}={option}"])  # choosable: composes without error


def test_nothing_unchoosable_is_offered(page):
    """base_hospital (the hospital schema) used to be stored in the hospital group and
    offered by Hydra's help; choosing it failed. It is neither listed nor choosable."""
    assert "base_hospital" not in page and "base_config" not in page
    with pytest.raises(ConfigError, match="hospital=base_hospital: no such option"):
        sim.compose(["hospital=base_hospital"])


def test_the_page_has_descriptions_settings_examples_results_and_docs_but_no_dump(page):
    assert "teaching_demo               Two-department teaching clinic" in page
    assert "self_service_kiosks        12 registration kiosks" in page
    assert "run.replications=5" in page and "output.precision_warning=0.1" in page
    assert page.count("\n  python -m sim") + page.count("\n  hospital-sim-report") == 5 + 2  # examples + usage
    assert "results/runs/" in page and "docs/" in page and "--cfg job" in page
    assert "hourly_profile" not in page and len(page.splitlines()) < 150  # no config dump (that is 700+ lines)


def test_console_script_and_cfg_job():
    assert subprocess.run(["hospital-sim", "-h"], capture_output=True, text=True).stdout.startswith("hospital-sim:")
    dump = cli("--cfg", "job", "hospital=teaching_demo").stdout
    assert "hourly_profile" in dump and "name: teaching_demo" in dump


@pytest.mark.parametrize(
    "override, suggestion",
    [
        ("run.dayz=3", "did you mean run.days?"),
        ("hospital=teching_demo", "did you mean hospital=teaching_demo?"),
        ("intervention=[mobile_payment,kiosks]", "did you mean intervention=self_service_kiosks?"),
        ("runner.kind=dsk", "did you mean dask?"),
        ("hospital.departments.internal_medicin.doctors=3", "did you mean hospital.departments.internal_medicine?"),
        ("run.precision_kpis=[wait_consultaton_mean_min]", "did you mean wait_consultation_mean_min?"),
        ("compare.figure_kpis=[pharmacy_wait*]", "did you mean wait_pharmacy_mean_min?"),
        ("+hospital.pharmacy.serverz=2", "did you mean hospital.pharmacy.servers?"),
    ],
)
def test_misspellings_get_a_suggestion(override, suggestion):
    assert_refused(["hospital=teaching_demo", override], [suggestion])


def test_an_old_hospital_file_naming_base_hospital_says_what_to_remove(tmp_path, monkeypatch):
    """A hospital file written for the old schema (defaults: [base_hospital]) is refused
    with the line to remove, not a Hydra error about a missing option."""
    path = CONF_DIR / "hospital" / "zz_test_old_style.yaml"
    path.write_text("defaults:\n  - base_hospital\n  - _self_\nname: old\n")
    try:
        with pytest.raises(ConfigError, match="zz_test_old_style.yaml: its defaults list names base_hospital"):
            sim.compose(["hospital=zz_test_old_style"])
    finally:
        path.unlink()
