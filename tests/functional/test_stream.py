"""output.stream=true: visits written day by day, KPIs added up as the days go.

The streamed run must give the same tables (read back from Parquet) and complaints,
the same KPIs — exactly for counts, shares and sums taken in the same order; to
rounding for means (days summed separately); within the histogram's 1/128 minute
for the 90th percentile — and memory that does not grow with the horizon.
"""

import json
import math
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis.percentiles import WaitHistogram
from sim.runs import parquet as stream
from sim.runs import run_files
from sim.runs.sweep_jobs import mark_complete
from tests.conftest import run

BIN_MIN = 1 / WaitHistogram.BINS_PER_MIN
# means over visits or sessions: sums of days, added in another order
ROUNDED = {
    "time_in_system_mean_min",
    "punctuality_mean_min",
    "wait_booked_from_slot_mean_min",
    "wait_walk_in_mean_min",
    "wait_doctor_mean_min",
    "doctor_utilisation",
    "doctor_overtime_per_day_min",
    "last_doctor_leaves_clock_min",
    "doctor_idle_per_session_min",
    "doctor_overtime_per_session_min",
    "expected_complaints_per_1000_visits",
    "expected_complaints_clinical_share",
    "expected_complaints_management_share",
    "expected_complaints_relationships_share",
}
PERCENTILE = "wait_consultation_p90_min"

# teaching_demo with bookings, patience and a high complaint rate; replications on two workers
DEMO = [
    "hospital=teaching_demo",
    "run.days=5",
    "run.replications=3",
    "run.jobs=2",
    "hospital.complaints.base_per_1000_visits=30",
]
# a warm-up, pooled doctors, no bookings
NETWORK = [
    "hospital=validation_network",
    "run.replications=2",
    "hospital.registration.closes=40:00",
    "hospital.departments.clinic.sessions=[{start:'0:00',end:'40:00'}]",
    "hospital.warmup_min=300",
]


def assert_same_kpis(kept: pd.DataFrame, streamed: pd.DataFrame) -> None:
    assert list(streamed.columns) == list(kept.columns)
    for name in kept.columns:
        a, b = kept[name].to_numpy(dtype=float), streamed[name].to_numpy(dtype=float)
        if name == PERCENTILE:
            np.testing.assert_allclose(b, a, rtol=0, atol=BIN_MIN, err_msg=name)
        elif (
            name in ROUNDED or name.endswith("_utilisation") or name.startswith("wait_") and name.endswith("_mean_min")
        ):
            np.testing.assert_allclose(b, a, rtol=1e-12, atol=0, err_msg=name)
        else:
            np.testing.assert_array_equal(b, a, err_msg=name)


@pytest.mark.parametrize("overrides", [DEMO, NETWORK], ids=["teaching_demo", "validation_network"])
def test_streamed_run_gives_the_tables_and_kpis_of_a_kept_run(tmp_path, monkeypatch, overrides):
    monkeypatch.setattr(stream, "DAYS_PER_FILE", 2)  # several files per replication, read back in order
    kept = run(*overrides)
    streamed = run(*overrides, "output.stream=true", f"output.dir={tmp_path}")
    assert streamed.visits.empty and streamed.streamed_to == tmp_path
    files = sorted(path.name for path in (tmp_path / "visits.parquet").iterdir())
    if overrides is DEMO:
        assert files == [f"r{r:06d}-{k:06d}.parquet" for r in range(3) for k in range(3)]
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "visits.parquet"), kept.visits)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "doctor_sessions.parquet"), kept.doctor_sessions)
    pd.testing.assert_frame_equal(streamed.complaints, kept.complaints)
    assert_same_kpis(kept.kpis, streamed.kpis)
    a, b = kept.figure_data, streamed.figure_data
    assert a.rows == b.rows and np.array_equal(a.wait_count, b.wait_count)
    np.testing.assert_allclose(b.wait_sum, a.wait_sum, rtol=1e-12)
    np.testing.assert_allclose(b.doctor_totals(1), a.doctor_totals(1), rtol=1e-12)


def test_stream_without_saving_visits_keeps_only_the_kpis(tmp_path):
    kept = run(*DEMO)
    streamed = run(*DEMO, "output.stream=true", "output.save_visits=false")
    assert streamed.streamed_to is None and streamed.visits.empty
    assert_same_kpis(kept.kpis, streamed.kpis)
    streamed.save(tmp_path, figures=False, save_visits=False)
    assert not (tmp_path / "visits.parquet").exists() and (tmp_path / "complaints.parquet").is_file()


def test_streaming_visits_needs_a_directory():
    with pytest.raises(sim.ConfigError, match="output.stream = true.*output.dir"):
        run("hospital=teaching_demo", "run.days=1", "run.replications=1", "output.stream=true")


def test_a_streamed_result_saved_elsewhere_copies_its_tables(tmp_path):
    streamed = run(
        "hospital=teaching_demo",
        "run.days=2",
        "run.replications=1",
        "output.stream=true",
        f"output.dir={tmp_path / 'first'}",
    )
    streamed.save(tmp_path / "second", figures=False)
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "second" / "visits.parquet"), pd.read_parquet(tmp_path / "first" / "visits.parquet")
    )


def test_a_streamed_run_replaces_the_tables_of_an_earlier_one(tmp_path):
    """visits.parquet is a directory of files: a second run into the same directory must
    not read as the two runs together."""
    first = ["hospital=teaching_demo", "run.replications=2", "output.stream=true", f"output.dir={tmp_path}"]
    run(*first, "run.days=3")
    run(*first, "run.days=2")
    visits = pd.read_parquet(tmp_path / "visits.parquet")
    assert sorted(visits["day"].unique()) == [0, 1] and visits["replication"].nunique() == 2


def test_cli_stream_writes_the_run_files(tmp_path):
    out = tmp_path / "run"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "hospital=teaching_demo",
            "run.days=2",
            "run.replications=2",
            "output.stream=true",
            f"hydra.run.dir={out}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    for name in ("visits.parquet", "doctor_sessions.parquet"):
        assert (out / name).is_dir() and any((out / name).glob("*.parquet")), name
    for name in (
        "complaints.parquet",
        "summary.json",
        "report.html",
        "figures/waits_by_hour.png",
        "figures/complaints_lorenz.png",
    ):
        assert (out / name).is_file(), name
    assert pd.read_parquet(out / "visits.parquet")["replication"].nunique() == 2
    assert json.loads((out / "summary.json").read_text())["visits"]["n"] == 2


def test_a_streamed_rerun_killed_mid_way_reads_and_is_not_complete(tmp_path):
    """A streamed run killed (SIGKILL: no clean-up) while it writes into the directory
    of an earlier complete run: the earlier run's marker is gone, and visits.parquet
    reads as the whole 30-day parts finished, the open part (no footer yet) hidden
    under a temporary name. It used to keep the marker and leave a footerless file
    that broke pandas.read_parquet on the folder."""
    out = tmp_path / "run"
    earlier = run(
        "hospital=teaching_demo", "run.days=2", "run.replications=1", "output.stream=true", f"output.dir={out}"
    )
    earlier.save(out, figures=False)
    mark_complete(out, earlier.config, [], 0.0)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim",
            "hospital=teaching_demo",
            "run.days=3000",
            "run.replications=1",
            "run.jobs=1",
            "output.stream=true",
            "output.progress=false",
            f"hydra.run.dir={out}",
        ],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    folder = out / "visits.parquet"
    first, second = folder / "r000000-000000.parquet", run_files.temporary(folder / "r000000-000001.parquet")
    deadline = time.monotonic() + 120
    try:  # until the first part is closed and the second is being written
        while not (first.exists() and second.exists()) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        process.kill()
        process.wait()
    assert first.exists() and second.exists(), "the run ended before it could be killed mid-way"
    assert not (out / "complete.json").exists()
    days = sorted(pd.read_parquet(folder)["day"].unique())
    assert days == list(range(len(days))) and len(days) % stream.DAYS_PER_FILE == 0 and days, days


def _peak_traced_mb(days: int) -> float:
    cfg = sim.compose(
        [
            "output.progress=false",
            "hospital=teaching_demo",
            f"run.days={days}",
            "run.replications=1",
            "output.stream=true",
            "output.save_visits=false",
        ]
    )
    tracemalloc.start()
    try:
        sim.simulate(cfg)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def test_streamed_memory_does_not_grow_with_the_horizon():
    """Every per-visit array is dropped when its day is done: eight times the days, the
    same peak within a day's worth of visits (a run that keeps them grows by about
    2.5 MB from 7 to 56 days of teaching_demo)."""
    short, long = _peak_traced_mb(7), _peak_traced_mb(56)
    assert long < short + 1.0, (short, long)


def test_wait_histogram_percentile_is_within_a_bin_of_numpys():
    rng = np.random.default_rng(7)
    waits = np.concatenate([np.zeros(500), rng.exponential(20.0, 20_000), [5000.0, 7000.0]])
    rng.shuffle(waits)
    histogram = WaitHistogram()
    for part in np.array_split(waits, 9):
        histogram.add(part)
    assert len(histogram) == len(waits)
    for q in (0, 1, 2.5, 10, 50, 90, 99, 99.999, 100):
        assert math.isclose(histogram.percentile(q), np.percentile(waits, q), abs_tol=BIN_MIN), q
    assert math.isnan(WaitHistogram().percentile(90))


def test_days_converted_together_give_the_files_of_days_converted_one_by_one(tmp_path, monkeypatch):
    """``DayWriter`` converts a file's later days to Arrow together and writes them
    one row group per day: its files are byte for byte those of writing each day as
    it comes (its own conversion, its own row group), empty days included."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    monkeypatch.setattr(stream, "DAYS_PER_FILE", 3)
    rng = np.random.default_rng(3)
    categories = ["lab", "imaging", "none"]

    def frame(columns):
        data = dict(columns)
        data["exam"] = pd.Categorical.from_codes(columns["exam"], categories=categories)
        return pd.DataFrame(data)

    days = [
        {"day": np.full(n, d, dtype=np.int32), "time": rng.random(n), "exam": rng.integers(0, 3, n).astype(np.int8)}
        for d, n in enumerate([5, 0, 7, 4, 9, 1, 3])
    ]
    writer = stream.DayWriter(tmp_path / "together", "visits", 0, frame)
    for columns in days:
        writer.write(columns)
    writer.close()
    for part in range(3):  # one by one, as each day comes
        name = f"r000000-{part:06d}.parquet"
        tables = [pa.Table.from_pandas(frame(c), preserve_index=False) for c in days[3 * part : 3 * part + 3]]
        alone = tmp_path / "alone" / name
        alone.parent.mkdir(exist_ok=True)
        with pq.ParquetWriter(alone, tables[0].schema) as one_by_one:
            for table in tables:
                one_by_one.write_table(table)
        together = tmp_path / "together" / "visits.parquet" / name
        assert together.read_bytes() == alone.read_bytes(), name
        assert pq.ParquetFile(together).num_row_groups == len(tables)
