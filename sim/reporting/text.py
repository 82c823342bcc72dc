"""The KPI table printed at the end of a run."""

from __future__ import annotations

import numpy as np
import pandas as pd


def kpi_table(summary: pd.DataFrame) -> str:
    """The summary as aligned text: KPI, mean, 95% CI."""
    width = max([40, *(len(str(kpi)) for kpi in summary.index)])
    lines = [f"{'KPI':<{width}} {'mean':>12} {'95% CI':>27}  n"]
    for kpi, row in summary.iterrows():
        ci = "" if not np.isfinite(row["ci_low"]) else f"[{row['ci_low']:.4g}, {row['ci_high']:.4g}]"
        lines.append(f"{kpi:<{width}} {row['mean']:>12.4g} {ci:>27}  {int(row['n'])}")
    return "\n".join(lines)
