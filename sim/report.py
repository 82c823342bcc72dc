"""``python -m sim.report DIR`` (``hospital-sim-report``) and the names this module
has always offered: the KPI table and the figures of a run. (Public front for
``sim.reporting``.)"""

from sim.reporting.cli import main
from sim.reporting.render import save_figures
from sim.reporting.text import kpi_table

__all__ = ["kpi_table", "main", "save_figures"]

if __name__ == "__main__":
    raise SystemExit(main())
