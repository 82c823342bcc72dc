"""Replication statistics: t-intervals, relative half-widths, the confidence-interval
method's table and the number of replications it asks for."""

import math

import numpy as np
import pytest
from scipy import stats

from sim.analysis.precision import precision_table, replications_needed
from sim.analysis.stats import t_interval

VALUES = np.array([12.1, 9.4, 11.0, 10.2, 8.7, 10.9, 9.9, 10.4, 10.1, 9.8, 10.0, 10.3])


def test_t_interval_matches_scipy():
    row = t_interval(VALUES)
    low, high = stats.t.interval(0.95, len(VALUES) - 1, loc=VALUES.mean(), scale=stats.sem(VALUES))
    assert row["mean"] == pytest.approx(VALUES.mean())
    assert row["sd"] == pytest.approx(VALUES.std(ddof=1))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    assert row["rel_half_width"] == pytest.approx((high - low) / 2 / VALUES.mean())
    assert row["n"] == len(VALUES)


def test_t_interval_edge_cases():
    assert math.isnan(t_interval([3.0])["ci_low"])  # one replication: no interval
    assert t_interval([2.0, 2.0, 2.0])["rel_half_width"] == 0.0  # no spread: exact
    assert t_interval([0.0, 0.0])["rel_half_width"] == 0.0  # exactly zero is exact too
    assert t_interval([-1.0, 1.0])["rel_half_width"] == math.inf  # spread around a zero mean
    assert t_interval([1.0, np.nan, 3.0])["n"] == 2  # NaN (KPI undefined in a replication) dropped


def test_precision_table_is_cumulative():
    table = precision_table(VALUES)
    assert list(table.index) == list(range(1, len(VALUES) + 1))
    for n in (2, 5, len(VALUES)):
        expected = t_interval(VALUES[:n])
        assert table.loc[n, "mean"] == pytest.approx(expected["mean"])
        assert table.loc[n, "rel_half_width"] == pytest.approx(expected["rel_half_width"])


@pytest.mark.parametrize("target", [0.3, 0.1, 0.07, 0.055])
def test_replications_needed_is_the_first_n_on_target(target):
    precision = precision_table(VALUES)["rel_half_width"]
    n = replications_needed(VALUES, target)
    assert n is not None and precision[n] <= target
    assert all(precision[m] > target for m in range(2, n))


def test_lookahead_requires_the_target_to_hold():
    precision = precision_table(VALUES)["rel_half_width"]
    n = replications_needed(VALUES, 0.1, lookahead=3)
    assert all(precision[m] <= 0.1 for m in range(n, n + 4))
    assert n >= replications_needed(VALUES, 0.1)


def test_replications_needed_says_when_more_are_needed():
    assert replications_needed(VALUES, 0.001) is None


# -- intervals within a KPI's bounds (sim.analysis.stats.bounded_interval) ----------------

SHARE, RATE = (0.0, 1.0), (0.0, math.inf)


def test_bounded_intervals_stay_inside_the_bounds_and_contain_the_mean():
    """The cases the t-interval got wrong: a share near 1 ([0.849, 1.071] was printed)
    and a rate near 0 (negative complaint rates)."""
    from sim.analysis.stats import bounded_interval

    share = bounded_interval([0.9, 1.0, 1.0, 0.9, 1.0], SHARE)
    assert t_interval([0.9, 1.0, 1.0, 0.9, 1.0])["ci_high"] > 1  # what used to be shown
    assert 0 < share["ci_low"] < share["mean"] < share["ci_high"] < 1
    rate = bounded_interval([0.0, 0.0, 1.2], RATE)
    assert 0 < rate["ci_low"] < rate["mean"] < rate["ci_high"]
    # the precision stays the t half-width over the mean
    assert share["rel_half_width"] == t_interval([0.9, 1.0, 1.0, 0.9, 1.0])["rel_half_width"]


def test_bounded_intervals_at_the_bounds_and_without_bounds():
    from sim.analysis.stats import bounded_interval

    assert bounded_interval([1.0, 1.0, 1.0], SHARE)["ci_low"] == 1.0  # every value on a bound: exact
    assert bounded_interval([0.0, 0.0], RATE)["ci_high"] == 0.0
    assert math.isnan(bounded_interval([0.5], SHARE)["ci_low"])  # one replication: no interval
    plain = t_interval([-3.0, 1.0, 2.0])
    assert bounded_interval([-3.0, 1.0, 2.0])["ci_low"] == plain["ci_low"]  # unbounded: the t-interval
    # narrow: the t-interval to first order
    narrow = bounded_interval(VALUES, RATE)
    expected = t_interval(VALUES)
    assert (narrow["ci_low"], narrow["ci_high"]) == pytest.approx((expected["ci_low"], expected["ci_high"]), rel=2e-3)
    # a share bounded on both sides: the logit scale, as for a share of (low, high)
    scaled = bounded_interval(10 + 20 * np.array([0.3, 0.5, 0.6]), (10.0, 30.0))
    unit = bounded_interval([0.3, 0.5, 0.6], SHARE)
    assert scaled["ci_low"] == pytest.approx(10 + 20 * unit["ci_low"])


@pytest.mark.parametrize(
    "draw, truth, bounds",
    [
        (lambda rng, n: rng.beta(1, 30, n), 1 / 31, SHARE),  # a rare event's share, skewed
        (lambda rng, n: rng.beta(18, 2, n), 0.9, SHARE),  # a share near 1
        (lambda rng, n: rng.gamma(2, 0.25, n), 0.5, RATE),  # a skewed rate
    ],
    ids=["small_share", "large_share", "rate"],
)
def test_bounded_intervals_cover_about_95_percent_with_five_replications(draw, truth, bounds):
    """2,000 experiments of 5 skewed replication values each: the interval covers the
    true mean in 93.5-96.5% of them (binomial sd of the rate 0.5%: ±3 sd). The plain
    t-interval covers 89-92% of these and leaves the bounds in 16-54% of them."""
    from sim.analysis.stats import bounded_interval

    rng = np.random.default_rng(20261125)
    covered = 0
    for _ in range(2000):
        row = bounded_interval(draw(rng, 5), bounds)
        assert bounds[0] <= row["ci_low"] <= row["ci_high"] <= bounds[1]
        covered += row["ci_low"] <= truth <= row["ci_high"]
    assert 0.935 <= covered / 2000 <= 0.965
