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
