"""Waits and doctor idle time against the booked share, from a sweep's outputs.

    python experiments/online_appointments/plot_sweep.py results/sweeps/online_appointments

Reads every job directory of the sweep (its ``summary.json`` and the booked share it
ran with, from ``.hydra/overrides.yaml`` or, when the share was not overridden, the
resolved ``config.yaml``), prints a table and draws two panels with 95% confidence
bands over replications: the waits for the doctor, and the doctors' idle time and
overtime per session. Self-contained: it needs only the files a sweep writes.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import yaml  # noqa: E402

SHARE_KEY = "hospital.booking.booked_share"
WAITS = {
    "wait_doctor_mean_min": "all patients, from when due",
    "wait_walk_in_mean_min": "walk-ins, from joining the queue",
    "wait_booked_from_slot_mean_min": "booked, from slot time",
}
DOCTORS = {
    "doctor_idle_per_session_min": "idle within the session",
    "doctor_overtime_per_session_min": "overtime after the session",
}
HERE = Path(__file__).resolve().parent


def booked_share(job: Path) -> float:
    overrides = job / ".hydra" / "overrides.yaml"
    if overrides.is_file():
        for item in yaml.safe_load(overrides.read_text()) or []:
            key, _, value = str(item).lstrip("+~").partition("=")
            if key == SHARE_KEY:
                return float(value)
    config = yaml.safe_load((job / "config.yaml").read_text())
    return float(config["hospital"]["booking"]["booked_share"])


def read_sweep(sweep: Path) -> list[tuple[float, dict]]:
    """(booked share, summary) of every finished job, by share."""
    jobs = [p.parent for p in sweep.glob("*/summary.json")]
    if not jobs:
        raise SystemExit(f"no job with a summary.json under {sweep}: run the sweep first (see README.md)")
    return sorted((booked_share(job), json.loads((job / "summary.json").read_text())) for job in jobs)


def band(ax, rows, kpi: str, label: str) -> None:
    shares = [share for share, summary in rows if summary[kpi]["mean"] is not None]
    stats = [summary[kpi] for _, summary in rows if summary[kpi]["mean"] is not None]
    mean = [s["mean"] for s in stats]
    ax.plot(shares, mean, marker="o", ms=4, label=label)
    if all(s["ci_low"] is not None for s in stats):
        ax.fill_between(shares, [s["ci_low"] for s in stats], [s["ci_high"] for s in stats], alpha=0.25)


def draw(rows, out: Path) -> None:
    fig, (waits, doctors) = plt.subplots(1, 2, figsize=(9, 3.6), layout="constrained")
    for kpi, label in WAITS.items():
        band(waits, rows, kpi, label)
    waits.set_ylabel("mean wait for the doctor (min)")
    waits.set_title("Waits")
    for kpi, label in DOCTORS.items():
        band(doctors, rows, kpi, label)
    doctors.set_ylabel("minutes per doctor-session")
    doctors.set_title("Doctors")
    n = rows[0][1]["wait_doctor_mean_min"]["n"]
    for ax in (waits, doctors):
        ax.set_xlabel("booked share of demand")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
    fig.suptitle(f"Online appointments, general_hospital: means and 95% CI over {n} replications", fontsize="medium")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=90)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep", type=Path, help="the sweep directory (holds one directory per job)")
    parser.add_argument("--out", type=Path, default=HERE / "waits_vs_booked_share.png", help="figure to write")
    args = parser.parse_args()
    rows = read_sweep(args.sweep)
    columns = list(WAITS) + list(DOCTORS) + ["no_show_share", "seen_within_30_min_of_slot_share"]
    print("booked_share  " + "  ".join(columns))
    for share, summary in rows:
        print(
            f"{share:12.2f}  "
            + "  ".join(
                f"{summary[c]['mean']:>{len(c)}.3f}" if summary[c]["mean"] is not None else f"{'-':>{len(c)}}"
                for c in columns
            )
        )
    draw(rows, args.out)
    print(f"figure: {args.out}")


if __name__ == "__main__":
    main()
