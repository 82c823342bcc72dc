"""The CRM figure: the patients' segments, and what a scenario does to them."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def crm_figure(rfm: pd.DataFrame, labels: np.ndarray, model, comparison: pd.DataFrame | None, path) -> None:
    """Left: patients by visits and money, coloured by segment (a sample of 5,000).
    Right: the change in patients lost after the cut-off by segment (patients in it in
    both runs) with its paired 95% interval over replications (by patient with one
    replication) when compared with a baseline, else the silhouette of each k tried."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    rng = np.random.default_rng(0)
    rows = rng.choice(len(rfm), size=min(5000, len(rfm)), replace=False)
    jitter = rng.uniform(-0.25, 0.25, len(rows))
    for s, name in enumerate(model.names):
        mine = labels[rows] == s
        left.scatter(
            rfm["frequency"].to_numpy()[rows][mine] + jitter[mine],
            rfm["monetary_cny"].to_numpy()[rows][mine],
            s=6,
            alpha=0.5,
            label=f"{name} ({np.mean(labels == s):.0%})",
        )
    left.set_yscale("log")
    left.set_xlabel("visits (frequency)")
    left.set_ylabel("charges (CNY, log scale)")
    left.set_title(f"{'dRFM' if 'drug_share' in model.features else 'RFM'} segments (k = {model.k})")
    left.legend(fontsize=8, markerscale=2)
    if comparison is not None and len(comparison):
        y = np.arange(len(comparison))
        by = "" if comparison["replications"].min() >= 2 else "patient_"
        diff = comparison[f"{by}difference"].to_numpy() * 100
        low = diff - comparison[f"{by}ci_low"].to_numpy() * 100
        high = comparison[f"{by}ci_high"].to_numpy() * 100 - diff
        right.errorbar(diff, y, xerr=[np.nan_to_num(low), np.nan_to_num(high)], fmt="o", capsize=4)
        right.axvline(0, color="grey", lw=0.8)
        right.set_yticks(y, comparison.index)
        right.invert_yaxis()
        right.set_xlabel(
            "patients lost after the cut-off: scenario - baseline\n(percentage points, paired 95% interval)"
        )
        right.set_title("Same segment in both runs: kept (left of 0) or lost")
    else:
        ks = sorted(model.silhouette)
        right.plot(ks, [model.silhouette[k] for k in ks], marker="o")
        right.set_xlabel("k (segments)")
        right.set_ylabel("mean silhouette")
        right.set_title("Choosing k: the highest silhouette")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
