"""Golden master: fixed-seed runs of several configs reduced to digests of their tables.

A pure optimisation must leave every table exactly as it was; this module turns a run
into a small, stable record that a test compares with the one stored in
``tests/golden_master.json``. Regenerate it (only when a change is meant to alter
results, and say so in the commit) with

    python -m tests.golden_master

Per table (visits, doctor_sessions, complaints, kpis) and per column the record holds

* the SHA-256 (first 16 hex digits) of the column's values, exact to the bit
  (integers as int64, booleans as bool, floats as float64, categoricals as their codes
  plus the category names, so a narrower dtype holding the same values keeps its
  digest);
* its NaN count and an order-sensitive weighted sum of the values, used when
  the test runs in an environment other than the one that recorded the digests
  (another NumPy, Python or machine may round transcendental functions differently
  in the last bit, which the digests would flag; the sums are compared to 1e-7).
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import sim

GOLDEN_FILE = Path(__file__).with_name("golden_master.json")
QUIET = ["output.progress=false"]

# name -> overrides: every hospital and the code paths the engine has (plain and
# slot-aware queues, pooled doctors, patience, pre-registration, kiosks, mobile
# payment, every booking option switched away from its default); two raise the
# complaint base rate so that their complaint tables have more than a handful of rows
CONFIGS: dict[str, list[str]] = {
    "teaching_demo": ["hospital=teaching_demo", "run.days=3", "run.replications=2"],
    "general_hospital": ["hospital=general_hospital", "run.days=2", "run.replications=1"],
    "validation_network": [
        "hospital=validation_network",
        "run.replications=2",
        "hospital.registration.closes=60:00",
        "hospital.departments.clinic.sessions=[{start:'0:00',end:'60:00'}]",
        "hospital.warmup_min=600",
    ],
    "validation_mmc": [
        "hospital=validation_mmc",
        "run.replications=2",
        "hospital.registration.closes=100:00",
        "hospital.departments.clinic.sessions=[{start:'0:00',end:'100:00'}]",
        "hospital.warmup_min=600",
    ],
    "online_appointments": [
        "hospital=general_hospital",
        "intervention=online_appointments",
        "run.days=1",
        "run.replications=1",
    ],
    "kiosks_mobile_payment": [
        "hospital=general_hospital",
        "intervention=[self_service_kiosks,mobile_payment]",
        "run.days=1",
        "run.replications=1",
        "run.start_date=2026-07-06",
        "hospital.complaints.base_per_1000_visits=5",
    ],
    "appointment_options": [
        "hospital=teaching_demo",
        "intervention=online_appointments",
        "run.days=3",
        "run.replications=1",
        "hospital.booking.channels.online.mobile_payment_share=0.5",
        "hospital.booking.walk_in_mobile_payment_share=0.2",
        "hospital.booking.elderly_priority=true",
        "hospital.booking.late_policy=walk_in",
        "hospital.booking.early_arrivals=wait_for_slot",
        "hospital.booking.slots.rule=bailey_welch",
        "hospital.booking.slots.overbooking=0.1",
        "hospital.departments.internal_medicine.assignment=random",
        "hospital.complaints.base_per_1000_visits=50",
    ],
}

# Configurations full of ties: fixed service times and a patient every 2 minutes, so
# that events often fall at the very same moment. They pin down how the engine orders
# simultaneous events (which changes results when several things happen at once).
_FIXED = "{kind:fixed,value:%s}"
_TIES = [
    "hospital=teaching_demo",
    "run.days=2",
    "run.replications=1",
    "hospital.arrivals.interval_min=2.0",
    "hospital.registration.service=" + _FIXED % 1.0,
    "hospital.departments.internal_medicine.consultation=" + _FIXED % 6.0,
    "hospital.departments.internal_medicine.review=" + _FIXED % 3.0,
    "hospital.departments.surgery.consultation=" + _FIXED % 4.0,
    "hospital.departments.surgery.review=" + _FIXED % 2.0,
    "hospital.exams.lab.service=" + _FIXED % 2.0,
    "hospital.exams.lab.result_delay=" + _FIXED % 20.0,
    "hospital.exams.imaging.service=" + _FIXED % 5.0,
    "hospital.exams.imaging.result_delay=" + _FIXED % 30.0,
    "hospital.cashier.service=" + _FIXED % 1.0,
    "hospital.pharmacy.service=" + _FIXED % 2.0,
    "hospital.patience.distribution=" + _FIXED % 90.0,
    "hospital.departments.internal_medicine.doctors=4",
    "hospital.departments.surgery.doctors=3",
]
CONFIGS.update(
    {
        "ties_walk_in": [
            *_TIES,
            "hospital.booking.booked_share=0",
            "hospital.booking.walk_in_mobile_payment_share=0.5",
        ],
        "ties_booked": [
            *_TIES,
            "hospital.booking.booked_share=0.5",
            "hospital.booking.punctuality.kind=empirical",
            "hospital.booking.punctuality.values=[-10,0,6,20]",
            "hospital.booking.slots.rule=individual",
            "hospital.booking.slots.slot_length_min=6",
            "hospital.registration.kiosks=1",
            "hospital.registration.kiosk_share=0.5",
            "hospital.registration.kiosk_service=" + _FIXED % 1.0,
            "hospital.booking.channels.online.pre_registration=true",
            "hospital.booking.channels.online.mobile_payment_share=0.5",
        ],
        "ties_pooled": [
            *_TIES,
            "hospital.booking.booked_share=0",
            "hospital.departments.internal_medicine.assignment=pooled",
            "hospital.consultation_queue.review_same_doctor=false",
            "hospital.consultation_queue.review_priority=false",
            "hospital.exams.lab.result_delay=" + _FIXED % 0.0,
        ],
        "ties_wait_for_slot": [
            *_TIES,
            "hospital.booking.booked_share=0.6",
            "hospital.booking.punctuality.kind=empirical",
            "hospital.booking.punctuality.values=[-12,-6,0,3]",
            "hospital.booking.early_arrivals=wait_for_slot",
            "hospital.booking.slots.rule=bailey_welch",
            "hospital.booking.slots.slot_length_min=6",
            "hospital.booking.late_policy=walk_in",
            "hospital.booking.elderly_priority=true",
            "hospital.departments.surgery.assignment=random",
        ],
    }
)


def environment() -> dict[str, str]:
    """What the exact digests depend on besides the code: NumPy picks its exp and log
    kernels by the CPU's vector instructions (AVX2 and AVX-512 round differently in
    the last bit), so the highest instruction set it dispatches to is part of it."""
    return {
        "python": ".".join(map(str, sys.version_info[:2])),
        "numpy": np.__version__,
        "machine": platform.machine(),
        "numpy_simd": _simd_level(),
    }


def _simd_level() -> str:
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:  # NumPy < 2
        return "unknown"
    available = [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]
    return available[-1] if available else "baseline"


def _values(series: pd.Series) -> tuple[np.ndarray, str]:
    """The column as a canonical array (and a tag naming its kind)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(dtype=np.int64), "category:" + ",".join(map(str, series.cat.categories))
    values = series.to_numpy()
    if values.dtype == bool:
        return values, "bool"
    if np.issubdtype(values.dtype, np.integer):
        return values.astype(np.int64), "int"
    if np.issubdtype(values.dtype, np.floating):
        return values.astype(np.float64), "float"
    return np.asarray([str(v) for v in values]), "str"


def column_record(series: pd.Series) -> dict:
    values, kind = _values(series)
    digest = hashlib.sha256(kind.encode())
    digest.update(values.tobytes() if values.dtype != object and kind != "str" else "\x00".join(values).encode())
    numeric = values.astype(np.float64) if kind != "str" else np.zeros(len(values))
    weights = 1.0 + (np.arange(len(numeric)) % 7) / 7.0  # order-sensitive
    nan = np.isnan(numeric)
    return [digest.hexdigest()[:16], int(nan.sum()), float(np.sum(np.where(nan, 0.0, numeric) * weights))]


def table_record(frame: pd.DataFrame) -> dict:
    order = hashlib.sha256("\x00".join(map(str, frame.columns)).encode()).hexdigest()[:16]
    return {
        "rows": len(frame),
        "column_order": order,
        "columns": {name: column_record(frame[name]) for name in frame.columns},
    }


def run_record(overrides: list[str]) -> dict:
    result = sim.simulate(sim.compose([*QUIET, *overrides]))
    return {
        "visits": table_record(result.visits),
        "doctor_sessions": table_record(result.doctor_sessions),
        "complaints": table_record(result.complaints),
        "kpis": table_record(result.kpis),
    }


def record_all() -> dict:
    return {"environment": environment(), "runs": {name: run_record(o) for name, o in CONFIGS.items()}}


def load() -> dict:
    return json.loads(GOLDEN_FILE.read_text())


def main() -> None:
    text = json.dumps(record_all(), indent=1, sort_keys=True)
    text = re.sub(r"\[\s+(\"[0-9a-f]+\"),\s+(\S+),\s+(\S+)\s+\]", r"[\1, \2, \3]", text)  # a column per line
    GOLDEN_FILE.write_text(text + "\n")
    print(f"wrote {GOLDEN_FILE}")


if __name__ == "__main__":
    main()
