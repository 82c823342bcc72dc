"""How many replications: the cumulative precision of replications already run, and
``run.replications=auto``. (Public front for ``sim.analysis.precision`` and
``sim.runs.replications.run_until_precise``.)"""

from sim.analysis.precision import (
    describe,
    precision_table,
    projected_replications,
    replications_needed,
)
from sim.config.compose import AUTO
from sim.runs.replications import run_until_precise

__all__ = ["AUTO", "describe", "precision_table", "projected_replications", "replications_needed", "run_until_precise"]
