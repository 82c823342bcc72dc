"""The run's figures of waits (``sim.reporting.render`` draws them into files)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import numpy as np  # noqa: E402

from sim.engine.records import stage_names


def _waits_by_stage(result, ax) -> None:
    stages = stage_names(result.config.hospital)
    names = [f"wait_{s}_mean_min" for s in stages]
    summary = result.summary.reindex(names)
    mean = summary["mean"].to_numpy(dtype=float)
    low = np.nan_to_num(mean - summary["ci_low"].to_numpy(dtype=float))
    high = np.nan_to_num(summary["ci_high"].to_numpy(dtype=float) - mean)
    ax.bar(range(len(stages)), np.nan_to_num(mean), yerr=[low, high], capsize=3, color="#4c78a8")
    ax.set_xticks(range(len(stages)), [s.replace("_", " ") for s in stages], rotation=30, ha="right")
    ax.set_ylabel("mean wait (min), 95% CI over replications")
    ax.set_title("Waits by stage")


def _waits_by_hour(result, ax) -> None:
    data = result.figure_data
    for department, total, count in zip(data.departments, data.wait_sum, data.wait_count, strict=True):
        hours = np.flatnonzero(count)
        if len(hours):
            ax.plot(hours, total[hours] / count[hours], marker="o", ms=3, label=department)
    ax.set_xlabel("hour of arrival")
    ax.set_ylabel("mean wait for the doctor (min)")
    ax.set_title("Wait for the doctor by hour of arrival")
    ax.legend(fontsize="small", ncol=2)


FIGURES = {"waits_by_stage.png": _waits_by_stage, "waits_by_hour.png": _waits_by_hour}
FIGURE_SIZE = (7, 4)
