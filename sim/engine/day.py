"""Run the model: one day, then one replication of many days. Config in, arrays out.

Nothing here knows about Hydra, files or pandas: the caller passes typed configs
(``sim.schema``) and gets dictionaries of NumPy columns back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import numpy as np
import simpy

from sim.clock import MINUTES_PER_DAY, calendar_days
from sim.demand.patients import draw_day
from sim.engine.hospital import OpenDay
from sim.engine.kernel import DayEnvironment, collector_paused, existing_objects_frozen, start_each_at
from sim.engine.pathway import patient_day
from sim.engine.records import gap_stages_reached
from sim.schema import GAP_STAGES, HospitalConfig, RunConfig
from sim.streams import Streams

Columns = dict[str, np.ndarray]


def simulate_day(hospital: HospitalConfig, patients, day: int, date: dt.date) -> tuple[Columns, Columns]:
    """Simulate one day (``date``, the run's ``day``-th) from an empty clinic until the
    last patient leaves."""
    env = DayEnvironment(initial_time=day * MINUTES_PER_DAY)
    open_day = OpenDay(env, hospital, patients, day, date)  # starts the doctors' processes
    env.process(_open_doors(env, open_day))
    with collector_paused():
        env.run()
    open_day.close()
    return open_day.log.columns(), open_day.sessions_log.columns()


def _open_doors(env: simpy.Environment, open_day: OpenDay):
    """Start each patient's day when they leave the registration desk (or arrive, if
    registered when booking), in order of that time, then of visit. A process of its
    own, started after the doctors', so that a patient starting at the moment a
    session starts finds the doctors' session timers already set."""
    starts = open_day.starts_at  # floats (not NumPy scalars: the clock takes its type from them)
    coming = np.flatnonzero(open_day.coming)  # booked patients who do not come have no day
    order = coming[np.argsort(np.asarray(starts)[coming], kind="stable")]
    start_each_at(env, [(starts[visit], patient_day(env, visit, open_day)) for visit in order.tolist()])
    return
    yield  # a generator, so that SimPy runs it as a process


def _patient_columns(hospital: HospitalConfig, patients, day: int, date) -> Columns:
    n = len(patients)
    columns = {
        "day": np.full(n, day, dtype=np.int32),
        "weekday": np.full(n, date.weekday(), dtype=np.int8),
        "month": np.full(n, date.month, dtype=np.int8),
        "arrival_time": patients.arrival_time,
        "department": patients.department,
        "female": patients.female,
        "age_group": patients.age_group,
        "education": patients.education,
        "prescription": patients.prescription,
        "kiosk": patients.kiosk & ~patients.bookings.pre_registered & ~patients.bookings.no_show,
        "in_warmup": (patients.arrival_time - day * MINUTES_PER_DAY) < hospital.warmup_min,
    }
    for name, needs in patients.exams.items():
        columns[f"needs_{name}"] = needs
    columns.update(_booking_columns(patients))
    return columns


def _booking_columns(patients) -> Columns:
    b = patients.bookings
    return {
        "booked": b.booked,
        "channel": b.channel,
        "slot_time": b.slot_time,
        "slot_doctor_id": b.slot_doctor,
        "punctuality_min": patients.arrival_time - b.slot_time,  # NaN for walk-ins and no-shows
        "late": b.late,
        "pre_registered": b.pre_registered,
        "mobile_payment": b.mobile_payment,
        "booking_full": b.booking_full,
    }


def _information_columns(patients, visits: Columns) -> Columns:
    """Per stage, whether the visit reached it with an information gap; the number of
    such stages and the minutes they cost (``sim.demand.information``)."""
    reached = gap_stages_reached(visits)
    columns = {}
    count = np.zeros(len(patients), dtype=np.int8)
    lost = np.zeros(len(patients))
    for k, stage in enumerate(GAP_STAGES):
        gap = patients.information_gap[:, k] & reached[stage]
        columns[f"information_gap_{stage}"] = gap
        count += gap
        lost += np.where(gap, patients.information_delay[stage], 0.0)
    columns["information_gaps"] = count
    columns["information_gap_delay_min"] = lost
    # spent between leaving registration and joining the doctor's queue (sim.complaints.crowding)
    columns["information_gap_registration_delay_min"] = np.where(
        columns["information_gap_registration"], patients.information_delay["registration"], 0.0
    )
    return columns


def _simulate_open_day(hospital: HospitalConfig, patients, day: int, date) -> tuple[Columns, Columns]:
    visits, sessions = simulate_day(hospital, patients, day, date)
    if patients.information_gap is not None:
        visits.update(_information_columns(patients, visits))
    visits.update(_patient_columns(hospital, patients, day, date))
    sessions["day"] = np.full(len(sessions["doctor_id"]), day, dtype=np.int32)
    return visits, sessions


def simulate_replication(
    hospital: HospitalConfig, run: RunConfig, replication: int, on_day_done: Callable[[int], None] | None = None
) -> tuple[Columns, Columns]:
    """All days of one replication: (visit columns, doctor-session columns)."""
    kept_visits, kept_sessions = GrowingColumns(), GrowingColumns()
    for visits, sessions in replication_days(hospital, run, replication, on_day_done):
        kept_visits.add(visits)
        kept_sessions.add(sessions)
    return kept_visits.columns(), kept_sessions.columns()


def replication_days(
    hospital: HospitalConfig,
    run: RunConfig,
    replication: int,
    on_day_done: Callable[[int], None] | None = None,
    draw: Callable = draw_day,
) -> Iterator[tuple[Columns, Columns]]:
    """Each open day of one replication as it is simulated: (visit columns, doctor-session
    columns), with ``replication`` and ``visit_id`` (counting on from the previous
    days') added. A replication whose days are all closed gives one pair of empty
    tables with the usual columns. Callers may keep the days or write them away.

    ``draw(hospital, date, day, streams)`` gives a day's patients (``draw_day``, or a
    population's, ``sim.patients_over_time``, which learns from each day before the
    next is drawn: the days are drawn one at a time, as the caller asks for them)."""
    with existing_objects_frozen():
        streams = Streams(run.seed, replication)
        dates = calendar_days(run.start_date, run.days)
        so_far = 0
        any_open = False
        for day, date in enumerate(dates):
            if date.weekday() in hospital.arrivals.open_weekdays:
                any_open = True
                visits, sessions = _simulate_open_day(hospital, draw(hospital, date, day, streams), day, date)
                _number(visits, sessions, replication, so_far)
                so_far += len(visits["visit_id"])
                yield visits, sessions
            if on_day_done is not None:
                on_day_done(day)
        if not any_open:  # every day closed: empty tables with the usual columns
            visits, sessions = _simulate_open_day(hospital, draw_day(hospital, dates[0], 0, streams), 0, dates[0])
            _number(visits, sessions, replication, 0)
            yield (
                {name: values[:0] for name, values in visits.items()},
                {name: values[:0] for name, values in sessions.items()},
            )


def _number(visits: Columns, sessions: Columns, replication: int, first_visit_id: int) -> None:
    n = len(visits["arrival_time"])
    visits["replication"] = np.full(n, replication, dtype=np.int32)
    visits["visit_id"] = np.arange(first_visit_id, first_visit_id + n, dtype=np.int64)
    sessions["replication"] = np.full(len(sessions["doctor_id"]), replication, dtype=np.int32)


class GrowingColumns:
    """Days' columns added end to end as they come, into one buffer per column
    (capacity doubles), so that a long replication's kept visits cost about one copy
    of the table. Keeping each day's small arrays and joining them at the end
    (``concat_columns``) needs the same memory twice over in practice: the days' arrays
    are freed into the allocator's heap in between the arrays still alive, and the
    process keeps those pages (730 days of general_hospital: 1.3 GB before the join,
    2.3 GB after). ``columns()`` equals ``concat_columns`` of the days, dtypes included
    (a day whose column has another dtype widens it as ``np.concatenate`` would)."""

    def __init__(self, initial_rows: int = 1 << 16):
        self.rows = 0
        self.initial_rows = initial_rows
        self.buffers: dict[str, np.ndarray] = {}
        self.names: list[str] | None = None

    def add(self, part: Columns) -> None:
        if self.names is None:
            self.names = list(part)
        n = len(part[self.names[0]]) if self.names else 0
        for name in self.names:
            values = np.asarray(part[name])
            buffer = self._room_for(name, values, n)
            buffer[self.rows : self.rows + n] = values
        self.rows += n

    def _room_for(self, name: str, values: np.ndarray, n: int) -> np.ndarray:
        buffer = self.buffers.get(name)
        needed = self.rows + n
        dtype = values.dtype if buffer is None else np.result_type(buffer, values)
        if buffer is not None and needed <= len(buffer) and dtype == buffer.dtype:
            return buffer
        capacity = max(needed, self.initial_rows) if buffer is None else max(needed, 2 * len(buffer))
        # np.empty: the pages not yet filled are never touched, so they cost no memory
        grown = np.empty((capacity, *values.shape[1:]), dtype=dtype)
        if buffer is not None:
            grown[: self.rows] = buffer[: self.rows]
        self.buffers[name] = grown
        return grown

    def columns(self) -> Columns:
        """The columns, each an array of its own (the buffers shrunk in place to
        their rows, handed over: the store is empty afterwards)."""
        out = {}
        for name in self.names or []:
            buffer = self.buffers.pop(name)
            buffer.resize((self.rows, *buffer.shape[1:]), refcheck=False)
            out[name] = buffer
        self.rows, self.names = 0, None
        return out


def concat_columns(parts: list[Columns]) -> Columns:
    """The parts' columns end to end. Each part's copy of a column is released as soon as
    it has been joined, so the peak is one copy of the table plus one column."""
    if len(parts) == 1:
        return dict(parts[0])
    names = list(parts[0])
    return {name: np.concatenate([part.pop(name) for part in parts]) for name in names}
