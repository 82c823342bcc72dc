"""validation_network against the product-form prediction: every station of the
pathway behaves as an M/M/c queue fed at its total arrival rate."""

import numpy as np
import pytest

from sim.analysis.theory import network_nodes
from tests.conftest import run
from tests.validation.stats_helpers import assert_agrees

# waits recorded in these columns belong to each node
NODE_COLUMNS = {"consultation": ["wait_consultation", "wait_review"], "cashier": ["wait_exam_payment", "wait_payment"]}


HOURS = 3000  # per replication, the first 100 of them warm-up


@pytest.fixture(scope="module")
def network():
    return run(
        "hospital=validation_network",
        f"hospital.registration.closes={HOURS}:00",
        f"hospital.departments.clinic.sessions=[{{start:'0:00',end:'{HOURS}:00'}}]",
        "run.replications=20",
        "run.jobs=2",
    )


def node_means(visits, columns):
    visits = visits[~visits["in_warmup"]]
    means = []
    for _, group in visits.groupby("replication"):
        waits = np.concatenate([group[c].dropna().to_numpy() for c in columns])
        means.append(waits.mean())
    return means


@pytest.mark.slow
@pytest.mark.parametrize("node", ["registration", "consultation", "cashier", "lab", "imaging", "pharmacy"])
def test_node_mean_wait_matches_product_form(network, node):
    predicted = network_nodes(network.config.hospital)[node]
    columns = NODE_COLUMNS.get(node, [f"wait_{node}"])
    assert_agrees(
        node_means(network.visits, columns),
        predicted["mean_wait"],
        f"{node} (utilisation {predicted['utilisation']:.2f})",
    )


@pytest.mark.slow
def test_node_throughput_matches_routing(network):
    """Flow conservation: the visits to each node equal lambda x horizon x the expected
    visits per patient. Each patient visits a node k times (k from the routing draws),
    so a node's count is compound Poisson with variance lambda x horizon x E[k^2]; the
    count must lie within 4 standard deviations."""
    hospital = network.config.hospital
    department = hospital.departments["clinic"]
    p_lab, p_imaging = department.exam_probability["lab"], department.exam_probability["imaging"]
    p_exam = 1 - (1 - p_lab) * (1 - p_imaging)
    p_rx = department.prescription_probability
    # node -> (columns counting its visits, E[k], E[k^2])
    nodes = {
        "registration": (["registration_start"], 1.0, 1.0),
        "consultation": (["consultation_start", "review_start"], 1 + p_exam, 1 + 3 * p_exam),
        "cashier": (["exam_payment_start", "payment_start"], p_exam + p_rx, p_exam + p_rx + 2 * p_exam * p_rx),
        "lab": (["lab_start"], p_lab, p_lab),
        "imaging": (["imaging_start"], p_imaging, p_imaging),
        "pharmacy": (["pharmacy_start"], p_rx, p_rx),
    }
    arrivals = hospital.arrivals.rate_per_hour / 60 * HOURS * 60 * network.config.run.replications
    theory = network_nodes(hospital)
    for node, (columns, visits_per_patient, second_moment) in nodes.items():
        assert theory[node]["arrival_rate"] == pytest.approx(hospital.arrivals.rate_per_hour / 60 * visits_per_patient)
        count = sum(network.visits[c].notna().sum() for c in columns)
        assert abs(count - arrivals * visits_per_patient) < 4 * np.sqrt(arrivals * second_moment), node
