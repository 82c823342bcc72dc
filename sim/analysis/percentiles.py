"""The two ways the KPI accumulator (``sim.analysis.kpi_totals``) keeps what a percentile needs.

A percentile is the one KPI that counts and sums do not give. A run that keeps its
visits feeds the accumulator the whole replication at once and keeps the waits
(``KeptWaits``: ``np.percentile`` of them, exactly). A run that streams its visits
(``output.stream=true``) feeds it day by day and keeps a histogram instead
(``WaitHistogram``: memory that does not grow with the horizon). The histogram's bins
are 1/128 minute wide (waits of exactly zero counted apart), so its percentile is
within 1/128 min (half a second) of the exact one; waits beyond 4,096 min are kept
as they are.
"""

from __future__ import annotations

import math

import numpy as np

NAN = math.nan


class KeptWaits:
    """Every wait added, kept: the exact percentile."""

    def __init__(self):
        self.parts: list[np.ndarray] = []

    def add(self, waits: np.ndarray) -> None:
        self.parts.append(waits)

    def __len__(self) -> int:
        return sum(len(part) for part in self.parts)

    def percentile(self, q: float) -> float:
        """``np.percentile`` of every wait added (NaN when there is none)."""
        waits = self.parts[0] if len(self.parts) == 1 else np.concatenate(self.parts or [np.zeros(0)])
        return float(np.percentile(waits, q)) if len(waits) else NAN


class WaitHistogram:
    """A fine histogram of non-negative waits, for percentiles in bounded memory."""

    BINS_PER_MIN = 128
    RANGE_MIN = 4096

    def __init__(self):
        self.counts = np.zeros(self.BINS_PER_MIN * self.RANGE_MIN, dtype=np.int64)
        self.zeros = 0
        self.beyond: list[np.ndarray] = []  # waits past the range, kept exactly

    def add(self, waits: np.ndarray) -> None:
        positive = waits[waits > 0]
        self.zeros += len(waits) - len(positive)
        index = (positive * self.BINS_PER_MIN).astype(np.int64)
        inside = index < len(self.counts)
        np.add.at(self.counts, index[inside], 1)
        if not inside.all():
            self.beyond.append(positive[~inside])

    def __len__(self) -> int:
        return self.zeros + int(self.counts.sum()) + sum(len(b) for b in self.beyond)

    def percentile(self, q: float) -> float:
        """As ``np.percentile(waits, q)`` (linear interpolation between order statistics),
        each order statistic placed evenly within its bin."""
        n = len(self)
        if not n:
            return NAN
        h = (n - 1) * q / 100.0
        below = math.floor(h)
        above = min(below + 1, n - 1)
        low, high = self._order_statistic(below), self._order_statistic(above)
        return low + (h - below) * (high - low)

    def _order_statistic(self, k: int) -> float:
        if k < self.zeros:
            return 0.0
        k -= self.zeros
        cumulative = np.cumsum(self.counts)
        if k < cumulative[-1]:
            b = int(np.searchsorted(cumulative, k, side="right"))
            before = cumulative[b - 1] if b else 0
            return (b + (k - before + 0.5) / self.counts[b]) / self.BINS_PER_MIN
        return float(np.sort(np.concatenate(self.beyond))[k - cumulative[-1]])
