"""Differences between scenarios: paired t-intervals for common random numbers, Welch
intervals for independent runs, and the significance flag."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis.compare import differences, independent_difference, paired_difference

RNG = np.random.default_rng(7)
BASE = 10 + RNG.normal(0, 2, 12)
SCENARIO = BASE - 0.8 + RNG.normal(0, 0.3, 12)  # correlated with BASE, as under common random numbers


def test_paired_difference_is_the_t_interval_of_the_differences():
    row = paired_difference(BASE, SCENARIO)
    d = SCENARIO - BASE
    low, high = stats.t.interval(0.95, len(d) - 1, loc=d.mean(), scale=stats.sem(d))
    assert row["difference"] == pytest.approx(d.mean())
    assert (row["difference_ci_low"], row["difference_ci_high"]) == pytest.approx((low, high))
    assert row["relative_difference"] == pytest.approx(d.mean() / BASE.mean())
    assert row["paired"] and row["n"] == 12
    # significant exactly when the paired t-test rejects at 5%
    assert row["significant"] == (stats.ttest_rel(SCENARIO, BASE).pvalue < 0.05)


def test_independent_difference_is_welchs_interval():
    other = 9 + RNG.normal(0, 1, 8)
    row = independent_difference(BASE, other)
    test = stats.ttest_ind(other, BASE, equal_var=False)
    ci = test.confidence_interval(0.95)
    assert (row["difference_ci_low"], row["difference_ci_high"]) == pytest.approx((ci.low, ci.high))
    assert row["significant"] == (test.pvalue < 0.05)
    assert not row["paired"]


def test_pairs_with_a_missing_value_are_dropped():
    base = np.array([1.0, 2.0, np.nan, 4.0])
    scenario = np.array([1.5, 2.5, 3.5, np.nan])
    row = paired_difference(base, scenario)
    assert row["n"] == 2 and row["difference"] == pytest.approx(0.5)


def test_identical_scenarios_differ_by_exactly_zero_and_not_significantly():
    row = paired_difference(BASE, BASE.copy())
    assert row["difference"] == 0 and row["difference_ci_low"] == 0 and row["difference_ci_high"] == 0
    assert not row["significant"]


def test_differences_pairs_by_replication_number():
    base = pd.DataFrame({"replication": [0, 1, 2, 3], "wait": [5.0, 7.0, 6.0, 8.0]})
    scenario = pd.DataFrame({"replication": [3, 2, 1, 0], "wait": [7.0, 5.0, 6.0, 4.0]})  # other row order
    table = differences(base, scenario).set_index("kpi")
    assert table.loc["wait", "difference"] == pytest.approx(-1.0)
    assert table.loc["wait", "difference_ci_low"] == table.loc["wait", "difference_ci_high"] == pytest.approx(-1.0)
    assert bool(table.loc["wait", "significant"])
