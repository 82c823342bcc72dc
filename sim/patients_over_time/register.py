"""The register of a replication's patients: one array per attribute, indexed by
patient id, grown as patients are added (capacity doubles, so adding is amortised
O(1) per patient)."""

from __future__ import annotations

import numpy as np

COHORTS = ("new", "initial_chronic", "initial_acute")  # how a patient entered the register
NEW, INITIAL_CHRONIC, INITIAL_ACUTE = range(3)

# name -> (dtype, value of a patient not yet set)
FIELDS: dict[str, tuple[type, object]] = {
    "cohort": (np.int8, NEW),
    "first_day": (np.int32, -1),  # day the patient entered the register
    "female": (np.bool_, False),
    "age_group": (np.int8, 0),
    "education": (np.int8, 0),
    "department": (np.int16, 0),  # home department (the chronic patient's condition)
    "chronic": (np.bool_, False),
    "visits": (np.int32, 0),  # visits made (came, no-shows excluded)
    "first_visit_day": (np.int32, -1),
    "last_visit_day": (np.int32, -1),
    "charges": (np.float64, 0.0),
    "drug_charges": (np.float64, 0.0),
    "complaints": (np.int32, 0),
    "lost_day": (np.int32, -1),  # day they chose another hospital (-1: never)
    "next_day": (np.int32, -1),  # day of the next need (-1: none)
    "next_kind": (np.int8, -1),  # kind of that visit (sim.patients_over_time.population.KINDS)
    "decisions": (np.int32, 0),  # times they chose whether to come back
    "returns": (np.int32, 0),  # times they chose this hospital
    "doctor": (np.int32, -1),  # the doctor they would like to see again
    "excess_wait": (np.float64, 0.0),  # last visit: perceived minutes beyond tolerance
    "quality": (np.float64, 0.0),  # last visit: communication quality (SD units)
    "complaint": (np.int64, -1),  # last visit's complaint (its number in the office's log; -1: none)
    "draws": (np.int32, 0),  # counter of the patient's schedule draws
}


class Register:
    """Per-patient arrays; ``self[name]`` is the live part (a view of ``size`` rows)."""

    def __init__(self, capacity: int = 1024):
        self.size = 0
        self._arrays = {name: np.full(capacity, fill, dtype=dtype) for name, (dtype, fill) in FIELDS.items()}

    def __getitem__(self, name: str) -> np.ndarray:
        return self._arrays[name][: self.size]

    def __len__(self) -> int:
        return self.size

    def add(self, count: int, **values) -> np.ndarray:
        """Add ``count`` patients with the given attributes; return their ids."""
        first = self.size
        needed = first + count
        capacity = len(self._arrays["cohort"])
        if needed > capacity:
            capacity = max(needed, 2 * capacity)
            for name, (dtype, fill) in FIELDS.items():
                grown = np.full(capacity, fill, dtype=dtype)
                grown[:first] = self._arrays[name][:first]
                self._arrays[name] = grown
        self.size = needed
        for name, value in values.items():
            self._arrays[name][first:needed] = value
        return np.arange(first, needed, dtype=np.int64)

    def columns(self) -> dict[str, np.ndarray]:
        """Copies of the live arrays."""
        return {name: self[name].copy() for name in FIELDS}
