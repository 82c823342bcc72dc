"""The KPI definitions and their accumulator, without running the model: the catalogue
(names, families, look-up, bounds, the reference page), the pandas-free sums they
replace, the exact percentile, and that the KPI path loads no pandas."""

import math
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sim.analysis import kpi_catalogue, kpis
from sim.analysis.kpi_totals import sums_by_group
from sim.analysis.percentiles import KeptWaits
from sim.complaints import hcat

STAGES = ["registration", "consultation", "exam_payment", "lab", "imaging", "review", "payment", "pharmacy"]
STATIONS = ["registration_windows", "doctors_surgery", "cashier", "lab", "imaging", "pharmacy"]


def test_names_are_unique_and_families_expand_key_by_key():
    names = kpis.names(STAGES)
    assert len(names) == len(set(names))
    assert [n for n in names if n.startswith("wait_") and n.endswith("_mean_min")][: len(STAGES)] == [
        f"wait_{stage}_mean_min" for stage in STAGES
    ]
    first = names.index("complaints_clinical_per_1000_visits")
    assert names[first : first + 6] == [
        "complaints_clinical_per_1000_visits",
        "expected_complaints_clinical_per_1000_visits",
        "expected_complaints_clinical_share",
        "complaints_management_per_1000_visits",
        "expected_complaints_management_per_1000_visits",
        "expected_complaints_management_share",
    ]
    assert sum(n.startswith("complaints_") and n.endswith("_per_1000_visits") for n in names) == (
        1 + len(hcat.DOMAINS) + len(hcat.CATEGORIES)
    )
    # a hospital without imaging has no imaging wait
    assert "wait_imaging_mean_min" not in kpis.names([s for s in STAGES if s != "imaging"])


def test_every_station_has_a_utilisation_kpi():
    names = kpis.names(STAGES, STATIONS)
    assert [n for n in names if n.endswith("_utilisation") and n != "doctor_utilisation"] == [
        f"{station}_utilisation" for station in STATIONS
    ]
    entry = kpis.describe("doctors_surgery_utilisation")
    assert (entry.label, entry.bounds, entry.pattern) == (
        "Utilisation, surgery doctors",
        kpis.SHARE,
        "<station>_utilisation",
    )
    assert "cashier_utilisation" not in kpis.names(STAGES)  # stations are named by the hospital


def test_every_entry_is_complete():
    for kpi in kpis.catalogue(STAGES, STATIONS):
        assert kpi.label and kpi.unit and kpi.meaning and kpi.group, kpi.name
        assert "{" not in kpi.name + kpi.label + kpi.meaning, kpi.name
        assert isinstance(kpi.better, kpis.Better)
        low, high = kpi.bounds
        assert low < high
        if kpi.name.endswith(("_share", "_utilisation")):
            assert kpi.bounds == kpis.SHARE and kpi.unit == "share", kpi.name


def test_describe_finds_plain_names_and_family_members():
    for kpi in kpis.catalogue(STAGES, STATIONS):
        found = kpis.describe(kpi.name)
        assert (found.label, found.group, found.pattern) == (kpi.label, kpi.group, kpi.pattern)
    # names that also fit the pattern wait_<stage>_mean_min are KPIs of their own
    assert kpis.describe("wait_doctor_mean_min").pattern == ""
    assert kpis.describe("wait_walk_in_mean_min").label == "Walk-ins' mean wait for the doctor"
    lab = kpis.describe("wait_lab_mean_min")
    assert (lab.pattern, lab.label) == ("wait_<stage>_mean_min", "Mean wait for lab")
    assert kpis.describe("complaints_respect_and_patient_rights_per_1000_visits").label == (
        "Complaints about respect & patient rights per 1,000 visits"
    )
    for unknown in ("complaints_fees_per_1000_visits", "expected_complaints_quality_share", "waits"):
        with pytest.raises(KeyError, match=unknown):
            kpis.describe(unknown)


def test_bounds_accept_values_inside_and_refuse_values_outside():
    share, wait, punctuality = (
        kpis.describe(n) for n in ("no_show_share", "wait_lab_mean_min", "punctuality_mean_min")
    )
    assert share.holds(0.0) and share.holds(1.0) and share.holds(math.nan)
    assert not share.holds(1.0000001) and not share.holds(-1e-12)
    assert wait.holds(1e6) and not wait.holds(-0.5)
    assert punctuality.holds(-45.0)


def test_reference_page_has_a_table_per_group_and_every_kpi():
    page = kpi_catalogue.markdown()
    assert [line[3:] for line in page.splitlines() if line.startswith("## ")] == list(kpis.GROUPS)
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    patterns = {
        kpi.pattern or kpi.name for kpi in kpis.catalogue(STAGES, STATIONS, optional=list(kpis.OPTIONAL_GROUPS))
    }
    assert {row.split("`")[1] for row in rows} == patterns
    assert len(rows) == len(patterns)
    assert "| `doctor_utilisation` | Doctor utilisation | share | none | 0 to 1 |" in page
    assert "| `punctuality_mean_min` | Mean arrival against slot time | min | none | any |" in page
    assert "`<stage>`: each stage of the pathway" in page
    assert "Only in runs with `hospital.survey.enabled=true`." in page
    outside_code = re.sub(r"`[^`]*`", "", page)
    assert not re.search(r"<[a-z]", outside_code)  # outside code, <stage> would read as an HTML tag


@pytest.mark.parametrize("contiguous", [False, True], ids=["interleaved", "contiguous"])
def test_sums_by_group_are_pandas_groupby_sums_for_two_values_a_group(contiguous):
    """Doctor-days have at most two sessions; then every way of adding them agrees with
    the pandas groupby the kept KPIs used (compensated sums, or np.add.reduceat when
    the groups are contiguous), bit for bit."""
    rng = np.random.default_rng(3)
    for _ in range(200):
        n = int(rng.integers(1, 300))
        keys = rng.permutation(np.repeat(np.arange(n), 2))[:n]
        if contiguous:
            keys = np.sort(keys)
        values = rng.exponential(1.0, n) * 10.0 ** rng.integers(-8, 8, n)
        expected = pd.Series(values).groupby(keys, sort=False).sum().to_numpy()
        np.testing.assert_array_equal(sums_by_group(keys, values), expected)


def test_kept_waits_give_numpys_percentile():
    rng = np.random.default_rng(5)
    parts = [rng.exponential(15.0, size) for size in (0, 40, 1, 333)]
    waits = KeptWaits()
    for part in parts:
        waits.add(part)
    assert len(waits) == 374
    assert waits.percentile(90) == np.percentile(np.concatenate(parts), 90)
    one = KeptWaits()
    one.add(parts[3])
    assert one.percentile(90) == np.percentile(parts[3], 90)
    assert math.isnan(KeptWaits().percentile(90))


def test_the_kpi_path_loads_no_pandas():
    """A replication's KPIs need NumPy only: importing the definitions, the accumulator
    and the reference page loads none of the output libraries."""
    code = (
        "import sys, sim.analysis.kpis, sim.analysis.kpi_totals, sim.analysis.kpi_catalogue\n"
        "print(sorted(m for m in ('pandas', 'pyarrow', 'matplotlib', 'hydra', 'omegaconf') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
