"""Scenarios run side by side with common random numbers, each compared with a baseline."""

from __future__ import annotations

import pandas as pd

from sim.analysis import compare
from sim.config.compose import compose
from sim.runs import replications


def compare_scenarios(
    scenarios: dict[str, list[str]],
    common: list[str] | tuple[str, ...] = (),
    baseline: str | None = None,
    progress: bool = False,
    simulate=replications.simulate,
):
    """Run each scenario (``common`` overrides + its own, same seed: common random
    numbers) and compare each with ``baseline`` (default: the first scenario).

    Returns (results by scenario name, differences table: one row per scenario × KPI).
    ``simulate`` runs a scenario (``sim.compare.compare_scenarios`` passes ``sim.simulate``,
    whose results save with their figures).
    """
    results = {
        name: simulate(compose([*common, *overrides]), progress=progress) for name, overrides in scenarios.items()
    }
    baseline = baseline or next(iter(scenarios))
    base = results[baseline]
    tables = []
    for name, result in results.items():
        if name == baseline:
            continue
        paired = result.config.run.seed == base.config.run.seed
        tables.append(compare.differences(base.kpis, result.kpis, paired=paired).assign(scenario=name))
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=["scenario", *compare.COLUMNS])
    return results, table[["scenario", *compare.COLUMNS]]
