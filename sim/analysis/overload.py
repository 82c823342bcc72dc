"""Overload warnings: stations whose work outgrows them, said in numbers a planner can
act on, with what to change.

From a run's KPI summary and its station timelines (``sim.analysis.timelines``):

* **offered load over capacity** — the doctors of a department have more consulting
  to do than their sessions hold (busy doctor-time over the doctor-time on duty by
  the days' rosters, above ``LOAD_LIMIT``), or another station is busy for more than
  ``UTILISATION_LIMIT`` of the server-time its schedule puts on duty over its working
  day (its utilisation KPI; queues grow without limit as utilisation nears 100%);
* **queues long after the sessions end** — on average ``STILL_WAITING`` patients or more
  still wait at a station ``AFTER_MIN`` minutes after the last doctor's session ended;
* **patients turned away** — more visits than ``TURNED_AWAY`` allows reached the
  doctors' queue after closing, left without being seen, or had the review of their
  results deferred to another day.

Each warning names the station and the numbers and suggests what to change: the
setting that puts its servers on duty (a department's ``roster`` or a station's
``schedule`` when it has one, else its count) and what it gives now.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.analysis.stations import Station, stations
from sim.clock import MINUTES_PER_DAY, format_clock

if TYPE_CHECKING:
    import pandas as pd

LOAD_LIMIT = 1.0  # doctors' busy time / their session time
UTILISATION_LIMIT = 0.90  # other stations: busy share of the working day
TARGET_UTILISATION = 0.80  # what the suggested number of servers would bring it down to
AFTER_MIN = 60.0  # minutes after the last session's end: "long after"
STILL_WAITING = 1.0  # patients, mean over days


@dataclass(frozen=True)
class Warning:
    station: str  # the station's label, or "Clinic" for the whole day
    problem: str  # what happens, with the numbers
    suggestion: str  # what to change

    def text(self) -> str:
        return f"{self.station}: {self.problem}. {self.suggestion}."


def _mean(summary: pd.DataFrame, name: str) -> float:
    return float(summary["mean"].get(name, math.nan)) if "mean" in summary else math.nan


def _more_servers(station: Station, utilisation: float) -> str:
    """What would bring this load down to ``TARGET_UTILISATION``: a number of servers
    for a fixed count, a share more at every time for a roster or schedule."""
    if not station.by_time:
        servers = max(station.servers + 1, math.ceil(station.servers * utilisation / TARGET_UTILISATION))
        return f"about {servers} for {TARGET_UTILISATION:.0%}"
    more = max(utilisation / TARGET_UTILISATION - 1.0, 0.01)
    when = "in every session" if station.is_doctors else "at every time of day"
    return f"about {more:.0%} more {when} for {TARGET_UTILISATION:.0%}"


def _setting(station: Station) -> str:
    """The setting of the station's servers and what it gives now
    (``hospital.pharmacy.schedule, now 1 to 3 by time of day``)."""
    return f"{station.servers_setting}, now {station.servers_now}"


def _load_warnings(station: Station, rows: pd.DataFrame, summary: pd.DataFrame) -> list[Warning]:
    if station.is_doctors:
        capacity = float(rows["servers_at_work"].sum())
        load = float(rows["busy_mean"].sum()) / capacity if capacity else math.nan
        if not load > LOAD_LIMIT:
            return []
        hours = float(rows["busy_mean"].sum()) * 15 / 60
        return [
            Warning(
                station.label,
                f"offered load {load:.2f} × capacity: {hours:,.0f} doctor-hours of consulting a day against "
                f"{capacity * 15 / 60:,.0f} doctor-hours in session",
                f"Add doctors ({_setting(station)}: {_more_servers(station, load)}) or session time, or spread "
                "demand over the day (online appointments)",
            )
        ]
    utilisation = _mean(summary, f"{station.name}_utilisation")
    if not utilisation > UTILISATION_LIMIT:
        return []
    return [
        Warning(
            station.label,
            f"busy {utilisation:.0%} of its working day: queues grow without limit as this nears 100%",
            f"Add servers ({_setting(station)}: {_more_servers(station, utilisation)}) or shorten the service",
        )
    ]


def _clock(minute: float) -> str:
    """``17:30``; past midnight ``12:45 the next day``."""
    days, minute_of_day = divmod(minute, MINUTES_PER_DAY)
    if days < 1:
        return format_clock(minute_of_day)
    return f"{format_clock(minute_of_day)} " + ("the next day" if days == 1 else f"{int(days)} days later")


def _late_queue_warning(station: Station, rows: pd.DataFrame, last_session_end: float) -> list[Warning]:
    after = last_session_end + AFTER_MIN
    later = rows[rows["bin_start_min"] >= after]
    if later.empty or not later["waiting_mean"].max() >= STILL_WAITING:
        return []
    first = later.iloc[0]
    cleared = rows.loc[rows["waiting_mean"] + rows["busy_mean"] > 0, "bin_start_min"].max() + 15
    change = (
        f"Add doctors ({_setting(station)}) or extend their last session"
        if station.is_doctors
        else f"Add servers ({_setting(station)})"
    )
    return [
        Warning(
            station.label,
            f"{first['waiting_mean']:.1f} patients still waiting at {_clock(first['bin_start_min'])}, "
            f"{AFTER_MIN:.0f} min after the last session ended at {_clock(last_session_end)} (mean over days, "
            f"most {later['waiting_mean'].max():.1f}); the queue clears about {_clock(cleared)}",
            change,
        )
    ]


# KPI -> (share of visits above which to warn (estimates), what happened, what to change)
TURNED_AWAY = {
    "clinic_closed_share": (
        0.01,
        "reached the doctors' queue after the doctors had gone home",
        "Extend the last sessions or add doctors, or close registration earlier (hospital.registration.closes)",
    ),
    "left_without_being_seen_share": (
        0.05,
        "left without being seen (their patience ran out)",
        "Add doctors to the busiest departments or spread demand over the day (online appointments)",
    ),
    "review_deferred_share": (
        0.10,
        "had the review of their results deferred to another day (the doctor had left)",
        "Extend the afternoon sessions, or shorten the exams' queues and result delays",
    ),
}


def _turned_away(summary: pd.DataFrame) -> list[Warning]:
    out = []
    for name, (limit, what, change) in TURNED_AWAY.items():
        share = _mean(summary, name)
        if share > limit:
            out.append(Warning("Clinic", f"{share:.1%} of visits {what}", change))
    return out


def overload_warnings(summary: pd.DataFrame, timelines: pd.DataFrame, hospital) -> list[Warning]:
    """The warnings of a run from its KPI summary (``RunTables.summary``), its station
    timelines (``stations.parquet``) and its hospital (``HospitalConfig``)."""
    station_list = stations(hospital)
    ends = [end for station in station_list for _, end in station.sessions]
    last_session_end = max(ends) if ends else math.inf
    warnings = []
    for station in station_list:
        rows = timelines[timelines["station"] == station.name] if len(timelines) else timelines
        if len(rows):
            warnings += _load_warnings(station, rows, summary)
            own_end = max(end for _, end in station.sessions) if station.is_doctors else last_session_end
            warnings += _late_queue_warning(station, rows, own_end)
        elif not station.is_doctors:
            warnings += _load_warnings(station, rows, summary)
    return warnings + _turned_away(summary)
