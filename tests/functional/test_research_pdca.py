"""The PDCA loop (``sim.research.pdca``) is a loop over simulations: each Plan picks
the cause the current scenario's simulation ranks highest, each Act keeps a change
only when its paired interval shows an improvement, a change that cannot act is
reverted; interventions are applied exactly as composing them would; an interrupted
loop resumes without recomputing; bad changes are refused before anything runs."""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from sim.config.compose import ConfigError, to_typed
from sim.research import evaluations, pdca
from sim.runs.sweep_jobs import config_digest

SMALL = [
    "output.progress=false",
    "run.jobs=1",
    "hospital=teaching_demo",
    "run.days=1",
    "run.replications=12",
    "research.task=pdca",
    "research.pdca.cycles=3",
    # complaint_office_staffing changes who handles complaints, not how many there are:
    # its difference is exactly zero, so it must be reverted
    "research.pdca.changes={institutional_processes:[complaint_office_staffing,queue_information],"
    "listening:[communication_training],communication:[communication_training],"
    "respect_and_patient_rights:[communication_training]}",
]


def typed(*overrides: str):
    return to_typed(sim.compose([*SMALL, *overrides]))


def test_an_intervention_applied_as_a_patch_is_the_intervention_composed():
    """Do applies an intervention to the current typed config; the result is the
    config ``intervention=[a,b]`` composes, and overrides apply as on the command line."""
    base = typed()
    patched = pdca.parse_change("queue_information hospital.cashier.servers=2").apply(
        pdca.parse_change("mobile_payment").apply(base)
    )
    composed = typed("intervention=[mobile_payment,queue_information]", "hospital.cashier.servers=2")
    assert config_digest(patched) == config_digest(composed)
    assert list(patched.interventions) == ["mobile_payment", "queue_information"]


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    """Three cycles on the small clinic, run into a directory: (config, result)."""
    cfg = typed()
    return cfg, pdca.run(cfg, tmp_path_factory.mktemp("pdca"))


def test_each_cycle_plans_on_the_simulated_top_cause_and_keeps_only_significant_improvements(loop):
    """Plan's rates are the current scenario's simulated KPIs (checked against an
    ordinary run of that scenario); the cause tried is the highest-ranked one with a
    change left; a change is kept exactly when the upper end of its paired interval is
    below zero, and the next cycle starts from the scenario kept."""
    cfg, result = loop
    cycles = result.cycles
    assert len(cycles) == 3
    spec = cfg.research.pdca
    current = cfg
    tried: set[str] = set()
    for row, rates in zip(cycles.itertuples(), result.plans, strict=True):
        simulated = sim.simulate(current).kpis.mean()
        for cause, rate in rates.items():
            assert rate == pytest.approx(simulated[spec.cause_kpi.format(cause=cause)], rel=1e-12)
        open_causes = [c for c, texts in spec.changes.items() if set(texts) - tried]
        assert row.cause == max(open_causes, key=rates.get)
        assert row.decision == ("kept" if row.difference_ci_high < 0 else "reverted")
        tried.add(row.change)
        if row.decision == "kept":
            current = pdca.parse_change(row.change).apply(current)
    first = cycles.iloc[0]
    if first.change == "complaint_office_staffing":
        assert first.difference == 0 and first.decision == "reverted"
    assert list(result.final.cfg.interventions) == list(cycles[cycles.decision == "kept"].change)
    assert (cycles.kpi_before.iloc[1:].to_numpy() == cycles.kpi_after.iloc[:-1].to_numpy()).all()
    assert (cycles.decision == "kept").any() and (cycles.decision == "reverted").any()


def test_an_interrupted_loop_resumes_where_it_stopped(loop, tmp_path, monkeypatch):
    """Cut off in its second scenario, the loop run again into its directory replays the
    finished evaluations from disk, computes only the rest, and decides as an
    uninterrupted loop of the same seed does."""
    cfg, whole = loop
    real, calls = evaluations.replication_kpis, []

    def cut_off(variant, replication):
        if len(calls) == 15:
            raise KeyboardInterrupt
        calls.append(replication)
        return real(variant, replication)

    monkeypatch.setattr(evaluations, "replication_kpis", cut_off)
    with pytest.raises(KeyboardInterrupt):
        pdca.run(cfg, tmp_path / "cut")
    monkeypatch.setattr(evaluations, "replication_kpis", real)
    resumed = pdca.run(cfg, tmp_path / "cut")
    assert resumed.evaluations["read_back"] == 15
    assert resumed.evaluations["computed_now"] == whole.evaluations["computed_now"] - 15
    pd.testing.assert_frame_equal(resumed.cycles, whole.cycles)


@pytest.mark.parametrize(
    ("override", "fragments"),
    [
        (
            "research.pdca.changes={institutional_processes:[queue_info]}",
            ["research.pdca.changes.institutional_processes: 'queue_info'", "is no intervention", "queue_information"],
        ),
        (
            "research.pdca.changes={waiting:[queue_information]}",
            ["no KPI named 'expected_complaints_waiting_per_1000_visits'"],
        ),
        (
            "research.pdca.changes={environment:['hospital.cashier.servers=0']}",
            ["hospital.cashier.servers = 0", ">= 1"],
        ),
        ("research.pdca.changes={environment:[]}", ["no change to try"]),
        ("research.pdca.kpi=complaint_rate", ["research.pdca.kpi: no KPI named 'complaint_rate'"]),
        ("research.pdca.cause_kpi=expected_complaints_per_1000_visits", ["must contain {cause}"]),
    ],
)
def test_bad_changes_are_refused_before_anything_runs(override, fragments):
    """Each problem names the key and the value, and what is allowed where there is a list."""
    with pytest.raises(ConfigError) as error:
        pdca.check(typed("research.pdca.changes={listening:[communication_training]}", override))
    for fragment in fragments:
        assert fragment in str(error.value), str(error.value)
