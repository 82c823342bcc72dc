"""How crowded each waiting area was when a patient joined its queue, from the visit
timestamps alone (no engine signal needed).

At a first-come-first-served station a patient waits from joining (service start
minus wait) until service starts. The number of others waiting when patient i joins
at t_i is #{joined before t_i} - #{left the queue before t_i}: two sorted arrays and
two ``searchsorted`` calls per station, whatever the number of days (times are
absolute). Dividing by the station's servers on duty when the patient joined gives
patients waiting per server.

Waiting areas: registration, the cashier (exam and prescription payments share its
windows), each examination, the pharmacy, and each department's waiting hall (first
consultations, including patients who gave up, and reviews; per doctor of the
department).
"""

from __future__ import annotations

import numpy as np

from sim.schema import HospitalConfig
from sim.staffing.on_duty import OnDuty
from sim.staffing.schedules import stations


def waiting_when_joined(join: np.ndarray, leave: np.ndarray) -> np.ndarray:
    """For each queue entry, how many others were waiting when it joined."""
    joined_sorted = np.sort(join)
    left_sorted = np.sort(leave)
    return (np.searchsorted(joined_sorted, join, side="left") - np.searchsorted(left_sorted, join, side="left")).astype(
        float
    )


def _entries(columns: dict[str, np.ndarray], stage: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(visit index, join time, leave time) of the visits that queued at ``stage``."""
    start = columns[f"{stage}_start"]
    visited = ~np.isnan(start)
    index = np.flatnonzero(visited)
    return index, start[visited] - columns[f"wait_{stage}"][visited], start[visited]


def consultation_join(columns: dict[str, np.ndarray]) -> np.ndarray:
    """When each visit joined the queue for its first consultation: start minus wait
    when consulted; otherwise (gave up, or baulked) when registration ended, or on
    arrival for a patient who did not register on site (plus the minutes an
    information gap at registration cost), or when a patient who baulked came back;
    NaN if the visit never queued."""
    consulted = columns["consultation_start"] - columns["wait_consultation"]
    registered = np.where(np.isnan(columns["registration_end"]), columns["arrival_time"], columns["registration_end"])
    if "information_gap_registration_delay_min" in columns:  # lacking information, they found the queue later
        registered = registered + columns["information_gap_registration_delay_min"]
    if "baulk_returned_at" in columns:  # baulked and came back: joined (or baulked again) on coming back
        registered = np.where(np.isnan(columns["baulk_returned_at"]), registered, columns["baulk_returned_at"])
    return np.where(np.isnan(consulted), registered, consulted)


def _hall_entries(columns: dict[str, np.ndarray], department_mask: np.ndarray):
    """Queue entries of a department's waiting hall: first consultations (leaving at
    the consultation's start, or when giving up) and reviews."""
    first = department_mask & ~np.isnan(columns["departure_time"])
    index = np.flatnonzero(first)
    join = consultation_join(columns)[first]
    start = columns["consultation_start"][first]
    leave = np.where(np.isnan(start), columns["departure_time"][first], start)
    review, review_join, review_leave = _entries(columns, "review")
    keep = department_mask[review]
    return (
        np.concatenate([index, review[keep]]),
        np.concatenate([join, review_join[keep]]),
        np.concatenate([leave, review_leave[keep]]),
    )


def crowding_per_server(
    columns: dict[str, np.ndarray], hospital: HospitalConfig, start_date: str | None = None
) -> np.ndarray:
    """Per visit, the most patients waiting per server it found on joining any queue
    (0 for a visit that never queued). Servers are those on duty when the patient
    joined (station schedules, doctors' rosters: ``sim.staffing.on_duty``; day 0 of
    the columns falls on ``start_date``, needed only when the counts change)."""
    n = len(columns["arrival_time"])
    worst = np.zeros(n)
    on_duty = OnDuty(hospital, start_date)
    day = columns["day"]
    station = {s.name: s for s in stations(hospital)}

    def add(index, join, leave, servers):
        if len(index):
            if callable(servers):  # on duty when each patient joined (a break or a closed session: one)
                servers = np.maximum(servers(day[index], join), 1.0)
            np.maximum.at(worst, index, waiting_when_joined(join, leave) / servers)

    def of(name):
        return lambda days, times: on_duty.servers(station[name], days, times)

    add(*_entries(columns, "registration"), of("registration"))
    payments = [_entries(columns, stage) for stage in ("exam_payment", "payment")]
    add(*(np.concatenate(parts) for parts in zip(*payments, strict=True)), of("cashier"))
    for name in hospital.exams:
        add(*_entries(columns, name), of(name))
    add(*_entries(columns, "pharmacy"), of("pharmacy"))
    for code, name in enumerate(hospital.departments):
        add(
            *_hall_entries(columns, columns["department"] == code),
            lambda days, times, name=name: on_duty.doctors(name, days, times),
        )
    return worst
