"""Erlang C: the M/M/c queue's chance of waiting and mean wait. Used by the
``extra_doctors`` rule (sim.staffing.rosters) and the validation of the engine
against theory (sim.analysis.theory)."""

from __future__ import annotations

import math


def erlang_c(arrival_rate: float, mean_service: float, servers: int) -> float:
    """Probability that an arrival to an M/M/c queue has to wait."""
    offered = arrival_rate * mean_service  # in Erlangs
    rho = offered / servers
    if rho >= 1:
        raise ValueError(f"utilisation {rho:.3f} >= 1: the queue is unstable")
    term = 1.0
    total = 1.0  # sum_{k<c} a^k / k!
    for k in range(1, servers):
        term *= offered / k
        total += term
    last = term * offered / servers  # a^c / c!
    tail = last / (1 - rho)
    return tail / (total + tail)


def mmc_mean_wait(arrival_rate: float, mean_service: float, servers: int) -> float:
    """Mean wait in queue Wq of an M/M/c queue (same time unit as the inputs)."""
    rho = arrival_rate * mean_service / servers
    return erlang_c(arrival_rate, mean_service, servers) * mean_service / (servers * (1 - rho))


def predicted_wait(arrival_rate: float, mean_service: float, servers: int) -> float:
    """``mmc_mean_wait``, or infinity when there are no servers or they cannot keep up."""
    if arrival_rate <= 0:
        return 0.0
    if servers <= 0 or arrival_rate * mean_service >= servers:
        return math.inf
    return mmc_mean_wait(arrival_rate, mean_service, servers)
