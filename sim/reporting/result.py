"""What ``sim.simulate`` returns: a run's tables, saved with their figures."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd
from omegaconf import DictConfig

from sim.analysis.timelines import station_timelines
from sim.reporting import render
from sim.runs import replications, run_files
from sim.runs.result import RunTables
from sim.schema import Config


class Result(RunTables):
    """Tables of a run (``visits``, ``complaints``, ``kpis``, ``summary``, ...) that save
    with their figures."""

    @cached_property
    def stations(self) -> pd.DataFrame:
        """Every station's number waiting and busy over the day, in 15-minute bins: mean
        and 10th-90th percentile band across days and replications
        (``sim.analysis.timelines``)."""
        streamed = self.figure_data.timelines if self.visits.empty else None
        if streamed is not None:
            return streamed.table()
        return station_timelines(self.visits, self.config.hospital, self.config.run.start_date)

    def save(self, directory: str | Path, figures: bool = True, save_visits: bool = True) -> Path:
        """Write the run's files into ``directory`` (created if needed): the data files
        (``RunTables.save``), ``stations.parquet``, then ``figures/`` (or remove an
        earlier run's)."""
        out = super().save(directory, save_visits)
        with run_files.written(out / "stations.parquet") as path:
            self.stations.to_parquet(path, index=False)
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
