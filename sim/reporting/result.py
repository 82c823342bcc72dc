"""What ``sim.simulate`` returns: a run's tables, saved with their figures."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd
from omegaconf import DictConfig

from sim.analysis.timelines import station_timelines
from sim.reporting import figure_worker
from sim.reporting.figure_inputs import FigureInputs
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
        (``RunTables.save``), ``stations.parquet`` and ``figures/`` (or remove an
        earlier run's). The command line's figure process (``figure_worker``) draws
        the figures while the data files are written; without one they are drawn here,
        after them."""
        out = Path(directory)
        if not figures:
            self._save_data(out, save_visits)
            run_files.remove(out / "figures")
            return out
        out.mkdir(parents=True, exist_ok=True)
        with run_files.written(out / "figures") as figures_dir:
            handed_over = figure_worker.hand_over(FigureInputs.of(self), figures_dir)
            self._save_data(out, save_visits)
            if not (handed_over and figure_worker.drawn()):
                from sim.reporting import render  # matplotlib: only where figures are drawn

                render.save_figures(self, figures_dir)
        return out

    def _save_data(self, out: Path, save_visits: bool) -> None:
        super().save(out, save_visits)
        with run_files.written(out / "stations.parquet") as path:
            self.stations.to_parquet(path, index=False)


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
