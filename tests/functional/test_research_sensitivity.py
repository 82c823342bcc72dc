"""Global sensitivity analysis (``sim.research.sensitivity``): the machinery recovers
the known Sobol indices of the Ishigami function; an analysis of the simulation is
the same under a fixed seed, resumes after an interruption without recomputing any
finished evaluation, and refuses bad parameters, ranges and outputs before anything
runs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import sim
from sim.config.compose import ConfigError, to_typed
from sim.research import evaluations, sensitivity

QUIET = ["output.progress=false", "run.jobs=1"]

# Ishigami & Homma 1990 (Saltelli et al. 2008, The Primer, §4.5): with a = 7, b = 0.1 the
# partial variances are V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8, V13 = 8 b^2 pi^8 / 225,
# the others 0, and V = a^2 / 8 + b pi^4 / 5 + b^2 pi^8 / 18 + 1 / 2.
A, B = 7.0, 0.1
V = A**2 / 8 + B * math.pi**4 / 5 + B**2 * math.pi**8 / 18 + 0.5
V1, V2, V13 = 0.5 * (1 + B * math.pi**4 / 5) ** 2, A**2 / 8, 8 * B**2 * math.pi**8 / 225
FIRST_ORDER = {"x1": V1 / V, "x2": V2 / V, "x3": 0.0}
TOTAL_ORDER = {"x1": (V1 + V13) / V, "x2": V2 / V, "x3": V13 / V}


def typed(*overrides: str):
    return to_typed(sim.compose([*QUIET, *overrides]))


def test_ishigami_indices_match_the_analytic_values():
    """Through the same sampling, evaluator and analysis as the simulation, the Ishigami
    function's first- and total-order indices fall within SALib's 95% bootstrap
    intervals of the analytic ones. Tolerance: the interval's half-width, required to be
    below 0.1 so that the check means something (at N = 1024 the half-widths are
    0.03-0.09; over seeds 1-3 the largest error was 0.42 of its half-width, the
    scrambled Sobol' sequence converging faster than the bootstrap assumes)."""
    cfg = typed(
        "research.sensitivity.model=ishigami", "research.sensitivity.sobol.base_samples=1024", "run.replications=1"
    )
    result = sensitivity.run(cfg)
    table = result.sobol.set_index("parameter")
    for name in FIRST_ORDER:
        for index, truth in (("S1", FIRST_ORDER[name]), ("ST", TOTAL_ORDER[name])):
            estimate, high = table.loc[name, index], table.loc[name, f"{index}_ci_high"]
            half = high - estimate
            assert 0 < half < 0.1, (name, index, half)
            assert abs(estimate - truth) <= half, (name, index, estimate, truth, half)
    assert result.kept == ["x1", "x2", "x3"]  # Sobol of every input: 3 <= sobol.parameters


SMALL = [
    "hospital=teaching_demo",
    "run.days=1",
    "run.replications=2",
    "research.task=sensitivity",
    "research.sensitivity.outputs=[expected_complaints_per_1000_visits,wait_doctor_mean_min]",
    "research.sensitivity.morris.trajectories=2",
    "research.sensitivity.sobol.base_samples=4",
    "research.sensitivity.sobol.parameters=2",
    "research.sensitivity.parameters={"
    "tolerance:{key:hospital.complaints.waits.tolerance_median_min.consultation,low:10,high:37},"
    "consultation:{key:'hospital.departments.*.consultation.median',relative:true,low:0.6,high:1.6},"
    "crowding:{key:hospital.complaints.crowding.odds_ratio_per_doubling,low:1.2,high:2.0}}",
]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The small analysis of the simulation, run into a directory: (config, result, directory)."""
    cfg = typed(*SMALL)
    directory = tmp_path_factory.mktemp("sensitivity")
    return cfg, sensitivity.run(cfg, directory), directory


def test_a_fixed_seed_gives_the_same_indices_and_an_interruption_recomputes_nothing(small, tmp_path, monkeypatch):
    """An analysis cut off after 10 evaluations and run again into its directory
    computes exactly the evaluations it lacked (none twice) and gives the indices an
    uninterrupted analysis of the same seed gives."""
    cfg, whole, directory = small
    total = whole.evaluations["computed_now"]
    assert total == len(evaluations.Store(directory).results) > 10

    calls = []
    real = evaluations.replication_kpis

    def cut_off_after_ten(variant, replication):
        if len(calls) == 10:
            raise KeyboardInterrupt
        calls.append(replication)
        return real(variant, replication)

    monkeypatch.setattr(evaluations, "replication_kpis", cut_off_after_ten)
    with pytest.raises(KeyboardInterrupt):
        sensitivity.run(cfg, tmp_path / "cut")
    monkeypatch.setattr(evaluations, "replication_kpis", real)

    resumed = sensitivity.run(cfg, tmp_path / "cut")
    assert resumed.evaluations["read_back"] == 10
    assert resumed.evaluations["computed_now"] == total - 10
    lines = (tmp_path / "cut" / evaluations.STORE_FILE).read_text().splitlines()
    assert len(lines) == total  # every evaluation once
    pd.testing.assert_frame_equal(resumed.indices(), whole.indices())


def test_common_random_numbers_leave_no_noise_where_a_parameter_cannot_act(small):
    """Every point runs with the run's seed: the wait for the doctor does not depend on
    the complaint model's parameters, so its Morris effects of them are exactly zero
    (independent random numbers would give each point its own noise)."""
    result = small[1]
    waits = result.morris[result.morris.output == "wait_doctor_mean_min"].set_index("parameter")
    assert waits.loc["tolerance", "mu_star"] == 0 and waits.loc["crowding", "mu_star"] == 0
    assert waits.loc["consultation", "mu_star"] > 0


@pytest.mark.parametrize(
    ("overrides", "fragments"),
    [
        (
            ["research.sensitivity.parameters.crowding.key=hospital.cashier.server"],
            ["research.sensitivity.parameters.crowding.key", "no setting 'server'", "servers"],
        ),
        (
            ["research.sensitivity.parameters.crowding.low=2.5"],
            ["research.sensitivity.parameters.crowding: low = 2.5, high = 2.0: low must be below high"],
        ),
        (
            [
                "research.sensitivity.parameters.crowding.key=hospital.booking.booked_share",
                "research.sensitivity.parameters.crowding.high=1.5",
            ],
            ["research.sensitivity.parameters.crowding: at 1.5", "hospital.booking.booked_share = 1.5"],
        ),
        (
            ["research.sensitivity.parameters.crowding.key=hospital.name"],
            ["hospital.name = 'teaching_demo': not a number"],
        ),
        (
            ["~research.sensitivity.parameters.crowding", "~research.sensitivity.parameters.tolerance"],
            ["research.sensitivity.parameters: 1 given; at least 2 are needed"],
        ),
        (
            ["research.sensitivity.outputs=[complaints_per_visit]"],
            ["research.sensitivity.outputs: no KPI named 'complaints_per_visit'"],
        ),
        (["research.sensitivity.sobol.base_samples=100"], ["base_samples = 100: must be a power of 2"]),
        (["research.sensitivity.morris.levels=5"], ["levels = 5: must be even"]),
    ],
)
def test_bad_parameters_and_outputs_are_refused_before_anything_runs(overrides, fragments):
    """Each problem names the key, the value and what is allowed."""
    with pytest.raises(ConfigError) as error:
        sensitivity.study_of(typed(*SMALL, *overrides))
    for fragment in fragments:
        assert fragment in str(error.value), str(error.value)


def test_a_relative_parameter_scales_each_entry_of_a_dict():
    """``*`` sets every department; relative multiplies each one's own value."""
    cfg = typed(*SMALL, "hospital.departments.surgery.consultation.median=4")
    study = sensitivity.study_of(cfg)
    consultation = next(p for p in study.parameters if p.name == "consultation")
    variant = study.variant([consultation], np.array([1.5]))
    assert variant.hospital.departments["internal_medicine"].consultation.median == 7.5
    assert variant.hospital.departments["surgery"].consultation.median == 6.0
    assert cfg.hospital.departments["surgery"].consultation.median == 4  # the study's own config untouched


def test_the_dask_runner_gives_the_evaluations_the_local_one_gives():
    """``runner=dask`` (a LocalCluster of two workers) evaluates the same variants to the
    same KPIs as the serial local runner: the research tools scale out unchanged."""
    cfg = typed(*SMALL)
    study = sensitivity.study_of(cfg)
    lows, highs = (np.array([getattr(p, end) for p in study.parameters]) for end in ("low", "high"))
    variants = [study.variant(study.parameters, lows), study.variant(study.parameters, highs)]
    with evaluations.Evaluator(cfg, None) as local:
        expected = local.replications(variants, range(2))
    on_dask = typed(*SMALL, "runner=dask", "runner.workers=2", "runner.processes=false")
    with evaluations.Evaluator(on_dask, None) as dask:
        assert dask.replications(variants, range(2)) == expected
