"""How concentrated complaints are on a few doctors: the share held by the top 10%."""

from __future__ import annotations

import math

import numpy as np

TOP_SHARE = 0.10  # the top 10% of doctors


def top_share(counts: np.ndarray, share: float = TOP_SHARE) -> float:
    """Share of the total held by the top ``share`` of units (Lorenz curve, linearly
    interpolated, so 10% of 82 doctors is 8.2 doctors)."""
    counts = np.sort(np.asarray(counts, dtype=float))[::-1]
    total = counts.sum()
    if not len(counts) or total <= 0:
        return math.nan
    cumulative = np.concatenate([[0.0], np.cumsum(counts)]) / total
    return float(np.interp(share * len(counts), np.arange(len(counts) + 1), cumulative))
