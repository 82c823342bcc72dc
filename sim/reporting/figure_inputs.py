"""What a run's figures are drawn from: its config and the tables the figures read,
without the visit table (which can hold millions of rows). Small to pickle, it is what
the command line's figure process is sent (``sim.reporting.figure_worker``); figures
drawn in this process are drawn from it too, so both draw from the same inputs."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sim.analysis.figure_data import FigureData
from sim.schema import Config


@dataclass(frozen=True)
class FigureInputs:
    config: Config
    summary: pd.DataFrame  # one row per KPI: mean, ci_low, ci_high, n
    kpis: pd.DataFrame  # one row per replication
    complaints: pd.DataFrame  # one row per complaint
    stations: pd.DataFrame  # station timelines (``sim.analysis.timelines``)
    figure_data: FigureData  # sums by group (``sim.analysis.figure_data``)

    @classmethod
    def of(cls, result) -> FigureInputs:
        """The inputs of a ``sim.Result``."""
        return cls(result.config, result.summary, result.kpis, result.complaints, result.stations, result.figure_data)
