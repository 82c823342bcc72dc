"""Named random streams spawned from one seed.

Every random draw in a run comes from a stream named after its purpose
("arrivals", "service.pharmacy", ...). A stream is keyed by (seed, replication, name
and, for daily streams, the day), so

* the same seed gives the same numbers whatever the order streams are used in,
* scenarios that differ only in, say, pharmacy staffing see the same arrivals and
  the same consultation lengths (common random numbers), and
* adding a stream never reshuffles the others.
"""

from __future__ import annotations

import zlib

import numpy as np


def _name_key(name: str) -> int:
    # crc32 is stable across Python processes (unlike hash()).
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Factory of named ``numpy.random.Generator`` streams for one replication."""

    def __init__(self, seed: int, replication: int):
        if seed < 0 or replication < 0:
            raise ValueError("seed and replication must be non-negative integers")
        self.seed = int(seed)
        self.replication = int(replication)

    def stream(self, name: str, day: int | None = None) -> np.random.Generator:
        """The generator for ``name`` (and ``day``, for streams drawn afresh daily)."""
        key = (self.replication, _name_key(name)) if day is None else (self.replication, _name_key(name), int(day))
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence(self.seed, spawn_key=key)))
