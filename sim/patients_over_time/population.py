"""A replication's patients over time: who comes each day, what they lived through,
and when they will need care again.

``PatientsOverTime.draw_day`` is handed to the engine (``sim.engine.day.replication_days``)
in place of ``sim.demand.patients.draw_day``: it decides who of the patients due
today comes back (``loyalty``), draws the day's new patients and the returning
patients' needs, and remembers who is who. After the engine has simulated the day and
the complaint model has assessed it, ``add_day`` returns the day's patient columns
(``patient_id``, ``visit_kind``, charges) and books each patient's next need:

* a chronic patient: a follow-up after the interval of their condition (department);
* an acute patient after a first visit or a new episode: a review after
  ``review_after_days`` with probability ``review_probability``, else a new episode
  after an exponential time of mean 365 / ``episodes_per_year`` days;
* a patient whose review was deferred (results back after the doctor had gone home):
  a booked follow-up the next open day.

A need falling on a closed day moves to the next open day; needs after the horizon
are kept (``next_day``) but never come. Patients who decline are lost for good.

With ``start_in_steady_state`` the register starts with the patients the hospital
would have in the long run at the base probabilities: chronic patients already under
follow-up (their next visit spread evenly over one interval) and former acute
patients waiting for their next episode (exponential, memoryless). New patients
arrive at ``new_patient_share`` of the configured demand, whatever happened before:
scenarios see the same new patients (common random numbers).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

import numpy as np

from sim import distributions
from sim.clock import MINUTES_PER_DAY, calendar_days, parse_date
from sim.demand import arrivals
from sim.demand.booking import doctor_ids
from sim.demand.patients import DayPatients, ReturningPatients, draw_day
from sim.engine.records import NO_SHOW, REVIEW_DEFERRED, counted
from sim.patients_over_time import charges
from sim.patients_over_time.complaint_handling import RunningOffice, end_of_day
from sim.patients_over_time.draws import PatientDraws
from sim.patients_over_time.loyalty import (
    BOOKED_KINDS,
    CHRONIC,
    DEFERRED,
    EPISODE,
    FIRST,
    KINDS,
    REVIEW,
    return_probability,
)
from sim.patients_over_time.register import INITIAL_ACUTE, INITIAL_CHRONIC, NEW, Register
from sim.schema import Config, HospitalConfig
from sim.streams import Streams

Columns = dict[str, np.ndarray]
DAYS_PER_YEAR = 365.0
# the per-day table (patient_days): one row per open day
FLOW = ("day", "new_patients", *(f"visits_{k}" for k in KINDS), "decisions", "returned", "lost", "registered")


def for_replication(cfg: Config, replication: int) -> PatientsOverTime | None:
    """The replication's patients over time, or None when identity and charges are off."""
    h = cfg.hospital
    if not (h.population.enabled or h.charges.enabled):
        return None
    return PatientsOverTime(cfg, replication)


class PatientsOverTime:
    def __init__(self, cfg: Config, replication: int):
        h = cfg.hospital
        self.hospital = h
        self.streams = Streams(cfg.run.seed, replication)
        self.replication = replication
        self.identity = h.population.enabled
        self.returns = self.identity and h.population.returns.enabled
        self.loyalty = h.population.loyalty
        self.register = Register()
        self.days = cfg.run.days
        dates = calendar_days(cfg.run.start_date, cfg.run.days)
        self.next_open = _next_open_day([d.weekday() in h.arrivals.open_weekdays for d in dates])
        self.due: dict[int, list[np.ndarray]] = defaultdict(list)
        self.draws = {
            name: PatientDraws(self.streams, f"population.{name}")
            for name in ("return", "chronic", "arrival_hour", "arrival_minute", "review", "episode")
        }
        self.office = None
        if self.returns and self.loyalty.enabled:
            self.office = RunningOffice(h.complaints.office, parse_date(cfg.run.start_date), self.streams)
        self.new_patient_hospital = _new_patient_demand(h) if self.returns else h
        self.flow: dict[str, list] = {name: [] for name in FLOW}
        self.totals = dict.fromkeys(("new_patients", "return_visits", "decisions", "returned", "lost"), 0)
        self.totals.update(charges_sum=0.0, drug_charges_sum=0.0, charged_visits=0, days=cfg.run.days)
        self.day = -1
        self.day_ids = self.day_kind = np.empty(0, dtype=np.int64)
        if self.returns and h.population.returns.start_in_steady_state:
            self._initial_patients(dates)

    # -- before the day --------------------------------------------------------------

    def draw_day(self, hospital: HospitalConfig, date, day: int, streams: Streams) -> DayPatients:
        """The day's patients: those due who choose to come back, and new ones."""
        self.day = day
        returning_ids = np.empty(0, dtype=np.int64)
        returning = None
        self._today = dict.fromkeys(("decisions", "returned", "lost"), 0)
        if self.returns:
            returning_ids = self._decide(day)
            returning = self._returning(returning_ids, day)
        kinds = self.register["next_kind"][returning_ids].astype(np.int64)
        self.register["next_day"][returning_ids] = -1
        patients = draw_day(self.new_patient_hospital, date, day, streams, returning)
        new_ids = self._register_new(patients, len(patients) - len(returning_ids), day)
        ids = np.concatenate([new_ids, returning_ids])
        kind = np.concatenate([np.full(len(new_ids), FIRST), kinds])
        self.day_ids, self.day_kind = ids[patients.origin], kind[patients.origin].astype(np.int8)
        return patients

    def _decide(self, day: int) -> np.ndarray:
        """Ids of the patients due today who come back (the others are lost)."""
        r = self.register
        parts = self.due.pop(day, [])
        if not parts:
            return np.empty(0, dtype=np.int64)
        ids = np.unique(np.concatenate(parts))
        ids = ids[(r["next_day"][ids] == day) & (r["lost_day"][ids] < 0)]
        kind = r["next_kind"][ids].astype(np.int64)
        p = return_probability(self.loyalty, kind, r, ids, day * MINUTES_PER_DAY, self.office)
        come = self.draws["return"].uniform(ids, r["decisions"][ids]) < p
        r["decisions"][ids] += 1
        r["returns"][ids[come]] += 1
        lost = ids[~come]
        r["lost_day"][lost] = day
        r["next_day"][lost] = -1
        self._today.update(decisions=len(ids), returned=int(come.sum()), lost=len(lost))
        return ids[come]

    def _returning(self, ids: np.ndarray, day: int) -> ReturningPatients:
        """The returning patients' needs: when they would like to come (drawn from the
        arrival profile with the patient's own numbers), who they are, their doctor."""
        r = self.register
        start, end, probability = arrivals.intensity_bins(self.hospital)
        counter = r["decisions"][ids]
        which = np.searchsorted(np.cumsum(probability), self.draws["arrival_hour"].uniform(ids, counter), "right")
        which = np.minimum(which, len(probability) - 1)
        minute = start[which] + (end[which] - start[which]) * self.draws["arrival_minute"].uniform(ids, counter)
        booked = np.isin(r["next_kind"][ids], BOOKED_KINDS)
        return ReturningPatients(
            preferred_time=day * MINUTES_PER_DAY + minute,
            department=r["department"][ids].astype(np.int32),
            female=r["female"][ids],
            age_group=r["age_group"][ids],
            education=r["education"][ids],
            booked=booked,
            doctor=np.where(booked, r["doctor"][ids], -1).astype(np.int32),
        )

    def _register_new(self, patients: DayPatients, count: int, day: int) -> np.ndarray:
        """Register the day's new patients (the first ``count`` drawn) with the
        attributes drawn for them."""
        if not self.identity:
            return np.arange(count, dtype=np.int64)
        where = np.empty(len(patients), dtype=np.int64)
        where[patients.origin] = np.arange(len(patients))
        rows = where[:count]
        department = patients.department[rows]
        ids = self.register.add(
            count,
            cohort=NEW,
            first_day=day,
            female=patients.female[rows],
            age_group=patients.age_group[rows],
            education=patients.education[rows],
            department=department,
        )
        if self.returns:
            share = self._by_department(self.hospital.population.returns.chronic_share, 0.0)
            self.register["chronic"][ids] = self.draws["chronic"].uniform(ids) < share[department]
        self.totals["new_patients"] += count
        return ids

    # -- after the day ---------------------------------------------------------------

    def add_day(self, visits: Columns, complaints: Columns) -> Columns:
        """The day's patient columns; learn from the day (its visits' columns, the
        complaint model's included, and the complaints its visits made)."""
        out: Columns = {}
        if self.identity:
            out["patient_id"] = self.day_ids
            out["visit_kind"] = self.day_kind
        if self.hospital.charges.enabled:
            out.update(charges.visit_charges(visits, self.hospital, self.streams))
            keep = counted(visits)
            self.totals["charges_sum"] += float(out["charge_total"][keep].sum())
            self.totals["drug_charges_sum"] += float(out["charge_drugs"][keep].sum())
            self.totals["charged_visits"] += int(keep.sum())
        if self.identity:
            self._learn(visits, out, complaints)
        return out

    def _learn(self, visits: Columns, out: Columns, complaints: Columns) -> None:
        r = self.register
        day, ids, kind = self.day, self.day_ids, self.day_kind
        came = visits["outcome"] != NO_SHOW
        seen = ids[came]
        r["visits"][seen] += 1
        r["first_visit_day"][seen] = np.where(r["first_visit_day"][seen] < 0, day, r["first_visit_day"][seen])
        r["last_visit_day"][seen] = day
        if "charge_total" in out:
            r["charges"][seen] += out["charge_total"][came]
            r["drug_charges"][seen] += out["charge_drugs"][came]
        r["excess_wait"][seen] = np.nan_to_num(visits["perceived_excess_wait_min"][came])
        r["quality"][seen] = np.nan_to_num(visits["communication_quality"][came])
        doctor = visits["doctor_id"][came]
        r["doctor"][seen[doctor >= 0]] = doctor[doctor >= 0]
        r["complaint"][seen] = -1
        self._complaints(visits, complaints)
        self.totals["return_visits"] += int((came & (kind != FIRST) & counted(visits)).sum())
        if self.returns:
            self._schedule_next(visits, came)
        self._record_flow(kind, came)

    def _complaints(self, visits: Columns, complaints: Columns) -> None:
        """Each complaint of the day's visits, to its patient and to the office."""
        r = self.register
        rows = complaints["visit_id"] - (visits["visit_id"][0] if len(visits["visit_id"]) else 0)
        who = self.day_ids[rows]
        if self.office is not None:
            numbers = self.office.receive(complaints["time"])
            r["complaint"][who] = numbers
            self.office.advance(end_of_day(self.day))
        else:
            r["complaint"][who] = 0  # nobody reads the handling: any number marks a complaint
        np.add.at(r["complaints"], who, 1)

    def _schedule_next(self, visits: Columns, came: np.ndarray) -> None:
        r = self.register
        returns = self.hospital.population.returns
        day, ids, kind = self.day, self.day_ids, self.day_kind.astype(np.int64)
        chronic = r["chronic"][ids]
        interval = self._by_department(returns.chronic_interval_days, returns.default_interval_days)
        deferred = came & (visits["outcome"] == REVIEW_DEFERRED)
        acute_start = ~chronic & ~deferred & came & np.isin(kind, (FIRST, EPISODE))
        counter = r["visits"][ids]
        review = acute_start & (self.draws["review"].uniform(ids, counter) < returns.review_probability)
        after = distributions.build(returns.review_after_days).sample(
            self.streams.stream("population.review_after", day), len(ids)
        )
        gap = self.draws["episode"].exponential(DAYS_PER_YEAR / returns.episodes_per_year, ids, counter)
        next_day = np.where(
            deferred,
            day + 1,
            np.where(
                chronic,
                day + interval[r["department"][ids]],
                np.where(review, day + np.maximum(np.ceil(after), 1), day + np.maximum(np.ceil(gap), 1)),
            ),
        ).astype(np.int64)
        next_kind = np.where(deferred, DEFERRED, np.where(chronic, CHRONIC, np.where(review, REVIEW, EPISODE)))
        self._schedule(ids, next_day, next_kind)

    def _schedule(self, ids: np.ndarray, day: np.ndarray, kind: np.ndarray) -> None:
        """Book each patient's next need (moved to the next open day)."""
        r = self.register
        within = day < self.days
        day = np.where(within, self.next_open[np.minimum(day, self.days)], day)
        r["next_day"][ids] = day
        r["next_kind"][ids] = kind
        keep = day < self.days
        ids, day = ids[keep], day[keep]
        order = np.argsort(day, kind="stable")
        ids, day = ids[order], day[order]
        bounds = np.flatnonzero(np.diff(day)) + 1
        for part in np.split(np.arange(len(day)), bounds):
            if len(part):
                self.due[int(day[part[0]])].append(ids[part])

    def _record_flow(self, kind: np.ndarray, came: np.ndarray) -> None:
        by_kind = np.bincount(kind[came].astype(np.int64), minlength=len(KINDS))
        row = {
            "day": self.day,
            "new_patients": int((kind == FIRST).sum()),
            **{f"visits_{k}": int(by_kind[i]) for i, k in enumerate(KINDS)},
            **self._today,
            "registered": len(self.register) - int((self.register["lost_day"] >= 0).sum()),
        }
        for name in FLOW:
            self.flow[name].append(row[name])
        for name in ("decisions", "returned", "lost"):
            self.totals[name] += self._today[name]

    # -- the start and the end -----------------------------------------------------

    def _initial_patients(self, dates) -> None:
        """The patients already under the hospital's care on day 0 (steady state of the
        base probabilities; see the module docstring)."""
        h = self.hospital
        returns, loyalty = h.population.returns, h.population.loyalty
        rng = self.streams.stream("population.initial")
        per_day = returns.new_patient_share * _mean_daily_demand(h, dates[0])
        share = np.array([d.share for d in h.departments.values()])
        new_per_day = per_day * share / share.sum()
        chronic = self._by_department(returns.chronic_share, 0.0)
        interval = self._by_department(returns.chronic_interval_days, returns.default_interval_days)
        mean_gap = DAYS_PER_YEAR / returns.episodes_per_year
        doctors = doctor_ids(h)
        for index, name in enumerate(h.departments):
            n_chronic = _expected(new_per_day[index] * chronic[index] * interval[index], loyalty.chronic_return)
            n_acute = _expected(new_per_day[index] * (1 - chronic[index]) * mean_gap, loyalty.episode_return)
            for cohort, count in ((INITIAL_CHRONIC, n_chronic), (INITIAL_ACUTE, n_acute)):
                ids = self._add_initial(count, cohort, index, rng)
                if cohort == INITIAL_CHRONIC:
                    self.register["doctor"][ids] = rng.choice(doctors[name], size=count)
                    next_day = rng.integers(0, interval[index], size=count)
                    self._schedule(ids, next_day, np.full(count, CHRONIC))
                else:
                    next_day = np.floor(rng.exponential(mean_gap, size=count)).astype(np.int64)
                    self._schedule(ids, next_day, np.full(count, EPISODE))

    def _add_initial(self, count: int, cohort: int, department: int, rng) -> np.ndarray:
        mix = self.hospital.patients
        return self.register.add(
            count,
            cohort=cohort,
            female=rng.random(count) < mix.female_share,
            age_group=_category(mix.age_groups, count, rng),
            education=_category(mix.education, count, rng),
            department=department,
            chronic=cohort == INITIAL_CHRONIC,
            # no last visit here: they decide from the base probabilities
            excess_wait=self.loyalty.reference_excess_wait_min,
            quality=self.loyalty.reference_quality,
        )

    def _by_department(self, values: dict, default: float) -> np.ndarray:
        return np.array([values.get(name, default) for name in self.hospital.departments])

    def finish(self) -> tuple[Columns, Columns]:
        """(patients, patient_days): one row per registered patient, one per open day."""
        if not self.identity:
            return {}, {}
        r = self.register.columns()
        n = len(self.register)
        patients = {
            "replication": np.full(n, self.replication, dtype=np.int32),
            "patient_id": np.arange(n, dtype=np.int64),
            **{name: r[name] for name in ("cohort", "female", "age_group", "education", "department", "chronic")},
            **{name: r[name] for name in ("first_day", "first_visit_day", "last_visit_day", "visits")},
            "charges_total": r["charges"],
            "charges_drugs": r["drug_charges"],
            **{name: r[name] for name in ("complaints", "decisions", "returns", "lost_day", "next_day")},
            "next_kind": r["next_kind"],
        }
        flow = {name: np.asarray(values, dtype=np.int64) for name, values in self.flow.items()}
        flow["replication"] = np.full(len(flow["day"]), self.replication, dtype=np.int32)
        return patients, flow


def _next_open_day(open_days: list[bool]) -> np.ndarray:
    """For each day (and one past the horizon), the first open day on or after it
    (the horizon's length if none)."""
    horizon = len(open_days)
    out = np.full(horizon + 1, horizon, dtype=np.int64)
    following = horizon
    for day in range(horizon - 1, -1, -1):
        if open_days[day]:
            following = day
        out[day] = following
    return out


def _new_patient_demand(h: HospitalConfig) -> HospitalConfig:
    """The hospital whose walk-in demand is that of new patients only."""
    share = h.population.returns.new_patient_share
    if share == 1.0:
        return h
    a = h.arrivals
    scaled = replace(
        a,
        daily_volume=a.daily_volume * share,
        rate_per_hour=None if a.rate_per_hour is None else a.rate_per_hour * share,
    )
    return replace(h, arrivals=scaled)


def _mean_daily_demand(h: HospitalConfig, start) -> float:
    """Expected walk-in visits per calendar day over the year from ``start``."""
    return float(np.mean([arrivals.expected_arrivals(h, d) for d in calendar_days(start.isoformat(), 365)]))


def _expected(inflow_times_gap: float, keep: float) -> int:
    """Patients waiting for their next decision in the steady state: the inflow times
    the gap, over the share lost at each decision."""
    return int(round(inflow_times_gap / (1.0 - keep))) if keep < 1 else 0


def _category(shares: dict[str, float], count: int, rng) -> np.ndarray:
    p = np.array(list(shares.values()), dtype=float)
    return rng.choice(len(p), size=count, p=p / p.sum()).astype(np.int8)
