"""The wheel's package list (pyproject.toml) names every sub-package of ``sim`` plus
``sim.conf`` (conf/ mapped into the package), and ``CONF_DIR`` is the absolute path of a
folder holding config.yaml, as Hydra needs. (A package missing from the list would be
left out of the wheel without any error at build time.)"""

import tomllib
from pathlib import Path

from sim.config.compose import CONF_DIR

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_lists_every_subpackage_and_the_configs():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "sim").rglob("__init__.py")} - {
        "sim.conf"
    }
    assert set(setuptools["packages"]) == on_disk | {"sim.conf"}
    assert setuptools["package-dir"] == {"sim.conf": "conf"}
    patterns = setuptools["package-data"]["sim.conf"]
    shipped = {path for pattern in patterns for path in (ROOT / "conf").glob(pattern)}
    assert shipped == set((ROOT / "conf").rglob("*.yaml")), "a config file the wheel would leave out"


def test_conf_dir_is_absolute_and_holds_the_default_config():
    assert CONF_DIR.is_absolute() and (CONF_DIR / "config.yaml").is_file()
