"""Staffing optimisation (``sim.research.optimise``): the staff cost prices each role's
hours; the grid sampler tries every configuration once and its best is the brute-force
optimum; the replication rule doubles a trial's replications only while a target is
undecided; a configuration gets the same KPIs whichever study proposes it, and its
printed command reproduces them; an interrupted study resumes to the same trials; bad
levers, objectives and targets are refused before anything runs."""

from __future__ import annotations

import itertools
import shlex

import pandas as pd
import pytest

import sim
from sim.config.compose import ConfigError, to_typed
from sim.research import evaluations, optimise, staff_cost

SMALL = [
    "output.progress=false",
    "run.jobs=1",
    "hospital=teaching_demo",
    "run.days=1",
    "research.task=optimise_staffing",
    "research.optimise.variables={doctors:{key:'hospital.departments.*.doctors',low:1,high:3},"
    "pharmacy_windows:{key:hospital.pharmacy.servers,low:1,high:2}}",
    "research.optimise.min_replications=3",
    "research.optimise.max_replications=6",
    "research.optimise.trials=8",
    "research.optimise.batch=4",
]


def typed(*overrides: str):
    return to_typed(sim.compose([*SMALL, *overrides]))


def test_the_staff_cost_prices_each_role_for_its_open_hours():
    """teaching_demo: 5 doctors x 7.5 h of sessions at 150, one registration window
    7:30-16:30 at 45, one cashier and one pharmacy window from 7:30 to the end of the
    last session (17:00) at 45 and 60 CNY an hour."""
    cfg = typed()
    assert staff_cost.role_hours(cfg.hospital) == {
        "doctor": 37.5,
        "registration_clerk": 9.0,
        "cashier": 9.5,
        "pharmacist": 9.5,
    }
    assert staff_cost.per_day(cfg) == 37.5 * 150 + 9 * 45 + 9.5 * 45 + 9.5 * 60


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    """Every configuration of the small space (18), run into a directory: (result, directory)."""
    directory = tmp_path_factory.mktemp("grid")
    return optimise.run(typed("research.optimise.sampler=grid"), directory), directory


def test_the_grid_tries_every_configuration_once_and_its_best_is_the_brute_force_optimum(grid):
    """18 configurations, each once; the best is the cheapest of those whose means meet
    both targets (ties: the shorter wait), found here by brute force over the table."""
    result, _ = grid
    table = optimise.trials_table(result)
    levers = ["doctors_internal_medicine", "doctors_surgery", "pharmacy_windows"]
    assert sorted(map(tuple, table[levers].to_numpy())) == sorted(itertools.product([1, 2, 3], [1, 2, 3], [1, 2]))
    meets = (table.wait_doctor_mean_min <= 15) & (table.expected_complaints_per_1000_visits <= 0.4)
    assert (table.feasible == meets).all()
    brute = table[meets].sort_values(["staff_cost_per_day", "wait_doctor_mean_min"]).iloc[0]
    assert result.best(1)[0].values == {lever: int(brute[lever]) for lever in levers}
    assert table.pareto.any() and (table[table.pareto].feasible).all()


def test_replications_double_only_while_a_target_is_undecided(grid):
    """Every trial has 3 or 6 replications; one with 3 has every target's interval clear
    of its target; some trials needed 6."""
    table = optimise.trials_table(grid[0])
    assert set(table.replications) == {3, 6}
    assert table[table.replications == 3].decided.all()


@pytest.fixture(scope="module")
def tpe(grid):
    """The TPE study of the same space, run into the grid's directory."""
    return optimise.run(typed(), grid[1])


def test_a_configuration_has_the_same_kpis_whoever_proposes_it_and_its_command_reproduces_them(grid, tpe):
    """TPE's trials reuse the grid's evaluations (same keys: common random numbers),
    computing nothing new, and the command printed for the best configuration, run as an
    ordinary scenario, gives the same KPIs."""
    result, _ = grid
    assert tpe.evaluations["computed_now"] == 0
    by_values = {tuple(t.values.values()): t for t in result.trials}
    for trial in tpe.trials:
        pd.testing.assert_frame_equal(trial.kpis, by_values[tuple(trial.values.values())].kpis)
    best = result.best(1)[0]
    command = shlex.split(optimise.command(result.problem, best, SMALL))
    assert command[:3] == ["python", "-m", "sim"]
    rerun = sim.simulate(sim.compose(["output.progress=false", *command[3:]]))
    columns = rerun.kpis.columns.drop("replication")
    pd.testing.assert_frame_equal(rerun.kpis[columns], best.kpis[columns])


def test_an_interrupted_study_resumes_to_the_same_trials(tpe, tmp_path, monkeypatch):
    """Cut off after 10 evaluations, the study run again into its directory proposes the
    same configurations, computes only what was missing, and ends as an uninterrupted
    study of the same seed (the one above)."""
    cfg = typed()
    real, calls = evaluations.replication_kpis, []

    def cut_off(variant, replication):
        if len(calls) == 10:
            raise KeyboardInterrupt
        calls.append(replication)
        return real(variant, replication)

    monkeypatch.setattr(evaluations, "replication_kpis", cut_off)
    with pytest.raises(KeyboardInterrupt):
        optimise.run(cfg, tmp_path)
    monkeypatch.setattr(evaluations, "replication_kpis", real)
    resumed = optimise.run(cfg, tmp_path)
    assert resumed.evaluations["read_back"] == 10
    assert resumed.evaluations["computed_now"] == len(evaluations.Store(tmp_path).results) - 10
    pd.testing.assert_frame_equal(optimise.trials_table(resumed), optimise.trials_table(tpe))


@pytest.mark.parametrize(
    ("override", "fragments"),
    [
        (
            "research.optimise.variables={demand:{key:hospital.arrivals.daily_volume,low:1,high:2}}",
            ["research.optimise.variables.demand.key", "hospital.arrivals.daily_volume: not an integer setting"],
        ),
        (
            "research.optimise.variables={cashiers:{key:hospital.cashier.servers,low:3,high:2}}",
            ["research.optimise.variables.cashiers: low = 3, high = 2"],
        ),
        (
            "research.optimise.variables={cashiers:{key:hospital.cashier.servers,low:0,high:2}}",
            ["research.optimise.variables.cashiers: at 0", "hospital.cashier.servers = 0"],
        ),
        (
            "research.optimise.objectives=[staff_cost,wait_doctor_mean_min]",
            ["research.optimise.objectives: no KPI named 'staff_cost'"],
        ),
        ("research.optimise.targets={wait_mean:15}", ["research.optimise.targets: no KPI named 'wait_mean'"]),
        ("research.optimise.min_replications=8", ["min_replications = 8: must not exceed max_replications (6)"]),
        ("research.optimise.hourly_cost={doctor:150}", ["no cost for registration_clerk, cashier, pharmacist"]),
    ],
)
def test_bad_levers_objectives_and_targets_are_refused_before_anything_runs(override, fragments):
    """Each problem names the key, the value and what is allowed."""
    with pytest.raises(ConfigError) as error:
        optimise.problem_of(typed(override))
    for fragment in fragments:
        assert fragment in str(error.value), str(error.value)
