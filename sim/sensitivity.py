"""``python -m sim.sensitivity [overrides]``: global sensitivity analysis, the same as
``python -m sim experiment=sensitivity [overrides]`` (``conf/experiment/sensitivity.yaml``:
Morris screening, then Sobol indices, of the complaint model's and the main flow's
parameters on the teaching clinic; ``sim.research.sensitivity``).

    python -m sim.sensitivity                                    # the defaults, about 3 minutes on 2 cores
    python -m sim.sensitivity research.sensitivity.model=ishigami  # the known case: the Ishigami function
    python -m sim.sensitivity hydra.run.dir=DIR                  # resume an interrupted analysis in DIR
"""

from __future__ import annotations

import sys

from sim.__main__ import main as run_main

EXPERIMENT = "experiment=sensitivity"


def main() -> None:
    if not any(arg.lstrip("+").startswith("experiment=") for arg in sys.argv[1:]):
        sys.argv.insert(1, EXPERIMENT)
    run_main()


if __name__ == "__main__":
    main()
