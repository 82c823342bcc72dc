import numpy as np
import pytest

from sim.distributions import Sampler, check
from sim.schema import Distribution

N = 200_000


@pytest.mark.parametrize(
    "spec, mean",
    [
        (Distribution(kind="exponential", mean=4.0), 4.0),
        (Distribution(kind="lognormal", median=5.0, sigma=0.6), 5.0 * np.exp(0.18)),
        (Distribution(kind="gamma", mean=10.0, cv=0.5), 10.0),
        (Distribution(kind="triangular", low=1.0, mode=2.0, high=6.0), 3.0),
        (Distribution(kind="fixed", value=2.5), 2.5),
        (Distribution(kind="empirical", values=[1.0, 2.0, 6.0], weights=[1, 1, 2]), 3.75),
    ],
)
def test_sample_mean_matches_theory(spec, mean):
    sampler = Sampler(spec)
    assert sampler.mean == pytest.approx(mean)
    draws = sampler.sample(np.random.default_rng(1), N)
    assert draws.min() >= 0
    # 4 standard errors: fails by chance about once in 15,000 runs
    assert abs(draws.mean() - mean) < 4 * draws.std() / np.sqrt(N) + 1e-12


def test_lognormal_median_and_gamma_cv():
    rng = np.random.default_rng(2)
    draws = Sampler(Distribution(kind="lognormal", median=5.0, sigma=0.6)).sample(rng, N)
    assert np.median(draws) == pytest.approx(5.0, rel=0.01)
    draws = Sampler(Distribution(kind="gamma", mean=10.0, cv=0.5)).sample(rng, N)
    assert draws.std() / draws.mean() == pytest.approx(0.5, rel=0.01)


@pytest.mark.parametrize(
    "spec, fragment",
    [
        (Distribution(kind="weibull", mean=1.0), "unknown distribution; allowed: exponential"),
        (Distribution(kind="lognormal", median=5.0), "x.sigma is missing"),
        (Distribution(kind="exponential", mean=-1.0), "x.mean = -1.0: must be finite and >= 0"),
        (Distribution(kind="exponential", mean=0.0), "an exponential mean must be > 0"),
        (Distribution(kind="triangular", low=3.0, mode=1.0, high=5.0), "low <= mode <= high"),
        (Distribution(kind="empirical", values=[]), "needs at least one value"),
        (Distribution(kind="empirical", values=[1.0, 2.0], weights=[1.0]), "weights has 1 entries but values has 2"),
    ],
)
def test_bad_distributions_are_named(spec, fragment):
    problems = check(spec, "x")
    assert any(fragment in p for p in problems), problems


def test_good_distribution_has_no_problems():
    assert check(Distribution(kind="gamma", mean=3.0, cv=1.2), "x") == []
