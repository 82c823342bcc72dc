"""Queueing theory the model is validated against: Erlang C for an M/M/c station and
the product-form (Jackson / Kelly network) prediction for every station of the
``validation_network`` pathway."""

from __future__ import annotations

from sim import distributions
from sim.schema import Distribution, HospitalConfig
from sim.staffing.queueing import erlang_c as erlang_c  # re-exported: defined once, in the staffing wing
from sim.staffing.queueing import mmc_mean_wait


def _mean(spec: Distribution) -> float:
    return distributions.build(spec).mean


def network_nodes(hospital: HospitalConfig) -> dict[str, dict[str, float]]:
    """Per station of a single-department pathway: total arrival rate (per minute),
    servers, mean service, utilisation and the M/M/c mean wait in queue.

    Stage names match the ``wait_<stage>`` columns; the consultation node carries
    first consultations and reviews, the cashier both payments.
    """
    if len(hospital.departments) != 1 or hospital.arrivals.rate_per_hour is None:
        raise ValueError("the product-form prediction needs one department and arrivals.rate_per_hour")
    (department,) = hospital.departments.values()
    lam = hospital.arrivals.rate_per_hour / 60.0
    p_exam_free = 1.0
    for name in hospital.exams:
        p_exam_free *= 1.0 - department.exam_probability.get(name, 0.0)
    p_exam = 1.0 - p_exam_free
    p_rx = department.prescription_probability
    nodes = {
        "registration": (lam, hospital.registration.servers, _mean(hospital.registration.service)),
        "consultation": (lam * (1 + p_exam), department.doctors, _mean(department.consultation)),
        "cashier": (lam * (p_exam + p_rx), hospital.cashier.servers, _mean(hospital.cashier.service)),
        "pharmacy": (lam * p_rx, hospital.pharmacy.servers, _mean(hospital.pharmacy.service)),
    }
    for name, exam in hospital.exams.items():
        nodes[name] = (lam * department.exam_probability.get(name, 0.0), exam.servers, _mean(exam.service))
    out = {}
    for name, (rate, servers, mean) in nodes.items():
        out[name] = {
            "arrival_rate": rate,
            "servers": servers,
            "mean_service": mean,
            "utilisation": rate * mean / servers,
            "mean_wait": mmc_mean_wait(rate, mean, servers) if rate > 0 else 0.0,
        }
    return out
