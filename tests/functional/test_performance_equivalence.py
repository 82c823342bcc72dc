"""The shortcuts taken for speed and memory give what the plain way gives."""

import hashlib
import json
import os

import numpy as np
import pytest
from omegaconf import OmegaConf

import sim
from sim.complaints import model as complaints
from sim.config.compose import to_typed
from sim.engine.day import simulate_replication
from sim.engine.records import counted, stage_names
from sim.reporting import render as report
from sim.runs import sweep_jobs as sweep
from sim.runs.result import config_to_yaml
from sim.streams import Streams
from tests.forking import figure_bytes, passes_in_a_process_of_its_own


@pytest.mark.parametrize("hospital", ["teaching_demo", "general_hospital", "validation_mmc", "validation_network"])
def test_config_yaml_is_what_omegaconf_writes(hospital):
    interventions = (
        "intervention=["
        + ",".join(
            [
                "communication_training",
                "queue_information",
                "complaint_office_staffing",
                "self_service_kiosks",
                "mobile_payment",
                "online_appointments",
            ]
        )
        + "]"
    )
    for overrides in ([f"hospital={hospital}"], [f"hospital={hospital}", interventions]):
        typed = to_typed(sim.compose(overrides))
        assert config_to_yaml(typed) == OmegaConf.to_yaml(OmegaConf.structured(typed))


def test_complaints_day_by_day_equal_the_model_on_the_whole_replication():
    """A visit's complaint drivers depend only on its own day, so assessing day by day
    (as runs do, to keep memory low) gives exactly the one-shot result."""
    cfg = to_typed(sim.compose(["hospital=teaching_demo", "run.days=4", "hospital.complaints.base_per_1000_visits=30"]))
    visits, _ = simulate_replication(cfg.hospital, cfg.run, 1)
    stages = stage_names(cfg.hospital)
    whole = complaints.assess(visits, cfg.hospital, Streams(cfg.run.seed, 1), stages)
    by_day = complaints.assess_replication(visits, cfg.hospital, cfg.run, 1, stages)
    assert len(np.unique(visits["day"])) == 4 and len(whole.complaints["time"]) > 10
    for name, values in whole.visits.items():
        np.testing.assert_array_equal(by_day.visits[name], values, err_msg=name)
    for name, values in whole.complaints.items():
        np.testing.assert_array_equal(by_day.complaints[name], values, err_msg=name)
    np.testing.assert_array_equal(by_day.expected_by_category, whole.expected_by_category)

    day_by_day = complaints.DayByDay(cfg.hospital, cfg.run, 1, stages)
    for day in np.unique(visits["day"]):
        day_by_day.add_day({name: values[visits["day"] == day] for name, values in visits.items()})
    keep = counted(visits)
    # the running total continues the replication-wide sum exactly (same order of additions)
    np.testing.assert_array_equal(day_by_day.expected_by_category, whole.expected_by_category[keep].sum(axis=0))


def test_config_digest_is_that_of_omegaconfs_container():
    """Sweeps recognise complete jobs by this digest: it must not change with the faster way."""
    for overrides in (
        ["hospital=teaching_demo"],
        ["hospital=general_hospital", "run.replications=auto", "intervention=[online_appointments,mobile_payment]"],
    ):
        typed = to_typed(sim.compose(overrides))
        data = OmegaConf.to_container(OmegaConf.structured(typed))
        for key in sweep.NOT_RESULTS:
            data.pop(key, None)
        data["run"].pop("jobs", None)
        expected = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
        assert sweep.config_digest(typed) == expected


def test_figures_drawn_in_two_processes_are_those_drawn_in_one(tmp_path, monkeypatch, demo_result):
    if passes_in_a_process_of_its_own(__file__, "test_figures_drawn_in_two_processes_are_those_drawn_in_one"):
        return
    if not report.can_fork():
        pytest.skip("figures are drawn in one process here (not Linux, one core, or threads running)")
    report.save_figures(demo_result, tmp_path / "two")
    monkeypatch.setattr(report, "can_fork", lambda: False)
    report.save_figures(demo_result, tmp_path / "one")
    one, two = figure_bytes(tmp_path / "one"), figure_bytes(tmp_path / "two")
    assert len(one) == 6 and one == two


def test_figures_of_a_failed_forked_process_are_drawn_in_this_one(tmp_path, monkeypatch, demo_result):
    if passes_in_a_process_of_its_own(__file__, "test_figures_of_a_failed_forked_process_are_drawn_in_this_one"):
        return
    if not report.can_fork():
        pytest.skip("figures are drawn in one process here")
    parent = os.getpid()
    draw = report._draw

    def fails_in_the_copy(result, directory, figures):
        if os.getpid() != parent:
            raise RuntimeError("the forked process fails")
        draw(result, directory, figures)

    monkeypatch.setattr(report, "_draw", fails_in_the_copy)
    paths = report.save_figures(demo_result, tmp_path)
    assert all(path.is_file() for path in paths) and len(paths) == 6


def test_kept_days_grown_in_place_equal_the_days_joined_at_the_end():
    """``GrowingColumns`` (the kept visits of a replication, added day by day into
    buffers that double) gives exactly what joining the days' arrays gives, dtypes
    included: across several growths, a 2-D column, an empty day, and a day whose
    column has a wider dtype (widened as ``np.concatenate`` widens it)."""
    from sim.engine.day import GrowingColumns, concat_columns

    rng = np.random.default_rng(7)
    sizes = [3, 0, 5, 17, 1, 40]

    def day(n, k):
        return {
            "time": rng.random(n),
            "doctor": rng.integers(-1, 9, n).astype(np.int32 if k != 4 else np.int64),
            "flag": rng.random(n) < 0.5,
            "gaps": rng.random((n, 2)),
        }

    parts = [day(n, k) for k, n in enumerate(sizes)]
    copies = [{name: values.copy() for name, values in part.items()} for part in parts]
    store = GrowingColumns(initial_rows=4)
    for part in parts:
        store.add(part)
    grown, joined = store.columns(), concat_columns(copies)
    assert list(grown) == list(joined) and len(grown["time"]) == sum(sizes)
    for name, values in joined.items():
        assert grown[name].dtype == values.dtype and grown[name].shape == values.shape, name
        np.testing.assert_array_equal(grown[name], values, err_msg=name)
    assert grown["doctor"].dtype == np.int64 and grown["time"].flags.owndata


def test_simulated_replication_is_unchanged_by_the_kept_columns_store():
    """A replication's visits kept with ``GrowingColumns`` equal the days joined."""
    from sim.engine.day import concat_columns, replication_days

    cfg = to_typed(sim.compose(["hospital=teaching_demo", "run.days=5"]))
    visits, sessions = simulate_replication(cfg.hospital, cfg.run, 0)
    days = list(replication_days(cfg.hospital, cfg.run, 0))
    joined_visits = concat_columns([v for v, _ in days])
    joined_sessions = concat_columns([s for _, s in days])
    for got, want in ((visits, joined_visits), (sessions, joined_sessions)):
        assert list(got) == list(want)
        for name, values in want.items():
            assert got[name].dtype == values.dtype, name
            np.testing.assert_array_equal(got[name], values, err_msg=name)


@pytest.mark.parametrize(
    "values",
    [
        [],
        [float("nan")] * 3,
        [1.5, float("nan"), 480],
        [480, 490, 500],
        [0.25, 1.0, 2.5],
        [True, float("nan")],
    ],
    ids=["empty", "all_nan", "mixed", "integers", "floats", "bool_nan"],
)
def test_a_day_log_column_is_what_np_array_makes_of_it(values):
    """The day's logged columns (``sim.engine.records._times``, by ``np.fromiter``)
    have the values and dtype ``np.array`` gives, also for a column with no NaN that
    holds only integers. (The engine writes only numbers into them.)"""
    from sim.engine.records import _times

    got, want = _times(values), np.array(values)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
