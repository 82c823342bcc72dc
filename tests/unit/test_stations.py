"""First-come-first-served stations (``sim.engine.stations``): the recursion ``book``
gives exactly the times of a brute-force SimPy simulation of the same c-server FIFO
queue, and a ``FifoStation`` serves patients at those times inside a simulation."""

from __future__ import annotations

import random

import pytest
import simpy

from sim.engine.records import Stage
from sim.engine.stations import FifoStation, book


def brute_force(arrivals: list[float], services: list[float], servers: int, opens: float) -> list[tuple]:
    """(start, end) of each customer of a FIFO queue with ``servers`` servers that open
    at ``opens``, simulated the long way: a SimPy Resource, one process per customer,
    the servers held by a "closed" process until opening."""
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=servers)
    times = [None] * len(arrivals)

    def closed():
        held = [desk.request() for _ in range(servers)]
        yield env.timeout(opens)
        for request in held:
            desk.release(request)

    def customer(i):
        yield env.timeout(arrivals[i])
        with desk.request() as request:
            yield request
            start = env.now
            yield env.timeout(services[i])
            times[i] = (start, env.now)

    env.process(closed())
    for i in range(len(arrivals)):
        env.process(customer(i))
    env.run()
    return times


def booked(arrivals: list[float], services: list[float], servers: int, opens: float) -> Stage:
    stage = Stage("desk", services, len(arrivals))
    free_at = [opens] * servers
    for i, arrival in enumerate(arrivals):
        book(free_at, stage, i, arrival)
    return stage


@pytest.mark.parametrize("seed", range(20))
def test_book_gives_the_times_of_a_brute_force_fifo_queue(seed):
    """Random queues (1-4 servers, arrivals with ties, some zero services, servers
    opening after the first arrivals, busy and idle spells): every start and end is
    exactly the brute-force simulation's, and every wait is start minus arrival."""
    rng = random.Random(seed)
    servers = rng.randint(1, 4)
    n = 200
    arrivals = sorted(round(rng.uniform(0, 300), 1) for _ in range(n))  # rounded: many ties
    services = [0.0 if rng.random() < 0.1 else rng.expovariate(1 / (0.9 * servers * 300 / n)) for _ in range(n)]
    opens = rng.choice([0.0, 20.0])
    stage = booked(arrivals, services, servers, opens)
    expected = brute_force(arrivals, services, servers, opens)
    assert list(zip(stage.start, stage.end, strict=True)) == expected
    assert stage.wait == [start - arrival for start, arrival in zip(stage.start, arrivals, strict=True)]
    assert max(stage.wait) > 5 and stage.wait.count(0.0) > 5  # the queue both builds up and empties


def test_book_on_a_hand_made_queue():
    """Two servers opening at 10: customers at 0 and 0 start at the opening; the one at
    11 takes the first server free (12); the one at 20 finds a server idle."""
    stage = booked([0.0, 0.0, 11.0, 20.0], [3.0, 2.0, 4.0, 1.0], servers=2, opens=10.0)
    assert stage.start == [10.0, 10.0, 12.0, 20.0]
    assert stage.end == [13.0, 12.0, 16.0, 21.0]
    assert stage.wait == [10.0, 10.0, 1.0, 0.0]


def test_a_station_serves_patients_at_the_booked_times():
    """Patients reaching a one-window pharmacy at 0, 1 and 1 are served one after the
    other; each service's end is an event at that time. ``serve_last`` books without
    an event and gives the time a timeout to the end would show."""
    env = simpy.Environment()
    stage = Stage("pharmacy", [5.0, 2.0, 1.0, 4.0], 4)
    station = FifoStation(env, "pharmacy", servers=1, opens_at=0.0)
    done = {}

    def patient(visit, at):
        yield env.timeout(at)
        yield station.serve(visit, stage)
        done[visit] = env.now

    for visit, at in enumerate([0.0, 1.0, 1.0]):
        env.process(patient(visit, at))
    env.run(until=2.0)
    last = station.serve_last(3, stage)
    env.run()
    assert done == {0: 5.0, 1: 7.0, 2: 8.0}
    assert stage.start == [0.0, 5.0, 7.0, 8.0] and stage.wait == [0.0, 4.0, 6.0, 6.0]
    assert last == stage.end[3] == 12.0
