"""When walk-in patients arrive on a day, and which department they come for.

Walk-ins form a non-homogeneous Poisson process: the day's count is Poisson with mean
daily_volume x weekday index x month index, and arrival times follow the hourly
profile restricted to registration hours (piecewise-constant intensity). Validation
configs use a constant rate instead; deterministic configs a fixed interval.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sim.clock import MINUTES_PER_DAY, parse_clock
from sim.demand import season
from sim.schema import HospitalConfig
from sim.staffing.days import holiday_dates


def expected_arrivals(hospital: HospitalConfig, date: dt.date) -> float:
    """Expected walk-in visits on ``date`` (0 on a closed day), with the seasonal
    profile's multiplier when the hospital has one (``sim.demand.season``)."""
    expected = _expected_without_season(hospital, date)
    if season.has_profile(hospital.season):
        expected *= season.demand_multiplier(hospital, date)
    return expected


def _expected_without_season(hospital: HospitalConfig, date: dt.date) -> float:
    arrivals = hospital.arrivals
    if date.weekday() not in arrivals.open_weekdays:
        return 0.0
    opens = parse_clock(hospital.registration.opens)
    closes = parse_clock(hospital.registration.closes)
    if arrivals.rate_per_hour is not None:
        return arrivals.rate_per_hour * (closes - opens) / 60.0
    expected = arrivals.daily_volume * arrivals.weekday_index[date.weekday()] * arrivals.month_index[date.month - 1]
    holidays = hospital.staffing.holidays
    if holidays.demand_index != 1.0 and date in holiday_dates(holidays.dates):
        expected *= holidays.demand_index
    return expected


def intensity_bins(hospital: HospitalConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bins (start, end, probability) of the within-day arrival density.

    The hourly profile is cut to registration hours; rate mode is one flat bin.
    """
    opens = parse_clock(hospital.registration.opens)
    closes = parse_clock(hospital.registration.closes)
    if hospital.arrivals.rate_per_hour is not None:
        return np.array([opens]), np.array([closes]), np.array([1.0])
    hour_start = np.arange(24) * 60.0
    start = np.maximum(hour_start, opens)
    end = np.minimum(hour_start + 60.0, closes)
    overlap = np.clip(end - start, 0.0, None)
    weight = np.asarray(hospital.arrivals.hourly_profile, dtype=float) * overlap
    keep = weight > 0
    return start[keep], end[keep], weight[keep] / weight[keep].sum()


def walk_in_times(hospital: HospitalConfig, date: dt.date, day: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted absolute arrival times (minutes) of the day's walk-ins."""
    if hospital.arrivals.interval_min is not None:
        if date.weekday() not in hospital.arrivals.open_weekdays:
            return np.empty(0)
        opens = parse_clock(hospital.registration.opens)
        closes = parse_clock(hospital.registration.closes)
        return day * MINUTES_PER_DAY + np.arange(opens, closes, hospital.arrivals.interval_min)
    count = rng.poisson(expected_arrivals(hospital, date))
    if count == 0:
        return np.empty(0)
    start, end, probability = intensity_bins(hospital)
    which = rng.choice(len(probability), size=count, p=probability)
    minute = start[which] + (end[which] - start[which]) * rng.random(count)
    minute.sort()
    return day * MINUTES_PER_DAY + minute


def departments(
    hospital: HospitalConfig, count: int, rng: np.random.Generator, date: dt.date | None = None
) -> np.ndarray:
    """Department index (in config order) for each of ``count`` patients (on ``date``,
    the seasonal profile's shares when the hospital has one)."""
    if date is not None and season.has_profile(hospital.season):
        p = season.department_shares(hospital, date)
    else:
        shares = np.array([d.share for d in hospital.departments.values()], dtype=float)
        p = shares / shares.sum()
    return rng.choice(len(p), size=count, p=p).astype(np.int32)
