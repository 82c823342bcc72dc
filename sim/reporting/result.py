"""What ``sim.simulate`` returns: a run's tables, saved with their figures."""

from __future__ import annotations

from pathlib import Path

from omegaconf import DictConfig

from sim.reporting import render
from sim.runs import replications, run_files
from sim.runs.result import RunTables
from sim.schema import Config


class Result(RunTables):
    """Tables of a run (``visits``, ``complaints``, ``kpis``, ``summary``, ...) that save
    with their figures."""

    def save(self, directory: str | Path, figures: bool = True, save_visits: bool = True) -> Path:
        """Write the run's files into ``directory`` (created if needed): the data files
        (``RunTables.save``), then ``figures/`` (or remove an earlier run's)."""
        out = super().save(directory, save_visits)
        if figures:
            with run_files.written(out / "figures") as path:
                render.save_figures(self, path)
        else:
            run_files.remove(out / "figures")
        return out


def simulate(
    cfg: DictConfig | Config,
    progress: bool | None = None,
    overrides: list[str] | None = None,
    directory: str | Path | None = None,
    on_progress=None,
) -> Result:
    """Run every replication of a composed config and return its tables
    (``sim.runs.replications.simulate``; ``on_progress`` is told of each finished
    replication-day)."""
    return replications.simulate(cfg, progress, overrides, directory, result_type=Result, on_progress=on_progress)
