"""A station whose servers change during the day (``sim.engine.stations.ShiftServers``)
against the exact transient solution of its queue, M/M/c(t).

Poisson arrivals (0.8 a minute), exponential services (mean 3 min), and servers on
duty 3 from opening, 2 from minute 120 (overloaded: the queue builds) and 4 from
minute 180 (it drains); a server going off duty finishes the patient in service.
With exponential services the station is a Markov chain in (patients waiting, which
servers are busy): a busy server numbered at or above the count on duty is one who
went off duty and finishes their patient; a patient starting at once takes the
highest-numbered free server on duty, as ShiftServers does. Its forward
(Kolmogorov) equations, solved exactly between changes (matrix exponential, scipy's
expm_multiply) and truncated at 150 waiting (never approached), give the mean
number waiting at every time. The mean over 400 simulated
days must agree at every half hour within 4 standard errors plus 0.05.

A pointwise-stationary approximation would not do here: from minute 120 to 180 the
station is overloaded (utilisation 1.2), and the queue's build-up and drain are
exactly what the schedule is about.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse.linalg import expm_multiply

from sim.engine.records import Stage
from sim.engine.stations import ShiftServers

RATE, MEAN_SERVICE = 0.8, 3.0
CHANGES = [(0.0, 3), (120.0, 2), (180.0, 4)]
HORIZON = 360.0
GRID = np.arange(30.0, HORIZON + 1, 30.0)
SERVERS = max(count for _, count in CHANGES)
MAX_WAITING = 150
MASKS = 1 << SERVERS  # which servers are busy, one bit each


def _index(waiting: int, mask: int) -> int:
    return waiting * MASKS + mask


def _take_free(mask: int, on_duty: int) -> int | None:
    """The server a patient starting now takes: the highest-numbered free one on duty
    (as ShiftServers chooses among servers who can start at once), or None."""
    free = [j for j in range(on_duty) if not mask >> j & 1]
    return max(free) if free else None


def generator(on_duty: int) -> sparse.csr_matrix:
    """The chain's generator while ``on_duty`` servers are on duty (state: patients
    waiting, busy servers; a busy server numbered ``on_duty`` or above is finishing
    its patient after going off duty)."""
    rows, cols, rates = [], [], []
    mu = 1.0 / MEAN_SERVICE
    for q in range(MAX_WAITING + 1):
        for mask in range(MASKS):
            here = _index(q, mask)
            server = _take_free(mask, on_duty)
            if server is not None:  # an arrival starts at once
                rows.append(here), cols.append(_index(q, mask | 1 << server)), rates.append(RATE)
            elif q < MAX_WAITING:  # or waits (lost at the cap, never reached)
                rows.append(here), cols.append(_index(q + 1, mask)), rates.append(RATE)
            for j in range(SERVERS):
                if mask >> j & 1:  # server j finishes: takes the next patient if still on duty
                    after = _index(q - 1, mask) if (q and j < on_duty) else _index(q, mask & ~(1 << j))
                    rows.append(here), cols.append(after), rates.append(mu)
    matrix = sparse.csr_matrix((rates, (rows, cols)), shape=((MAX_WAITING + 1) * MASKS,) * 2)
    return matrix - sparse.diags(np.asarray(matrix.sum(axis=1)).ravel())


def _servers_come_on(p: np.ndarray, on_duty: int) -> np.ndarray:
    """Servers coming on duty take waiting patients at once."""
    out = np.zeros_like(p)
    for q in range(MAX_WAITING + 1):
        for mask in range(MASKS):
            waiting, busy = q, mask
            while waiting and (server := _take_free(busy, on_duty)) is not None:
                waiting, busy = waiting - 1, busy | 1 << server
            out[_index(waiting, busy)] += p[_index(q, mask)]
    return out


def exact_mean_waiting(grid: np.ndarray) -> np.ndarray:
    """Mean patients waiting at each time of ``grid``, from the forward equations
    solved exactly between the schedule's changes (matrix exponential)."""
    p = np.zeros((MAX_WAITING + 1) * MASKS)
    p[_index(0, 0)] = 1.0
    waiting = np.repeat(np.arange(MAX_WAITING + 1), MASKS)
    generators = {count: generator(count).T.tocsr() for _, count in CHANGES}
    times = sorted({*grid.tolist(), *(start for start, _ in CHANGES if start > 0)})
    means, t = {}, 0.0
    for target in times:
        p = expm_multiply(generators[_on_duty(t)] * (target - t), p)
        t = target
        if t in dict(CHANGES):
            p = _servers_come_on(p, _on_duty(t))
        means[t] = float(waiting @ p)
    assert abs(p.sum() - 1) < 1e-6 and p[-10 * MASKS :].sum() < 1e-9  # the truncation is harmless
    return np.array([means[t] for t in grid.tolist()])


def _on_duty(t: float) -> int:
    return [count for start, count in CHANGES if start <= t][-1]


def simulated_waiting(days: int, seed: int = 13) -> np.ndarray:
    """Patients waiting (arrived, not yet started) at each grid time, one row per day."""
    rng = np.random.default_rng(seed)
    counts = np.empty((days, len(GRID)))
    for day in range(days):
        arrivals = np.cumsum(rng.exponential(1 / RATE, int(RATE * HORIZON * 1.5)))
        arrivals = arrivals[arrivals < HORIZON]
        service = rng.exponential(MEAN_SERVICE, len(arrivals))
        stage = Stage("s", service.tolist(), len(arrivals))
        servers = ShiftServers(list(CHANGES))
        for visit, arrival in enumerate(arrivals.tolist()):
            servers.book(stage, visit, arrival)
        starts = np.array(stage.start)
        counts[day] = [np.sum((arrivals <= t) & (starts > t)) for t in GRID]
    return counts


@pytest.mark.slow
def test_a_scheduled_station_follows_the_exact_transient_queue():
    exact = exact_mean_waiting(GRID)
    counts = simulated_waiting(400)
    mean = counts.mean(axis=0)
    standard_error = counts.std(axis=0, ddof=1) / np.sqrt(len(counts))
    assert exact.max() > 5  # the overloaded hour builds a real queue
    assert np.all(np.abs(mean - exact) < 4 * standard_error + 0.05), np.c_[GRID, exact, mean, standard_error]
