import datetime as dt

import numpy as np
import pytest

import sim
from sim.config.compose import to_typed
from sim.demand import arrivals
from sim.streams import Streams

MONDAY = dt.date(2026, 3, 2)


@pytest.fixture(scope="module")
def hospital():
    return to_typed(sim.compose(["hospital=general_hospital"])).hospital


def test_expected_volume_uses_weekday_and_month_index(hospital):
    assert arrivals.expected_arrivals(hospital, MONDAY) == pytest.approx(4000 * 1.15 * 1.0)
    assert arrivals.expected_arrivals(hospital, dt.date(2026, 2, 1)) == pytest.approx(4000 * 0.6 * 0.75)  # a Sunday


def test_closed_weekday_has_no_arrivals(hospital):
    hospital.arrivals.open_weekdays = [0, 1, 2, 3, 4]
    saturday = dt.date(2026, 3, 7)
    assert arrivals.expected_arrivals(hospital, saturday) == 0
    assert len(arrivals.walk_in_times(hospital, saturday, 5, np.random.default_rng(0))) == 0


def test_arrivals_follow_hourly_profile_within_registration_hours(hospital):
    """Pooled over 200 simulated Mondays, each hour's share of arrivals matches the
    profile; the chi-square statistic stays below its 99.9% quantile."""
    from scipy import stats

    start, end, probability = arrivals.intensity_bins(hospital)
    counts = np.zeros(len(probability))
    total_days, total = 200, 0
    streams = Streams(11, 0)
    for day in range(total_days):
        times = arrivals.walk_in_times(hospital, MONDAY, 0, streams.stream("arrivals", day))
        assert np.all(np.diff(times) >= 0)
        assert times.min() >= 7 * 60 and times.max() < 16.5 * 60  # registration 7:00-16:30
        counts += np.histogram(times, bins=np.append(start, end[-1]))[0]
        total += len(times)
    expected = probability * total
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < stats.chi2.ppf(0.999, len(probability) - 1)
    # daily counts are Poisson: mean within 4 standard errors of 4,600
    assert abs(total / total_days - 4600) < 4 * np.sqrt(4600 / total_days)
    morning = counts[start < 12 * 60].sum() / total
    assert 0.55 <= morning <= 0.65  # "morning share of daily arrivals 60%" (parameters.md)


def test_fixed_interval_arrivals(hospital):
    hospital.arrivals.interval_min = 30.0
    times = arrivals.walk_in_times(hospital, MONDAY, 2, np.random.default_rng(0))
    assert times[0] == 2 * 1440 + 7 * 60
    assert np.all(np.diff(times) == 30.0)
    assert times[-1] < 2 * 1440 + 16.5 * 60
