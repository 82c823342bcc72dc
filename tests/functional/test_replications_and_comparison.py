"""run.replications=auto reaches its target; common random numbers narrow the paired
interval; local and dask runners give identical tables; bad settings are refused."""

import pandas as pd
import pytest

import sim
from sim.analysis.compare import differences
from sim.config.compose import ConfigError, to_typed
from sim.runs.scenarios import compare_scenarios
from tests.conftest import QUIET, run

DEMO = ["hospital=teaching_demo", "run.days=2"]


def test_auto_replications_reach_the_target_precision():
    target = 0.08
    result = run(*DEMO, "run.replications=auto", f"run.target_precision={target}", "run.jobs=2")
    rule = result.provenance["replications_rule"]
    n = len(result.kpis)
    assert rule["reached"] and rule["replications_run"] == n == result.config.run.replications
    achieved = result.summary.loc["wait_consultation_mean_min", "rel_half_width"]
    assert achieved <= target and rule["precision"]["wait_consultation_mean_min"] == pytest.approx(achieved)
    # it stopped at the first checkpoint on target: the one before was not
    history = rule["history"]
    assert history[-1]["replications"] == n and len(history) >= 2
    assert history[-2]["precision"]["wait_consultation_mean_min"] > target
    # batches change nothing: the same tables as asking for n replications outright
    fixed = run(*DEMO, f"run.replications={n}")
    pd.testing.assert_frame_equal(result.kpis, fixed.kpis)


def test_auto_replications_stop_at_the_cap_and_say_so():
    result = run(*DEMO, "run.replications=auto", "run.target_precision=0.001", "run.max_replications=7")
    rule = result.provenance["replications_rule"]
    assert len(result.kpis) == 7 and not rule["reached"]
    from sim.analysis.precision import describe

    assert "cap of 7" in describe(rule)


def test_auto_replications_for_several_kpis_reach_all_targets():
    kpis = ["wait_consultation_mean_min", "time_in_system_mean_min"]
    result = run(*DEMO, "run.replications=auto", "run.target_precision=0.1", f"run.precision_kpis=[{','.join(kpis)}]")
    assert (result.summary.loc[kpis, "rel_half_width"] <= 0.1).all()


BAD = [
    (["run.replications=three"], ["run.replications = 'three'", "integer >= 1, or 'auto'"]),
    (["run.replications=true"], ["run.replications = True"]),
    (["run.replications=auto", "run.target_precision=0"], ["run.target_precision = 0.0", "between 0 and 1"]),
    (["run.replications=auto", "run.min_replications=1"], ["run.min_replications = 1", ">= 2"]),
    (["run.replications=auto", "run.max_replications=3"], ["run.max_replications = 3", ">= run.min_replications (5)"]),
    (["run.replications=auto", "run.precision_kpis=[]"], ["run.precision_kpis is empty"]),
    (["runner.kind=slurm"], ["runner.kind = 'slurm'", "local, dask"]),
    (["runner=dask", "runner.workers=-1"], ["runner.workers = -1", ">= 0"]),
]


@pytest.mark.parametrize("overrides, fragments", BAD, ids=[" ".join(o) for o, _ in BAD])
def test_bad_experiment_settings_are_refused(overrides, fragments):
    with pytest.raises(ConfigError) as error:
        to_typed(sim.compose(overrides))
    for fragment in fragments:
        assert fragment in str(error.value), str(error.value)


def test_unknown_precision_kpi_is_refused_with_the_kpis_there_are():
    with pytest.raises(ConfigError) as error:
        run(*DEMO, "run.replications=auto", "run.precision_kpis=[wait_for_godot_min]")
    message = str(error.value)
    assert "run.precision_kpis[0] = 'wait_for_godot_min'" in message
    assert "did you mean" in message and "docs/reference/kpis.md" in message


def test_common_random_numbers_narrow_the_paired_interval():
    """One more internal-medicine doctor. With the same seed, replication r of both
    scenarios sees the same patients, so the paired interval of the difference is much
    narrower than the interval of independent runs (other seed), and than a 'paired'
    interval over runs that do not share random numbers."""
    common = [*QUIET, "hospital=teaching_demo", "run.days=5", "run.replications=10", "run.jobs=2"]
    extra = ["hospital.departments.internal_medicine.doctors=4"]
    results, table = compare_scenarios({"baseline": [], "crn": extra, "independent": [*extra, "run.seed=7"]}, common)
    base, independent = results["baseline"].kpis, results["independent"].kpis
    table = table.set_index(["scenario", "kpi"])
    uncoupled = differences(base, independent, paired=True).set_index("kpi")  # pairs that share nothing
    for kpi in ("wait_consultation_mean_min", "time_in_system_mean_min"):
        paired = table.loc[("crn", kpi)]
        welch = table.loc[("independent", kpi)]
        assert bool(paired["paired"]) and not bool(welch["paired"])
        width = paired["difference_ci_high"] - paired["difference_ci_low"]
        assert width < 0.5 * (welch["difference_ci_high"] - welch["difference_ci_low"]), kpi
        assert width < 0.5 * (uncoupled.loc[kpi, "difference_ci_high"] - uncoupled.loc[kpi, "difference_ci_low"]), kpi
        assert bool(paired["significant"]) and paired["difference"] < 0  # a doctor more: shorter waits


@pytest.mark.parametrize("processes", [False, True], ids=["dask-threads", "dask-processes"])
def test_local_and_dask_runners_give_identical_tables(processes):
    pytest.importorskip("distributed")
    overrides = [*DEMO, "run.replications=4"]
    local = run(*overrides, "run.jobs=2")
    dask = run(*overrides, "runner=dask", "runner.workers=2", f"runner.processes={str(processes).lower()}")
    pd.testing.assert_frame_equal(local.kpis, dask.kpis)
    pd.testing.assert_frame_equal(local.visits, dask.visits)
    pd.testing.assert_frame_equal(local.doctor_sessions, dask.doctor_sessions)
