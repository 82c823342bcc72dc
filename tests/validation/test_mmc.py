"""validation_mmc against Erlang C: the mean wait in queue of an M/M/c station at
three utilisations, one of them 0.9."""

import numpy as np
import pytest

from sim.analysis.theory import mmc_mean_wait
from tests.conftest import run
from tests.validation.stats_helpers import assert_agrees

SERVERS, MEAN_SERVICE = 3, 10.0
# hours per replication (the first 100 are warm-up): heavier loads have slower-mixing,
# more variable waits and need longer runs for the same relative precision
SESSION_HOURS = {0.5: 1000, 0.8: 2000, 0.9: 5000}
REPLICATIONS = 20


def simulate(rho: float):
    rate_per_hour = rho * SERVERS / MEAN_SERVICE * 60
    hours = SESSION_HOURS[rho]
    return run(
        "hospital=validation_mmc",
        f"hospital.arrivals.rate_per_hour={rate_per_hour}",
        f"hospital.registration.closes={hours}:00",
        f"hospital.departments.clinic.sessions=[{{start:'0:00',end:'{hours}:00'}}]",
        f"run.replications={REPLICATIONS}",
        "run.jobs=2",
    )


@pytest.mark.slow
@pytest.mark.parametrize("rho", [0.5, 0.8, 0.9])
def test_mean_wait_matches_erlang_c(rho):
    result = simulate(rho)
    predicted = mmc_mean_wait(rho * SERVERS / MEAN_SERVICE, MEAN_SERVICE, SERVERS)
    assert_agrees(result.kpis["wait_consultation_mean_min"], predicted, f"M/M/{SERVERS} at rho={rho}")


@pytest.mark.slow
def test_littles_law_in_the_queue():
    """Time-average number waiting (integrated from the timestamps over the
    post-warm-up window) equals arrival rate x mean wait, up to the waits that straddle
    the window's edges, which the test accounts for exactly."""
    result = run("hospital=validation_mmc", "run.replications=2")
    window_start = result.config.hospital.warmup_min
    window_end = 1000 * 60.0
    for _, visits in result.visits.groupby("replication"):
        joined = (visits["consultation_start"] - visits["wait_consultation"]).to_numpy()
        started = visits["consultation_start"].to_numpy()
        # integral of the number waiting over the window, by sweeping +1/-1 events
        times = np.concatenate([joined, started])
        steps = np.concatenate([np.ones_like(joined), -np.ones_like(started)])
        order = np.lexsort((steps, times))
        times, level = times[order], np.cumsum(steps[order])
        clipped = np.clip(times, window_start, window_end)
        area = np.sum(level[:-1] * np.diff(clipped))
        time_average = area / (window_end - window_start)
        inside = (joined >= window_start) & (joined < window_end)
        rate = inside.sum() / (window_end - window_start)
        mean_wait = (started[inside] - joined[inside]).mean()
        # waits that straddle an edge: the part outside the window is in lambda W but not in
        # the integral (right edge), or in the integral but not in lambda W (left edge)
        left = ~inside & (started > window_start) & (joined < window_start)
        right = inside & (started > window_end)
        correction = (started[left] - window_start).sum() - (started[right] - window_end).sum()
        assert time_average == pytest.approx(rate * mean_wait + correction / (window_end - window_start), rel=1e-9)
        # and the edge effect is small: the plain identity holds to within 1%
        assert time_average == pytest.approx(rate * mean_wait, rel=0.01)
