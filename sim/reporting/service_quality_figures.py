"""Figures of the optional service-quality parts, drawn only when the hospital has them
on: the SERVQUAL gap of each dimension (with expectation and perception), and the
information gap rate at each stage."""

from __future__ import annotations

import numpy as np

from sim.analysis.kpi_totals import INFORMATION_GAPS, SURVEY, features_of
from sim.schema import GAP_STAGES, SERVQUAL_DIMENSIONS

# Fan et al. 2017: from the largest gap to the smallest
FAN_ORDER = ("economy", "responsiveness", "empathy", "assurance", "reliability", "tangibles")


def _interval(summary, names):
    rows = summary.reindex(names)
    mean = rows["mean"].to_numpy(dtype=float)
    error = [
        np.nan_to_num(mean - rows["ci_low"].to_numpy(dtype=float)),
        np.nan_to_num(rows["ci_high"].to_numpy(dtype=float) - mean),
    ]
    return mean, error


def _servqual_gaps(result, ax) -> None:
    summary = result.summary
    order = [d for d in FAN_ORDER if d in SERVQUAL_DIMENSIONS]
    gap, error = _interval(summary, [f"servqual_gap_{d}" for d in order])
    y = np.arange(len(order))[::-1]
    ax.barh(y, np.nan_to_num(gap), xerr=error, capsize=3, color="#e45756")
    expected = summary["mean"].reindex([f"servqual_expectation_{d}" for d in order]).to_numpy(dtype=float)
    perceived = summary["mean"].reindex([f"servqual_perception_{d}" for d in order]).to_numpy(dtype=float)
    labels = [f"{d}\nE {e:.2f} · P {p:.2f}" for d, e, p in zip(order, expected, perceived, strict=True)]
    ax.set_yticks(y, labels, fontsize="small")
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("gap: perception − expectation (points, 1–5 scale), 95% CI over replications")
    responses = summary["mean"].get("survey_responses", np.nan)
    ax.set_title(
        f"SERVQUAL gaps (Fan et al. 2017's order from the top; {responses:,.0f} respondents per replication)",
        fontsize="medium",
    )


def _information_gaps(result, ax) -> None:
    rate, error = _interval(result.summary, [f"information_gap_{s}_share" for s in GAP_STAGES])
    x = np.arange(len(GAP_STAGES))
    ax.bar(x, np.nan_to_num(rate) * 100, yerr=np.array(error) * 100, capsize=3, color="#4c78a8")
    ax.axhline(20, color="grey", ls="--", lw=1, label="Tian 2020: above 20% at each stage")
    ax.set_xticks(x, ["registration", "consultation", "examination", "treatment (pharmacy)"])
    ax.set_ylabel("visits reaching the stage with a gap (%), 95% CI")
    ax.set_title("Information gaps by stage")
    ax.legend(fontsize="small")


def servqual_gaps(result, fig) -> None:
    _servqual_gaps(result, fig.add_subplot())


def information_gaps(result, fig) -> None:
    _information_gaps(result, fig.add_subplot())


def has_survey(result) -> bool:
    return SURVEY in features_of(result.config.hospital)


def has_information_gaps(result) -> bool:
    return INFORMATION_GAPS in features_of(result.config.hospital)
