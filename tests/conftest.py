"""Shared helpers: compose a config from overrides and simulate it quietly."""

from __future__ import annotations

import pytest

import sim

QUIET = ["output.progress=false"]


def run(*overrides: str) -> sim.Result:
    return sim.simulate(sim.compose([*QUIET, *overrides]))


@pytest.fixture(scope="session")
def demo_result() -> sim.Result:
    """teaching_demo, 3 days x 3 replications: shared by the invariant tests."""
    return run("hospital=teaching_demo", "run.days=3", "run.replications=3")


@pytest.fixture(scope="session")
def general_result() -> sim.Result:
    """general_hospital, 2 days x 2 replications."""
    return run("hospital=general_hospital", "run.days=2", "run.replications=2")
