"""Every KPI of a replication, defined once: its catalogue entry (label, unit, meaning,
which direction is better, natural bounds) and its value from the replication's
totals (``sim.analysis.kpi_totals``).

Names are snake_case with the unit in the name where it is not obvious. KPIs whose
names are built from the configuration or the complaint classification
(``wait_<stage>_mean_min``, ``complaints_<category>_per_1000_visits``, …) are defined
once as a family over those keys. ``catalogue(stages)`` lists the KPIs of a hospital
with those stages, in the order of the KPI table; ``describe(name)`` finds the entry
of any KPI name; ``sim.analysis.kpi_catalogue.markdown()`` renders the reference page.

Per replication, visits arriving in a warm-up are left out and bookings not kept
count only in the appointment KPIs (``sim.engine.records.counted``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np

from sim.analysis.kpi_totals import DISPUTES, INFORMATION_GAPS, SURVEY, KpiTotals
from sim.analysis.stations import station_words
from sim.complaints import hcat
from sim.complaints.concentration import TOP_SHARE, top_share
from sim.schema import GAP_STAGES, SERVQUAL_DIMENSIONS
from sim.service_quality.disputes import top_complaint_doctors_share

NAN = math.nan


class Better(StrEnum):
    """Which direction of a KPI is better."""

    LOWER = "lower"
    HIGHER = "higher"
    NONE = "none"  # neither: context (a count, a mix, a utilisation)


SHARE = (0.0, 1.0)
NON_NEGATIVE = (0.0, math.inf)
ANY = (-math.inf, math.inf)

Value = Callable[[KpiTotals], float]


@dataclass(frozen=True)
class Kpi:
    """One KPI: its catalogue entry and how its value follows from the totals.

    In a family, ``name``, ``label`` and ``meaning`` hold the family's placeholder
    (``{stage}``) and ``value`` takes the key as a second argument."""

    name: str
    label: str  # in plain words, for tables and figures
    unit: str
    meaning: str  # one line
    better: Better
    bounds: tuple[float, float]  # natural bounds (low, high); infinite when open
    value: Callable[..., float]
    group: str = ""  # the catalogue group (set by the catalogue)
    pattern: str = ""  # the family's name with <key> (wait_<stage>_mean_min), or ""

    def holds(self, value: float) -> bool:
        """Whether ``value`` lies within the natural bounds (NaN, undefined, does)."""
        low, high = self.bounds
        return math.isnan(value) or low <= value <= high


@dataclass(frozen=True)
class Family:
    """KPIs defined once for every key of a list: the stages a hospital has, its
    stations, the HCAT domains or categories. Expanded key by key, each key's members
    in order."""

    placeholder: str  # "stage"
    keys: Callable[[Sequence[str]], Sequence[str]]  # the keys, given the hospital's stages (or stations)
    key_words: Callable[[str], str]  # a key in plain words
    described: str  # what the keys are, for the reference page
    members: tuple[Kpi, ...]
    over: str = "stages"  # what ``keys`` is given: the hospital's "stages" or its "stations"

    def expand(self, stages: Sequence[str], stations: Sequence[str] = ()) -> Iterator[Kpi]:
        for key in self.keys(stations if self.over == "stations" else stages):
            for member in self.members:
                yield self._concrete(member, key)

    def _concrete(self, member: Kpi, key: str) -> Kpi:
        words = {self.placeholder: self.key_words(key)}
        value = member.value
        return replace(
            member,
            name=member.name.format(**{self.placeholder: key}),
            label=member.label.format(**words),
            meaning=member.meaning.format(**words),
            value=lambda totals: value(totals, key),
            pattern=self.pattern_of(member),
        )

    def pattern_of(self, member: Kpi) -> str:
        return member.name.replace("{" + self.placeholder + "}", f"<{self.placeholder}>")


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, NaN when nothing was counted."""
    return numerator / denominator if denominator else NAN


def _share(part: str, whole: str) -> Value:
    return lambda t: ratio(t[part], t[whole])


def _mean(name: str) -> Value:
    """Mean of a quantity over the visits or sessions it was measured on."""
    return lambda t: ratio(t[f"{name}_sum"], t[f"{name}_count"])


def _mean_per(total: str, count: str) -> Value:
    return lambda t: ratio(t[total], t[count])


def _per_1000_visits(count: float, t: KpiTotals) -> float:
    return count * (1000.0 / t["visits"] if t["visits"] else NAN)


def _expected_by_domain(t: KpiTotals) -> np.ndarray:
    return np.bincount(hcat.domain_index_of_categories(), weights=t.expected_by_category, minlength=len(hcat.DOMAINS))


def _complaints_by_domain(t: KpiTotals) -> np.ndarray:
    return np.bincount(hcat.domain_index_of_categories(), weights=t.complaints_by_category, minlength=len(hcat.DOMAINS))


def _plain(key: str) -> str:
    return key.replace("_", " ")


STAGES = Family(
    "stage",
    keys=lambda stages: stages,
    key_words=_plain,
    described=(
        "each stage of the pathway the hospital has, in the order a patient meets them: registration, "
        "consultation, exam_payment, its exams (lab, imaging, … as configured), review, payment, pharmacy"
    ),
    members=(
        Kpi(
            "wait_{stage}_mean_min",
            "Mean wait for {stage}",
            "min",
            "mean wait in the queue for {stage}, over the visits that reached it (the review's counts from "
            "when the results are ready)",
            Better.LOWER,
            NON_NEGATIVE,
            lambda t, stage: ratio(t.stage_wait_sum[stage], t.stage_wait_count[stage]),
        ),
    ),
)

DOMAINS = Family(
    "domain",
    keys=lambda _stages: hcat.DOMAINS,
    key_words=_plain,
    described="each HCAT domain: " + ", ".join(hcat.DOMAINS),
    members=(
        Kpi(
            "complaints_{domain}_per_1000_visits",
            "Complaints, {domain} domain, per 1,000 visits",
            "per 1,000 visits",
            "realised complaints in the {domain} domain per 1,000 visits",
            Better.LOWER,
            NON_NEGATIVE,
            lambda t, d: _per_1000_visits(_complaints_by_domain(t)[hcat.DOMAINS.index(d)], t),
        ),
        Kpi(
            "expected_complaints_{domain}_per_1000_visits",
            "Expected complaints, {domain} domain, per 1,000 visits",
            "per 1,000 visits",
            "expected complaints (sum of probabilities) in the {domain} domain per 1,000 visits",
            Better.LOWER,
            NON_NEGATIVE,
            lambda t, d: _per_1000_visits(_expected_by_domain(t)[hcat.DOMAINS.index(d)], t),
        ),
        Kpi(
            "expected_complaints_{domain}_share",
            "Share of expected complaints in the {domain} domain",
            "share",
            "share of expected complaints in the {domain} domain (the three domains sum to 1)",
            Better.NONE,
            SHARE,
            lambda t, d: ratio(_expected_by_domain(t)[hcat.DOMAINS.index(d)], t["expected_complaints_sum"]),
        ),
    ),
)

CATEGORIES = Family(
    "category",
    keys=lambda _stages: hcat.CATEGORIES,
    key_words=lambda key: hcat.CATEGORY_LABELS[key],
    described="each HCAT category: " + ", ".join(hcat.CATEGORIES),
    members=(
        Kpi(
            "complaints_{category}_per_1000_visits",
            "Complaints about {category} per 1,000 visits",
            "per 1,000 visits",
            "realised complaints in the HCAT category {category} per 1,000 visits",
            Better.LOWER,
            NON_NEGATIVE,
            lambda t, c: _per_1000_visits(t.complaints_by_category[hcat.category_index(c)], t),
        ),
        Kpi(
            "expected_complaints_{category}_per_1000_visits",
            "Expected complaints about {category} per 1,000 visits",
            "per 1,000 visits",
            "expected complaints (sum of probabilities) in the HCAT category {category} per 1,000 visits",
            Better.LOWER,
            NON_NEGATIVE,
            lambda t, c: _per_1000_visits(t.expected_by_category[hcat.category_index(c)], t),
        ),
    ),
)

STATIONS = Family(
    "station",
    keys=lambda stations: stations,
    key_words=station_words,
    described=(
        "each station of the hospital (`sim.analysis.stations`): `registration_windows`, `registration_kiosks` "
        "(when there are kiosks), `doctors_<department>` for each department, `cashier`, each exam, `pharmacy`"
    ),
    members=(
        Kpi(
            "{station}_utilisation",
            "Utilisation, {station}",
            "share",
            "busy server time ÷ server time at work of the {station}: for doctors within their sessions; for "
            "other stations from opening until the day's last service there ended",
            Better.NONE,
            SHARE,
            lambda t, station: ratio(t.station_busy_sum[station], t.station_available_sum[station]),
        ),
    ),
    over="stations",
)

TOP = f"{TOP_SHARE:.0%}"

# group title -> its KPIs, in the order of the KPI table
GROUPS: dict[str, tuple[Kpi | Family, ...]] = {
    "Visits and waits": (
        Kpi(
            "visits",
            "Visits",
            "visits",
            "patients who came (walk-ins and booked) in the replication",
            Better.NONE,
            NON_NEGATIVE,
            lambda t: float(t["visits"]),
        ),
        Kpi(
            "visits_per_day",
            "Visits per day",
            "visits per day",
            "visits per open day (a day on which the clinic saw patients)",
            Better.NONE,
            NON_NEGATIVE,
            lambda t: t["visits"] / max(1, t["open_days"]),
        ),
        Kpi(
            "completed_share",
            "Visits completed",
            "share",
            "share of visits completed",
            Better.HIGHER,
            SHARE,
            _share("completed", "visits"),
        ),
        Kpi(
            "left_without_being_seen_share",
            "Left without being seen",
            "share",
            "share of visits that left before the first consultation (patience ran out)",
            Better.LOWER,
            SHARE,
            _share("left_without_being_seen", "visits"),
        ),
        Kpi(
            "review_deferred_share",
            "Review deferred to another day",
            "share",
            "share of visits with exams whose doctor had left before the results came back",
            Better.LOWER,
            SHARE,
            _share("review_deferred", "visits"),
        ),
        STAGES,
        Kpi(
            "wait_consultation_p90_min",
            "Wait for the doctor, 90th percentile",
            "min",
            "90th percentile of the wait for the first consultation",
            Better.LOWER,
            NON_NEGATIVE,
            lambda t: t.consultation_waits.percentile(90),
        ),
        Kpi(
            "wait_consultation_over_30_min_share",
            "Waited over 30 min for the doctor",
            "share",
            "share of consulted patients who waited more than 30 minutes for the first consultation",
            Better.LOWER,
            SHARE,
            _share("consulted_over_30_min", "consulted"),
        ),
        Kpi(
            "time_in_system_mean_min",
            "Mean time in hospital",
            "min",
            "mean time from arrival to leaving, over completed visits",
            Better.LOWER,
            NON_NEGATIVE,
            _mean("time_in_system"),
        ),
        Kpi(
            "clinic_closed_share",
            "Reached the doctor after closing",
            "share",
            "share of visits that reached the doctor's queue after the doctors had gone home",
            Better.LOWER,
            SHARE,
            _share("clinic_closed", "visits"),
        ),
    ),
    "Appointments": (
        Kpi(
            "bookings",
            "Bookings",
            "bookings",
            "booked patients, whether they came or not",
            Better.NONE,
            NON_NEGATIVE,
            lambda t: float(t["bookings"]),
        ),
        Kpi(
            "booked_share",
            "Booked patients",
            "share",
            "bookings ÷ all patients (no-shows included)",
            Better.NONE,
            SHARE,
            _share("bookings", "patients"),
        ),
        Kpi(
            "booking_full_share",
            "Found no free slot",
            "share",
            "share of patients wanting to book who found no free slot (they came as walk-ins)",
            Better.LOWER,
            SHARE,
            _share("booking_full", "wanting_to_book"),
        ),
        Kpi(
            "no_shows",
            "No-shows",
            "bookings",
            "bookings not kept",
            Better.LOWER,
            NON_NEGATIVE,
            lambda t: float(t["no_shows"]),
        ),
        Kpi(
            "no_show_share",
            "No-show rate",
            "share",
            "no-shows ÷ bookings",
            Better.LOWER,
            SHARE,
            _share("no_shows", "bookings"),
        ),
        Kpi(
            "late_arrival_share",
            "Late for their slot",
            "share",
            "share of booked patients who came more than the grace period (late_grace_min) after their slot",
            Better.LOWER,
            SHARE,
            _share("late", "came"),
        ),
        Kpi(
            "punctuality_mean_min",
            "Mean arrival against slot time",
            "min",
            "mean arrival − slot time of booked patients who came (negative: early)",
            Better.NONE,
            ANY,
            _mean("punctuality"),
        ),
        Kpi(
            "wait_booked_from_slot_mean_min",
            "Booked patients' mean wait from their slot",
            "min",
            "booked patients' mean wait for the first consultation, from the later of their slot time and "
            "joining the queue (seen early: no wait)",
            Better.LOWER,
            NON_NEGATIVE,
            _mean("booked_wait"),
        ),
        Kpi(
            "seen_within_30_min_of_slot_share",
            "Seen within 30 min of their slot",
            "share",
            "share of booked patients who came whose consultation started within 30 min of their slot "
            "(those never seen count as not)",
            Better.HIGHER,
            SHARE,
            _share("seen_within_30_min_of_slot", "came"),
        ),
        Kpi(
            "wait_walk_in_mean_min",
            "Walk-ins' mean wait for the doctor",
            "min",
            "walk-ins' mean wait for the first consultation, from joining the queue",
            Better.LOWER,
            NON_NEGATIVE,
            _mean("walk_in_wait"),
        ),
        Kpi(
            "wait_doctor_mean_min",
            "Mean wait for the doctor",
            "min",
            "every consulted patient's wait for the doctor from when they were due: walk-ins from joining "
            "the queue, booked patients from their slot (as wait_booked_from_slot_mean_min)",
            Better.LOWER,
            NON_NEGATIVE,
            _mean("doctor_wait"),
        ),
    ),
    "Doctors": (
        Kpi(
            "doctor_utilisation",
            "Doctor utilisation",
            "share",
            "busy time within sessions ÷ session time, all doctors",
            Better.NONE,
            SHARE,
            _share("busy_in_session_sum", "session_length_sum"),
        ),
        Kpi(
            "doctor_overtime_per_day_min",
            "Doctor overtime per day",
            "min",
            "mean minutes a doctor works past the ends of their sessions, per doctor and day worked",
            Better.LOWER,
            NON_NEGATIVE,
            _share("doctor_day_overtime_sum", "doctor_days"),
        ),
        Kpi(
            "sessions_with_overtime_share",
            "Sessions that ran over",
            "share",
            "share of doctor-sessions that ran past their end",
            Better.LOWER,
            SHARE,
            _share("sessions_with_overtime", "sessions"),
        ),
        Kpi(
            "last_doctor_leaves_clock_min",
            "When the last doctor leaves",
            "min after midnight",
            "when the last doctor leaves, in minutes after midnight (mean over days)",
            Better.LOWER,
            NON_NEGATIVE,
            _share("last_leave_clock_sum", "session_days"),
        ),
        Kpi(
            "doctor_idle_per_session_min",
            "Doctor idle time per session",
            "min",
            "mean minutes of a session a doctor is not consulting (session length − busy time), per doctor-session",
            Better.NONE,
            NON_NEGATIVE,
            _share("idle_in_session_sum", "sessions"),
        ),
        Kpi(
            "doctor_overtime_per_session_min",
            "Doctor overtime per session",
            "min",
            "mean minutes a doctor works past the end of a session, per doctor-session",
            Better.LOWER,
            NON_NEGATIVE,
            _share("overtime_sum", "sessions"),
        ),
    ),
    # issue 13: rosters, schedules, staff costs, staffing interventions, baulking
    # (sim.analysis.staff_costs prices the staff; docs/how-to/staffing.md)
    "Staffing and costs": (
        Kpi(
            "staff_cost_per_visit",
            "Staff cost per visit",
            "CNY per visit",
            "what the day's staff cost (doctors' rostered sessions and overtime, station staff's paid hours and "
            "overtime, kiosks, complaint officers; hospital.staffing.costs, estimates) ÷ visits",
            Better.LOWER,
            NON_NEGATIVE,
            lambda t: ratio(t["staff_cost_sum"], t["visits"]) if t.costs is not None else NAN,
        ),
        Kpi(
            "staff_cost_per_day",
            "Staff cost per day",
            "CNY per day",
            "what the staff cost per day simulated (as staff_cost_per_visit)",
            Better.LOWER,
            NON_NEGATIVE,
            lambda t: ratio(t["staff_cost_sum"], t["costed_days"]) if t.costs is not None else NAN,
        ),
        Kpi(
            "staff_overtime_cost_share",
            "Staff cost paid as overtime",
            "share",
            "share of the staff cost paid for work past the end of sessions and shifts (at the overtime premium)",
            Better.LOWER,
            SHARE,
            lambda t: ratio(t["staff_overtime_cost_sum"], t["staff_cost_sum"]) if t.costs is not None else NAN,
        ),
        Kpi(
            "doctor_hours_per_day",
            "Doctor-hours rostered per day",
            "hours per day",
            "doctors' rostered session hours per day simulated (overtime not included)",
            Better.NONE,
            NON_NEGATIVE,
            lambda t: ratio(t["doctor_hours_sum"], t["costed_days"]) if t.costs is not None else NAN,
        ),
        Kpi(
            "waiting_per_visit_min",
            "Queueing per visit",
            "min per visit",
            "every queue wait of every stage (registration to pharmacy, the review's from the results) added up, "
            "÷ visits",
            Better.LOWER,
            NON_NEGATIVE,
            lambda t: ratio(sum(t.stage_wait_sum.values()), t["visits"]),
        ),
        Kpi(
            "baulked_share",
            "Left at the sight of the queue",
            "share",
            "share of visits that found the doctor's queue longer than they would join and left (baulking)",
            Better.LOWER,
            SHARE,
            _share("baulked", "visits"),
        ),
        Kpi(
            "baulk_returned_share",
            "Came back later after baulking",
            "share",
            "share of visits that baulked at the doctor's queue and came back later the same day",
            Better.NONE,
            SHARE,
            _share("baulk_returned", "visits"),
        ),
        Kpi(
            "exam_slot_delay_mean_min",
            "Wait for a pre-booked exam slot",
            "min",
            "with exam pre-booking: mean minutes from paying to the booked slot's start, over visits with "
            "pre-booked exams (a scheduled delay, not a queue)",
            Better.LOWER,
            NON_NEGATIVE,
            _mean("exam_slot_delay"),
        ),
    ),
    "Stations": (STATIONS,),
    "Complaints": (
        Kpi(
            "complaints_per_1000_visits",
            "Complaints per 1,000 visits",
            "per 1,000 visits",
            "realised complaints per 1,000 visits (complaints about the replication's visits, whenever made)",
            Better.LOWER,
            NON_NEGATIVE,
            lambda t: _per_1000_visits(t["complaints"], t),
        ),
        Kpi(
            "expected_complaints_per_1000_visits",
            "Expected complaints per 1,000 visits",
            "per 1,000 visits",
            "sum of complaint probabilities per 1,000 visits: the low-variance estimate to compare scenarios with",
            Better.LOWER,
            NON_NEGATIVE,
            lambda t: _per_1000_visits(t["expected_complaints_sum"], t),
        ),
        DOMAINS,
        CATEGORIES,
        Kpi(
            "complaints_onsite_share",
            "Complaints made on site",
            "share",
            "share of realised complaints made on site, during the visit",
            Better.NONE,
            SHARE,
            _share("complaints_onsite", "complaints"),
        ),
        Kpi(
            "complaint_resolution_median_days",
            "Median time to resolve a complaint",
            "days",
            "median calendar days from making a complaint to its resolution",
            Better.LOWER,
            NON_NEGATIVE,
            lambda t: t.resolution_median_days,
        ),
        Kpi(
            "complaints_within_target_share",
            "Complaints resolved within target",
            "share",
            "share of complaints resolved by the close of the office's target working day after receipt (the 5th "
            "by default)",
            Better.HIGHER,
            SHARE,
            _share("complaints_within_target", "complaints"),
        ),
        Kpi(
            "complaints_upheld_share",
            "Complaints upheld",
            "share",
            "share of complaints upheld",
            Better.NONE,
            SHARE,
            _share("complaints_upheld", "complaints"),
        ),
        Kpi(
            "complaints_top10_doctors_share",
            f"Complaints drawn by the top {TOP} of doctors",
            "share",
            f"share of realised complaints drawn by the {TOP} of doctors with the most (Lorenz curve, "
            "interpolated); complaints of patients who never saw a doctor are left out",
            Better.NONE,
            SHARE,
            lambda t: top_share(t.complaints_per_doctor),
        ),
        Kpi(
            "expected_complaints_top10_doctors_share",
            f"Expected complaints drawn by the top {TOP} of doctors",
            "share",
            f"share of expected complaints drawn by the {TOP} of doctors with the most (Lorenz curve, interpolated)",
            Better.NONE,
            SHARE,
            lambda t: top_share(t.expected_per_doctor),
        ),
        Kpi(
            "doctors_without_complaints_share",
            "Doctors without a complaint",
            "share",
            "share of doctors with no realised complaint in the replication (depends on the horizon)",
            Better.HIGHER,
            SHARE,
            lambda t: ratio(int((t.complaints_per_doctor == 0).sum()), t.doctors),
        ),
    ),
}


# -- optional parts of the model: their KPIs appear only when the hospital switches them on


def _survey_mean(part: str, dimension: str) -> Value:
    return lambda t: ratio(t.survey_sums[part][SERVQUAL_DIMENSIONS.index(dimension)], t["survey_responses"])


INFORMATION_GAP_STAGES = Family(
    "gap_stage",
    keys=lambda _stages: GAP_STAGES,
    key_words=lambda key: "treatment (pharmacy)" if key == "treatment" else key,
    described="each stage of an information gap (Tian 2020): " + ", ".join(GAP_STAGES),
    members=(
        Kpi(
            "information_gap_{gap_stage}_share",
            "Lacked information at {gap_stage}",
            "share",
            "share of the visits that reached {gap_stage} where the patient lacked information they needed",
            Better.LOWER,
            SHARE,
            lambda t, stage: ratio(t.gaps_by_stage[stage], t.reached_by_stage[stage]),
        ),
    ),
)

SERVQUAL = Family(
    "dimension",
    keys=lambda _stages: SERVQUAL_DIMENSIONS,
    key_words=_plain,
    described="each SERVQUAL dimension: " + ", ".join(SERVQUAL_DIMENSIONS),
    members=(
        Kpi(
            "servqual_gap_{dimension}",
            "SERVQUAL gap, {dimension}",
            "points (1-5 scale)",
            "respondents' mean perception − mean expectation score for {dimension} (negative: below expectations)",
            Better.HIGHER,
            (-4.0, 4.0),
            lambda t, d: _survey_mean("gap", d)(t),
        ),
        Kpi(
            "servqual_expectation_{dimension}",
            "SERVQUAL expectation, {dimension}",
            "points (1-5 scale)",
            "respondents' mean expectation score for {dimension}",
            Better.NONE,
            (1.0, 5.0),
            lambda t, d: _survey_mean("expectation", d)(t),
        ),
        Kpi(
            "servqual_perception_{dimension}",
            "SERVQUAL perception, {dimension}",
            "points (1-5 scale)",
            "respondents' mean perception score for {dimension}",
            Better.HIGHER,
            (1.0, 5.0),
            lambda t, d: _survey_mean("perception", d)(t),
        ),
    ),
)

# feature -> (group title, when it is reported, entries)
SERVICE_QUALITY_GROUPS: dict[str, tuple[str, str, tuple[Kpi | Family, ...]]] = {
    INFORMATION_GAPS: (
        "Information gaps",
        "hospital.information.enabled",
        (
            INFORMATION_GAP_STAGES,
            Kpi(
                "information_gap_any_share",
                "Lacked information somewhere",
                "share",
                "share of visits with an information gap at one stage or more",
                Better.LOWER,
                SHARE,
                _share("visits_with_gap", "visits"),
            ),
            Kpi(
                "information_gap_delay_per_visit_min",
                "Time lost to information gaps",
                "min",
                "mean minutes per visit lost finding the way or going back to a counter",
                Better.LOWER,
                NON_NEGATIVE,
                _share("gap_delay_sum", "visits"),
            ),
        ),
    ),
    SURVEY: (
        "Service quality survey (SERVQUAL)",
        "hospital.survey.enabled",
        (
            Kpi(
                "survey_responses",
                "Survey responses",
                "respondents",
                "patients who answered the post-visit survey",
                Better.NONE,
                NON_NEGATIVE,
                lambda t: float(t["survey_responses"]),
            ),
            Kpi(
                "survey_response_rate",
                "Survey response rate",
                "share",
                "respondents ÷ patients asked",
                Better.HIGHER,
                SHARE,
                _share("survey_responses", "survey_asked"),
            ),
            SERVQUAL,
            Kpi(
                "servqual_gap_overall",
                "SERVQUAL gap, all dimensions",
                "points (1-5 scale)",
                "mean over the six dimensions of the respondents' mean perception − expectation",
                Better.HIGHER,
                (-4.0, 4.0),
                lambda t: ratio(float(t.survey_sums["gap"].mean()), t["survey_responses"]),
            ),
            Kpi(
                "survey_satisfaction_mean",
                "Overall satisfaction",
                "points (1-5 scale)",
                "respondents' mean overall satisfaction (1 very dissatisfied … 5 very satisfied)",
                Better.HIGHER,
                (1.0, 5.0),
                _mean_per("survey_satisfaction_sum", "survey_responses"),
            ),
            Kpi(
                "survey_dissatisfied_share",
                "Dissatisfied respondents",
                "share",
                "share of respondents whose overall satisfaction is 1 or 2 of 5",
                Better.LOWER,
                SHARE,
                _share("survey_dissatisfied", "survey_responses"),
            ),
            Kpi(
                "survey_would_recommend_share",
                "Would recommend the hospital",
                "share",
                "share of respondents who would recommend the hospital",
                Better.HIGHER,
                SHARE,
                _share("survey_recommends", "survey_responses"),
            ),
        ),
    ),
    DISPUTES: (
        "Disputes",
        "hospital.complaints.disputes.enabled",
        (
            Kpi(
                "disputes",
                "Disputes",
                "disputes",
                "complaints of the replication's visits that escalated to a doctor-patient dispute",
                Better.LOWER,
                NON_NEGATIVE,
                lambda t: float(t["disputes"]),
            ),
            Kpi(
                "disputes_per_100000_visits",
                "Disputes per 100,000 visits",
                "per 100,000 visits",
                "doctor-patient disputes per 100,000 visits",
                Better.LOWER,
                NON_NEGATIVE,
                lambda t: 100.0 * _per_1000_visits(t["disputes"], t),
            ),
            Kpi(
                "complaints_escalated_share",
                "Complaints escalated to disputes",
                "share",
                "disputes ÷ complaints",
                Better.LOWER,
                SHARE,
                _share("disputes", "complaints"),
            ),
            Kpi(
                "dispute_settle_median_days",
                "Median time to settle a dispute",
                "days",
                "median days from a dispute's opening (the complaint's resolution) to its settlement",
                Better.LOWER,
                NON_NEGATIVE,
                lambda t: t.dispute_settle_median_days,
            ),
            Kpi(
                "disputes_third_party_share",
                "Disputes taken to a third party",
                "share",
                "share of disputes mediated by a third party rather than within the hospital",
                Better.NONE,
                SHARE,
                _share("disputes_third_party", "disputes"),
            ),
            Kpi(
                "disputes_top10_complaint_doctors_share",
                f"Disputes against the top {TOP} of doctors by complaints",
                "share",
                f"share of disputes against the {TOP} of doctors with the most realised complaints (10% of 82 "
                "doctors is 8.2; ties share evenly)",
                Better.NONE,
                SHARE,
                lambda t: top_complaint_doctors_share(t.complaints_per_doctor, t.disputes_per_doctor),
            ),
        ),
    ),
}


def _over_time(name: str) -> Value:
    return lambda t: float(t.over_time[name])


def _over_time_share(part: str, whole: str) -> Value:
    return lambda t: ratio(t.over_time[part], t.over_time[whole])


# Patients over time (sim.patients_over_time): present only in runs that switch them on
GROUPS["Patients over time"] = (
    Kpi(
        "new_patients_per_day",
        "New patients per day",
        "patients per day",
        "patients coming for the first time, per simulated day",
        Better.NONE,
        NON_NEGATIVE,
        lambda t: ratio(t.over_time["new_patients"], t.over_time["days"]),
    ),
    Kpi(
        "return_visit_share",
        "Visits by returning patients",
        "share",
        "share of visits made by patients who had been before (follow-ups, reviews, new episodes)",
        Better.NONE,
        SHARE,
        lambda t: ratio(t.over_time["return_visits"], t["visits"]),
    ),
    Kpi(
        "patient_retention_share",
        "Patients who came back",
        "share",
        "share of the patients due for care again (a follow-up, a review, a new episode) who chose this hospital",
        Better.HIGHER,
        SHARE,
        _over_time_share("returned", "decisions"),
    ),
    Kpi(
        "patients_lost",
        "Patients lost",
        "patients",
        "patients who, due for care again, chose another hospital (lost for good)",
        Better.LOWER,
        NON_NEGATIVE,
        _over_time("lost"),
    ),
)
GROUPS["Charges"] = (
    Kpi(
        "charge_per_visit_mean_cny",
        "Mean charge per visit",
        "CNY",
        "mean of what a visit costs: registration, consultation, examinations and drugs",
        Better.NONE,
        NON_NEGATIVE,
        _over_time_share("charges_sum", "charged_visits"),
    ),
    Kpi(
        "drug_share_of_charges",
        "Drugs' share of charges",
        "share",
        "drugs' share of all charges",
        Better.NONE,
        SHARE,
        _over_time_share("drug_charges_sum", "charges_sum"),
    ),
)
# groups a replication has only when a feature is on: title -> whether its totals have it
OPTIONAL_GROUPS: dict[str, Callable[[KpiTotals], bool]] = {
    "Patients over time": lambda t: t.over_time is not None and bool(t.over_time["identity"]),
    "Charges": lambda t: t.charges_on,
}
OPTIONAL_SWITCHES = {"Patients over time": "hospital.population.enabled", "Charges": "hospital.charges.enabled"}


# service quality beyond complaints (sim.service_quality, sim.demand.information):
# feature -> (group title, the setting that switches it on, entries)
for _feature, (_title, _switch, _entries) in SERVICE_QUALITY_GROUPS.items():
    GROUPS[_title] = _entries
    OPTIONAL_GROUPS[_title] = lambda t, feature=_feature: feature in t.features
    OPTIONAL_SWITCHES[_title] = _switch
TITLES = {feature: title for feature, (title, _switch, _entries) in SERVICE_QUALITY_GROUPS.items()}


def catalogue(
    stages: Sequence[str],
    stations: Sequence[str] = (),
    totals: KpiTotals | None = None,
    optional: Sequence[str] = (),
) -> list[Kpi]:
    """The KPIs of a hospital with these stages (``sim.engine.records.stage_names``) and
    stations (names, ``sim.analysis.stations``), in the order of the KPI table, families
    expanded. Optional groups (``OPTIONAL_GROUPS``) are in when named in ``optional`` or,
    given a replication's ``totals``, when it had them."""
    out = []
    for group, entries in GROUPS.items():
        if group in OPTIONAL_GROUPS and group not in optional:
            if totals is None or not OPTIONAL_GROUPS[group](totals):
                continue
        for entry in entries:
            kpis = entry.expand(stages, stations) if isinstance(entry, Family) else [entry]
            out.extend(replace(kpi, group=group) for kpi in kpis)
    return out


def names(stages: Sequence[str], stations: Sequence[str] = (), optional: Sequence[str] = ()) -> list[str]:
    """The KPI names of a hospital with these stages and stations (and these optional
    groups), in table order."""
    return [kpi.name for kpi in catalogue(stages, stations, optional=optional)]


def values(totals: KpiTotals) -> dict[str, float]:
    """Every KPI of a replication from its finished totals, in table order."""
    return {kpi.name: float(kpi.value(totals)) for kpi in catalogue(totals.stages, totals.station_names, totals)}


def describe(name: str) -> Kpi:
    """The catalogue entry of a KPI name, also of a family member (``wait_lab_mean_min``).
    Raises ``KeyError`` for a name no KPI has."""
    for group, entries in GROUPS.items():
        for entry in entries:
            if isinstance(entry, Kpi) and entry.name == name:
                return replace(entry, group=group)
    for group, entries in GROUPS.items():
        for family in (entry for entry in entries if isinstance(entry, Family)):
            for member in family.members:
                key = _key_of(name, member.name, family.placeholder)
                if key is not None and (family.placeholder in ("stage", "station") or key in family.keys(())):
                    return replace(family._concrete(member, key), group=group)
    raise KeyError(f"no KPI named {name!r}")


def entry(name: str) -> Kpi | None:
    """The catalogue entry of a KPI, or None for a name the catalogue does not know."""
    try:
        return describe(name)
    except KeyError:
        return None


def _key_of(name: str, template: str, placeholder: str) -> str | None:
    """The key that makes ``template`` (``wait_{stage}_mean_min``) read ``name``, or None."""
    before, after = template.split("{" + placeholder + "}")
    match = re.fullmatch(re.escape(before) + r"([a-z0-9_]+?)" + re.escape(after), name)
    return match.group(1) if match else None
