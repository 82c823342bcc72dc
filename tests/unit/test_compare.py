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


def test_relative_change_is_significant_exactly_when_the_difference_is():
    """Fieller's interval for the ratio of means: at ratio 1 its test is the difference's,
    so over many random pairs of runs the two agree on significance (paired and
    independent), and it covers the true change in about 95% of them."""
    from sim.analysis.compare import independent_difference, relative_change

    rng = np.random.default_rng(7)
    for paired in (True, False):
        covered = agree = 0
        for _ in range(1000):
            common = rng.gamma(4, 2.5, 6)
            if paired:  # common random numbers: both runs see the same days
                base, scen = common + rng.normal(0, 0.5, 6), 0.9 * common + rng.normal(0, 0.5, 6)
            else:
                base, scen = rng.gamma(4, 2.5, 6), rng.gamma(4, 2.25, 6)
            change = relative_change(base, scen, paired)
            difference = paired_difference(base, scen) if paired else independent_difference(base, scen)
            agree += (change["ci_low"] > 0 or change["ci_high"] < 0) == difference["significant"]
            covered += change["ci_low"] <= -0.1 <= change["ci_high"]
        assert agree >= 995  # (the odd case right on the boundary)
        assert 0.93 <= covered / 1000 <= 0.97
    assert relative_change([10.0, 12.0], [5.0, 6.0])["relative"] == pytest.approx(-0.5)
    assert relative_change([10.0, 10.0], [5.0, 5.0])["ci_low"] == pytest.approx(-0.5)  # no spread: exact
