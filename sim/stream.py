"""Tables written to Parquet day by day, for runs that do not keep their visits
(``output.stream=true``).

Each replication appends every simulated day to its own part file (one Parquet row
group per day) in ``<run dir>/.stream-parts/``, wherever it runs; when the run ends,
the parts are joined, replication after replication and row group by row group, into
``visits.parquet`` and ``doctor_sessions.parquet``, and removed. Memory holds one
day's rows at a time, whatever the horizon. The files read back exactly as those of
a run that keeps its tables (tested).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

PARTS = ".stream-parts"
TABLES = ("visits", "doctor_sessions")


def part_path(directory: Path, table: str, replication: int) -> Path:
    return Path(directory) / PARTS / f"{table}-{replication}.parquet"


class DayWriter:
    """Appends days of one table of one replication to its part file."""

    def __init__(self, path: Path, frame: Callable[[dict[str, np.ndarray]], pd.DataFrame]):
        self.path = path
        self.frame = frame
        self.writer: pq.ParquetWriter | None = None
        path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, columns: dict[str, np.ndarray]) -> None:
        table = pa.Table.from_pandas(self.frame(columns), preserve_index=False)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, table.schema)
        self.writer.write_table(table)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def join_parts(directory: Path, replications: list[int]) -> None:
    """Join the replications' parts into ``<table>.parquet`` in ``directory``, in
    replication order, one row group at a time; then remove the parts."""
    directory = Path(directory)
    for table in TABLES:
        parts = [part_path(directory, table, r) for r in replications]
        target = directory / f"{table}.parquet"
        if len(parts) == 1:
            parts[0].replace(target)
            continue
        writer = None
        for part in parts:
            source = pq.ParquetFile(part)
            if writer is None:
                writer = pq.ParquetWriter(target, source.schema_arrow)
            for group in range(source.num_row_groups):
                writer.write_table(source.read_row_group(group))
            source.close()
        writer.close()
    shutil.rmtree(directory / PARTS, ignore_errors=True)
