"""What every KPI of a replication is computed from: counts and sums (and the waits a
percentile needs), added up as visits, doctor sessions and complaints are fed in.

One accumulator serves both kinds of run. A run that keeps its visits feeds it the
whole replication at once (``KeptWaits``: the exact percentile); a run that streams
them (``output.stream=true``) feeds it day by day (``WaitHistogram``), so memory does
not grow with the horizon. The KPIs themselves are ratios of these totals, each
defined once in ``sim.analysis.kpis``.

Fed once, every total is the very sum the KPI's formula takes over the replication's
rows (NumPy's pairwise sum of the same array), so a kept run's KPIs are exactly those
of the formulas. Fed day by day, compared with a kept run (tested):

* counts, shares, everything from the complaint table (always kept: about one row
  per 2,500 visits), expected complaints by category and per doctor (added visit
  after visit in the same order) are exactly equal;
* sums are sums of daily sums, so means agree to rounding (relative differences of
  the order of 1e-15);
* the 90th percentile comes from a histogram, within 1/128 min (``sim.analysis.percentiles``).
"""

from __future__ import annotations

import math

import numpy as np

from sim.analysis.percentiles import KeptWaits, WaitHistogram
from sim.analysis.staff_costs import StaffCosts, day_rows
from sim.analysis.stations import DOCTORS_PREFIX, Station
from sim.clock import MINUTES_PER_DAY
from sim.complaints import hcat
from sim.engine.records import (
    BAULKED,
    CLINIC_CLOSED,
    COMPLETED,
    LEFT_WITHOUT_BEING_SEEN,
    NO_SHOW,
    REVIEW_DEFERRED,
    counted,
    gap_stages_reached,
)
from sim.schema import GAP_STAGES, SERVQUAL_DIMENSIONS

WAIT_THRESHOLD_MIN = 30.0
OVERTIME_TOLERANCE_MIN = 1e-9  # a session "ran over" when its doctor left later than this after its end
NAN = math.nan

OUTCOME_CODES = {
    "completed": COMPLETED,
    "left_without_being_seen": LEFT_WITHOUT_BEING_SEEN,
    "review_deferred": REVIEW_DEFERRED,
    "clinic_closed": CLINIC_CLOSED,
    "baulked": BAULKED,
}
# scalar totals, by name (sums end in _sum, the rest are counts)
TOTALS = (
    # visits that count (sim.engine.records.counted)
    "visits",
    "open_days",  # days with at least one visit that counts
    *OUTCOME_CODES,
    "consulted",
    "consulted_over_30_min",
    "time_in_system_sum",
    "time_in_system_count",
    "expected_complaints_sum",
    # every patient outside a warm-up, no-shows included
    "patients",
    "bookings",
    "booking_full",
    "wanting_to_book",  # found no slot, or booked
    "no_shows",
    "came",  # booked and came
    "late",
    "punctuality_sum",
    "punctuality_count",
    "seen_within_30_min_of_slot",
    "booked_wait_sum",
    "booked_wait_count",
    "walk_in_wait_sum",
    "walk_in_wait_count",
    "doctor_wait_sum",  # booked and walk-in waits together, one sum
    "doctor_wait_count",
    # doctor sessions
    "sessions",
    "sessions_with_overtime",
    "busy_in_session_sum",
    "session_length_sum",
    "idle_in_session_sum",
    "overtime_sum",
    "doctor_days",
    "doctor_day_overtime_sum",  # the sum over doctor-days of each one's overtime
    "session_days",
    "last_leave_clock_sum",  # over days: when the last doctor left, minutes after midnight
    # complaints of the visits that count (from the complaint table, when finished)
    "complaints",
    "complaints_onsite",
    "complaints_within_target",
    "complaints_upheld",
    # staffing (sim.analysis.staff_costs; baulking and exam slots when switched on)
    "staff_cost_sum",
    "staff_overtime_cost_sum",
    "doctor_hours_sum",
    "costed_days",
    "baulk_returned",
    "exam_slot_delay_sum",
    "exam_slot_delay_count",
)
# parts of the model a hospital switches on, whose KPIs a run reports only then
INFORMATION_GAPS, SURVEY, DISPUTES = "information_gaps", "survey", "disputes"
FEATURES = (INFORMATION_GAPS, SURVEY, DISPUTES)
OPTIONAL_TOTALS = {
    INFORMATION_GAPS: ("visits_with_gap", "gap_delay_sum"),
    SURVEY: ("survey_asked", "survey_responses", "survey_satisfaction_sum", "survey_recommends", "survey_dissatisfied"),
    DISPUTES: ("disputes", "disputes_third_party"),
}


def features_of(hospital) -> frozenset[str]:
    """The optional parts of the model that ``hospital`` switches on."""
    on = {
        INFORMATION_GAPS: hospital.information.enabled,
        SURVEY: hospital.survey.enabled,
        DISPUTES: hospital.complaints.disputes.enabled,
    }
    return frozenset(name for name, enabled in on.items() if enabled)


class KpiTotals:
    """Totals of one replication. ``add`` its visits, sessions and complaints (all at
    once, or day by day), then ``finish`` with the complaint office's table.

    ``exact_percentile``: keep every wait for the doctor (exact 90th percentile) or
    only a histogram of them (bounded memory). ``stations`` (``sim.analysis.stations``)
    and the hospital's ``warmup_min``: for each station's utilisation. ``costs``: what
    prices the staff of a day (without it, the cost KPIs are NaN). ``features``: the
    optional parts of the model switched on (``features_of``), whose totals are kept."""

    def __init__(
        self,
        stages: list[str],
        doctors: int,
        exact_percentile: bool = True,
        stations: list[Station] | tuple[Station, ...] = (),
        warmup_min: float = 0.0,
        costs: StaffCosts | None = None,
        features: frozenset[str] = frozenset(),
    ):
        self.stages = stages
        self.doctors = doctors
        self.costs = costs
        self.features = frozenset(features)
        self.stations = list(stations)
        self.station_names = [station.name for station in self.stations]
        self.warmup_min = warmup_min
        self.station_busy_sum = dict.fromkeys(self.station_names, 0.0)  # server-minutes serving counted visits
        self.station_available_sum = dict.fromkeys(self.station_names, 0.0)  # server-minutes at work
        self.totals: dict[str, float] = dict.fromkeys(TOTALS, 0)
        for feature in self.features:
            self.totals.update(dict.fromkeys(OPTIONAL_TOTALS[feature], 0))
        # information gaps: per stage, gaps and visits that reached it
        self.gaps_by_stage = dict.fromkeys(GAP_STAGES, 0)
        self.reached_by_stage = dict.fromkeys(GAP_STAGES, 0)
        # survey: per dimension, sums over respondents of the mean items and the gap
        self.survey_sums = {part: np.zeros(len(SERVQUAL_DIMENSIONS)) for part in ("expectation", "perception", "gap")}
        # disputes
        self.dispute_settle_median_days = NAN
        self.disputes_per_doctor = np.zeros(doctors, dtype=np.int64)
        self.stage_wait_sum = dict.fromkeys(stages, 0.0)
        self.stage_wait_count = dict.fromkeys(stages, 0)
        self.consultation_waits = KeptWaits() if exact_percentile else WaitHistogram()
        self.expected_per_doctor = np.zeros(doctors)
        self._complaint_counted: list[np.ndarray] = []  # per complaint, in order: does its visit count
        # known when finished
        self.complaints_by_category = np.zeros(len(hcat.CATEGORIES))
        self.complaints_per_doctor = np.zeros(doctors, dtype=np.int64)
        self.expected_by_category = np.zeros(len(hcat.CATEGORIES))
        self.resolution_median_days = NAN
        # totals of the patients over time (sim.patients_over_time), when switched on
        self.over_time: dict[str, float] | None = None
        self.charges_on = False

    def __getitem__(self, name: str) -> float:
        return self.totals[name]

    def add(self, visits: dict[str, np.ndarray], sessions: dict[str, np.ndarray], complaint_visit_ids: np.ndarray):
        """Visit columns (complaint columns included) of whole days, in visit order, their
        doctor sessions, and the ``visit_id`` of each complaint their visits made."""
        keep = counted(visits)
        self._visits(visits, keep)
        self._appointments(visits)
        self._sessions(sessions)
        self._stations(visits, sessions, keep)
        self._complaint_inputs(visits, keep, complaint_visit_ids)
        self._staffing(visits, sessions, keep)
        if INFORMATION_GAPS in self.features:
            self._information_gaps(visits, keep)

    def _information_gaps(self, v: dict[str, np.ndarray], keep: np.ndarray) -> None:
        reached = gap_stages_reached(v)
        for stage in GAP_STAGES:
            self.gaps_by_stage[stage] += int(v[f"information_gap_{stage}"][keep].sum())
            self.reached_by_stage[stage] += int((reached[stage] & keep).sum())
        self._add(
            visits_with_gap=int((v["information_gaps"][keep] > 0).sum()),
            gap_delay_sum=float(v["information_gap_delay_min"][keep].sum()),
        )

    def add_survey(self, respondents: dict[str, np.ndarray], asked: int) -> None:
        """The replication's survey: its respondents' rows (``sim.service_quality.survey``)
        and how many patients were asked."""
        for part, sums in self.survey_sums.items():
            sums += [respondents[f"{part}_{d}"].sum() for d in SERVQUAL_DIMENSIONS]
        satisfaction = respondents["overall_satisfaction"]
        self._add(
            survey_asked=asked,
            survey_responses=len(satisfaction),
            survey_satisfaction_sum=float(satisfaction.sum()),
            survey_recommends=int(respondents["would_recommend"].sum()),
            survey_dissatisfied=int((satisfaction <= 2).sum()),
        )

    def _add(self, **totals: float) -> None:
        for name, value in totals.items():
            self.totals[name] += value

    def _visits(self, v: dict[str, np.ndarray], keep: np.ndarray) -> None:
        outcome = v["outcome"][keep]
        by_outcome = np.bincount(outcome, minlength=max(OUTCOME_CODES.values()) + 1)
        self._add(
            visits=len(outcome),
            open_days=len(np.unique(v["day"][keep])),
            **{name: int(by_outcome[code]) for name, code in OUTCOME_CODES.items()},
        )
        for stage in self.stages:
            wait = _present(v[f"wait_{stage}"][keep])
            self.stage_wait_sum[stage] += float(wait.sum())
            self.stage_wait_count[stage] += len(wait)
        consultation = _present(v["wait_consultation"][keep])
        self.consultation_waits.add(consultation)
        completed = keep & (v["outcome"] == COMPLETED)
        time_in_system = _present(v["departure_time"][completed] - v["arrival_time"][completed])
        self._add(
            consulted=len(consultation),
            consulted_over_30_min=int((consultation > WAIT_THRESHOLD_MIN).sum()),
            time_in_system_sum=float(time_in_system.sum()),
            time_in_system_count=len(time_in_system),
        )

    def _appointments(self, v: dict[str, np.ndarray]) -> None:
        """Bookings, no-shows and waits measured against slot times.

        A booked patient's wait for the doctor is counted from when they were due: the
        later of their slot time and their joining the doctor's queue (so arriving early
        or late is not the clinic's wait); seen before the slot counts as no wait. A
        walk-in's wait is counted from joining the queue.
        """
        keep = ~v["in_warmup"]
        booked = keep & v["booked"]
        no_show = booked & (v["outcome"] == NO_SHOW)
        came = booked & ~no_show
        start = v["consultation_start"]
        joined = start - v["wait_consultation"]
        seen = came & ~np.isnan(start)
        booked_wait = np.clip(start - np.fmax(v["slot_time"], joined), 0.0, None)[seen]
        walk_in_wait = _present(v["wait_consultation"][keep & ~v["booked"]])
        doctor_wait = np.concatenate([booked_wait, walk_in_wait])
        punctuality = _present(v["punctuality_min"][came])
        self._add(
            patients=int(keep.sum()),
            bookings=int(booked.sum()),
            booking_full=int((v["booking_full"] & keep).sum()),
            wanting_to_book=int(((v["booking_full"] | v["booked"]) & keep).sum()),
            no_shows=int(no_show.sum()),
            came=int(came.sum()),
            late=int(v["late"][came].sum()),
            punctuality_sum=float(punctuality.sum()),
            punctuality_count=len(punctuality),
            # those never seen count as not seen in time
            seen_within_30_min_of_slot=int(((start - v["slot_time"])[came] <= WAIT_THRESHOLD_MIN).sum()),
            booked_wait_sum=float(booked_wait.sum()),
            booked_wait_count=len(booked_wait),
            walk_in_wait_sum=float(walk_in_wait.sum()),
            walk_in_wait_count=len(walk_in_wait),
            doctor_wait_sum=float(doctor_wait.sum()),
            doctor_wait_count=len(doctor_wait),
        )

    def _sessions(self, sessions: dict[str, np.ndarray]) -> None:
        """Sums per session, per doctor-day and per day."""
        if not len(sessions["doctor_id"]):
            return
        length = sessions["end"] - sessions["start"]
        busy = sessions["busy_in_session"]
        overtime = np.clip(sessions["left"] - sessions["end"], 0.0, None)
        day = sessions["day"]
        doctor_day = day.astype(np.int64) * (int(sessions["doctor_id"].max()) + 1) + sessions["doctor_id"]
        per_doctor_day = sums_by_group(doctor_day, overtime)
        days, of_day = np.unique(day, return_inverse=True)
        last_leave = np.full(len(days), -np.inf)
        np.maximum.at(last_leave, of_day, sessions["left"])
        self._add(
            sessions=len(length),
            sessions_with_overtime=int((overtime > OVERTIME_TOLERANCE_MIN).sum()),
            busy_in_session_sum=float(busy.sum()),
            session_length_sum=float(length.sum()),
            idle_in_session_sum=float((length - busy).sum()),
            overtime_sum=float(overtime.sum()),
            doctor_days=len(per_doctor_day),
            doctor_day_overtime_sum=float(per_doctor_day.sum()),
            session_days=len(days),
            last_leave_clock_sum=float((last_leave - days * MINUTES_PER_DAY).sum()),
        )

    def _stations(self, v: dict[str, np.ndarray], sessions: dict[str, np.ndarray], keep: np.ndarray) -> None:
        """Busy and available server-minutes of each station. Doctors: busy time within
        their sessions and session time (as ``doctor_utilisation``, by department).
        Other stations: service time of the visits that count, and the servers times
        each day's working span, from opening (or the end of a warm-up) until the
        station's last service of the day ended."""
        days, first_rows = _day_blocks(v["day"])
        for station in self.stations:
            if station.is_doctors:
                mine = sessions["department"] == station.name.removeprefix(DOCTORS_PREFIX)
                self.station_busy_sum[station.name] += float(sessions["busy_in_session"][mine].sum())
                self.station_available_sum[station.name] += float((sessions["end"] - sessions["start"])[mine].sum())
                continue
            selected = station.selected(v)
            counted_here = keep if selected is None else keep & selected
            last_end = np.full(len(days), np.nan)
            for stage in station.stages:
                start, end = v[f"{stage}_start"], v[f"{stage}_end"]
                served = counted_here & ~np.isnan(start)
                self.station_busy_sum[station.name] += float(
                    np.subtract(end, start, where=served, out=np.zeros(len(end))).sum()
                )
                if len(days):
                    ends = end if selected is None else np.where(selected, end, np.nan)
                    last_end = np.fmax(last_end, np.fmax.reduceat(ends, first_rows))
            opened = days * MINUTES_PER_DAY + max(station.opens_min, self.warmup_min)
            if self.costs is not None and self._scheduled(station, days, opened, last_end):
                continue  # servers by the schedule (sim.staffing.schedules)
            span = np.clip(last_end - opened, 0.0, None)  # NaN: nobody served there that day
            self.station_available_sum[station.name] += station.servers * float(np.nansum(span))

    def _scheduled(self, station: Station, days: np.ndarray, opened: np.ndarray, last_end: np.ndarray) -> bool:
        """Add a scheduled station's server-minutes on duty from opening (or the end of a
        warm-up) to its last service of each day; False if its servers are a fixed count."""
        for day, start, end in zip(days.astype(int).tolist(), opened.tolist(), last_end.tolist(), strict=True):
            if end != end:  # NaN: nobody served there that day
                continue
            base = day * MINUTES_PER_DAY
            minutes = self.costs.on_duty_minutes(station.name, day, start - base, end - base)
            if minutes is None:
                return False
            self.station_available_sum[station.name] += minutes
        return True

    def _complaint_inputs(self, v: dict[str, np.ndarray], keep: np.ndarray, complaint_visit_ids: np.ndarray) -> None:
        p = v["complaint_probability"]
        self._add(expected_complaints_sum=float(p[keep].sum()))
        seen = keep & (v["doctor_id"] >= 0)
        # one visit after the other, as np.bincount(doctor, weights=p) would add them
        np.add.at(self.expected_per_doctor, v["doctor_id"][seen], p[seen])
        first = v["visit_id"][0] if len(v["visit_id"]) else 0
        self._complaint_counted.append(keep[complaint_visit_ids - first])

    def _staffing(self, v: dict[str, np.ndarray], sessions: dict[str, np.ndarray], keep: np.ndarray) -> None:
        """Staff costs of the days, and the visits that baulked and came back or waited for exam slots."""
        if "baulk_returned_at" in v:
            self._add(baulk_returned=int((~np.isnan(v["baulk_returned_at"][keep])).sum()))
        if "exam_slot_delay_min" in v:
            delay = _present(v["exam_slot_delay_min"][keep])
            self._add(exam_slot_delay_sum=float(delay.sum()), exam_slot_delay_count=len(delay))
        if self.costs is None:
            return
        doctors = self.costs.doctors(sessions) if len(sessions.get("doctor_id", ())) else None
        if doctors is not None:
            self._add(
                staff_cost_sum=doctors["cost"],
                staff_overtime_cost_sum=doctors["overtime_cost"],
                doctor_hours_sum=doctors["hours"],
            )
        for day, rows in day_rows(v["day"]):
            priced = self.costs.day(v, rows, day)
            self._add(staff_cost_sum=priced["cost"], staff_overtime_cost_sum=priced["overtime_cost"], costed_days=1)

    def finish(self, complaints: dict[str, np.ndarray], expected_by_category: np.ndarray) -> KpiTotals:
        """Add the complaint table of the replication (handled by the office, every
        complaint of the visits added, in the same order) and the expected complaints
        by HCAT category over the visits that count."""
        made = np.concatenate(self._complaint_counted) if self._complaint_counted else np.zeros(0, dtype=bool)
        self.complaints_by_category = np.bincount(complaints["category"][made], minlength=len(hcat.CATEGORIES))
        doctor = complaints["doctor_id"][made]
        self.complaints_per_doctor = np.bincount(doctor[doctor >= 0], minlength=self.doctors)
        self.expected_by_category = expected_by_category
        resolution = complaints["resolution_days"][made]
        self.resolution_median_days = float(np.median(resolution)) if len(resolution) else NAN
        self._add(
            complaints=int(made.sum()),
            complaints_onsite=int((complaints["channel"][made] == hcat.CHANNELS.index("onsite")).sum()),
            complaints_within_target=int(complaints["within_target"][made].sum()),
            complaints_upheld=int(complaints["upheld"][made].sum()),
        )
        if DISPUTES in self.features:
            self._disputes(complaints, made)
        return self

    def _disputes(self, complaints: dict[str, np.ndarray], made: np.ndarray) -> None:
        escalated = made & complaints["escalated"]
        doctor = complaints["doctor_id"][escalated]
        self.disputes_per_doctor = np.bincount(doctor[doctor >= 0], minlength=self.doctors)
        days = complaints["dispute_settle_days"][escalated]
        self.dispute_settle_median_days = float(np.median(days)) if len(days) else NAN
        self._add(
            disputes=int(escalated.sum()),
            disputes_third_party=int((complaints["dispute_route"][escalated] == 1).sum()),
        )


def _day_blocks(day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(days, first row of each) of visit columns whose rows come day by day, as a
    replication's do (refused otherwise)."""
    first_rows = np.flatnonzero(np.concatenate([[True], day[1:] != day[:-1]])) if len(day) else np.zeros(0, np.int64)
    days = day[first_rows].astype(float)
    if len(np.unique(days)) != len(days):
        raise ValueError("visit columns must come day by day (each day's rows together)")
    return days, first_rows


def _present(values: np.ndarray) -> np.ndarray:
    """The values that are not NaN (stages not visited, patients not seen)."""
    return values[~np.isnan(values)]


def sums_by_group(keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Sum of ``values`` per distinct key, groups in order of first appearance, each
    group's values added one after the other in row order.

    As ``pandas.Series(values).groupby(keys, sort=False).sum()`` exactly whenever no
    group has more than two values (two numbers have one rounded sum), as a doctor's
    day has at most two sessions in every configuration shipped; with more, pandas
    compensates (or uses ``np.add.reduceat`` when the groups are contiguous) and
    the two differ in the last bits (tested)."""
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return np.bincount(rank[inverse], weights=values, minlength=len(first))
