"""``python -m sim.animate RUN_DIR``: the patient flow of one day of a run, animated —
``animation.html`` (interactive, self-contained, opens offline) and ``animation.gif``
(or ``.mp4``) for slides, written into the run directory. Made from the run's
``events.parquet`` (``output.event_log=true``), or else from its visits and complaints.
(Public front for ``sim.reporting.animation``.)"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
import yaml

from sim.analysis.event_log import event_log
from sim.engine.records import stage_names
from sim.reporting.animation import flow

EXIT_BAD_INPUT = 2


def load_events(directory: Path) -> tuple[pd.DataFrame, dict]:
    """The run's event log and its configuration (plain data), from ``directory``."""
    config_path = directory / "config.yaml"
    if not config_path.is_file():
        raise ValueError(f"{directory}: not a run directory (no config.yaml)")
    config = yaml.safe_load(config_path.read_text())
    if (directory / "events.parquet").exists():
        return pd.read_parquet(directory / "events.parquet"), config
    if not (directory / "visits.parquet").exists():
        raise ValueError(
            f"{directory}: has neither events.parquet nor visits.parquet (run with output.event_log=true, "
            "or output.save_visits=true)"
        )
    visits = pd.read_parquet(directory / "visits.parquet")
    complaints = pd.read_parquet(directory / "complaints.parquet")
    stages = stage_names(_Hospital(config["hospital"]))
    return event_log(visits, complaints, stages, config["run"]["start_date"]), config


class _Hospital:
    """What ``stage_names`` reads of a hospital, from its plain data."""

    def __init__(self, hospital: dict):
        self.exams = hospital["exams"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.animate", description=__doc__.split("(Public")[0])
    parser.add_argument("directory", type=Path, help="a run directory (results/runs/...)")
    parser.add_argument("--replication", type=int, default=0, help="which replication (default 0)")
    parser.add_argument("--day", type=int, default=None, help="which simulated day (default: the first with patients)")
    parser.add_argument("--step", type=float, default=5.0, help="minutes between frames of the page (default 5)")
    parser.add_argument(
        "--video-step", type=float, default=10.0, help="minutes between frames of the video (default 10)"
    )
    parser.add_argument(
        "--max-dots", type=int, default=600, help="patients drawn at most; more: one dot per k patients"
    )
    parser.add_argument("--video", choices=["gif", "mp4", "none"], default="gif", help="for slides (default gif)")
    parser.add_argument("--no-complaints", action="store_true", help="no complaint markers")
    parser.add_argument("--out", type=Path, default=None, help="where to write (default: the run directory)")
    args = parser.parse_args(argv)
    for name in ("step", "video_step", "max_dots"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} = {getattr(args, name)}: must be > 0")
    try:
        events, config = load_events(args.directory)
        day_flow = flow(events, config, args.replication, args.day, args.step, args.max_dots, not args.no_complaints)
    except ValueError as error:
        print(f"hospital-sim animate: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    out = args.out or args.directory
    out.mkdir(parents=True, exist_ok=True)
    from sim.reporting.animation_html import write_html

    print(f"animation: {write_html(day_flow, out / 'animation.html')}")
    if args.video != "none":
        from sim.reporting.animation_video import write_video

        try:
            video_flow = flow(
                events, config, args.replication, args.day, args.video_step, args.max_dots, not args.no_complaints
            )
            print(f"animation: {write_video(video_flow, out / f'animation.{args.video}')}")
        except RuntimeError as error:
            print(f"hospital-sim animate: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
