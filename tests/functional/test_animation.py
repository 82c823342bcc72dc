"""The animated day (``sim.reporting.animation``, ``python -m sim.animate``) is made
from the event log: its card counts are exact (the patients in a queue at a frame's
time are those the visit table puts there), no servers' card holds more patients than
the station has servers, a busy day is sampled without changing a count, and the
command writes the interactive page and the GIF from a run's ``events.parquet`` (or
from its visits: the same frames), refusing a directory that is not a run or a day
without patients with exit code 2."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import animate
from sim.analysis.event_log import event_log
from sim.engine.records import stage_names
from sim.reporting.animation import flow
from sim.schema import plain_data
from tests.conftest import run

pytest.importorskip("plotly")


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    """One teaching_demo day with its event log saved (output.event_log), the
    configuration as the run directory holds it, and the run directory."""
    result = run("hospital=teaching_demo", "run.days=1", "run.replications=1", "output.event_log=true")
    directory = result.save(tmp_path_factory.mktemp("run") / "run", figures=False)
    config = plain_data(result.config)
    events = event_log(
        result.visits, result.complaints, stage_names(result.config.hospital), config["run"]["start_date"]
    )
    return result.visits, events, config, directory


def _count(day_flow, card: str) -> np.ndarray:
    """The count a card shows at every frame (0 where it shows none)."""
    counts = day_flow.counts[day_flow.counts["card"] == card].set_index("frame")["count"]
    return counts.reindex(range(len(day_flow.times)), fill_value=0).to_numpy()


def test_queue_counts_equal_the_visit_tables(day):
    """At every frame, the registration and pharmacy queue cards count the visits whose
    wait at that station spans the frame's time (joined at or before it, served after)."""
    visits, events, config, _ = day
    day_flow = flow(events, config, step_min=5)
    t = day_flow.times[:, None]
    for stage, card in (("registration", "registration:queue"), ("pharmacy", "pharmacy:queue")):
        start = visits[f"{stage}_start"].to_numpy()[None, :]
        joined = start - visits[f"wait_{stage}"].to_numpy()[None, :]
        expected = ((joined <= t) & (t < start)).sum(axis=1)
        assert (_count(day_flow, card) == expected).all(), stage
    assert day_flow.patients == int(visits["arrival_time"].notna().sum())


def test_servers_cards_never_hold_more_than_the_servers(day):
    """Every servers' card (registration desks, each doctor, cashier, exams, pharmacy)
    holds at most as many patients as the station has servers, and somebody is served."""
    _, events, config, _ = day
    day_flow = flow(events, config, step_min=1)
    servers = {c.key: c.servers for c in day_flow.cards if c.servers}
    busiest = day_flow.counts[day_flow.counts["card"].isin(servers)].groupby("card")["count"].max()
    assert len(busiest) > 0
    for card, most in busiest.items():
        assert most <= servers[card], card


def test_a_busy_day_is_sampled_without_changing_the_counts(day):
    """With fewer dots allowed than patients, one dot is drawn per k-th patient (by visit
    id) and every card's count stays what it was."""
    _, events, config, _ = day
    full = flow(events, config, max_dots=600)
    sampled = flow(events, config, max_dots=30)
    assert full.per_dot == 1 and sampled.per_dot == -(-full.patients // 30)
    assert (sampled.dots["visit_id"] % sampled.per_dot == 0).all()
    assert sampled.dots.groupby("frame").size().max() <= 30 + 1
    pd.testing.assert_frame_equal(full.counts, sampled.counts)


def test_animate_writes_the_page_and_the_gif_from_the_event_log(day, tmp_path, capsys):
    """``python -m sim.animate RUN_DIR`` reads events.parquet and writes a self-contained
    page (plotly inside, one frame per step) and a GIF; without events.parquet it makes
    the same frames from the visits."""
    _, events, config, directory = day
    assert animate.main([str(directory), "--video", "gif", "--video-step", "60", "--out", str(tmp_path)]) == 0
    page = (tmp_path / "animation.html").read_text()
    frames = len(flow(events, config, step_min=5).times)
    assert "Plotly.newPlot" in page and f'"name":"{frames - 1}"' in page and f'"name":"{frames}"' not in page
    assert "<script src" not in page  # plotly.js is inside: the page opens offline
    assert (tmp_path / "animation.gif").read_bytes()[:6] == b"GIF89a"
    from_log, _ = animate.load_events(directory)
    (directory / "events.parquet").rename(directory / "events.kept")
    try:
        from_visits, _ = animate.load_events(directory)
    finally:
        (directory / "events.kept").rename(directory / "events.parquet")
    pd.testing.assert_frame_equal(flow(from_log, config).counts, flow(from_visits, config).counts)


def test_animate_refuses_what_it_cannot_draw(day, tmp_path, capsys):
    """Not a run directory, or a day without patients: exit code 2, one line saying why."""
    _, _, _, directory = day
    assert animate.main([str(tmp_path)]) == animate.EXIT_BAD_INPUT
    assert "not a run directory" in capsys.readouterr().err
    assert animate.main([str(directory), "--day", "9", "--video", "none", "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err.strip()
    assert "day 9: no patient came that day" in error and len(error.splitlines()) == 1
