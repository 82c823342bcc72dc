"""CRM analytics of a run's patients: RFM and drug share, at the end of the horizon and
at a cut-off day, equal a direct computation from the visits; segments are the same
for the same seed, numbered by value, checked by a tree; a run compared with itself
keeps and loses nobody more; the command line writes its files and refuses a run
without patients, without visits, or with a cut-off outside the horizon.
(The comparison's freedom from placebo bias: tests/unit/test_crm_cutoff.py.)"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sim import crm as crm_cli
from sim.analysis import crm
from tests.conftest import run
from tests.functional.test_patients_over_time import RETURNS

DAYS = 30


@pytest.fixture(scope="module")
def patient_run(tmp_path_factory):
    """teaching_demo with returns, loyalty and charges: 30 days x 2 replications, saved."""
    result = run("hospital=teaching_demo", f"run.days={DAYS}", "run.replications=2", *RETURNS)
    directory = tmp_path_factory.mktemp("crm_run")
    result.save(directory, figures=False)
    return result, directory


def test_rfm_equals_a_direct_computation_from_the_visits(patient_run):
    """R (days from the last visit to the run's last day), F (visits that came), M
    (their charges) and d (drugs' share) from patients.parquet equal a pandas group-by
    of visits.parquet, patient by patient."""
    result, _ = patient_run
    table = crm.rfm_table(result.patients, DAYS).set_index(crm.KEY).sort_index()
    came = result.visits[result.visits["outcome"] != "no_show"]
    direct = came.groupby(crm.KEY).agg(
        last=("day", "max"),
        frequency=("visit_id", "size"),
        monetary=("charge_total", "sum"),
        drugs=("charge_drugs", "sum"),
    )
    assert table.index.equals(direct.index)
    assert (table["recency_days"] == (DAYS - 1) - direct["last"]).all()
    assert (table["frequency"] == direct["frequency"]).all()
    np.testing.assert_allclose(table["monetary_cny"], direct["monetary"], rtol=1e-12)
    np.testing.assert_allclose(table["drug_share"], direct["drugs"] / direct["monetary"], rtol=1e-12)
    assert table["frequency"].max() > 2 and (table["recency_days"] == 0).any()


def test_segments_are_the_same_for_the_same_seed_and_numbered_by_value(patient_run):
    result, _ = patient_run
    table = crm.rfm_table(result.patients, DAYS)
    first = crm.segment(table, "drfm", seed=7)
    again = crm.segment(table, "drfm", seed=7)
    assert np.array_equal(first.labels, again.labels) and first.k == again.k
    assert first.silhouette == again.silhouette and first.tree_rules == again.tree_rules
    assert first.k == max(first.silhouette, key=first.silhouette.get)
    money = pd.Series(table["monetary_cny"].to_numpy()).groupby(first.labels).mean()
    assert money.is_monotonic_decreasing  # S1 spends most
    assert first.tree_accuracy > 0.8  # simple rules on the raw features recover the segments


def test_a_segmentation_fitted_on_a_sample_labels_everyone(patient_run):
    """Fitted on 2,000 patients, every patient gets a segment, and segments stay
    numbered by mean money over all of them."""
    result, _ = patient_run
    table = crm.rfm_table(result.patients, DAYS)
    assert len(table) > 2000
    model = crm.segment(table, "rfm", seed=1, fit_sample=2000)
    assert len(model.labels) == len(table) and set(model.labels) == set(range(model.k))
    money = pd.Series(table["monetary_cny"].to_numpy()).groupby(model.labels).mean()
    assert money.is_monotonic_decreasing


def test_rfm_at_a_cutoff_equals_a_direct_computation_and_at_the_end_the_registers(patient_run):
    """At day 15: R, F, M, d from the visits before it equal a pandas computation on
    the visits (no-shows dropped), and the loss columns follow lost_day. At day 30
    (the horizon) they equal rfm_table of patients.parquet, which the simulation's
    register kept: two independent sources."""
    result, _ = patient_run
    cutoff = DAYS // 2
    table = crm.rfm_at_cutoff(result.visits, result.patients, cutoff, result.complaints)
    table = table.set_index(crm.KEY).sort_index()
    before = result.visits[(result.visits["day"] < cutoff) & (result.visits["outcome"] != "no_show")]
    direct = before.groupby(crm.KEY).agg(
        last=("day", "max"),
        frequency=("visit_id", "size"),
        money=("charge_total", "sum"),
        drugs=("charge_drugs", "sum"),
    )
    assert table.index.equals(direct.index)
    assert (table["recency_days"] == (cutoff - 1) - direct["last"]).all()
    assert (table["frequency"] == direct["frequency"]).all()
    np.testing.assert_allclose(table["monetary_cny"], direct["money"], rtol=1e-12)
    np.testing.assert_allclose(table["drug_share"], direct["drugs"] / direct["money"], rtol=1e-12)
    lost_day = result.patients.set_index(crm.KEY)["lost_day"].reindex(table.index)
    assert (table["lost_before"] == lost_day.between(0, cutoff - 1)).all() and table["lost_before"].any()
    assert (table["lost"] == (lost_day >= cutoff)).all() and table["lost"].any()
    complained = result.complaints[result.complaints["visit_day"] < cutoff].merge(
        result.visits[["replication", "visit_id", "patient_id"]], on=["replication", "visit_id"]
    )
    assert table["complaints"].sum() == len(complained)
    end = crm.rfm_at_cutoff(result.visits, result.patients, DAYS).set_index(crm.KEY).sort_index()
    register = crm.rfm_table(result.patients, DAYS).set_index(crm.KEY).sort_index()
    assert end.index.equals(register.index)
    for column in ("recency_days", "frequency"):
        assert (end[column] == register[column]).all()
    np.testing.assert_allclose(end[["monetary_cny", "drug_share"]], register[["monetary_cny", "drug_share"]], rtol=1e-9)


def test_a_run_compared_with_itself_keeps_and_loses_nobody_more(patient_run):
    """Same segments at the cut-off in both, so every patient kept to it is in the
    comparison and the transitions are diagonal; the same seed gives the same tables."""
    result, _ = patient_run
    table = crm.rfm_at_cutoff(result.visits, result.patients, DAYS // 2)
    kept = table[~table["lost_before"]].reset_index(drop=True)
    model = crm.segment(kept, "drfm", seed=0)
    comparison, transitions = crm.compare(table, table, model)
    assert (comparison["difference"] == 0).all() and (comparison["patient_difference"] == 0).all()
    assert (comparison[["kept_by_scenario_only", "lost_by_scenario_only"]] == 0).all().all()
    assert comparison.loc[crm.ALL_KEPT, "patients"] == len(kept)
    assert comparison.drop(crm.ALL_KEPT)["patients"].sum() == len(kept)
    off_diagonal = transitions.to_numpy().sum() - np.trace(transitions.to_numpy())
    assert off_diagonal == 0 and transitions.loc[crm.LOST_BEFORE, crm.LOST_BEFORE] == table["lost_before"].sum()
    again = crm.compare(table, table, crm.segment(kept, "drfm", seed=0))
    pd.testing.assert_frame_equal(comparison, again[0])
    pd.testing.assert_frame_equal(transitions, again[1])


def test_the_comparison_from_python_reads_a_kept_run(patient_run):
    """sim.crm.analyse on a Result in memory: segments at the middle of the horizon,
    fitted on the baseline's patients kept to it, profiled with their losses after it."""
    result, _ = patient_run
    report = crm_cli.analyse(result, baseline=result)
    assert report.cutoff_day == DAYS // 2
    assert not report.rfm["lost_before"].any() and report.rfm["lost"].any()
    retention = report.profiles["drfm"]["retention"]
    assert ((retention > 0) & (retention <= 1)).all()
    assert report.comparison.loc[crm.ALL_KEPT, "patients"] == len(report.rfm)


def test_the_command_line_writes_the_segments_and_refuses_a_run_without_patients(patient_run, tmp_path):
    _, directory = patient_run
    assert crm_cli.main([str(directory), "--baseline", str(directory), "--out", str(tmp_path / "crm")]) == 0
    written = {p.name for p in (tmp_path / "crm").iterdir()}
    assert {"rfm.parquet", "profiles_rfm.csv", "profiles_drfm.csv", "segmentation.json", "crm.png"} <= written
    assert {"comparison.csv", "transitions.csv", "tree_drfm.txt"} <= written
    plain = tmp_path / "plain"
    run("hospital=teaching_demo", "run.days=1", "run.replications=1").save(plain, figures=False)
    refused = subprocess.run([sys.executable, "-m", "sim.crm", str(plain)], capture_output=True, text=True)
    assert refused.returncode == 2
    assert "hospital.population.enabled=true" in refused.stderr and "Traceback" not in refused.stderr


def test_the_command_line_refuses_a_cutoff_outside_the_horizon_and_a_run_without_visits(patient_run, tmp_path):
    """Exit code 2 and a message naming what is wrong and what is allowed: a cut-off
    of 30 in a 30-day run, a cut-off without a baseline, and a baseline saved with
    output.save_visits=false."""
    result, directory = patient_run
    no_visits = tmp_path / "no_visits"
    result.save(no_visits, figures=False, save_visits=False)
    cases = {
        ("--baseline", str(directory), "--cutoff-day", "30"): "allows 1 to 29",
        ("--cutoff-day", "10"): "give the baseline too",
        ("--baseline", str(no_visits)): "output.save_visits=true",
    }
    for arguments, message in cases.items():
        refused = subprocess.run(
            [sys.executable, "-m", "sim.crm", str(directory), *arguments, "--out", str(tmp_path / "out")],
            capture_output=True,
            text=True,
        )
        assert refused.returncode == 2, arguments
        assert message in refused.stderr and "Traceback" not in refused.stderr, refused.stderr
