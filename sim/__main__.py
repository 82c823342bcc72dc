"""``python -m sim [overrides]``: run a configured scenario, print its KPIs and write
its files into Hydra's run directory (``results/runs/<timestamp>/`` by default)."""

from __future__ import annotations

import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.config import ConfigError, to_typed
from sim.experiment import simulate

EXIT_BAD_CONFIG = 2


@hydra.main(config_path="../conf", config_name="config", version_base="1.3")
def run(cfg: DictConfig) -> None:
    try:
        typed = to_typed(cfg)
    except ConfigError as error:
        print(f"hospital-sim: {error}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_CONFIG) from None
    hydra_cfg = HydraConfig.get()
    out = Path(typed.output.dir or hydra_cfg.runtime.output_dir)
    result = simulate(typed, overrides=list(hydra_cfg.overrides.task))
    result.save(out, figures=typed.output.figures, save_visits=typed.output.save_visits)
    if typed.output.print_kpis:
        from sim.report import kpi_table

        interventions = ", ".join(typed.interventions) or "none"
        print(f"{typed.hospital.name} | interventions: {interventions} | {typed.run.replications} replication(s) "
              f"x {typed.run.days} day(s) from {typed.run.start_date}")
        print(kpi_table(result.summary))
    print(f"results: {out}")


def main() -> None:
    run()


if __name__ == "__main__":
    main()
