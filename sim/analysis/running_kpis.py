"""KPIs from running counts and sums, for runs that do not keep their visits
(``output.stream=true``).

Every KPI of ``sim.analysis.kpis`` and ``sim.analysis.complaint_kpis`` is a ratio of counts and
sums over visits, doctor sessions or complaints — except the 90th percentile of the
wait for the doctor. ``RunningKpis`` adds the counts and sums up day by day as the
days are simulated, so memory does not grow with the horizon. Compared with a run
that keeps its visits (tested):

* counts, shares and everything taken from the complaint table (kept: about one row
  per 2,500 visits) are exactly equal; so are expected complaints by category and
  per doctor, added up in the same order;
* means agree to rounding (sums of days instead of one sum over the replication:
  relative differences of the order of 1e-15);
* the 90th percentile comes from a histogram of the waits in bins of 1/128 minute
  (waits of exactly zero counted apart), so it is within 1/128 min (half a second)
  of the exact one. Waits beyond 4,096 min are kept as they are.
"""

from __future__ import annotations

import math

import numpy as np

from sim.analysis.kpis import WAIT_THRESHOLD_MIN
from sim.clock import MINUTES_PER_DAY
from sim.complaints import hcat
from sim.complaints.concentration import top_share
from sim.engine.records import (
    CLINIC_CLOSED,
    COMPLETED,
    LEFT_WITHOUT_BEING_SEEN,
    NO_SHOW,
    OUTCOMES,
    REVIEW_DEFERRED,
    counted,
)

NAN = math.nan


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else NAN


class WaitHistogram:
    """A fine histogram of non-negative waits, for percentiles in bounded memory."""

    BINS_PER_MIN = 128
    RANGE_MIN = 4096

    def __init__(self):
        self.counts = np.zeros(self.BINS_PER_MIN * self.RANGE_MIN, dtype=np.int64)
        self.zeros = 0
        self.beyond: list[np.ndarray] = []  # waits past the range, kept exactly

    def add(self, waits: np.ndarray) -> None:
        positive = waits[waits > 0]
        self.zeros += len(waits) - len(positive)
        index = (positive * self.BINS_PER_MIN).astype(np.int64)
        inside = index < len(self.counts)
        np.add.at(self.counts, index[inside], 1)
        if not inside.all():
            self.beyond.append(positive[~inside])

    def __len__(self) -> int:
        return self.zeros + int(self.counts.sum()) + sum(len(b) for b in self.beyond)

    def percentile(self, q: float) -> float:
        """As ``np.percentile(waits, q)`` (linear interpolation between order statistics),
        each order statistic placed evenly within its bin."""
        n = len(self)
        if not n:
            return NAN
        h = (n - 1) * q / 100.0
        below = math.floor(h)
        above = min(below + 1, n - 1)
        low, high = self._order_statistic(below), self._order_statistic(above)
        return low + (h - below) * (high - low)

    def _order_statistic(self, k: int) -> float:
        if k < self.zeros:
            return 0.0
        k -= self.zeros
        cumulative = np.cumsum(self.counts)
        if k < cumulative[-1]:
            b = int(np.searchsorted(cumulative, k, side="right"))
            before = cumulative[b - 1] if b else 0
            return (b + (k - before + 0.5) / self.counts[b]) / self.BINS_PER_MIN
        return float(np.sort(np.concatenate(self.beyond))[k - cumulative[-1]])


class RunningKpis:
    """The KPIs of one replication, added up day by day."""

    def __init__(self, stages: list[str], doctors: int):
        self.stages = stages
        self.doctors = doctors
        self.c = dict.fromkeys(
            (
                "visits",
                "days",
                "seen",
                "over_30",
                "tis_count",
                "not_warmup",
                "bookings",
                "booking_full",
                "full_or_booked",
                "no_shows",
                "came",
                "late",
                "punctuality_count",
                "booked_wait_count",
                "within_30",
                "walk_in_count",
                "sessions",
                "overtime_sessions",
                "doctor_days",
                "session_days",
                "complaints",
            ),
            0,
        )
        self.s = dict.fromkeys(
            (
                "tis",
                "punctuality",
                "booked_wait",
                "walk_in_wait",
                "p",
                "busy_in_session",
                "length",
                "idle",
                "overtime",
                "last_left",
            ),
            0.0,
        )
        self.outcomes = np.zeros(len(OUTCOMES), dtype=np.int64)
        self.wait_sum = dict.fromkeys(stages, 0.0)
        self.wait_count = dict.fromkeys(stages, 0)
        self.consultation_waits = WaitHistogram()
        self.expected_per_doctor = np.zeros(doctors)
        self.complaint_counted: list[np.ndarray] = []  # per complaint, in order: does its visit count

    def add_day(
        self, visits: dict[str, np.ndarray], sessions: dict[str, np.ndarray], complaints: dict[str, np.ndarray]
    ) -> None:
        """One day's visit columns (complaint columns included), its doctor sessions and
        the complaints of its visits (before the office)."""
        keep = counted(visits)
        self._visits(visits, keep)
        self._appointments(visits)
        self._sessions(sessions)
        p = visits["complaint_probability"]
        self.s["p"] += float(p[keep].sum())
        seen = keep & (visits["doctor_id"] >= 0)
        np.add.at(self.expected_per_doctor, visits["doctor_id"][seen], p[seen])  # in visit order, as bincount
        first = visits["visit_id"][0] if len(visits["visit_id"]) else 0
        self.complaint_counted.append(keep[complaints["visit_id"] - first])

    def _visits(self, v, keep) -> None:
        c, s = self.c, self.s
        n = int(keep.sum())
        c["visits"] += n
        c["days"] += n > 0
        self.outcomes += np.bincount(v["outcome"][keep], minlength=len(OUTCOMES))
        for stage in self.stages:
            wait = v[f"wait_{stage}"][keep]
            wait = wait[~np.isnan(wait)]
            self.wait_sum[stage] += float(wait.sum())
            self.wait_count[stage] += len(wait)
        consultation = v["wait_consultation"][keep]
        consultation = consultation[~np.isnan(consultation)]
        self.consultation_waits.add(consultation)
        c["seen"] += len(consultation)
        c["over_30"] += int((consultation > WAIT_THRESHOLD_MIN).sum())
        completed = keep & (v["outcome"] == COMPLETED)
        tis = v["departure_time"][completed] - v["arrival_time"][completed]
        tis = tis[~np.isnan(tis)]
        s["tis"] += float(tis.sum())
        c["tis_count"] += len(tis)

    def _appointments(self, v) -> None:
        """As ``sim.analysis.kpis.appointment_kpis``."""
        c, s = self.c, self.s
        keep = ~v["in_warmup"]
        booked = keep & v["booked"]
        no_show = booked & (v["outcome"] == NO_SHOW)
        came = booked & ~no_show
        start = v["consultation_start"]
        joined = start - v["wait_consultation"]
        seen = came & ~np.isnan(start)
        booked_wait = np.clip(start - np.fmax(v["slot_time"], joined), 0.0, None)[seen]
        walk_in = v["wait_consultation"][keep & ~v["booked"]]
        walk_in = walk_in[~np.isnan(walk_in)]
        punctuality = v["punctuality_min"][came]
        punctuality = punctuality[~np.isnan(punctuality)]
        c["not_warmup"] += int(keep.sum())
        c["bookings"] += int(booked.sum())
        c["booking_full"] += int((v["booking_full"] & keep).sum())
        c["full_or_booked"] += int(((v["booking_full"] | v["booked"]) & keep).sum())
        c["no_shows"] += int(no_show.sum())
        c["came"] += int(came.sum())
        c["late"] += int(v["late"][came].sum())
        s["punctuality"] += float(punctuality.sum())
        c["punctuality_count"] += len(punctuality)
        s["booked_wait"] += float(booked_wait.sum())
        c["booked_wait_count"] += len(booked_wait)
        c["within_30"] += int(((start - v["slot_time"])[came] <= WAIT_THRESHOLD_MIN).sum())
        s["walk_in_wait"] += float(walk_in.sum())
        c["walk_in_count"] += len(walk_in)

    def _sessions(self, sessions) -> None:
        """As ``sim.analysis.kpis.doctor_kpis``: sums per session, per doctor-day and per day."""
        if not len(sessions["doctor_id"]):
            return
        c, s = self.c, self.s
        length = sessions["end"] - sessions["start"]
        overtime = np.clip(sessions["left"] - sessions["end"], 0.0, None)
        c["sessions"] += len(length)
        c["overtime_sessions"] += int((overtime > 1e-9).sum())
        s["busy_in_session"] += float(sessions["busy_in_session"].sum())
        s["length"] += float(length.sum())
        s["idle"] += float((length - sessions["busy_in_session"]).sum())
        s["overtime"] += float(overtime.sum())
        for day in np.unique(sessions["day"]):
            today = sessions["day"] == day
            c["doctor_days"] += len(np.unique(sessions["doctor_id"][today]))
            c["session_days"] += 1
            s["last_left"] += float(sessions["left"][today].max() - day * MINUTES_PER_DAY)

    def kpis(self, complaints: dict[str, np.ndarray], expected_category: np.ndarray) -> dict[str, float]:
        """The KPIs, in the order and with the names of a run that keeps its visits;
        ``complaints``: every complaint of the replication, handled by the office."""
        out = self._visit_kpis()
        out.update(self._doctor_kpis())
        out.update(self._complaint_kpis(complaints, expected_category))
        return out

    def _visit_kpis(self) -> dict[str, float]:
        c, s = self.c, self.s
        n = c["visits"]
        out = {"visits": float(n), "visits_per_day": n / max(1, c["days"])}
        for name, code in (
            ("completed", COMPLETED),
            ("left_without_being_seen", LEFT_WITHOUT_BEING_SEEN),
            ("review_deferred", REVIEW_DEFERRED),
        ):
            out[f"{name}_share"] = _ratio(float(self.outcomes[code]), n)
        for stage in self.stages:
            out[f"wait_{stage}_mean_min"] = _ratio(self.wait_sum[stage], self.wait_count[stage])
        out["wait_consultation_p90_min"] = self.consultation_waits.percentile(90)
        out["wait_consultation_over_30_min_share"] = _ratio(c["over_30"], c["seen"])
        out["time_in_system_mean_min"] = _ratio(s["tis"], c["tis_count"])
        out["clinic_closed_share"] = _ratio(float(self.outcomes[CLINIC_CLOSED]), n)
        out.update(
            {
                "bookings": float(c["bookings"]),
                "booked_share": _ratio(c["bookings"], c["not_warmup"]),
                "booking_full_share": _ratio(c["booking_full"], c["full_or_booked"]),
                "no_shows": float(c["no_shows"]),
                "no_show_share": _ratio(c["no_shows"], c["bookings"]),
                "late_arrival_share": _ratio(c["late"], c["came"]),
                "punctuality_mean_min": _ratio(s["punctuality"], c["punctuality_count"]),
                "wait_booked_from_slot_mean_min": _ratio(s["booked_wait"], c["booked_wait_count"]),
                "seen_within_30_min_of_slot_share": _ratio(c["within_30"], c["came"]),
                "wait_walk_in_mean_min": _ratio(s["walk_in_wait"], c["walk_in_count"]),
                "wait_doctor_mean_min": _ratio(
                    s["booked_wait"] + s["walk_in_wait"], c["booked_wait_count"] + c["walk_in_count"]
                ),
            }
        )
        return out

    def _doctor_kpis(self) -> dict[str, float]:
        c, s = self.c, self.s
        if not c["sessions"]:
            return dict.fromkeys(
                (
                    "doctor_utilisation",
                    "doctor_overtime_per_day_min",
                    "sessions_with_overtime_share",
                    "last_doctor_leaves_clock_min",
                    "doctor_idle_per_session_min",
                    "doctor_overtime_per_session_min",
                ),
                NAN,
            )
        return {
            "doctor_utilisation": s["busy_in_session"] / s["length"],
            "doctor_overtime_per_day_min": s["overtime"] / c["doctor_days"],
            "sessions_with_overtime_share": c["overtime_sessions"] / c["sessions"],
            "last_doctor_leaves_clock_min": s["last_left"] / c["session_days"],
            "doctor_idle_per_session_min": s["idle"] / c["sessions"],
            "doctor_overtime_per_session_min": s["overtime"] / c["sessions"],
        }

    def _complaint_kpis(self, complaints, expected_category) -> dict[str, float]:
        """As ``sim.analysis.complaint_kpis.complaint_kpis``."""
        n = self.c["visits"]
        per_1000 = 1000.0 / n if n else NAN
        counted_rows = np.concatenate(self.complaint_counted) if self.complaint_counted else np.zeros(0, dtype=bool)
        realised_by_category = np.bincount(complaints["category"][counted_rows], minlength=len(hcat.CATEGORIES))
        domain_of = np.asarray(hcat.domain_index_of_categories())
        realised_by_domain = np.bincount(domain_of, weights=realised_by_category, minlength=len(hcat.DOMAINS))
        expected_domain = np.bincount(domain_of, weights=expected_category, minlength=len(hcat.DOMAINS))
        expected_total = self.s["p"]
        out = {
            "complaints_per_1000_visits": counted_rows.sum() * per_1000,
            "expected_complaints_per_1000_visits": expected_total * per_1000,
        }
        for k, domain in enumerate(hcat.DOMAINS):
            out[f"complaints_{domain}_per_1000_visits"] = realised_by_domain[k] * per_1000
            out[f"expected_complaints_{domain}_per_1000_visits"] = expected_domain[k] * per_1000
            out[f"expected_complaints_{domain}_share"] = expected_domain[k] / expected_total if expected_total else NAN
        for k, category in enumerate(hcat.CATEGORIES):
            out[f"complaints_{category}_per_1000_visits"] = realised_by_category[k] * per_1000
            out[f"expected_complaints_{category}_per_1000_visits"] = expected_category[k] * per_1000
        made = counted_rows.sum()
        out["complaints_onsite_share"] = float(np.mean(complaints["channel"][counted_rows] == 0)) if made else NAN
        out["complaint_resolution_median_days"] = (
            float(np.median(complaints["resolution_days"][counted_rows])) if made else NAN
        )
        out["complaints_within_target_share"] = (
            float(np.mean(complaints["within_target"][counted_rows])) if made else NAN
        )
        out["complaints_upheld_share"] = float(np.mean(complaints["upheld"][counted_rows])) if made else NAN
        doctor = complaints["doctor_id"][counted_rows]
        realised_per_doctor = np.bincount(doctor[doctor >= 0], minlength=self.doctors)
        out["complaints_top10_doctors_share"] = top_share(realised_per_doctor)
        out["expected_complaints_top10_doctors_share"] = top_share(self.expected_per_doctor)
        out["doctors_without_complaints_share"] = float(np.mean(realised_per_doctor == 0)) if self.doctors else NAN
        return out
