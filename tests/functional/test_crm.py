"""CRM analytics of a run's patients: RFM and drug share equal a direct computation
from the visits; segments are the same for the same seed, numbered by value, checked
by a tree; a run compared with itself keeps and loses nobody more; the command line
writes its files and refuses a run without patients."""

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


def test_a_run_compared_with_itself_keeps_and_loses_nobody_more(patient_run):
    result, _ = patient_run
    table = crm.rfm_table(result.patients, DAYS)
    model = crm.segment(table, "drfm", seed=0)
    comparison, transitions = crm.compare(result.patients, result.patients, DAYS, model)
    assert (comparison["difference"] == 0).all()
    assert (comparison[["kept_by_scenario_only", "lost_by_scenario_only"]] == 0).all().all()
    assert comparison["patients"].sum() == len(table)
    for name in model.names:  # a patient stays in their segment unless lost
        assert transitions.loc[name].drop(["lost", name], errors="ignore").sum() == 0


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
