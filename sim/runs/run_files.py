"""How the files of a run directory are written, so that a run never looks complete
when it is not.

A run directory is complete when it holds ``complete.json`` (``MARKER``), written
last. A run about to write into a directory first removes the marker (``unmark``),
then writes every file under a hidden temporary name and renames it into place
(``written``): a file that is there is whole — the earlier run's or this one's, never
half of one — and a run cut off at any point (an error, Ctrl-C, a kill) leaves no
marker. Readers that take a whole directory (Parquet datasets) skip the hidden names.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MARKER = "complete.json"
ERROR = "error.txt"  # a sweep job that failed: the message or traceback
# what a run writes besides the marker (docs: Reference, Output files)
OUTPUTS = (
    "visits.parquet",
    "doctor_sessions.parquet",
    "complaints.parquet",
    "events.parquet",
    "events.xes",
    "patients.parquet",  # hospital.population on
    "patient_days.parquet",
    "kpis.csv",
    "stations.parquet",
    "summary.json",
    "provenance.json",
    "config.yaml",
    "figures",
    "report.html",
)


def temporary(path: Path) -> Path:
    """The hidden name ``path`` is written under before it is renamed into place."""
    return path.with_name(f".{path.name}.tmp")


def remove(path: Path) -> None:
    """Remove a file or a directory tree, if there is one."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


@contextmanager
def written(path: Path) -> Iterator[Path]:
    """Yields a temporary path to write ``path`` (a file or a directory) under; when
    the block ends without error it replaces ``path``, else it is removed."""
    path = Path(path)
    temporary_path = temporary(path)
    remove(temporary_path)
    try:
        yield temporary_path
    except BaseException:
        remove(temporary_path)
        raise
    if path.is_dir() and not path.is_symlink():  # os.replace cannot replace a directory
        shutil.rmtree(path)
    os.replace(temporary_path, path)


def write_text(path: Path, text: str, sync: bool = False) -> None:
    """Write ``path`` so that readers see the old file or the whole new one; with
    ``sync``, on disk before it is renamed (for the marker: it vouches for the rest)."""
    with written(Path(path)) as temporary_path, open(temporary_path, "w") as handle:
        handle.write(text)
        if sync:
            handle.flush()
            os.fsync(handle.fileno())


def unmark(directory: Path) -> None:
    """``directory`` is about to be rewritten: it no longer holds a complete run."""
    marker = Path(directory) / MARKER
    if marker.is_file():  # (False, not an error, when there is no such directory)
        marker.unlink(missing_ok=True)


def clear(directory: Path) -> None:
    """Remove the marker and every output of a run from ``directory`` (a sweep job that
    failed: what an earlier run left there would pass for its results)."""
    unmark(directory)
    for name in OUTPUTS:
        remove(Path(directory) / name)
