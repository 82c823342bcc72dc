"""Escalation of complaints to disputes (``sim.service_quality.disputes``): for each
combination of triggers (high severity, not resolved within target, not upheld) the
number of escalations lies within the 99.9% binomial interval of the configured
probability, routes split by the third-party share, durations follow their route's
distribution, and the top-10% share handles ties as the complaint concentration does."""

import itertools

import numpy as np
import pytest
from scipy import stats

from sim.clock import MINUTES_PER_DAY
from sim.complaints import hcat
from sim.schema import DisputeConfig
from sim.service_quality import disputes
from sim.streams import Streams

PER_COMBINATION = 20_000


def _complaints():
    combos = list(itertools.product([False, True], repeat=3))
    high, late, not_upheld = (np.repeat([c[k] for c in combos], PER_COMBINATION) for k in range(3))
    n = len(high)
    return {
        "time": np.arange(n, dtype=float),
        "severity": np.where(high, hcat.SEVERITIES.index("high"), hcat.SEVERITIES.index("medium")).astype(np.int8),
        "within_target": ~late,
        "upheld": ~not_upheld,
        "resolved_time": np.arange(n, dtype=float) + 3 * MINUTES_PER_DAY,
    }, combos


def test_escalations_match_their_probabilities_within_binomial_intervals():
    cfg = DisputeConfig(
        enabled=True,
        base_probability=0.02,
        high_severity_probability=0.3,
        not_within_target_probability=0.2,
        not_upheld_probability=0.1,
    )
    complaints, combos = _complaints()
    out = disputes.escalate(complaints, cfg, Streams(4, 0))
    for k, (high, late, not_upheld) in enumerate(combos):
        p = 1 - (1 - 0.02) * (1 - 0.3) ** high * (1 - 0.2) ** late * (1 - 0.1) ** not_upheld
        count = int(out["escalated"][k * PER_COMBINATION : (k + 1) * PER_COMBINATION].sum())
        low, high_ = stats.binom.interval(0.999, PER_COMBINATION, p)
        assert low <= count <= high_, ((high, late, not_upheld), count, p * PER_COMBINATION)
    escalated = out["escalated"]
    third = out["dispute_route"][escalated] == disputes.ROUTES.index("third_party")
    low, high_ = stats.binom.interval(0.999, int(escalated.sum()), cfg.third_party_share)
    assert low <= third.sum() <= high_
    assert (out["dispute_route"][~escalated] == -1).all() and np.isnan(out["dispute_opened"][~escalated]).all()
    assert (out["dispute_opened"][escalated] == complaints["resolved_time"][escalated]).all()
    days = out["dispute_settle_days"][escalated]
    assert np.median(days[third]) == pytest.approx(45.0, rel=0.15)  # lognormal medians of the routes
    assert np.median(days[~third]) == pytest.approx(7.0, rel=0.1)
    settled = out["dispute_opened"] + out["dispute_settle_days"] * MINUTES_PER_DAY
    assert out["dispute_settled"][escalated] == pytest.approx(settled[escalated])


def test_no_trigger_no_base_no_dispute():
    complaints, _ = _complaints()
    cfg = DisputeConfig(
        base_probability=0.0,
        high_severity_probability=0.0,
        not_within_target_probability=0.0,
        not_upheld_probability=0.0,
    )
    assert not disputes.escalate(complaints, cfg, Streams(4, 0))["escalated"].any()


def test_top_complaint_doctors_share():
    """20 doctors: the top 10% are 2 doctors. Ties at the boundary share the places."""
    complaints = np.array([9, 7] + [1] * 18)
    assert disputes.top_complaint_doctors_share(complaints, np.array([3, 1] + [0] * 18)) == 1.0
    assert disputes.top_complaint_doctors_share(complaints, np.array([0, 0] + [1] * 18)) == 0.0
    tied = np.array([5, 2, 2, 2] + [0] * 16)  # the second place is shared by three doctors
    share = disputes.top_complaint_doctors_share(tied, np.array([0, 3, 0, 0] + [0] * 16))
    assert share == pytest.approx(1 / 3)
    assert np.isnan(disputes.top_complaint_doctors_share(complaints, np.zeros(20, dtype=int)))
