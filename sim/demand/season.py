"""A seasonal profile (``hospital.season``): departments whose demand follows the months
(a respiratory season raising paediatric and internal-medicine visits in winter and
spring) and holidays with doctors on leave and demand changed (the Spring Festival).

With no profile (the default) every function here gives exactly what the hospital
gives without one, and the callers skip it: results are unchanged.

On a date, department d's expected walk-ins are daily_volume x weekday index x month
index x share_d x index_d(month) x the holiday's demand index; so the day's expected
total is multiplied by sum_d share_d x index_d(month) (``demand_multiplier``) and
patients choose department d with probability proportional to share_d x
index_d(month) (``department_shares``).

Doctors on leave are the last ones of each department by number (the same every day
of the period, so scenarios pair the same doctors), ``floor(share x doctors)`` of
them, always leaving one at work; their slots are not released for booking.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from sim.clock import parse_date
from sim.schema import HolidayPeriod, HospitalConfig, SeasonConfig


def has_profile(season: SeasonConfig) -> bool:
    return bool(season.department_month_index or season.holidays)


def holiday_on(season: SeasonConfig, date: dt.date) -> HolidayPeriod | None:
    """The first holiday period containing ``date``, or None."""
    for period in season.holidays:
        if parse_date(period.start) <= date <= parse_date(period.end):
            return period
    return None


def department_indexes(hospital: HospitalConfig, date: dt.date) -> np.ndarray:
    """Each department's demand multiplier in ``date``'s month (config order; 1 when not listed)."""
    month_index = hospital.season.department_month_index
    return np.array(
        [month_index[name][date.month - 1] if name in month_index else 1.0 for name in hospital.departments]
    )


def _shares(hospital: HospitalConfig) -> np.ndarray:
    return np.array([d.share for d in hospital.departments.values()], dtype=float)


def demand_multiplier(hospital: HospitalConfig, date: dt.date) -> float:
    """What the season multiplies the day's expected walk-ins by."""
    shares = _shares(hospital)
    multiplier = float((shares * department_indexes(hospital, date)).sum() / shares.sum())
    holiday = holiday_on(hospital.season, date)
    return multiplier * (holiday.demand_index if holiday is not None else 1.0)


def department_shares(hospital: HospitalConfig, date: dt.date) -> np.ndarray:
    """Each department's share of the day's patients (sums to 1; 0 when nobody comes)."""
    weights = _shares(hospital) * department_indexes(hospital, date)
    total = weights.sum()
    return weights / total if total > 0 else _shares(hospital) / _shares(hospital).sum()


def doctors_on_duty(hospital: HospitalConfig, date: dt.date | None, ids: dict[str, list[int]]) -> dict[str, list[int]]:
    """Of each department's doctor ``ids``, those at work on ``date`` (all of them
    outside holidays, or when the date is not known)."""
    holiday = holiday_on(hospital.season, date) if date is not None else None
    if holiday is None or holiday.doctors_on_leave_share == 0:
        return ids
    return {
        name: department[: at_work(len(department), holiday.doctors_on_leave_share)] for name, department in ids.items()
    }


def at_work(doctors: int, on_leave_share: float) -> int:
    """Doctors of a department at work when ``on_leave_share`` of them are on leave."""
    return max(1, doctors - math.floor(on_leave_share * doctors + 1e-9))
