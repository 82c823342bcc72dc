"""Escalation of complaints to doctor-patient disputes (``hospital.complaints.disputes``).

A handled complaint escalates with probability

    1 - (1 - base) (1 - high)^H (1 - late)^L (1 - not upheld)^N

(H, L, N: 1 when the complaint was of high severity, not resolved within target, not
upheld). The dispute opens when the complaint is resolved, goes to a third party with
probability ``third_party_share`` (otherwise internal mediation: doctor-patient talks)
and is settled after a duration drawn for its route. Draws come from the streams
``disputes.escalation`` (two uniforms per complaint) and ``disputes.days.internal`` /
``disputes.days.third_party`` (one duration per complaint each), in the order of the
complaint table.
"""

from __future__ import annotations

import numpy as np

from sim import distributions
from sim.clock import MINUTES_PER_DAY
from sim.complaints import hcat
from sim.complaints.concentration import TOP_SHARE
from sim.schema import DisputeConfig
from sim.streams import Streams

ROUTES = ("internal", "third_party")
HIGH = hcat.SEVERITIES.index("high")


def escalation_probability(complaints: dict[str, np.ndarray], cfg: DisputeConfig) -> np.ndarray:
    """Each complaint's probability of escalating."""
    stays = (
        (1.0 - cfg.base_probability)
        * np.where(complaints["severity"] == HIGH, 1.0 - cfg.high_severity_probability, 1.0)
        * np.where(complaints["within_target"], 1.0, 1.0 - cfg.not_within_target_probability)
        * np.where(complaints["upheld"], 1.0, 1.0 - cfg.not_upheld_probability)
    )
    return 1.0 - stays


def escalate(complaints: dict[str, np.ndarray], cfg: DisputeConfig, streams: Streams) -> dict[str, np.ndarray]:
    """Columns to add to a replication's handled complaints: ``escalated``,
    ``dispute_route`` (index into ROUTES; -1 without a dispute), ``dispute_opened``,
    ``dispute_settled`` (absolute minutes) and ``dispute_settle_days``."""
    n = len(complaints["time"])
    u = streams.stream("disputes.escalation").random((n, 2))
    escalated = u[:, 0] < escalation_probability(complaints, cfg)
    third_party = u[:, 1] < cfg.third_party_share
    days = np.where(
        third_party,
        distributions.build(cfg.third_party_days).sample(streams.stream("disputes.days.third_party"), n),
        distributions.build(cfg.internal_days).sample(streams.stream("disputes.days.internal"), n),
    )
    opened = np.where(escalated, complaints["resolved_time"], np.nan)
    settle_days = np.where(escalated, days, np.nan)
    return {
        "escalated": escalated,
        "dispute_route": np.where(escalated, third_party.astype(np.int8), -1).astype(np.int8),
        "dispute_opened": opened,
        "dispute_settled": opened + settle_days * MINUTES_PER_DAY,
        "dispute_settle_days": settle_days,
    }


def top_complaint_doctors_share(complaints_per_doctor: np.ndarray, disputes_per_doctor: np.ndarray) -> float:
    """Share of disputes against the 10% of doctors with the most complaints (as
    ``top_share``: 10% of 82 doctors is 8.2 doctors; doctors tied on complaints share
    a place evenly). NaN without a dispute."""
    total = disputes_per_doctor.sum()
    if total == 0 or not len(complaints_per_doctor):
        return float("nan")
    order = np.argsort(-complaints_per_doctor, kind="stable")
    complaints, disputes = complaints_per_doctor[order], disputes_per_doctor[order]
    membership = np.clip(TOP_SHARE * len(complaints) - np.arange(len(complaints)), 0.0, 1.0)
    _, tie = np.unique(complaints, return_inverse=True)
    membership = (np.bincount(tie, weights=membership) / np.bincount(tie))[tie]
    return float((membership * disputes).sum() / total)
