"""A sweep directory as one tidy table, and the sweep's outputs. (Public front for
``sim.runs.sweep_table`` and ``sim.reporting.sweep_report``.)"""

from sim.reporting.sweep_report import write_sweep_outputs
from sim.runs.sweep_table import (
    COMPLETE,
    FAILED,
    INCOMPLETE,
    Job,
    comparison_table,
    earlier_jobs,
    find_jobs,
    swept_keys,
    varying_keys,
)

__all__ = [
    "COMPLETE",
    "FAILED",
    "INCOMPLETE",
    "Job",
    "comparison_table",
    "earlier_jobs",
    "find_jobs",
    "swept_keys",
    "varying_keys",
    "write_sweep_outputs",
]
