"""Random numbers that belong to a patient rather than to a day.

A patient's decisions and schedule must draw the same numbers in every scenario
(common random numbers), however many other patients come that day and in whatever
order. So each number is a function of (the run's named stream, the patient's id, how
many such numbers the patient drew before): a counter-based generator, the SplitMix64
finaliser applied to the stream's key and the counter, vectorised over patients.
The key itself is drawn from the named stream (``sim.streams``), so the seed, the
replication and the purpose pick it, as for every other stream.
"""

from __future__ import annotations

import numpy as np

from sim.streams import Streams

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 2.0**-53


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser on uint64 arrays (wrapping arithmetic)."""
    x = x + _GOLDEN
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


class PatientDraws:
    """Uniform numbers in [0, 1) for (patient, counter) pairs, keyed by a named stream."""

    def __init__(self, streams: Streams, name: str):
        self.key = np.uint64(streams.stream(name).integers(0, 2**63))

    def uniform(self, patient: np.ndarray, counter: np.ndarray | int = 0) -> np.ndarray:
        patient = np.asarray(patient, dtype=np.int64).astype(np.uint64)
        counter = np.broadcast_to(np.asarray(counter, dtype=np.int64), patient.shape).astype(np.uint64)
        bits = _mix(_mix(self.key ^ _mix(patient)) ^ counter)
        return (bits >> np.uint64(11)).astype(np.float64) * _TO_UNIT

    def exponential(self, mean: float, patient: np.ndarray, counter: np.ndarray | int = 0) -> np.ndarray:
        """Exponential draws of the given mean (by inversion of the uniforms)."""
        return -mean * np.log1p(-self.uniform(patient, counter))
