"""``python -m sim [overrides]``: run a configured scenario, print its KPIs and write
its files and report into Hydra's run directory (``results/runs/<timestamp>/`` by
default). ``python -m sim -m …`` sweeps: each job writes into
``results/sweeps/<timestamp>/<job>/``, complete jobs are skipped when the sweep is
run again into the same directory, and a failed job does not stop the others
(``sim.sweep``)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from sim import sweep
from sim.config import CONF_DIR, ConfigError, to_typed
from sim.experiment import simulate
from sim.schema import Config

EXIT_BAD_CONFIG = 2


def execute(typed: Config, out: Path, overrides: list[str]) -> None:
    """Simulate, write the run files and report into ``out``, print the KPI table."""
    result = simulate(typed, overrides=overrides, directory=out)
    result.save(out, figures=typed.output.figures, save_visits=typed.output.save_visits)
    if typed.output.report:
        from sim.html_report import write_run_report

        write_run_report(out)
    if typed.output.print_kpis:
        from sim.report import kpi_table

        interventions = ", ".join(typed.interventions) or "none"
        print(f"{typed.hospital.name} | interventions: {interventions} | {result.config.run.replications} "
              f"replication(s) x {typed.run.days} day(s) from {typed.run.start_date}")
        print(kpi_table(result.summary))
    rule = result.provenance.get("replications_rule")
    if rule is not None:
        from sim.precision import describe

        print(describe(rule), file=sys.stdout if rule["reached"] else sys.stderr)


# an absolute path: Hydra reads a relative one against the calling file only when this
# module runs as a script (python -m sim); the hospital-sim console script imports it,
# and Hydra would then look for a Python package named `conf`
@hydra.main(config_path=str(CONF_DIR), config_name="config", version_base="1.3")
def run(cfg: DictConfig) -> str | None:
    hydra_cfg = HydraConfig.get()
    overrides = list(hydra_cfg.overrides.task)
    if hydra_cfg.mode == RunMode.MULTIRUN:
        return sweep.run_job(cfg, Path(hydra_cfg.runtime.output_dir), overrides, execute)
    try:
        typed = to_typed(cfg)
    except ConfigError as error:
        print(f"hospital-sim: {error}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_CONFIG) from None
    out = Path(typed.output.dir or hydra_cfg.runtime.output_dir)
    sweep.writing_into("run", out)
    started = time.perf_counter()
    try:
        execute(typed, out, overrides)
    except ConfigError as error:  # found while running, e.g. run.precision_kpis naming no KPI
        print(f"hospital-sim: {error}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_CONFIG) from None
    sweep.mark_complete(out, typed, overrides, time.perf_counter() - started)
    print(f"results: {out}")
    return None


def main() -> None:
    try:
        run()
    except KeyboardInterrupt:  # Ctrl-C: one line saying what to do, not a traceback
        print(sweep.interrupted(sys.argv), file=sys.stderr)
        raise SystemExit(sweep.EXIT_INTERRUPTED) from None


if __name__ == "__main__":
    main()
