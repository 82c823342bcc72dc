"""Comparing segments against baseline without a placebo bias, on synthetic runs.

Two runs of the same patients whose paths are exchangeable (a placebo: the scenario
changes nothing) but path dependent (a bad visit costs more, brings a review sooner
and makes the next return less likely) are built here, no simulation. Segmenting on the baseline's end-of-run
R/F/M/d, as ``sim.analysis.crm`` once did, shows the regulars lost more in the
scenario by many standard errors; segmenting on the baseline's history before a
cut-off still favours the baseline; comparing the patients in the same segment at the
cut-off in both runs (``crm.compare``) finds no difference beyond its interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from sim.analysis import crm

HORIZON, CUTOFF, PATIENTS, REPLICATIONS = 730, 365, 40_000, 4
BAD_VISIT, BAD_RETURN_FACTOR, BAD_CHARGE_FACTOR = 0.2, 0.85, 2.0


def one_run(rng, loyalty, spend, interval, start):
    """One path per patient: a visit every ``interval`` days from ``start``, or a
    review a third of it after a bad visit; at each due day the patient comes back
    with probability ``loyalty`` times BAD_RETURN_FACTOR for each bad visit so far
    (the path dependence) or is lost; a bad visit costs more; one in ten visits had a
    no-show the day before (charged nothing, not counted)."""
    n = len(loyalty)
    day, active = start.copy(), np.ones(n, dtype=bool)
    lost_day = np.full(n, -1, dtype=np.int64)
    memory = np.ones(n)  # what the bad visits so far did to the return probability
    rows = []
    while active.any():
        ids = np.flatnonzero(active)
        bad = rng.random(len(ids)) < BAD_VISIT
        memory[ids[bad]] *= BAD_RETURN_FACTOR
        charge = spend[ids] * np.where(bad, BAD_CHARGE_FACTOR, 1.0) * rng.lognormal(0.0, 0.2, len(ids))
        drugs = charge * rng.uniform(0.2, 0.8, len(ids))
        no_show = rng.random(len(ids)) < 0.1
        shows = ids[no_show]
        rows.append((shows, np.maximum(day[shows] - 1, 0), np.zeros(len(shows)), np.zeros(len(shows)), True))
        rows.append((ids, day[ids], charge, drugs, False))
        due = day[ids] + np.where(bad, np.maximum(interval[ids] // 3, 1), interval[ids])
        within = due < HORIZON
        comes = rng.random(len(ids)) < loyalty[ids] * memory[ids]
        leaving = ids[within & ~comes]
        lost_day[leaving] = due[within & ~comes]
        active[ids[~(within & comes)]] = False
        day[ids] = due
    visits = pd.DataFrame(
        {
            "patient_id": np.concatenate([r[0] for r in rows]),
            "day": np.concatenate([r[1] for r in rows]).astype(np.int32),
            "charge_total": np.concatenate([r[2] for r in rows]),
            "charge_drugs": np.concatenate([r[3] for r in rows]),
            "outcome": np.concatenate([np.full(len(r[0]), "no_show" if r[4] else "completed") for r in rows]),
        }
    )
    return _with_replications(visits), _with_replications(
        pd.DataFrame({"patient_id": np.arange(n), "lost_day": lost_day})
    )


def _with_replications(frame):
    """Patients dealt into REPLICATIONS replications (id modulo), ids kept unique."""
    return frame.assign(replication=(frame["patient_id"] % REPLICATIONS).astype(np.int32))


@pytest.fixture(scope="module")
def placebo():
    """The same patients (loyalty, spending, interval between needs: common random
    numbers) in two runs with independent path noise."""
    rng = np.random.default_rng(20261129)
    loyalty = rng.beta(40, 1.5, PATIENTS)
    spend = rng.lognormal(5.0, 0.6, PATIENTS)
    interval = rng.integers(14, 120, PATIENTS)
    start = rng.integers(0, CUTOFF - 30, PATIENTS)
    return one_run(rng, loyalty, spend, interval, start), one_run(rng, loyalty, spend, interval, start)


def end_of_run_table(visits, patients):
    """patients.parquet's R/F/M/d columns, as the simulation writes them."""
    came = visits[visits["outcome"] != "no_show"]
    per = came.groupby(crm.KEY).agg(
        last_visit_day=("day", "max"),
        visits=("day", "size"),
        charges_total=("charge_total", "sum"),
        charges_drugs=("charge_drugs", "sum"),
    )
    table = patients.set_index(crm.KEY).join(per, how="inner").reset_index()
    return crm.rfm_table(table.assign(complaints=0), HORIZON)


def z_bound(segments: int) -> float:
    """Two-sided 95% with a Bonferroni correction over the segments tested."""
    return float(norm.ppf(1 - 0.05 / (2 * segments)))


def test_the_old_end_of_run_segments_show_a_placebo_shift(placebo):
    """Segments from the baseline's end-of-run features: its regulars are regulars
    partly because the baseline kept them, so the scenario loses more of them (and
    fewer of the occasional patients), by many standard errors."""
    (base_visits, base_patients), (other_visits, other_patients) = placebo
    base, other = end_of_run_table(base_visits, base_patients), end_of_run_table(other_visits, other_patients)
    model = crm.segment(base, "rfm", seed=0)
    base["segment"] = model.labels
    paired = base.merge(other[[*crm.KEY, "lost"]], on=crm.KEY, suffixes=("", "_scenario"))
    regulars = int(pd.Series(base["frequency"].to_numpy()).groupby(model.labels).mean().idxmax())
    group = paired[paired["segment"] == regulars]
    shift = crm.paired_indicator_interval(
        group["lost_scenario"].to_numpy(dtype=float) - group["lost"].to_numpy(dtype=float)
    )
    assert shift["mean"] > 10 * shift["se"] and shift["mean"] > 0.03


def test_the_baselines_segments_at_the_cutoff_alone_still_favour_it(placebo):
    """Segments on the baseline's history before the cut-off, losses after it: its
    history predicts its own next return (a bad last visit), not the scenario's, so
    some segment differs by more than its Bonferroni bound (this is why ``compare``
    conditions on both runs)."""
    (base_visits, base_patients), (other_visits, other_patients) = placebo
    base = crm.rfm_at_cutoff(base_visits, base_patients, CUTOFF)
    other = crm.rfm_at_cutoff(other_visits, other_patients, CUTOFF)
    kept = base[~base["lost_before"]].reset_index(drop=True)
    model = crm.segment(kept, "drfm", seed=0)
    paired = kept.assign(segment=model.labels).merge(
        other.loc[~other["lost_before"], [*crm.KEY, "lost"]], on=crm.KEY, suffixes=("", "_scenario")
    )
    z = [
        crm.paired_indicator_interval(g["lost_scenario"].to_numpy(dtype=float) - g["lost"].to_numpy(dtype=float))
        for _, g in paired.groupby("segment")
    ]
    assert max(abs(s["mean"]) / s["se"] for s in z) > z_bound(len(z))


def test_the_comparison_at_the_cutoff_in_both_runs_finds_no_placebo_shift(placebo):
    """``compare``: every segment's paired difference (and all patients kept to the
    cut-off in both) is within its 95% interval of 0, Bonferroni-corrected over the
    segments; the replication intervals cover 0 too; and the intervals are narrow
    enough (under 3 points) that the old bias (over 3 points) could not hide in them."""
    (base_visits, base_patients), (other_visits, other_patients) = placebo
    base = crm.rfm_at_cutoff(base_visits, base_patients, CUTOFF)
    other = crm.rfm_at_cutoff(other_visits, other_patients, CUTOFF)
    model = crm.segment(base[~base["lost_before"]].reset_index(drop=True), "drfm", seed=0)
    comparison, transitions = crm.compare(base, other, model)
    assert model.k >= 2 and (comparison["patients"] > 500).all()
    se = (comparison["patient_ci_high"] - comparison["patient_ci_low"]) / (2 * 1.959964)
    assert (comparison["patient_difference"].abs() <= z_bound(len(comparison)) * se).all(), comparison
    assert (se * 1.959964 < 0.03).all()
    assert ((comparison["ci_low"] <= 0) & (comparison["ci_high"] >= 0)).all()
    # the same-segment patients are the diagonal of the transitions
    for name in model.names:
        assert transitions.loc[name, name] == comparison.loc[name, "patients"]


def test_swapping_the_runs_negates_the_comparison_and_transposes_the_transitions(placebo):
    """The design is symmetric in the two runs for a given segmentation."""
    (base_visits, base_patients), (other_visits, other_patients) = placebo
    base = crm.rfm_at_cutoff(base_visits, base_patients, CUTOFF)
    other = crm.rfm_at_cutoff(other_visits, other_patients, CUTOFF)
    model = crm.segment(base[~base["lost_before"]].reset_index(drop=True), "rfm", seed=0)
    forward, there = crm.compare(base, other, model)
    backward, back = crm.compare(other, base, model)
    np.testing.assert_allclose(forward["patient_difference"], -backward["patient_difference"], atol=1e-15)
    assert (forward["patients"] == backward["patients"]).all()
    assert (there.to_numpy() == back.to_numpy().T).all()


def test_rfm_at_the_cutoff_equals_a_direct_computation(placebo):
    """R, F, M, d before the cut-off and the loss columns, patient by patient, against
    a plain pandas computation (last visit by sorting, no-shows dropped by charge)."""
    (visits, patients), _ = placebo
    table = crm.rfm_at_cutoff(visits, patients, CUTOFF).set_index(crm.KEY).sort_index()
    before = visits[(visits["day"] < CUTOFF) & (visits["outcome"] == "completed")].sort_values("day")
    last = before.groupby(crm.KEY)["day"].last()
    sums = before.groupby(crm.KEY)[["charge_total", "charge_drugs"]].sum()
    assert table.index.equals(last.index)
    assert (table["recency_days"] == CUTOFF - 1 - last).all()
    assert (table["frequency"] == before.groupby(crm.KEY).size()).all()
    np.testing.assert_allclose(table["monetary_cny"], sums["charge_total"], rtol=1e-12)
    np.testing.assert_allclose(table["drug_share"], sums["charge_drugs"] / sums["charge_total"], rtol=1e-12)
    lost_day = patients.set_index(crm.KEY)["lost_day"].reindex(table.index)
    assert (table["lost_before"] == lost_day.between(0, CUTOFF - 1)).all()
    assert (table["lost"] == (lost_day >= CUTOFF)).all()
    assert table["lost_before"].any() and table["lost"].any()


def test_a_cutoff_outside_the_horizon_is_refused():
    """Day 0 (no history) and the horizon's last day + 1 (no future) are refused with
    the allowed range named; the middle is accepted."""
    crm.check_cutoff(365, 730)
    for bad in (0, 730, 800, -1):
        with pytest.raises(crm.CutoffError, match="allows 1 to 729"):
            crm.check_cutoff(bad, 730)
    with pytest.raises(crm.CutoffError, match="whole number"):
        crm.check_cutoff(36.5, 730)
