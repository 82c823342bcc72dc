"""Cross-field checks of rosters, station schedules, holidays, staffing interventions
and baulking (called by ``sim.config.validate``; each problem names the key, the
value and what is allowed).

* a roster's days must be day keys, with one count per session of the department
  (counts below zero are refused by the field's limits);
* a station schedule's days must be day keys, each a non-empty list of changes in
  time order, whose first change comes no later than the station must open
  (registration: when walk-ins start arriving; the others: when the first session of
  the day starts) with at least one server, and whose last count is at least one (so
  every patient is served);
* holidays must be dates or ranges of dates; names must refer to departments and
  exams; lengthened sessions must stay within the day.
"""

from __future__ import annotations

from sim import distributions
from sim.clock import format_clock, parse_clock
from sim.schema import HospitalConfig
from sim.staffing import days, schedules


def check_staffing(h: HospitalConfig, multi_day: bool) -> list[str]:
    """Every problem of the staffing settings of hospital ``h``."""
    problems: list[str] = []
    for name, department in h.departments.items():
        problems += _check_roster(department, f"hospital.departments.{name}.roster")
    clinic_opens = _clinic_opens(h)
    for station in schedules.stations(h):
        problems += _check_station(h, station, clinic_opens, multi_day)
    problems += _check_staffing_section(h, multi_day)
    b = h.baulking
    problems += distributions.check(b.threshold, "hospital.baulking.threshold")
    problems += distributions.check(b.return_after, "hospital.baulking.return_after")
    return problems


def _check_roster(department, key: str) -> list[str]:
    problems = days.key_problems(department.roster, key)
    sessions = len(department.sessions)
    times = ", ".join(f"{s.start}-{s.end}" for s in department.sessions)
    for day, counts in department.roster.items():
        if len(counts) != sessions:
            problems.append(
                f"{key}.{day} = {list(counts)}: needs one count per session of the department, {sessions} ({times})"
            )
    return problems


def _clinic_opens(h: HospitalConfig) -> float | None:
    """When the first session of any department starts (minutes of day), if it parses."""
    try:
        return min(parse_clock(d.sessions[0].start) for d in h.departments.values() if d.sessions)
    except ValueError:
        return None


def _check_station(h: HospitalConfig, station: schedules.Station, clinic_opens: float | None, multi_day: bool):
    config = station.config
    key = schedules.schedule_setting(station)
    schedule = config.kiosk_schedule if station.kiosks else config.schedule
    problems = [
        f"{key}[{index}].days = {change.days!r}: not a day; allowed: {', '.join(days.KEYS)}"
        for index, change in enumerate(schedule)
        if change.days not in days.KEYS
    ]
    table = schedules.by_days([change for change in schedule if change.days in days.KEYS])
    if station.name in ("registration", "kiosks"):
        must_open, why = _parse(h.registration.opens), f"registration opens at {h.registration.opens}"
    else:
        must_open, why = (
            clinic_opens,
            "the first session starts at " + (format_clock(clinic_opens) if clinic_opens is not None else "?"),
        )
    for day, changes in table.items():
        times = [_parse(c.start) for c in changes]
        for index, (change, minute) in enumerate(zip(changes, times, strict=True)):
            if minute is None:
                problems.append(f"{key} ({day}) change {index}: start = {change.start!r}: not a time of day H:MM")
            elif multi_day and minute > 1440:
                problems.append(
                    f"{key} ({day}) change {index}: start = {change.start}: must be <= 24:00 when run.days > 1"
                )
        if any(t is None for t in times):
            continue
        if any(b <= a for a, b in zip(times, times[1:], strict=False)):
            problems.append(f"{key} ({day}): changes at {[c.start for c in changes]}: times must increase")
            continue
        first = schedules.servers_at([(t, c.servers) for t, c in zip(times, changes, strict=True)], must_open or 0)
        if must_open is not None and (times[0] > must_open or first < 1):
            problems.append(
                f"{key} ({day}): does not cover opening hours: {why}, when the schedule (first change at "
                f"{changes[0].start}) has {first if times[0] <= must_open else 0} server(s) on duty; "
                "at least one must be on duty from then"
            )
        if changes[-1].servers < 1:
            problems.append(
                f"{key} ({day}): the last change ({changes[-1].start}) leaves 0 servers: it must leave at least one "
                "on duty (it holds until the station's last patient is served)"
            )
    for index, extra in enumerate(config.extra if not station.kiosks else []):
        start, end = _parse(extra.start), _parse(extra.end)
        if start is None or end is None:
            problems.append(f"{schedules.setting(station, 'extra')}[{index}]: start and end must be times of day H:MM")
        elif end <= start:
            problems.append(
                f"{schedules.setting(station, 'extra')}[{index}]: ends at {extra.end}, not after it starts at {extra.start}"
            )
    return problems


def _check_staffing_section(h: HospitalConfig, multi_day: bool) -> list[str]:
    s = h.staffing
    key = "hospital.staffing"
    problems: list[str] = []
    try:
        days.holiday_dates(s.holidays.dates)
    except ValueError as error:
        problems.append(f"{key}.holidays.dates: {error}")
    if _parse(s.costs.shift_ends) is None:
        problems.append(f"{key}.costs.shift_ends = {s.costs.shift_ends!r}: not a time of day H:MM")
    departments = ", ".join(h.departments)
    for name in s.extra_doctors.departments:
        if name not in h.departments:
            problems.append(f"{key}.extra_doctors.departments.{name}: no such department; departments: {departments}")
    for name in s.extended_hours.departments:
        if name not in h.departments:
            problems.append(f"{key}.extended_hours.departments: {name!r} is no department; departments: {departments}")
    for name in s.exam_prebooking.exams:
        if name not in h.exams:
            problems.append(f"{key}.exam_prebooking.exams: {name!r} is no exam; exams: {', '.join(h.exams) or 'none'}")
    problems += _check_extended_hours(h, multi_day)
    return problems


def _check_extended_hours(h: HospitalConfig, multi_day: bool) -> list[str]:
    """Lengthened sessions stay within the day and do not run into each other."""
    longer = h.staffing.extended_hours
    key = "hospital.staffing.extended_hours"
    earlier, later = longer.start_earlier_min, longer.end_later_min
    if not earlier and not later:
        return []
    problems: list[str] = []
    for name, department in h.departments.items():
        if longer.departments and name not in longer.departments:
            continue
        times = [(_parse(s.start), _parse(s.end)) for s in department.sessions]
        if any(t is None for pair in times for t in pair):
            continue  # reported with the sessions
        if times and times[0][0] < earlier:
            problems.append(
                f"{key}.start_earlier_min = {earlier:g}: {name}'s first session would start before midnight "
                f"(it starts at {department.sessions[0].start})"
            )
        if times and multi_day and times[-1][1] + later > 1440:
            problems.append(
                f"{key}.end_later_min = {later:g}: {name}'s last session would end after 24:00 "
                f"(it ends at {department.sessions[-1].end}; run.days > 1)"
            )
        for (_, end), (start, _), session in zip(times, times[1:], department.sessions[1:], strict=False):
            if end + later > start - earlier:
                problems.append(
                    f"{key}: start_earlier_min + end_later_min = {earlier + later:g} min: {name}'s sessions would "
                    f"overlap (a gap of {start - end:g} min before the one starting at {session.start})"
                )
    return problems


def _parse(text: str) -> float | None:
    try:
        return parse_clock(text)
    except ValueError:
        return None
