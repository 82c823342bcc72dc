"""Each distribution class: its mean agrees with a large sample, its shape parameters do
what they say, and its check names the key, the value and what is allowed."""

import numpy as np
import pytest

from sim import distributions
from sim.distributions import KINDS, Empirical, Normal, build, check
from sim.schema import Distribution, DistributionKind

N = 200_000


def test_every_kind_of_the_schema_has_its_class():
    assert set(KINDS) == set(DistributionKind)
    assert all(cls.kind == kind for kind, cls in KINDS.items())


@pytest.mark.parametrize(
    "spec, cls, mean",
    [
        (Distribution(kind="exponential", mean=4.0), distributions.Exponential, 4.0),
        (Distribution(kind="lognormal", median=5.0, sigma=0.6), distributions.Lognormal, 5.0 * np.exp(0.18)),
        (Distribution(kind="gamma", mean=10.0, cv=0.5), distributions.Gamma, 10.0),
        (Distribution(kind="triangular", low=1.0, mode=2.0, high=6.0), distributions.Triangular, 3.0),
        (Distribution(kind="triangular", low=2.0, mode=2.0, high=2.0), distributions.Triangular, 2.0),
        (Distribution(kind="fixed", value=2.5), distributions.Fixed, 2.5),
        (Distribution(kind="empirical", values=[1.0, 2.0, 6.0], weights=[1, 1, 2]), Empirical, 3.75),
        (Distribution(kind="empirical", values=[1.0, 2.0, 6.0]), Empirical, 3.0),
    ],
)
def test_sample_mean_matches_the_class_mean(spec, cls, mean):
    """The class a config builds, its mean (theory), and a sample of 200,000 whose mean
    lies within 4 standard errors of it (fails by chance about once in 15,000 runs)."""
    distribution = build(spec)
    assert type(distribution) is cls
    assert distribution.mean == pytest.approx(mean)
    draws = distribution.sample(np.random.default_rng(1), N)
    assert draws.shape == (N,) and draws.min() >= 0
    assert abs(draws.mean() - mean) < 4 * draws.std() / np.sqrt(N) + 1e-12


def test_lognormal_median_and_gamma_cv():
    rng = np.random.default_rng(2)
    draws = build(Distribution(kind="lognormal", median=5.0, sigma=0.6)).sample(rng, N)
    assert np.median(draws) == pytest.approx(5.0, rel=0.01)
    draws = build(Distribution(kind="gamma", mean=10.0, cv=0.5)).sample(rng, N)
    assert draws.std() / draws.mean() == pytest.approx(0.5, rel=0.01)


def test_empirical_draws_each_value_in_proportion_to_its_weight():
    """Frequencies within 4 binomial standard errors of weights / sum (0.2, 0.3, 0.5)."""
    draws = Empirical([-20.0, -5.0, 3.0], [0.4, 0.6, 1.0]).sample(np.random.default_rng(3), N)
    for value, p in ((-20.0, 0.2), (-5.0, 0.3), (3.0, 0.5)):
        assert abs(np.mean(draws == value) - p) < 4 * np.sqrt(p * (1 - p) / N)


def test_normal_punctuality_mean_and_sd_and_negative_values():
    draws = Normal(-15.0, 12.0).sample(np.random.default_rng(4), N)
    assert abs(draws.mean() + 15.0) < 4 * 12.0 / np.sqrt(N)
    assert draws.std() == pytest.approx(12.0, rel=0.01)
    assert np.mean(draws > 0) == pytest.approx(0.106, abs=0.005)  # P(Z > 15/12): about 11% after their slot


@pytest.mark.parametrize(
    "spec, fragment",
    [
        (
            Distribution(kind="weibull", mean=1.0),
            "x.kind = 'weibull': unknown distribution; allowed: exponential, lognormal, gamma, triangular, fixed, "
            "empirical",
        ),
        (
            Distribution(kind="lognormal", median=5.0),
            "x.sigma is missing: a lognormal distribution needs median, sigma",
        ),
        (Distribution(kind="exponential", mean=-1.0), "x.mean = -1.0: must be finite and >= 0"),
        (Distribution(kind="exponential", mean=float("nan")), "x.mean = nan: must be finite and >= 0"),
        (Distribution(kind="exponential", mean=0.0), "x.mean = 0.0: an exponential mean must be > 0"),
        (Distribution(kind="lognormal", median=0.0, sigma=1.0), "x.median = 0.0: a lognormal median must be > 0"),
        (Distribution(kind="gamma", mean=3.0, cv=0.0), "x: gamma needs mean > 0 and cv > 0 (got mean=3.0, cv=0.0)"),
        (Distribution(kind="triangular", low=3.0, mode=1.0, high=5.0), "needs low <= mode <= high (got 3.0, 1.0, 5.0)"),
        (Distribution(kind="fixed"), "x.value is missing: a fixed distribution needs value"),
        (Distribution(kind="empirical", values=[]), "x.values is empty: an empirical distribution needs at least one"),
        (Distribution(kind="empirical", values=[1.0, 2.0], weights=[1.0]), "weights has 1 entries but values has 2"),
        (Distribution(kind="empirical", values=[1.0, -2.0]), "x.values = [1.0, -2.0]: must be finite and >= 0"),
        (Distribution(kind="empirical", values=[1.0, 2.0], weights=[0.0, 0.0]), "x.weights = [0.0, 0.0]: must not all"),
    ],
)
def test_bad_distributions_are_named(spec, fragment):
    problems = check(spec, "x")
    assert len(problems) == 1 and fragment in problems[0], problems


def test_parameters_the_kind_does_not_use_are_ignored():
    """An override can switch kind without clearing the old kind's parameters."""
    spec = Distribution(kind="fixed", value=3.0, mean=-1.0, values=[])
    assert check(spec, "x") == []
    assert build(spec).mean == 3.0


@pytest.mark.parametrize(
    "spec",
    [
        Distribution(kind="gamma", mean=3.0, cv=1.2),
        Distribution(kind="triangular", low=0.0, mode=0.0, high=0.0),
        Distribution(kind="empirical", values=[0.0, 4.0], weights=[0.0, 1.0]),
    ],
)
def test_good_distributions_have_no_problems(spec):
    assert check(spec, "x") == []
