"""Executive summaries: the key findings of a run or a sweep in plain sentences, with
their 95% intervals, for the top of the reports.

A run's summary says how busy the clinic was, how long patients waited, how hard the
doctors worked, which station was busiest and what complaints came of it. A sweep's
summary says, scenario by scenario, what each did to the headline KPIs against its
baseline: "Online appointments cut the mean wait for the doctor from 14.0 to 5.5 min
(−61%, 95% CI −64% to −58%)". A change is called a change only when its interval
excludes no change; shares change by percentage points, everything else by per cent
(``sim.analysis.compare.relative_change``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from sim.analysis import compare
from sim.analysis.kpis import Better
from sim.analysis.kpis import entry as kpi_entry
from sim.reporting import numbers


def _mean(summary: pd.DataFrame, name: str) -> float:
    return float(summary["mean"].get(name, math.nan))


def _value(summary: pd.DataFrame, name: str) -> str:
    entry = kpi_entry(name)
    return numbers.kpi_value(_mean(summary, name), entry.unit if entry else "")


def _with_interval(summary: pd.DataFrame, name: str) -> str:
    """``14.0 min (95% CI 12.1 to 15.9)``."""
    entry = kpi_entry(name)
    unit = entry.unit if entry else ""
    row = summary.loc[name]
    text = numbers.kpi_value(row["mean"], unit) + (f" {unit}" if unit in ("min", "days") else "")
    interval = numbers.kpi_interval(row["mean"], row["ci_low"], row["ci_high"], unit)
    return text if interval == numbers.DASH else f"{text} (95% CI {interval})"


def _has(summary: pd.DataFrame, *names: str) -> bool:
    return all(name in summary.index and math.isfinite(_mean(summary, name)) for name in names)


RUN_KPIS = (
    "visits_per_day",
    "completed_share",
    "wait_doctor_mean_min",
    "wait_consultation_over_30_min_share",
    "time_in_system_mean_min",
    "doctor_utilisation",
    "doctor_overtime_per_day_min",
    "expected_complaints_per_1000_visits",
    "complaints_per_1000_visits",
)


def run_summary(
    summary: pd.DataFrame, warnings: list, imprecise: list[str], threshold: float
) -> tuple[list[str], list[str]]:
    """Sentences about one run from its KPI summary, its overload warnings and the KPIs
    flagged as imprecise; and the KPIs they speak of (for the glossary)."""
    out = []
    if _has(summary, "visits_per_day", "completed_share"):
        out.append(
            f"About {_value(summary, 'visits_per_day')} patients came a day; "
            f"{_value(summary, 'completed_share')} of visits were completed."
        )
    if _has(summary, "wait_doctor_mean_min"):
        sentence = f"Patients waited on average {_with_interval(summary, 'wait_doctor_mean_min')} for the doctor"
        if _has(summary, "wait_consultation_over_30_min_share"):
            sentence += f"; {_value(summary, 'wait_consultation_over_30_min_share')} waited more than 30 minutes"
        if _has(summary, "time_in_system_mean_min"):
            sentence += f"; a completed visit took {_with_interval(summary, 'time_in_system_mean_min')} in all"
        out.append(sentence + ".")
    if _has(summary, "doctor_utilisation", "doctor_overtime_per_day_min"):
        out.append(
            f"Doctors were busy {_value(summary, 'doctor_utilisation')} of their session time and worked "
            f"{_with_interval(summary, 'doctor_overtime_per_day_min')} past their sessions per doctor and day."
        )
    busiest = _busiest_station(summary)
    mentioned = [name for name in RUN_KPIS if _has(summary, name)]
    if busiest:
        out.append(busiest[0])
        mentioned.append(busiest[1])
    if _has(summary, "expected_complaints_per_1000_visits"):
        sentence = f"Patients were expected to make {_with_interval(summary, 'expected_complaints_per_1000_visits')} complaints per 1,000 visits"
        if _has(summary, "complaints_per_1000_visits"):
            sentence += f" ({_value(summary, 'complaints_per_1000_visits')} were drawn)"
        out.append(sentence + ".")
    if warnings:
        stations = list(dict.fromkeys(w.station for w in warnings))
        out.append(f"Overload: {len(warnings)} warning(s) about {', '.join(stations)} (see Warnings).")
    if imprecise:
        out.append(
            f"{len(imprecise)} of {len(summary)} KPIs are imprecise (95% interval wider than "
            f"±{numbers.percent(threshold)} of the mean): run more replications before relying on them."
        )
    return out, mentioned


def _busiest_station(summary: pd.DataFrame) -> tuple[str, str] | None:
    names = [n for n in summary.index if str(n).endswith("_utilisation") and n != "doctor_utilisation"]
    values = {n: _mean(summary, n) for n in names if math.isfinite(_mean(summary, n))}
    if not values:
        return None
    name = max(values, key=values.get)
    label = kpi_entry(name).label.removeprefix("Utilisation, ")
    return f"Busiest station: {label}, in use {_with_interval(summary, name)} of its working time.", name


# -- sweeps -------------------------------------------------------------------------------


def _verb(change: float, better: Better) -> str:
    if better is Better.LOWER:
        return "cut" if change < 0 else "raised"
    return "raised" if change > 0 else "lowered"


def _phrase(label: str) -> str:
    """``Mean wait for the doctor`` -> ``the mean wait for the doctor``."""
    words = label[:1].lower() + label[1:]
    return words if words.startswith(("the ", "a ")) else f"the {words}"


@dataclass(frozen=True)
class Change:
    """What a scenario did to one KPI against its baseline."""

    phrase: str  # "the mean wait for the doctor"
    before: str
    after: str  # with the unit: "5.5 min"
    shown: str  # "−61%, 95% CI −64% to −58%"
    direction: float  # the change's sign
    significant: bool
    better: Better

    def clause(self, verb: bool = True) -> str:
        if verb:
            return (
                f"{_verb(self.direction, self.better)} {self.phrase} from {self.before} to {self.after} ({self.shown})"
            )
        return f"{self.phrase} {'fell' if self.direction < 0 else 'rose'} from {self.before} to {self.after} ({self.shown})"


def kpi_change(kpi: str, baseline_values, scenario_values, paired: bool) -> Change | None:
    """What the scenario did to ``kpi`` (values per replication, aligned when
    ``paired``); None when it cannot be said (unknown KPI, no values, no interval)."""
    entry = kpi_entry(kpi)
    if entry is None:
        return None
    base, scen = pd.Series(baseline_values, dtype=float), pd.Series(scenario_values, dtype=float)
    if base.dropna().empty or scen.dropna().empty:
        return None
    unit = entry.unit
    suffix = f" {unit}" if unit in ("min", "days") else ""
    if unit == "share":
        change = compare.paired_difference(base, scen) if paired else compare.independent_difference(base, scen)
        centre, low, high = change["difference"], change["difference_ci_low"], change["difference_ci_high"]
        shown = f"{_points(centre)}, 95% CI {_points(low)} to {_points(high)}"
    else:
        change = compare.relative_change(base, scen, paired)
        centre, low, high = change["relative"], change["ci_low"], change["ci_high"]
        shown = (
            f"{numbers.signed_percent(centre)}, 95% CI {numbers.signed_percent(low)} to {numbers.signed_percent(high)}"
        )
    if not (math.isfinite(low) and math.isfinite(high)):
        return None
    return Change(
        _phrase(entry.label),
        numbers.kpi_value(base.mean(), unit),
        numbers.kpi_value(scen.mean(), unit) + suffix,
        shown,
        centre,
        bool(low > 0 or high < 0),
        entry.better,
    )


def scenario_sentence(label: str, changes: list[Change]) -> str:
    """``Online appointments cut the mean wait for the doctor from 14.0 to 5.5 min
    (−61%, 95% CI −64% to −58%) and …; no clear difference to … (…).``"""
    if not changes:
        return ""
    intervention, scenario = _scenario(label)
    clear = [c for c in changes if c.significant]
    unclear = [c for c in changes if not c.significant]
    parts = []
    if clear:
        clauses = [c.clause(verb=intervention) for c in clear]
        joined = "; ".join(clauses[:-1]) + (" and " if len(clauses) > 1 else "") + clauses[-1]
        parts.append(f"{scenario} {joined}" if intervention else f"With {scenario}, {joined}")
    if unclear:
        listed = "; ".join(f"{c.phrase}: {c.before} and {c.after} ({c.shown})" for c in unclear)
        who = scenario if not clear else "It"
        parts.append(
            f"{who} made no clear difference to {listed}"
            if intervention or clear
            else f"With {scenario}, no clear difference to {listed}"
        )
    return ". ".join(parts) + "."


def _points(difference: float) -> str:
    """A difference of shares in percentage points: ``−4.1 points``."""
    if not math.isfinite(difference):
        return numbers.DASH
    return f"{100 * difference:+.1f} points".replace("-", "−")


def _scenario(label: str) -> tuple[bool, str]:
    """(whether the scenario is interventions only, its name in words): a job label
    ``intervention=online_appointments`` reads ``Online appointments``;
    ``servers=16, intervention=none`` reads ``servers = 16``."""
    interventions, settings = [], []
    for part in label.split(", "):
        key, _, value = part.partition("=")
        if key == "intervention":
            if value != "none":
                interventions.append(value.replace("+", " with ").replace("_", " "))
        else:
            settings.append(f"{key.replace('_', ' ')} = {value}" if value else key)
    if interventions and not settings:
        text = " and ".join(interventions)
        return True, text[:1].upper() + text[1:]
    return False, ", ".join([*settings, *interventions]) or label
