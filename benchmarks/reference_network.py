"""A plain, idiomatic SimPy model of the validation_network pathway: the reference our
engine's speed is measured against.

Written the way SimPy's tutorials write models: one process per patient, a
``with resource.request()`` block per stage, ``random.expovariate`` draws, and a dict
per patient collecting its timestamps. Same network, same parameters, same horizon as
``hospital=validation_network``.
"""

from __future__ import annotations

import random

import simpy

RATE_PER_MIN = 0.5
SERVERS = {"registration": 2, "consultation": 7, "cashier": 1, "lab": 1, "imaging": 2, "pharmacy": 1}
MEAN = {"registration": 2.0, "consultation": 8.0, "cashier": 1.5, "lab": 5.0, "imaging": 8.0, "pharmacy": 2.0}
P_LAB, P_IMAGING, P_PRESCRIPTION = 0.3, 0.2, 0.6


def patient(env, rng, resources, record):
    def stage(resource_name, label):
        with resources[resource_name].request() as request:
            arrived = env.now
            yield request
            record[f"wait_{label}"] = env.now - arrived
            yield env.timeout(rng.expovariate(1.0 / MEAN[resource_name]))

    record["arrival"] = env.now
    yield from stage("registration", "registration")
    yield from stage("consultation", "consultation")
    lab = rng.random() < P_LAB
    imaging = rng.random() < P_IMAGING
    if lab or imaging:
        yield from stage("cashier", "exam_payment")
        if lab:
            yield from stage("lab", "lab")
        if imaging:
            yield from stage("imaging", "imaging")
        yield from stage("consultation", "review")
    if rng.random() < P_PRESCRIPTION:
        yield from stage("cashier", "payment")
        yield from stage("pharmacy", "pharmacy")
    record["departure"] = env.now


def source(env, rng, resources, records, horizon):
    while True:
        yield env.timeout(rng.expovariate(RATE_PER_MIN))
        if env.now >= horizon:
            return
        record = {}
        records.append(record)
        env.process(patient(env, rng, resources, record))


def run(horizon_min: float, seed: int = 1) -> list[dict]:
    """Simulate until every patient arriving before ``horizon_min`` has left."""
    rng = random.Random(seed)
    env = simpy.Environment()
    resources = {name: simpy.Resource(env, capacity) for name, capacity in SERVERS.items()}
    records: list[dict] = []
    env.process(source(env, rng, resources, records, horizon_min))
    env.run()
    return records
