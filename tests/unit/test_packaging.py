"""The wheel's package list (pyproject.toml) names every sub-package of ``sim`` and
every folder of ``conf/`` (mapped into the package as ``sim.conf``), each config
folder ships its YAML files, and ``CONF_DIR`` is the absolute path of a folder holding
config.yaml, as Hydra needs; the report templates ship with ``sim.reporting``. (A
package or file missing from the lists would be left out of the wheel without any error
at build time.)"""

import tomllib
from pathlib import Path

from sim.config.compose import CONF_DIR

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_lists_every_subpackage_and_config_folder():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    code = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "sim").rglob("__init__.py")}
    configs = {"sim.conf"} | {f"sim.conf.{folder.name}" for folder in (ROOT / "conf").iterdir() if folder.is_dir()}
    assert set(setuptools["packages"]) == code | configs
    assert setuptools["package-dir"] == {"sim.conf": "conf"}
    data = dict(setuptools["package-data"])
    templates = data.pop("sim.reporting")
    shipped = {
        path
        for package, patterns in data.items()
        for pattern in patterns
        for path in (ROOT / "conf" / "/".join(package.split(".")[2:])).glob(pattern)
    }
    assert shipped == set((ROOT / "conf").rglob("*.yaml")), "a config file the wheel would leave out"
    reporting = ROOT / "sim" / "reporting"
    assert {p for pattern in templates for p in reporting.glob(pattern)} == set((reporting / "templates").iterdir())


def test_conf_dir_is_absolute_and_holds_the_default_config():
    assert CONF_DIR.is_absolute() and (CONF_DIR / "config.yaml").is_file()
