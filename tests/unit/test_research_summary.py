"""The sentences of a sensitivity analysis's report (``sim.research.report.summary``),
from hand-made index tables: a bound just below zero reads "0%", not "-0%"; a sentence
opens with a capital letter; interactions are called small only when both the first-
and the total-order indices add up to about 100%, and otherwise the two sums are given
(total-order indices well above first-order ones are what interactions add)."""

from __future__ import annotations

import types

import pandas as pd
import pytest

pytest.importorskip("SALib")  # sim.research needs the research extra

from sim.research import report  # noqa: E402

OUTPUT = "wait_doctor_mean_min"


def analysis(s1: list[float], st: list[float]):
    """A result with two parameters kept for Sobol, with these indices."""
    names = ["demand", "consultation_length"]
    labels = ["demand (x the daily volume)", "consultation length (x the median)"]
    morris = pd.DataFrame({"output": OUTPUT, "parameter": names, "label": labels, "mu_star": [2.0, 1.0], "kept": True})
    sobol = pd.DataFrame(
        {
            "output": OUTPUT,
            "parameter": names,
            "label": labels,
            "S1": s1,
            "S1_ci_low": [v - 0.1 for v in s1],
            "S1_ci_high": [v + 0.1 for v in s1],
            "ST": st,
            "ST_ci_low": [v - 0.1 for v in st],
            "ST_ci_high": [v + 0.1 for v in st],
        }
    )
    return types.SimpleNamespace(morris=morris, sobol=sobol)


def test_a_bound_just_below_zero_reads_zero():
    assert report.percent(-0.004) == "0%"
    assert report.percent(-0.03) == "-3%"
    assert report.percent(0.373) == "37%"


def test_additive_indices_are_called_free_of_interactions():
    text = report.summary(analysis([0.6, 0.35], [0.62, 0.37]), OUTPUT, markdown=False)
    assert "Demand (x the daily volume) explains 60% of its variance alone (95% interval 50% to 70%)" in text
    assert "add up to 95% and the total-order ones to 99%: interactions between them carry little" in text


def test_total_order_well_above_first_order_is_put_down_to_interactions():
    """The case the teaching clinic's complaint rate showed: first-order indices adding
    up to about 90% but total-order ones to far more."""
    text = report.summary(analysis([0.55, 0.35], [0.9, 0.7]), OUTPUT, markdown=False)
    assert "add up to 90% and the total-order ones to 160%: the gap between the two is what interactions" in text
    assert "carry little" not in text
