"""The teaching page's logic: its numbers are the command line's for the same overrides
and seed; Streamlit's AppTest drives the page script (the sliders follow the composed
defaults, Run shows the KPI cards and adds a row to the scenarios tried, a moved
slider becomes an override)."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

pytest.importorskip("streamlit")

from sim.app.runner import run_page  # noqa: E402

OVERRIDES = [
    "hospital=teaching_demo",
    "intervention=mobile_payment",
    "hospital.departments.internal_medicine.doctors=4",
    "run.days=2",
    "run.replications=3",
]


def test_page_numbers_equal_the_command_lines(tmp_path):
    """Every KPI's mean and interval from the page's run equal summary.json of
    ``python -m sim`` with the same overrides (same seed)."""
    page = run_page(OVERRIDES, animate=False)
    quiet = ["output.figures=false", "output.report=false", "output.print_kpis=false", "output.progress=false"]
    subprocess.run(
        [sys.executable, "-m", "sim", *OVERRIDES, *quiet, f"output.dir={tmp_path}"],
        check=True,
        capture_output=True,
    )
    cli = json.loads((tmp_path / "summary.json").read_text())
    assert set(cli) == set(page.summary.index)
    for kpi, row in page.summary.iterrows():
        for column in ("mean", "ci_low", "ci_high"):
            mine, theirs = float(row[column]), cli[kpi][column]
            assert (math.isnan(mine) and theirs is None) or mine == theirs, (kpi, column, mine, theirs)

    assert set(page.waits_by_hour["department"]) == {"internal medicine", "surgery"}  # words, not config keys


@pytest.fixture(scope="module")
def app():
    from streamlit.testing.v1 import AppTest

    from sim.app import page

    test = AppTest.from_file(page.__file__, default_timeout=180)
    test.run()
    assert not test.exception
    return test


def test_controls_follow_the_composed_defaults(app):
    """teaching_demo's doctors and stations as sliders at their defaults; switching on
    online appointments moves the untouched booked-share slider to 85%."""
    assert app.sidebar.selectbox(key="hospital").value == "teaching_demo"
    assert app.sidebar.slider(key="hospital.departments.internal_medicine.doctors").value == 3
    assert app.sidebar.slider(key="hospital.booking.booked_share").value == pytest.approx(0.35)
    app.sidebar.toggle(key="iv:online_appointments").set_value(True).run()
    assert app.sidebar.slider(key="hospital.booking.booked_share").value == pytest.approx(0.85)
    app.sidebar.toggle(key="iv:online_appointments").set_value(False).run()
    assert app.sidebar.slider(key="hospital.booking.booked_share").value == pytest.approx(0.35)


def test_run_shows_cards_and_remembers_scenarios(app):
    """Run fills the KPI cards (the worker's numbers) and the table of scenarios tried;
    a moved slider is an override of the scenario run next."""
    app.sidebar.number_input(key="run.days").set_value(2)
    app.sidebar.number_input(key="run.replications").set_value(3)
    app.sidebar.button[0].click().run()
    assert not app.exception
    tried = app.session_state["tried"]
    assert len(tried) == 1 and tried[0]["command line"].endswith("run.days=2 run.replications=3")
    expected = run_page(["hospital=teaching_demo", "run.days=2", "run.replications=3"], animate=False)
    wait = expected.summary.loc["wait_doctor_mean_min", "mean"]
    assert any(f"{wait:.1f} min" in m.value for m in app.markdown)
    app.sidebar.slider(key="hospital.departments.internal_medicine.doctors").set_value(4)
    app.sidebar.button[0].click().run()
    tried = app.session_state["tried"]
    assert len(tried) == 2 and "hospital.departments.internal_medicine.doctors=4" in tried[1]["command line"]
    assert tried[1]["Mean wait for the doctor"] != tried[0]["Mean wait for the doctor"]
