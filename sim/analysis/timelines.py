"""Station timelines: how many patients wait and how many are being served at every
station over the day, in bins of 15 minutes.

Computed from the visit table alone, vectorised (no extra simulation events): at a
station (``sim.analysis.stations``) a visit waits from joining the queue to the start
of its service and keeps a server busy from the start to the end of it. The
time-average number waiting in a bin is the waiting time that falls inside the bin,
summed over the visits, divided by the bin's length (the same for busy servers). So
the area under a day's curve is the sum of its waits: Little's law, L = λW, holds bin
by bin and over the day exactly, whatever the arrival process.

Each (replication, day) gives one curve per station; ``station_timelines`` reports
their mean and a band (10th to 90th percentile across the days and replications),
with the servers at work, as a tidy table::

    from sim.analysis.timelines import station_timelines
    table = station_timelines(result.visits, result.config.hospital, result.config.run.start_date, bin_min=15)

The servers at work in a bin are those on duty by the day's schedule or roster
(``sim.staffing.on_duty``: the engine's own; holidays, leave and staffing
interventions included), averaged over the bin and over the same days and
replications as the other columns; utilisation is the mean number busy over that
mean. A server going off duty finishes the patient in service, so a bin just after a
change may show more busy than at work.

Times are minutes after midnight of the visit's day (validation configs whose one
session lasts days run past 1,440). All visits that came are included, those of a
warm-up too: they were there.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.analysis.stations import Station, stations
from sim.clock import MINUTES_PER_DAY, format_clock
from sim.staffing.on_duty import OnDuty, bin_means

if TYPE_CHECKING:  # tables; the accumulator itself needs no pandas
    import pandas as pd

BIN_MIN = 15.0
BAND = (10, 90)  # percentiles across days and replications
COLUMNS = [
    "station",
    "label",
    "servers",
    "bin_start_min",
    "time",
    "waiting_mean",
    "waiting_p10",
    "waiting_p90",
    "busy_mean",
    "busy_p10",
    "busy_p90",
    "servers_at_work",
    "utilisation",
    "days",
]
VISIT_COLUMNS = ("replication", "day", "department", "kiosk")


def occupancy(
    group: np.ndarray, begin: np.ndarray, end: np.ndarray, groups: int, bins: int, bin_min: float
) -> np.ndarray:
    """Time-average number of intervals ``[begin, end)`` open in each bin, per group:
    an array (groups, bins). ``begin`` and ``end`` are minutes from the start of the
    group's bin 0 (0 <= begin <= end < bins x bin_min); ``group`` indexes the rows."""
    first = np.floor(begin / bin_min).astype(np.int64)
    last = np.floor(end / bin_min).astype(np.int64)
    base = group.astype(np.int64) * bins
    size = groups * bins
    within = first == last
    # (as floats even with no weights: bincount gives integers for an empty array)
    area = np.bincount(base[within] + first[within], weights=(end - begin)[within], minlength=size).astype(float)
    across = ~within
    first, last, base = first[across], last[across], base[across]
    begin, end = begin[across], end[across]
    area += np.bincount(base + first, weights=(first + 1) * bin_min - begin, minlength=size)
    area += np.bincount(base + last, weights=end - last * bin_min, minlength=size)
    # the whole bins between the first and the last: +1 after the first, -1 at the last
    steps = np.bincount(base + first + 1, minlength=size + 1) - np.bincount(base + last, minlength=size + 1)
    area += np.cumsum(steps)[:size] * bin_min
    return area.reshape(groups, bins) / bin_min


class StationTimelines:
    """Adds up the timelines of the (replication, day)s fed to it: ``add`` visit columns
    (department as codes) of whole days, all at once or day by day; ``table`` then
    summarises them, with the servers ``on_duty`` on those days."""

    def __init__(self, station_list: list[Station], on_duty: OnDuty, bin_min: float = BIN_MIN):
        self.stations = station_list
        self.on_duty = on_duty
        self.bin_min = float(bin_min)
        self.days: list[tuple[int, int]] = []  # (replication, day) of each curve, in order added
        # station -> one array (waiting, busy) x bins per (replication, day)
        self.curves: dict[str, list[np.ndarray]] = {s.name: [] for s in station_list}

    def add(self, visits: dict[str, np.ndarray]) -> None:
        if not len(visits["day"]):
            return
        keys = visits["replication"].astype(np.int64) * (int(visits["day"].max()) + 1) + visits["day"]
        unique_keys, first_row, group = np.unique(keys, return_index=True, return_inverse=True)
        day_start = visits["day"].astype(float) * MINUTES_PER_DAY
        served = {s.name: s.intervals(visits) for s in self.stations}
        latest = max(
            (float(np.max(ends - day_start[rows])) for rows, _, _, ends in served.values() if len(rows)), default=0.0
        )
        bins = int(latest // self.bin_min) + 1
        for station in self.stations:
            rows, joined, start, end = served[station.name]
            offset = day_start[rows]
            g = group[rows]
            waiting = occupancy(g, joined - offset, start - offset, len(unique_keys), bins, self.bin_min)
            busy = occupancy(g, start - offset, end - offset, len(unique_keys), bins, self.bin_min)
            self.curves[station.name] += list(np.stack([waiting, busy], axis=1))
        self.days += [(int(visits["replication"][r]), int(visits["day"][r])) for r in first_row]

    def merge(self, other: StationTimelines) -> None:
        self.days += other.days
        for name, curves in other.curves.items():
            self.curves[name] += curves

    def stacked(self, name: str) -> np.ndarray:
        """(days, 2, bins): the curves of one station, padded with zeros to the length
        of the longest curve of any station."""
        bins = max((c.shape[1] for curves in self.curves.values() for c in curves), default=0)
        curves = self.curves[name]
        out = np.zeros((len(curves), 2, bins))
        for i, curve in enumerate(curves):
            out[i, :, : curve.shape[1]] = curve
        return out

    def table(self) -> pd.DataFrame:
        """The tidy table (``COLUMNS``): one row per station and bin, from the first bin
        in which anyone waited or was served anywhere to the last."""
        import pandas as pd

        if not self.days:
            return pd.DataFrame(columns=COLUMNS)
        stacked = {s.name: self.stacked(s.name) for s in self.stations}
        active = np.flatnonzero(np.any([c.any(axis=(0, 1)) for c in stacked.values()], axis=0))
        keep = slice(active[0], active[-1] + 1) if len(active) else slice(0, 0)
        frames = []
        for station in self.stations:
            curves = stacked[station.name][:, :, keep]
            start = (np.arange(curves.shape[2]) + (keep.start or 0)) * self.bin_min
            frames.append(self._station_rows(station, curves, start))
        return pd.concat(frames, ignore_index=True)[COLUMNS]

    def _station_rows(self, station: Station, curves: np.ndarray, start: np.ndarray) -> pd.DataFrame:
        import pandas as pd

        low, high = np.percentile(curves, BAND, axis=0)
        mean = curves.mean(axis=0)
        at_work = self.at_work(station, start).mean(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            utilisation = np.where(at_work > 0, mean[1] / at_work, math.nan)
        return pd.DataFrame(
            {
                "station": station.name,
                "label": station.label,
                "servers": station.servers,
                "bin_start_min": start,
                "time": [format_clock(m) for m in start],
                "waiting_mean": mean[0],
                "waiting_p10": low[0],
                "waiting_p90": high[0],
                "busy_mean": mean[1],
                "busy_p10": low[1],
                "busy_p90": high[1],
                "servers_at_work": at_work,
                "utilisation": utilisation,
                "days": len(curves),
            }
        )

    def at_work(self, station: Station, start: np.ndarray) -> np.ndarray:
        """(days, bins): servers at work at ``station`` in the bins starting at ``start``
        on each (replication, day) added, in order (one curve per distinct day's changes)."""
        edges = np.append(start, start[-1] + self.bin_min) if len(start) else np.zeros(1)
        curves: dict[tuple, np.ndarray] = {}
        out = np.empty((len(self.days), len(start)))
        for row, (_, day) in enumerate(self.days):
            changes = tuple(station.changes(self.on_duty, day))
            if changes not in curves:
                curves[changes] = bin_means(list(changes), edges)
            out[row] = curves[changes]
        return out


def visit_columns(visits: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns of a run's visit table the timelines read, department as codes."""
    columns = {
        name: visits[name].to_numpy()
        for name in visits.columns
        if name.endswith(("_start", "_end")) or name.startswith("wait_")
    }
    for name in VISIT_COLUMNS:
        column = visits[name]
        columns[name] = column.cat.codes.to_numpy() if hasattr(column, "cat") else column.to_numpy()
    return columns


def station_timelines(visits: pd.DataFrame, hospital, start_date: str, bin_min: float = BIN_MIN) -> pd.DataFrame:
    """Every station's number waiting and number busy over the day (mean and 10th-90th
    percentile band across days and replications) in bins of ``bin_min`` minutes, from a
    run's visit table (``sim.Result.visits``), its hospital (``HospitalConfig``) and the
    date of its day 0 (``run.start_date``: rosters and schedules differ by day).
    One row per station and bin; see ``COLUMNS`` and the module docstring."""
    timelines = StationTimelines(stations(hospital), OnDuty(hospital, start_date), bin_min)
    timelines.add(visit_columns(visits))
    return timelines.table()
