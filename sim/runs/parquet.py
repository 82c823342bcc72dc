"""Tables written to Parquet day by day, for runs that do not keep their visits
(``output.stream=true``).

``visits.parquet`` and ``doctor_sessions.parquet`` are then directories of Parquet
files — a Parquet dataset, read as one table by ``pandas.read_parquet``,
``pyarrow.parquet.read_table`` or DuckDB's ``'visits.parquet/*.parquet'`` — because
each replication writes its own files, wherever it runs, and because a Parquet
writer keeps metadata of everything it has written until it is closed (tens of MB
a year of visits), so one file per replication would let memory creep up with the
horizon. Each replication appends one row group per simulated day to a file that it
closes every ``DAYS_PER_FILE`` days; files are named ``r<replication>-<part>.parquet``
(zero-padded), so reading the directory gives the rows in replication and day order,
exactly the table of a run that keeps its visits (tested).

A file being written has a hidden temporary name (``.r…parquet.tmp``, which Parquet
dataset readers and ``*.parquet`` globs skip) and gets its own name when it is closed,
footer written: a run killed mid-way leaves a directory that reads as the parts it
finished, never a file without a footer that would break reading the whole folder.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.runs import run_files

TABLES = ("visits", "doctor_sessions")
DAYS_PER_FILE = 30


def prepare(directory: Path) -> None:
    """Remove the tables of an earlier run in ``directory``: a dataset directory takes
    every file it holds."""
    for name in TABLES:
        path = Path(directory) / f"{name}.parquet"
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


class DayWriter:
    """Appends days of one table of one replication to its files in ``directory``.

    A file's first day is written (and the file opened) when it comes; the days after
    it wait in memory and are converted to Arrow together when the file is closed,
    then written one row group per day as before: the conversion (a pandas frame, then
    Arrow) costs about as much for a day's 160 doctor sessions as for a month of them.
    The files are the same; a file is named only when closed, so a run killed mid-way
    leaves the same finished parts either way."""

    def __init__(
        self, directory: Path, table: str, replication: int, frame: Callable[[dict[str, np.ndarray]], pd.DataFrame]
    ):
        self.folder = Path(directory) / f"{table}.parquet"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.replication = replication
        self.frame = frame
        self.writer: pq.ParquetWriter | None = None
        self.path: Path | None = None  # of the open file, once named
        self.days = 0
        self.waiting: list[dict[str, np.ndarray]] = []  # days of the open file not yet written

    def write(self, columns: dict[str, np.ndarray]) -> None:
        if self.days % DAYS_PER_FILE == 0:
            self.close()
            self.path = self.folder / f"r{self.replication:06d}-{self.days // DAYS_PER_FILE:06d}.parquet"
            table = pa.Table.from_pandas(self.frame(columns), preserve_index=False)
            self.writer = pq.ParquetWriter(run_files.temporary(self.path), table.schema)
            self.writer.write_table(table)
        else:
            self.waiting.append(columns)
        self.days += 1

    def _write_waiting(self) -> None:
        """The days waiting, converted together, written one row group per day."""
        if not self.waiting:
            return
        names = list(self.waiting[0])
        rows = [len(day[names[0]]) for day in self.waiting]
        joined = {name: np.concatenate([day[name] for day in self.waiting]) for name in names}
        self.waiting = []
        table = pa.Table.from_pandas(self.frame(joined), preserve_index=False)
        first = 0
        for count in rows:
            self.writer.write_table(table.slice(first, count))
            first += count

    def close(self) -> None:
        """Finish the open file (its days, its footer) and give it its name: whole days only."""
        if self.writer is not None:
            self._write_waiting()
            self.writer.close()
            self.writer = None
            os.replace(run_files.temporary(self.path), self.path)
