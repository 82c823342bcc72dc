"""``comparison.xlsx``: a sweep's comparison table as a workbook hospital managers can
pass around — a readable sheet (scenario, KPI in words and unit, mean, interval,
difference from baseline, significance, shares as percentages), the tidy table as
``comparison.csv`` holds it, and the KPI glossary. Needs openpyxl (the ``excel``
extra: ``pip install "hospital-sim[excel]"``); without it the workbook is skipped."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

from sim.analysis.kpis import entry as kpi_entry

INSTALL_HINT = 'comparison.xlsx not written: install the excel extra (pip install "hospital-sim[excel]")'
READABLE = {
    "scenario": "Scenario",
    "label": "KPI",
    "unit": "Unit",
    "mean": "Mean",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    "rel_half_width": "± (share of mean)",
    "baseline_mean": "Baseline mean",
    "difference": "Difference from baseline",
    "difference_ci_low": "Difference 95% CI low",
    "difference_ci_high": "Difference 95% CI high",
    "relative_difference": "Change (share of baseline)",
    "significant": "Significant",
    "n": "Replications",
}
PERCENT = {"rel_half_width", "relative_difference"}
VALUES = {"mean", "ci_low", "ci_high", "baseline_mean", "difference", "difference_ci_low", "difference_ci_high"}


def available() -> bool:
    return importlib.util.find_spec("openpyxl") is not None


def _readable(table: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    out = table.copy()
    out.insert(0, "scenario", [labels.get(job, str(job)) for job in out["job"]])
    out["significant"] = out["significant"].map({True: "yes", False: "no"}).fillna("")
    return out[list(READABLE)].rename(columns=READABLE)


def _glossary(table: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for name in dict.fromkeys(table["kpi"]):
        entry = kpi_entry(name)
        if entry is not None:
            rows.append([name, entry.label, entry.unit, entry.meaning, entry.better.value])
    return pd.DataFrame(rows, columns=["KPI name", "Label", "Unit", "Meaning", "Better"])


def write_comparison(table: pd.DataFrame, labels: dict[str, str], path: Path) -> Path | None:
    """Write the workbook to ``path``; None (nothing written) without openpyxl."""
    if not available():
        return None
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    readable = _readable(table, labels)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        readable.to_excel(writer, sheet_name="Comparison", index=False)
        table.to_excel(writer, sheet_name="Data", index=False)
        _glossary(table).to_excel(writer, sheet_name="KPIs", index=False)
        sheet = writer.sheets["Comparison"]
        share = (table["unit"] == "share").to_numpy()
        columns = list(READABLE)  # in the sheet's order
        for index, key in enumerate(columns, start=1):
            letter = get_column_letter(index)
            for is_share, cell in zip(share, sheet[letter][1:], strict=True):
                if key in PERCENT:
                    cell.number_format = "0.0%"
                elif key in VALUES:
                    cell.number_format = "0.0%" if is_share else "#,##0.00"
            sheet.column_dimensions[letter].width = max(10, min(60, len(READABLE[key]) + 2))
        sheet.column_dimensions["B"].width = 60
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "C2"
        for name in ("Data", "KPIs"):
            for cell in writer.sheets[name][1]:
                cell.font = Font(bold=True)
    return path
