"""Complaint KPIs of one replication, from the visit columns, the complaint rows and
the expected complaints by category (all NumPy; visits in a warm-up are left out).

Every count comes twice: ``complaints_*`` counts the realised complaints,
``expected_complaints_*`` sums the probabilities. The expected figures have far
lower variance and are what scenario comparisons should use.
"""

from __future__ import annotations

import math

import numpy as np

from sim.complaints import hcat
from sim.complaints.concentration import top_share
from sim.engine.records import counted as counted_visits


def complaint_kpis(
    visits: dict[str, np.ndarray], complaints: dict[str, np.ndarray], expected_category: np.ndarray, doctors: int
) -> dict[str, float]:
    """``expected_category``: expected complaints by HCAT category, summed over the
    visits that count (``sim.engine.records.counted``)."""
    keep = counted_visits(visits)
    n = int(keep.sum())
    per_1000 = 1000.0 / n if n else math.nan
    counted = keep[complaints["visit_id"]] if len(complaints["visit_id"]) else np.zeros(0, dtype=bool)

    realised_by_category = np.bincount(complaints["category"][counted], minlength=len(hcat.CATEGORIES))
    domain_of = np.asarray(hcat.domain_index_of_categories())
    realised_by_domain = np.bincount(domain_of, weights=realised_by_category, minlength=len(hcat.DOMAINS))
    expected_domain = np.bincount(domain_of, weights=expected_category, minlength=len(hcat.DOMAINS))
    expected_total = float(visits["complaint_probability"][keep].sum())

    kpis = {
        "complaints_per_1000_visits": counted.sum() * per_1000,
        "expected_complaints_per_1000_visits": expected_total * per_1000,
    }
    for k, domain in enumerate(hcat.DOMAINS):
        kpis[f"complaints_{domain}_per_1000_visits"] = realised_by_domain[k] * per_1000
        kpis[f"expected_complaints_{domain}_per_1000_visits"] = expected_domain[k] * per_1000
        kpis[f"expected_complaints_{domain}_share"] = (
            expected_domain[k] / expected_total if expected_total else math.nan
        )
    for k, category in enumerate(hcat.CATEGORIES):
        kpis[f"complaints_{category}_per_1000_visits"] = realised_by_category[k] * per_1000
        kpis[f"expected_complaints_{category}_per_1000_visits"] = expected_category[k] * per_1000

    made = counted.sum()
    kpis["complaints_onsite_share"] = float(np.mean(complaints["channel"][counted] == 0)) if made else math.nan
    resolution = complaints["resolution_days"][counted]
    kpis["complaint_resolution_median_days"] = float(np.median(resolution)) if made else math.nan
    kpis["complaints_within_target_share"] = float(np.mean(complaints["within_target"][counted])) if made else math.nan
    kpis["complaints_upheld_share"] = float(np.mean(complaints["upheld"][counted])) if made else math.nan

    doctor = complaints["doctor_id"][counted]
    realised_per_doctor = np.bincount(doctor[doctor >= 0], minlength=doctors)
    seen = keep & (visits["doctor_id"] >= 0)
    expected_per_doctor = np.bincount(
        visits["doctor_id"][seen], weights=visits["complaint_probability"][seen], minlength=doctors
    )
    kpis["complaints_top10_doctors_share"] = top_share(realised_per_doctor)
    kpis["expected_complaints_top10_doctors_share"] = top_share(expected_per_doctor)
    kpis["doctors_without_complaints_share"] = float(np.mean(realised_per_doctor == 0)) if doctors else math.nan
    return kpis
