"""Hydra's mode probe is skipped only when it could find no mode
(``sim.config.mode_probe``): the shipped configs set ``hydra.mode`` only in
experiments, the command lines that may set it are recognised, and Hydra's method is
restored after the command."""

from pathlib import Path

import pytest
import yaml
from hydra._internal.hydra import Hydra
from hydra._internal.utils import create_config_search_path
from hydra.core.global_hydra import GlobalHydra

from sim.config.compose import CONF_DIR
from sim.config.mode_probe import mode_may_be_set, skip_mode_probe


def _sets_mode(path: Path) -> bool:
    text = path.read_text()
    data = yaml.safe_load(text) or {}
    is_global = "@package _global_" in text or path.parent == CONF_DIR
    return is_global and isinstance(data.get("hydra"), dict) and "mode" in data["hydra"]


def test_only_experiments_set_the_run_mode():
    """The rule the skip relies on; the experiments do set it (so the scan can see it)."""
    setters = {p.relative_to(CONF_DIR).parts[0] for p in CONF_DIR.rglob("*.yaml") if _sets_mode(p)}
    assert setters == {"experiment"}


@pytest.mark.parametrize(
    "option", ["hospital=general_hospital", "hospital=validation_network", "intervention=online_appointments"]
)
def test_hydra_finds_no_mode_where_the_probe_is_skipped(option):
    """Hydra's own probe, composing the config, finds none for options the skip covers."""
    GlobalHydra.instance().clear()
    hydra = Hydra.create_main_hydra2(task_name="sim", config_search_path=create_config_search_path(str(CONF_DIR)))
    try:
        assert not mode_may_be_set([option])
        assert hydra.get_mode("config", [option]) is None
        assert str(hydra.get_mode("config", ["experiment=compare_interventions"])) == "RunMode.MULTIRUN"
    finally:
        GlobalHydra.instance().clear()


@pytest.mark.parametrize(
    "arguments, may",
    [
        (["hospital=teaching_demo", "run.days=3"], False),
        ([], False),
        (["experiment=compare_interventions"], True),
        (["+experiment=pdca"], True),
        (["hydra.mode=MULTIRUN"], True),
        (["++hydra.mode=RUN"], True),
        (["hydra/launcher=submitit_slurm"], True),
        (["hydra.searchpath=[file:///somewhere]"], True),
        (["-m", "hospital=teaching_demo"], True),
        (["--config-dir", "/elsewhere"], True),
        (["hospital.name=experiment"], False),
        (["hydra.run.dir=results/mine", "hydra.job.chdir=false"], False),
        (["hydra/sweeper=basic"], True),
    ],
)
def test_command_lines_that_may_set_the_mode(arguments, may):
    assert mode_may_be_set(arguments) is may


def test_the_probe_is_restored_after_the_command():
    probe = Hydra.get_mode
    with skip_mode_probe(["hospital=teaching_demo"]):
        assert Hydra.get_mode is not probe and Hydra.get_mode(None, "config", []) is None
    assert Hydra.get_mode is probe
    with skip_mode_probe(["experiment=pdca"]):
        assert Hydra.get_mode is probe
