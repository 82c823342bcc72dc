"""hospital-sim: a discrete-event simulation of a hospital outpatient department.

    import sim
    cfg = sim.compose(["hospital=teaching_demo", "run.days=3"])
    res = sim.simulate(cfg)
    res.summary            # KPI -> mean, ci_low, ci_high, n
    res.save("results/my_run")

The names below are loaded when first used, so that ``import sim.engine`` (the model
alone) does not pull in Hydra, pandas or matplotlib.
"""

from importlib import import_module

__all__ = ["ConfigError", "Result", "compose", "simulate"]
__version__ = "0.1.0"

_HOMES = {  # name -> module that defines it
    "ConfigError": "sim.config.compose",
    "compose": "sim.config.compose",
    "Result": "sim.reporting.result",
    "simulate": "sim.reporting.result",
}


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(import_module(_HOMES[name]), name)
    globals()[name] = value  # found once, then a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
