"""What each visit costs the patient (CNY), from what the visit did.

A visit that came pays the registration fee; one that saw a doctor pays the
department's consultation fee; each examination done is charged its fee; a
prescription collected at the pharmacy is charged its drugs, lognormal by department
(one draw per visit from the daily stream ``charges.drugs``, in visit order, drawn for
every visit whether or not it has a prescription, so scenarios keep common random
numbers). No-shows cost nothing.
"""

from __future__ import annotations

import numpy as np

from sim.complaints.drivers import per_visit
from sim.engine.records import NO_SHOW
from sim.schema import HospitalConfig
from sim.streams import Streams

Columns = dict[str, np.ndarray]


def visit_charges(columns: Columns, hospital: HospitalConfig, streams: Streams) -> Columns:
    """``charge_total`` and ``charge_drugs`` of each visit in ``columns`` (whole days)."""
    c = hospital.charges
    names = list(hospital.departments)
    department = columns["department"].astype(np.intp)
    came = columns["outcome"] != NO_SHOW
    consulted = columns["doctor_id"] >= 0
    consultation = np.array([c.consultation_fee.get(n, c.default_consultation_fee) for n in names])[department]
    total = np.where(came, c.registration_fee, 0.0) + np.where(consulted, consultation, 0.0)
    for exam in hospital.exams:
        done = ~np.isnan(columns[f"{exam}_end"])
        total = total + np.where(done, c.exam_fee.get(exam, 0.0), 0.0)
    z = per_visit(columns, streams, "charges.drugs", lambda rng, k: rng.standard_normal(k))
    median = np.array([c.drug_median.get(n, c.default_drug_median) for n in names])[department]
    collected = ~np.isnan(columns["pharmacy_end"])
    drugs = np.where(collected, median * np.exp(c.drug_sigma * z), 0.0)
    return {"charge_total": total + drugs, "charge_drugs": drugs}
