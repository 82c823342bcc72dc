"""What the run's figures need from the visits, summed by group.

The figures show means by group (the wait for the doctor by department and hour of
arrival, expected complaints by hour and by month, complaints per doctor), so sums
and counts per group are all they need. ``FigureData`` adds them up from visit
columns — all at once from a run's visit table, or day by day while a run that does
not keep its visits (``output.stream=true``) is simulated — and ``sim.reporting.render`` /
``sim.reporting.complaint_figures`` draw from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sim.analysis.timelines import StationTimelines
from sim.clock import MINUTES_PER_DAY
from sim.engine.records import NO_SHOW

if TYPE_CHECKING:  # a run's visit table; the figure data itself needs no pandas
    import pandas as pd

HOURS = 24
MONTHS = 12


@dataclass
class FigureData:
    departments: list[str]
    doctors: int
    rows: int = 0  # visit rows added (bookings not kept included)
    wait_sum: np.ndarray = None  # (departments x hours) wait for the doctor, by hour of arrival
    wait_count: np.ndarray = None
    p_by_hour: np.ndarray = None  # complaint probability summed by hour of arrival (visits that came)
    came_by_hour: np.ndarray = None
    p_by_month: np.ndarray = None
    complaints_by_month: np.ndarray = None
    came_by_month: np.ndarray = None
    # replication -> (visits, expected complaints, realised complaints) per doctor id
    per_doctor: dict[int, np.ndarray] = field(default_factory=dict)
    # station timelines, added up day by day when a run does not keep its visits
    # (output.stream); a run that keeps them computes them from its visit table
    timelines: StationTimelines | None = None

    def __post_init__(self):
        d = len(self.departments)
        for name, shape in (
            ("wait_sum", (d, HOURS)),
            ("wait_count", (d, HOURS)),
            ("p_by_hour", HOURS),
            ("came_by_hour", HOURS),
            ("p_by_month", MONTHS),
            ("complaints_by_month", MONTHS),
            ("came_by_month", MONTHS),
        ):
            if getattr(self, name) is None:
                setattr(self, name, np.zeros(shape))

    def add(self, v: dict[str, np.ndarray]) -> None:
        """Visit columns with codes (department, outcome) and complaint columns."""
        self.rows += len(v["arrival_time"])
        hour = ((np.nan_to_num(v["arrival_time"]) % MINUTES_PER_DAY) // 60).astype(np.int64)  # no-shows: NaN
        waited = ~v["in_warmup"] & ~np.isnan(v["wait_consultation"])
        cell = v["department"][waited].astype(np.int64) * HOURS + hour[waited]
        size = len(self.departments) * HOURS
        self.wait_sum += np.bincount(cell, weights=v["wait_consultation"][waited], minlength=size).reshape(-1, HOURS)
        self.wait_count += np.bincount(cell, minlength=size).reshape(-1, HOURS)
        came = ~v["in_warmup"] & (v["outcome"] != NO_SHOW)
        p = v["complaint_probability"][came]
        self.p_by_hour += np.bincount(hour[came], weights=p, minlength=HOURS)
        self.came_by_hour += np.bincount(hour[came], minlength=HOURS)
        month = v["month"][came].astype(np.int64) - 1
        self.p_by_month += np.bincount(month, weights=p, minlength=MONTHS)
        self.complaints_by_month += np.bincount(month, weights=v["complaint"][came], minlength=MONTHS)
        self.came_by_month += np.bincount(month, minlength=MONTHS)
        seen = came & (v["doctor_id"] >= 0)
        for replication in np.unique(v["replication"][seen]):
            mine = seen & (v["replication"] == replication)
            doctor = v["doctor_id"][mine]
            table = self.per_doctor.setdefault(int(replication), np.zeros((3, self.doctors)))
            table[0] += np.bincount(doctor, minlength=self.doctors)
            table[1] += np.bincount(doctor, weights=v["complaint_probability"][mine], minlength=self.doctors)
            table[2] += np.bincount(doctor, weights=v["complaint"][mine], minlength=self.doctors)
        if self.timelines is not None:
            self.timelines.add(v)

    def merge(self, other: FigureData) -> None:
        self.rows += other.rows
        for name in (
            "wait_sum",
            "wait_count",
            "p_by_hour",
            "came_by_hour",
            "p_by_month",
            "complaints_by_month",
            "came_by_month",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for replication, table in other.per_doctor.items():
            self.per_doctor[replication] = self.per_doctor.get(replication, 0) + table
        if self.timelines is not None and other.timelines is not None:
            self.timelines.merge(other.timelines)

    def doctor_totals(self, row: int) -> np.ndarray:
        """Expected (row 1) or realised (row 2) complaints of each doctor who saw a
        patient, every replication."""
        parts = [table[row][table[0] > 0] for _, table in sorted(self.per_doctor.items())]
        return np.concatenate(parts) if parts else np.zeros(0)

    @classmethod
    def from_visits(cls, visits: pd.DataFrame, departments: list[str], doctors: int) -> FigureData:
        """From a run's visit table (categorical columns as codes)."""
        data = cls(departments, doctors)
        columns = {
            name: visits[name].to_numpy()
            for name in (
                "arrival_time",
                "in_warmup",
                "wait_consultation",
                "complaint_probability",
                "complaint",
                "month",
                "doctor_id",
                "replication",
            )
        }
        columns["department"] = visits["department"].cat.codes.to_numpy()
        columns["outcome"] = visits["outcome"].cat.codes.to_numpy()
        data.add(columns)
        return data
