"""hospital-sim: a discrete-event simulation of a hospital outpatient department.

    import sim
    cfg = sim.compose(["hospital=teaching_demo", "run.days=3"])
    res = sim.simulate(cfg)
    res.summary            # KPI -> mean, ci_low, ci_high, n
    res.save("results/my_run")
"""

from sim.config.compose import ConfigError, compose
from sim.runs.replications import Result, simulate

__all__ = ["ConfigError", "Result", "compose", "simulate"]
__version__ = "0.1.0"
