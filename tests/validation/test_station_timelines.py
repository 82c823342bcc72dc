"""Station timelines and utilisation on ``validation_network``: after the warm-up,
each station's time-average number waiting equals its arrival rate times its mean
wait (Little's law, L = λW, on the same sample path: they differ only by the
patients still queueing at the edges of the window), the wait so obtained agrees
with the per-stage mean-wait KPIs, and each station's utilisation KPI with the
product-form utilisation."""

import numpy as np
import pytest

from sim.analysis.stations import stations
from sim.analysis.theory import network_nodes
from sim.analysis.timelines import station_timelines, visit_columns
from tests.conftest import run

HOURS, WARMUP_MIN = 150, 600.0
NODE = {"registration_windows": "registration", "doctors_clinic": "consultation"}


@pytest.fixture(scope="module")
def network():
    return run(
        "hospital=validation_network",
        f"hospital.registration.closes={HOURS}:00",
        f"hospital.departments.clinic.sessions=[{{start:'0:00',end:'{HOURS}:00'}}]",
        f"hospital.warmup_min={WARMUP_MIN}",
        "run.replications=3",
    )


def _window(network):
    """Bins wholly inside [warm-up end, last session end)."""
    table = station_timelines(network.visits, network.config.hospital, network.config.run.start_date)
    inside = (table["bin_start_min"] >= WARMUP_MIN) & (table["bin_start_min"] + 15 <= HOURS * 60)
    return table[inside], WARMUP_MIN, HOURS * 60.0


def test_number_waiting_is_arrival_rate_times_mean_wait(network):
    """Little's law per station over the window: time-average number waiting (from the
    timelines) against the rate of joining the queue times the mean wait of those who
    joined in the window (from the visits), within 2%."""
    table, begin, end = _window(network)
    columns = visit_columns(network.visits)
    for station in stations(network.config.hospital):
        _, joined, start, _ = station.intervals(columns)
        inside = (joined >= begin) & (joined < end)
        replications = network.visits["replication"].nunique()
        rate = inside.sum() / replications / (end - begin)
        mean_wait = float(np.mean((start - joined)[inside]))
        waiting = table.loc[table["station"] == station.name, "waiting_mean"].mean()
        assert waiting == pytest.approx(rate * mean_wait, rel=0.02), station.name


def test_waits_from_the_timelines_agree_with_the_stage_wait_kpis(network):
    """L / λ from the timelines is the mean wait the KPIs report for the stages served
    at that station (waits of visits that count, weighted by visits), within 3%."""
    table, begin, end = _window(network)
    columns = visit_columns(network.visits)
    summary = network.summary["mean"]
    for station in stations(network.config.hospital):
        _, joined, _, _ = station.intervals(columns)
        rate = ((joined >= begin) & (joined < end)).sum() / network.visits["replication"].nunique() / (end - begin)
        waiting = table.loc[table["station"] == station.name, "waiting_mean"].mean()
        # the KPIs of the stages served there, weighted by the visits that count
        counted = network.visits[~network.visits["in_warmup"]]
        weights = [counted[f"wait_{stage}"].notna().sum() for stage in station.stages]
        kpi_wait = np.average([summary[f"wait_{stage}_mean_min"] for stage in station.stages], weights=weights)
        assert waiting / rate == pytest.approx(kpi_wait, rel=0.03), station.name


def test_station_utilisation_kpis_match_the_product_form(network):
    """Each station's utilisation KPI against λ·E[S]/c of its node, within 5%."""
    nodes = network_nodes(network.config.hospital)
    for station in stations(network.config.hospital):
        node = NODE.get(station.name, station.name)
        measured = network.summary.loc[f"{station.name}_utilisation", "mean"]
        assert measured == pytest.approx(nodes[node]["utilisation"], rel=0.05), station.name
