"""The patient flow of one day, frame by frame, from the event log
(``sim.analysis.event_log``): where every patient is every few minutes — in which
queue, at which desk or doctor, waiting for results — on a plan of the hospital.
``sim.reporting.animation_html`` draws it as an interactive page (plotly),
``sim.reporting.animation_video`` as a GIF or MP4 for slides.

The plan is a grid of cards, one pair per station (its queue, wide, and its servers,
narrow), in the order patients meet them: registration; the doctors (a pair per
doctor, or per department when there are many doctors); the cashier (where patients
pay for examinations and for medicine); each examination; the results waiting area;
the pharmacy. A patient's place at a moment is given by their last event at or
before it (``queue``: in that station's queue, ``start``: being served, an
examination's ``complete`` followed by a gap: waiting for results). The consultation
and review queues are drawn under the doctor who sees the patient, except in a pooled
department (one queue for any free doctor) and for patients who left unseen, who wait
in their department's queue card.

Every count on the cards is exact. A busy day (general_hospital, ~4,000 patients)
draws one dot for every ``k``-th patient (by visit id) so that at most ``max_dots``
patients are drawn; a card shows at most ``capacity`` dots, its count the rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.clock import MINUTES_PER_DAY

DOCTOR_CARDS_UP_TO = 12  # more doctors than this: one pair of cards per department
QUEUE_COLUMNS, QUEUE_ROWS = 12, 3
DOT_SPACING = 0.28
ROW_HEIGHT = 1.25
COLUMN_WIDTH = 5.4
SERVICE_X = 3.55  # the servers' card, from the column's left edge
RESULTS_ROWS = 8


@dataclass(frozen=True)
class Card:
    """A rectangle of the plan where dots gather."""

    key: str
    label: str
    x: float  # left edge
    y: float  # top edge (y grows downwards)
    columns: int
    rows: int
    servers: int = 0  # a servers' card: how many (0: a queue or a waiting area)

    @property
    def capacity(self) -> int:
        return self.columns * self.rows

    @property
    def width(self) -> float:
        return self.columns * DOT_SPACING + 0.1

    @property
    def height(self) -> float:
        return self.rows * DOT_SPACING + 0.35


@dataclass
class Flow:
    """The frames of one day: the cards, the time of each frame, the dots and counts."""

    cards: list[Card]
    times: np.ndarray  # absolute minutes of each frame
    clock: list[str]  # each frame's time as people read it
    dots: pd.DataFrame  # frame, visit_id, x, y, department, complained
    counts: pd.DataFrame  # frame, card, count
    patients: int  # who came that day
    per_dot: int  # patients per dot (1 unless sampled)
    title: str
    departments: list[str]


def doctor_ids(hospital: dict) -> dict[str, list[int]]:
    """Each department's doctor ids: consecutive, in department order (as the engine
    numbers them)."""
    ids, first = {}, 0
    for name, department in hospital["departments"].items():
        ids[name] = list(range(first, first + int(department["doctors"])))
        first += int(department["doctors"])
    return ids


def plan(hospital: dict) -> tuple[list[Card], dict[str, str]]:
    """The cards of a hospital (its config as plain data) and, for each stage, the
    station whose cards it uses."""
    columns: list[list[tuple[str, str, int]]] = [[("registration", "Registration", _desks(hospital))]]
    doctors = doctor_ids(hospital)
    by_doctor = sum(len(ids) for ids in doctors.values()) <= DOCTOR_CARDS_UP_TO
    block = []
    for name, ids in doctors.items():
        words = name.replace("_", " ")
        block.append((f"dept:{name}", words.capitalize(), len(ids) if not by_doctor else 0))
        if by_doctor:
            block += [(f"doctor:{i}", f"Doctor {i}", 1) for i in ids]
    columns.append(block)
    columns.append([("cashier", "Cashier", int(hospital["cashier"]["servers"]))])
    columns.append(
        [(f"exam:{n}", n.replace("_", " ").capitalize(), int(e["servers"])) for n, e in hospital["exams"].items()]
    )
    columns.append([("results", "Waiting for results", 0)])
    columns.append([("pharmacy", "Pharmacy", int(hospital["pharmacy"]["servers"]))])
    cards = []
    for column, stations in enumerate(columns):
        x = column * COLUMN_WIDTH
        for row, (key, label, servers) in enumerate(stations):
            y = row * ROW_HEIGHT
            if key == "results":
                cards.append(Card("results", label, x, y, QUEUE_COLUMNS, RESULTS_ROWS))
                continue
            if key.startswith("dept:") and by_doctor:  # the department's own queue: no servers card
                cards.append(Card(f"{key}:queue", label, x, y, QUEUE_COLUMNS, QUEUE_ROWS))
                continue
            cards.append(Card(f"{key}:queue", label, x, y, QUEUE_COLUMNS, QUEUE_ROWS))
            cards.append(Card(f"{key}:service", "", x + SERVICE_X, y, 5, QUEUE_ROWS, servers=max(servers, 1)))
    return cards, {"by_doctor": by_doctor}


def _desks(hospital: dict) -> int:
    registration = hospital["registration"]
    return int(registration["servers"]) + int(registration.get("kiosks", 0))


def flow(
    events: pd.DataFrame,
    config: dict,
    replication: int = 0,
    day: int | None = None,
    step_min: float = 5.0,
    max_dots: int = 600,
    complaints: bool = True,
) -> Flow:
    """The frames of one day of one replication. ``config``: the run's configuration as
    plain data (``config.yaml``); ``day``: the simulated day (default: the first with
    patients); ``step_min``: minutes between frames."""
    hospital = config["hospital"]
    cards, options = plan(hospital)
    mine = events[events["replication"] == replication]
    if not len(mine):
        raise ValueError(f"replication {replication}: not in the event log")
    came = mine[mine["activity"] == "arrival"]
    if day is None:
        day = int(came["day"].min())
    mine = mine[mine["day"] == day]
    if not (mine["activity"] == "arrival").any():
        raise ValueError(f"day {day}: no patient came that day (days with patients: {sorted(set(came['day']))})")
    placed = _placed_events(mine, hospital, options["by_doctor"])
    start = math.floor(placed["time_min"].min() / step_min) * step_min
    end = math.ceil(placed["next_min"][np.isfinite(placed["next_min"])].max() / step_min) * step_min
    times = np.arange(start, end + step_min / 2, step_min)
    occupied = _occupancy(placed, times, step_min)
    counts = occupied.groupby(["frame", "card"], observed=True).size().rename("count").reset_index()
    patients = int(mine.loc[mine["activity"] == "arrival", "visit_id"].nunique())
    per_dot = max(1, math.ceil(patients / max_dots))
    dots = _dots(occupied, cards, per_dot)
    dots["complained"] = _complained(dots, mine, times) if complaints else False
    date = pd.Timestamp(config["run"]["start_date"]) + pd.Timedelta(days=day)
    clock = [(date + pd.Timedelta(minutes=float(t - day * MINUTES_PER_DAY))).strftime("%a %d %b %H:%M") for t in times]
    return Flow(
        cards=cards,
        times=times,
        clock=clock,
        dots=dots,
        counts=counts,
        patients=patients,
        per_dot=per_dot,
        title=f"{hospital['name']}: {date:%A %d %B %Y}, replication {replication}",
        departments=list(hospital["departments"]),
    )


def _placed_events(events: pd.DataFrame, hospital: dict, by_doctor: bool) -> pd.DataFrame:
    """Each event that puts a patient somewhere, with its card and when the patient
    moves on (the visit's next event; NaN for the last)."""
    rows = events[~events["activity"].isin(["complaint", "no_show"])].copy()
    rows = rows.sort_values(["visit_id", "time_min"], kind="stable")  # keeps pathway order at equal times
    activity = rows["activity"].astype(str).to_numpy()
    lifecycle = rows["lifecycle"].astype(str).to_numpy()
    station = np.full(len(rows), "", dtype=object)
    station[activity == "registration"] = "registration"
    station[np.isin(activity, ["exam_payment", "payment"])] = "cashier"
    station[activity == "pharmacy"] = "pharmacy"
    for exam in hospital["exams"]:
        station[activity == exam] = f"exam:{exam}"
    doctor_stage = np.isin(activity, ["consultation", "review"])
    pooled_departments = {name for name, d in hospital["departments"].items() if d.get("assignment") == "pooled"}
    pooled = rows["department"].astype(str).isin(pooled_departments).to_numpy()
    doctor = rows["doctor_id"].to_numpy(dtype=float, na_value=np.nan)
    own_doctor = doctor_stage & by_doctor & ~np.isnan(doctor) & ~(pooled & (lifecycle == "queue"))
    station[own_doctor] = "doctor:" + pd.Series(doctor[own_doctor]).astype(int).astype(str).to_numpy()
    department_queue = doctor_stage & ~own_doctor
    station[department_queue] = "dept:" + rows["department"].astype(str).to_numpy()[department_queue]
    part = np.where(lifecycle == "queue", ":queue", ":service").astype(object)
    card = station + part
    card[station == ""] = ""  # arrival (moves on at once), departure, leaving unseen
    exam_done = np.isin(activity, list(hospital["exams"])) & (lifecycle == "complete")
    card[exam_done] = "results"
    card[(lifecycle == "complete") & ~exam_done] = ""  # moves on at once (or leaves)
    rows["card"] = card
    same_visit = rows["visit_id"].to_numpy()[1:] == rows["visit_id"].to_numpy()[:-1]
    following = np.r_[rows["time_min"].to_numpy()[1:], np.nan]
    rows["next_min"] = np.where(np.r_[same_visit, False], following, np.nan)
    return rows[rows["card"] != ""]


def _occupancy(placed: pd.DataFrame, times: np.ndarray, step_min: float) -> pd.DataFrame:
    """(frame, visit, card, since) for every frame a patient spends at a card: event i
    holds the frames from its time up to (not including) the visit's next event."""
    start = times[0]
    first = np.ceil((placed["time_min"].to_numpy() - start) / step_min - 1e-9).astype(np.int64)
    last = np.ceil((placed["next_min"].to_numpy() - start) / step_min - 1e-9)
    last = np.where(np.isnan(last), first, last).astype(np.int64)
    frames = np.clip(last - first, 0, None)
    index = np.repeat(np.arange(len(placed)), frames)
    offset = np.arange(len(index)) - np.repeat(np.cumsum(frames) - frames, frames)
    return pd.DataFrame(
        {
            "frame": np.repeat(first, frames) + offset,
            "visit_id": placed["visit_id"].to_numpy()[index],
            "card": placed["card"].to_numpy()[index],
            "since": placed["time_min"].to_numpy()[index],
            "department": placed["department"].to_numpy()[index],
        }
    )


def _dots(occupied: pd.DataFrame, cards: list[Card], per_dot: int) -> pd.DataFrame:
    """Positions of the drawn patients: in each card, in the order they came to it."""
    drawn = occupied[occupied["visit_id"] % per_dot == 0] if per_dot > 1 else occupied
    drawn = drawn.sort_values(["frame", "card", "since", "visit_id"], kind="stable")
    group_start = drawn.groupby(["frame", "card"], sort=False).cumcount().to_numpy()
    geometry = pd.DataFrame(
        [(c.key, c.x, c.y, c.columns, c.capacity) for c in cards], columns=["card", "x0", "y0", "columns", "capacity"]
    ).set_index("card")
    g = geometry.loc[drawn["card"].to_numpy()]
    keep = group_start < g["capacity"].to_numpy()
    columns = g["columns"].to_numpy()
    x = g["x0"].to_numpy() + 0.19 + (group_start % columns) * DOT_SPACING
    y = g["y0"].to_numpy() + 0.47 + (group_start // columns) * DOT_SPACING
    out = drawn.assign(x=x, y=y)[keep]
    return out[["frame", "visit_id", "x", "y", "department"]].reset_index(drop=True)


def _complained(dots: pd.DataFrame, events: pd.DataFrame, times: np.ndarray) -> np.ndarray:
    """Whether the dot's patient has made a complaint by the frame's time (on site)."""
    made = events[events["activity"] == "complaint"].groupby("visit_id")["time_min"].min()
    if not len(made):
        return np.zeros(len(dots), dtype=bool)
    when = dots["visit_id"].map(made).to_numpy(dtype=float)
    return ~np.isnan(when) & (when <= times[dots["frame"].to_numpy()])


def card_text(card: Card, count: int) -> str:
    """A card's count in words: queues and waiting areas say how many wait, servers'
    cards how many of their servers are busy."""
    if card.servers:
        return f"{count}/{card.servers} busy" if card.servers > 1 else ("busy" if count else "free")
    return f"{count} waiting" if count != 1 else "1 waiting"
