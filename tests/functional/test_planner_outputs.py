"""What a planner reads: the printed KPI table (labels and units from the catalogue,
numbers for people, flags exactly where the interval is wider than
``output.precision_warning``), overload warnings on an overloaded clinic and none on
the ordinary one, the month figure only for runs spanning two months, and the run
report (summary, warnings, glossary, the same flags)."""

import re

import pytest

from sim.analysis import stats
from sim.analysis.overload import overload_warnings
from sim.reporting import numbers
from sim.reporting.html import write_run_report
from sim.reporting.render import save_figures
from sim.reporting.text import FLAG, kpi_table
from tests.conftest import run

OVERLOADED = ["hospital=teaching_demo", "run.days=2", "run.replications=2", "hospital.arrivals.daily_volume=1500"]


def test_numbers_are_formatted_for_people():
    assert numbers.kpi_value(19980.0, "visits") == "19,980"
    assert numbers.kpi_value(1.998e4, "visits") == "19,980"
    assert numbers.kpi_value(14.034, "min") == "14.0"
    assert numbers.kpi_value(0.000123, "per 1,000 visits") == "0.0001"
    assert numbers.kpi_value(0.4523, "share") == "45.2%"
    assert numbers.kpi_value(1049.6, "min after midnight") == "17:30"
    assert numbers.kpi_interval(14.0, 12.13, 15.87, "min") == "12.1 to 15.9"
    assert numbers.kpi_value(float("nan"), "min") == numbers.DASH
    assert numbers.signed_percent(-0.61) == "−61%"


def _flagged_labels(table: str) -> set[str]:
    return {re.split(r"\s{2,}", line.strip())[0] for line in table.splitlines() if line.rstrip().endswith(FLAG)}


@pytest.mark.parametrize("threshold", [0.05, 0.10, 0.5])
def test_flags_appear_exactly_where_the_half_width_exceeds_the_threshold(demo_result, threshold):
    summary = demo_result.summary
    table = kpi_table(summary, threshold, 3)
    assert "e+" not in table and "wait_consultation_mean_min" not in table  # plain words, no scientific notation
    assert "Mean wait for the doctor (min)" in table and "Visits completed (%)" in table
    expected = set(summary.index[summary["rel_half_width"] > threshold])
    from sim.reporting.html import kpi_row

    labels = {kpi_row(name, summary.loc[name], False)["label"] for name in expected}
    assert _flagged_labels(table) == labels
    assert ("run.replications (now 3)" in table) == bool(expected)


def test_kpi_table_columns_line_up_even_for_the_longest_label(demo_result):
    """Every row, the longest label's too, ends where the header does (numbers are
    right-aligned): a label wider than its column would push its numbers out."""
    table = kpi_table(demo_result.summary, None)
    lines = [line for line in table.splitlines() if line.startswith("  ")]
    header = next(line for line in table.splitlines() if line.rstrip().endswith("±"))
    longest = max(lines, key=lambda line: len(re.split(r"\s{2,}", line.strip())[0]))
    assert "respect & patient rights" in longest  # the demo has the catalogue's longest labels
    assert {len(line) for line in lines} == {len(header)}


def test_overload_is_warned_with_station_numbers_and_what_to_change():
    overloaded = run(*OVERLOADED)
    warnings = overload_warnings(overloaded.summary, overloaded.stations, overloaded.config.hospital)
    text = "\n".join(w.text() for w in warnings)
    assert "Doctors, internal medicine: offered load" in text and "× capacity" in text
    assert "hospital.departments.internal_medicine.doctors, now 3" in text
    assert "patients still waiting at 18:00" in text


def test_an_ordinary_day_gets_no_overload_warning(demo_result):
    assert overload_warnings(demo_result.summary, demo_result.stations, demo_result.config.hospital) == []


def test_month_figure_only_when_the_run_spans_two_months(tmp_path, demo_result):
    """5 days in March: no month figure; 3 days across the end of March: one."""
    names = {p.name for p in save_figures(demo_result, tmp_path / "march")}
    assert "complaints_by_month.png" not in names and "stations.png" in names
    across = run("hospital=teaching_demo", "run.days=3", "run.replications=1", "run.start_date=2026-03-30")
    assert "complaints_by_month.png" in {p.name for p in save_figures(across, tmp_path / "across")}


def test_the_run_report_has_a_summary_warnings_glossary_and_flags(tmp_path):
    result = run(*OVERLOADED)
    result.save(tmp_path)
    page = write_run_report(tmp_path).read_text()
    summary = page.index('id="summary"')
    assert summary < page.index('id="warnings"') < page.index('id="glossary"') < page.index('id="all-kpis"')
    assert "Patients waited on average" in page and "95% CI" in page
    assert "Doctors, internal medicine</b>: offered load" in page
    flagged = int(stats.imprecise(result.summary, 0.10).sum())
    assert page.count('<tr class="imprecise">') >= flagged > 0  # every flagged KPI in the table (more in the headline)
    assert f"{flagged} KPI(s) marked ! are imprecise" in page
    assert "@media print" in page and "<script" in page and "http" not in page.split("<body>")[1].split("docs/")[0]


def test_the_report_from_the_run_in_memory_is_the_one_from_its_files(tmp_path):
    """``python -m sim`` hands the report its typed config instead of reading
    ``config.yaml`` back: the page is the same, byte for byte, on an overloaded run
    with interventions (warnings, flags and the interventions line all read the config)."""
    result = run(*OVERLOADED, "intervention=online_appointments")
    result.save(tmp_path, figures=False)
    from_files = write_run_report(tmp_path).read_text()
    from_memory = write_run_report(tmp_path, result.config).read_text()
    assert "online_appointments" in from_files and "offered load" in from_files
    assert from_memory == from_files
