"""Information gaps in the complaint model (``hospital.information``, off by default).

Each stage at which the patient lacked information they needed (``information_gaps``,
a column of the visits when gaps are on; ``sim.demand.information``) adds
ln(complaint_odds_ratio) to the log odds of the communication driver: the hospital
failed to tell the patient what they needed to know. A complaint attributed to
communication is then split between the two sources by their log odds: the share
from gaps goes to the HCAT category *communication*, the share from the
consultation over listening / communication / respect & patient rights as usual.
"""

from __future__ import annotations

import numpy as np

from sim.complaints import hcat
from sim.schema import HospitalConfig

CAUSE = hcat.CAUSES.index("communication")  # in the causes of a complaint (background first)
DRIVER = CAUSE - 1  # in the drivers' log odds (no background)
CATEGORY = hcat.category_index("communication")


def add_log_odds(
    z: np.ndarray, columns: dict[str, np.ndarray], hospital: HospitalConfig
) -> tuple[np.ndarray, np.ndarray]:
    """(drivers' log odds with the gaps' added to communication, share of the
    communication driver's log odds that comes from gaps)."""
    gaps = np.log(hospital.information.complaint_odds_ratio) * columns["information_gaps"]
    z = z.copy()
    total = z[:, DRIVER] + gaps
    z[:, DRIVER] = total
    return z, np.divide(gaps, total, out=np.zeros_like(total), where=total > 0)


def category_shift(matrix: np.ndarray, share: np.ndarray) -> np.ndarray:
    """(visits x categories): what a communication complaint's category shares gain
    (from the cause-category ``matrix``'s communication row) when ``share`` of it
    comes from information gaps."""
    to_communication = -matrix[CAUSE].copy()
    to_communication[CATEGORY] += 1.0
    return share[:, None] * to_communication[None, :]
