"""The event log's files: ``events.parquet`` (``output.event_log``) and ``events.xes``
(``output.event_log_xes``), built from a run's visits (``sim.analysis.event_log``).

A run that kept its visits writes one Parquet file; a run that streamed them
(``output.stream``) reads its ``visits.parquet`` dataset file by file and writes
``events.parquet`` as a dataset of the same part files, so memory stays flat.

XES (IEEE 1849) is written here, without pm4py: one trace per visit (``concept:name``
= ``<replication>-<visit_id>``), each row an event with ``concept:name`` (activity),
``lifecycle:transition`` (``queue`` is written as the standard ``schedule``),
``time:timestamp``, ``org:resource`` and the other columns as attributes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.event_log import event_log
from sim.engine.records import stage_names
from sim.runs import run_files

FILES = ("events.parquet", "events.xes")
XES_LIFECYCLE = {"queue": "schedule", "start": "start", "complete": "complete"}


def write(tables, out: Path) -> None:
    """Write (or remove an earlier run's) event log files of ``tables`` (a ``RunTables``)
    into ``out``."""
    output = tables.config.output
    if not output.event_log:
        for name in FILES:
            run_files.remove(out / name)
        return
    stages = stage_names(tables.config.hospital)
    start_date = tables.config.run.start_date
    with run_files.written(out / "events.parquet") as path:
        if tables.streamed_to is None:
            events = event_log(tables.visits, tables.complaints, stages, start_date)
            events.to_parquet(path, index=False)
        else:
            events = _write_parts(tables, out, path, stages, start_date)
    if output.event_log_xes:
        with run_files.written(out / "events.xes") as path:
            write_xes(events, path)
    else:
        run_files.remove(out / "events.xes")


def _write_parts(tables, out: Path, folder: Path, stages: list[str], start_date: str) -> pd.DataFrame | None:
    """Streamed visits: one events part per visits part. Returns the whole log only when
    the XES file is wanted (it is one document)."""
    folder.mkdir(parents=True)
    keep = [] if tables.config.output.event_log_xes else None
    complaints = tables.complaints
    for part in sorted((Path(out) / "visits.parquet").glob("*.parquet")):
        visits = pd.read_parquet(part)
        mine = complaints.merge(visits[["replication", "visit_id"]], on=["replication", "visit_id"])
        events = event_log(visits, mine[complaints.columns], stages, start_date)
        events.to_parquet(folder / part.name, index=False)
        if keep is not None:
            keep.append(events)
    return pd.concat(keep, ignore_index=True) if keep else None


def write_xes(events: pd.DataFrame, path: Path) -> None:
    """The event log as an XES document (one trace per visit, events in log order)."""
    case = events["replication"].astype(str) + "-" + events["visit_id"].astype(str)
    lines = [_event_xml(events)]
    first = np.r_[True, case.to_numpy()[1:] != case.to_numpy()[:-1]]
    opening = np.where(first, "<trace>" + _string("concept:name", case) + "\n", "")
    closing = np.r_[first[1:], True] if len(first) else first
    body = opening + lines[0] + np.where(closing, "</trace>\n", "")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(_HEADER)
        handle.writelines(body.tolist())
        handle.write("</log>\n")


_HEADER = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">\n'
    '<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>\n'
    '<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>\n'
    '<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>\n'
    '<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>\n'
)


def _string(key: str, values: pd.Series) -> pd.Series:
    from xml.sax.saxutils import quoteattr  # here: it imports urllib and http, tens of ms of every run

    quoted = values.astype(str).map(quoteattr)
    return f'<string key="{key}" value=' + quoted + "/>"


def _optional_string(key: str, values: pd.Series) -> pd.Series:
    """An attribute only on the rows that have a value."""
    present = values.notna().to_numpy()
    text = pd.Series("", index=values.index, dtype=object)
    text[present] = _string(key, values[present])
    return text


def _event_xml(events: pd.DataFrame) -> np.ndarray:
    timestamp = events["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str[:-3] + "+00:00"
    lifecycle = events["lifecycle"].astype(str).map(XES_LIFECYCLE)
    parts = [
        _string("concept:name", events["activity"]),
        _string("lifecycle:transition", lifecycle),
        '<date key="time:timestamp" value="' + timestamp + '"/>',
        _optional_string("org:resource", events["resource"].astype(object)),
        _string("department", events["department"]),
        _string("outcome", events["outcome"]),
        '<float key="time_min" value="' + events["time_min"].map(repr) + '"/>',
        _optional_string("complaint_domain", events["complaint_domain"].astype(object)),
        _optional_string("complaint_category", events["complaint_category"].astype(object)),
    ]
    xml = "<event>" + parts[0]
    for part in parts[1:]:
        xml = xml + part
    return (xml + "</event>\n").to_numpy(dtype=object)
