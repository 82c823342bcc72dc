"""Scenarios against a baseline: paired or independent differences of KPIs, and
scenarios run side by side with common random numbers. (Public front for
``sim.analysis.compare`` and ``sim.runs.scenarios``.)"""

from sim.analysis.compare import COLUMNS, differences, independent_difference, paired_difference
from sim.reporting.result import simulate
from sim.runs import scenarios

__all__ = ["COLUMNS", "compare_scenarios", "differences", "independent_difference", "paired_difference"]


def compare_scenarios(
    scenarios_by_name: dict[str, list[str]],
    common: list[str] | tuple[str, ...] = (),
    baseline: str | None = None,
    progress: bool = False,
):
    """``sim.runs.scenarios.compare_scenarios``, each scenario's result a ``sim.Result``."""
    return scenarios.compare_scenarios(scenarios_by_name, common, baseline, progress, simulate=simulate)
