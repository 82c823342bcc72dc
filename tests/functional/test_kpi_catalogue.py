"""The KPI catalogue describes exactly the KPIs runs produce, and their values and
their 95% intervals stay within the natural bounds it gives (shares in [0, 1], waits
and rates >= 0), on ordinary, booked, overloaded and tiny runs."""

import pytest

from sim.analysis import kpis
from sim.analysis.stations import stations
from sim.engine.records import stage_names
from tests.conftest import run

OVERLOADED = ["hospital=teaching_demo", "run.days=2", "run.replications=2", "hospital.arrivals.daily_volume=600"]
TINY = ["hospital=teaching_demo", "run.days=1", "run.replications=2", "hospital.arrivals.daily_volume=3"]


def _run_kpis(result) -> list[str]:
    return [name for name in result.kpis.columns if name != "replication"]


@pytest.mark.parametrize("fixture", ["general_result", "appointments_result"])
def test_every_kpi_of_a_run_has_a_catalogue_entry_and_every_entry_a_kpi(fixture, request):
    """general_hospital, and teaching_demo with bookings: the run's KPI columns are the
    catalogue's names for its stages and stations, in the same order."""
    result = request.getfixturevalue(fixture)
    hospital = result.config.hospital
    assert _run_kpis(result) == kpis.names(stage_names(hospital), [s.name for s in stations(hospital)])
    appointments = [kpi.name for kpi in kpis.catalogue([]) if kpi.group == "Appointments"]
    assert result.kpis[appointments].notna().all().all()  # booked patients: the appointment KPIs are defined
    for name in _run_kpis(result):
        assert kpis.describe(name).name == name


@pytest.mark.parametrize(
    "fixture_or_overrides",
    ["general_result", "appointments_result", "demo_result", OVERLOADED, TINY],
    ids=["general_hospital", "appointments", "teaching_demo", "overloaded", "tiny"],
)
def test_kpis_stay_within_their_bounds(fixture_or_overrides, request):
    if isinstance(fixture_or_overrides, str):
        result = request.getfixturevalue(fixture_or_overrides)
    else:
        result = run(*fixture_or_overrides)
    outside = [
        (name, value)
        for name in _run_kpis(result)
        for value in result.kpis[name]
        if not kpis.describe(name).holds(float(value))
    ]
    assert not outside, outside
    intervals = result.summary
    outside = [
        (name, row["ci_low"], row["ci_high"])
        for name, row in intervals.iterrows()
        if not (kpis.describe(name).holds(row["ci_low"]) and kpis.describe(name).holds(row["ci_high"]))
    ]
    assert not outside, outside
    defined = intervals.dropna(subset=["ci_low"])
    assert ((defined["ci_low"] <= defined["mean"]) & (defined["mean"] <= defined["ci_high"])).all()
    if fixture_or_overrides is OVERLOADED:  # a bound is reached, not merely respected
        assert result.kpis["sessions_with_overtime_share"].eq(1.0).all()
        assert result.kpis["doctor_utilisation"].gt(0.99).all()
