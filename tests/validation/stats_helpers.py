"""Replication confidence intervals shared by the validation tests.

Each validation test compares a theoretical value with the mean of independent
replications. The theory must lie inside the replications' t-interval at level
1 - ALPHA. There are nine such comparisons (three Erlang C loads, six network nodes);
with ALPHA = 0.001 each, the chance that a correct model fails any of them is below
1% (Bonferroni), and the seeds are fixed so the suite is deterministic. So that a
wrong model cannot pass by a wide interval, each test also requires the 95% interval
to be narrow (PRECISION of the predicted value): a model off by more than about
twice that would be caught.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

ALPHA = 0.001
PRECISION = 0.06


def interval(values, level: float) -> tuple[float, float, float]:
    values = np.asarray(values, dtype=float)
    n = len(values)
    mean = float(values.mean())
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * values.std(ddof=1) / np.sqrt(n))
    return mean, mean - half, mean + half


def assert_agrees(values, predicted: float, what: str) -> None:
    mean, low, high = interval(values, 1 - ALPHA)
    assert low <= predicted <= high, (
        f"{what}: theory {predicted:.4g} outside the {100 * (1 - ALPHA):.1f}% interval [{low:.4g}, {high:.4g}] "
        f"(simulated mean {mean:.4g}, n={len(values)})"
    )
    _, low95, high95 = interval(values, 0.95)
    assert (high95 - low95) / 2 <= PRECISION * predicted, (
        f"{what}: 95% half-width {(high95 - low95) / 2:.4g} is wider than {PRECISION:.0%} of {predicted:.4g}; "
        "run longer so the comparison can fail"
    )
