"""How often the three queue faults of issue 9 show on a configuration (default
general_hospital): patients waiting at a session's end not seen before the doctors
stopped (fault 1), patients turned away while a doctor who could see them was at work
(fault 2), and first consultations whose recorded queue length differs from the number
of patients actually waiting (fault 3, counted inside the engine: each doctor's call is
wrapped to count the entries still in the queue whose deadline has not passed).

    python benchmarks/queue_faults.py --replications 10 --days 30 [overrides ...]

Faults 1 and 2 are read from the tables (``tests/queue_invariants.py``). The package
is imported from the checkout the script sits in: to measure an older commit, copy
this script and ``tests/queue_invariants.py`` into an export of that commit
(``git archive <commit> | tar -x -C <dir>``) and run it there.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sim  # noqa: E402
from sim.engine import (
    doctors,  # noqa: E402
    slot_queue,
)
from tests.queue_invariants import owed_but_not_seen, turned_away_while_doctor_at_work  # noqa: E402

recorded_and_actual: list[tuple[int, int]] = []


def _count_calls(queue_class, parts) -> None:
    """Wrap ``queue_class.call``: for each first consultation called, keep (the queue
    length the doctor will record, the entries still waiting whose deadline has not
    passed)."""
    call = queue_class.call

    def counting_call(self, now):
        entry = call(self, now)
        if entry is not None and entry[5] >= now and not entry[3]:
            actual = sum(1 for part in parts(self) for other in part if other[5] >= now)
            recorded_and_actual.append((self.waiting - 1, actual))
        return entry

    queue_class.call = counting_call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("overrides", nargs="*", help="config overrides, e.g. run.start_date=2026-01-05")
    args = parser.parse_args()
    _count_calls(doctors.ConsultQueue, lambda q: [q.entries, getattr(q, "owed", [])])
    _count_calls(slot_queue.SlotQueue, lambda q: [q.reviews, q.booked, q.walk_ins, getattr(q, "owed", [])])
    result = sim.simulate(
        sim.compose(
            [
                "output.progress=false",
                "hospital=general_hospital",
                f"run.days={args.days}",
                f"run.replications={args.replications}",
                *args.overrides,
            ]
        )
    )
    replication_days = args.replications * args.days
    owed = owed_but_not_seen(result)
    first = owed[~owed["review"]]
    pairs = np.array(recorded_and_actual, dtype=np.int64).reshape(-1, 2)
    excess = pairs[:, 0] - pairs[:, 1]  # recorded - actually waiting
    print(
        json.dumps(
            {
                "replication_days": replication_days,
                "owed_not_seen_first_consultations": len(first),
                "owed_not_seen_walk_ins": int(first["slot_time"].isna().sum()),
                "owed_not_seen_reviews": int(owed["review"].sum()),
                "owed_not_seen_per_replication_day": len(owed) / replication_days,
                "turned_away_while_doctor_at_work": len(turned_away_while_doctor_at_work(result)),
                "first_consultations": len(excess),
                "queue_length_too_high_share": float(np.mean(excess > 0)),
                "queue_length_wrong_share": float(np.mean(excess != 0)),
                "queue_length_excess_max": int(excess.max(initial=0)),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
