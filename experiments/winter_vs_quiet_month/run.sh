#!/usr/bin/env bash
# Busy winter month vs a quiet one (README.md beside this file). Re-running resumes:
# complete months are skipped. About 3 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-results/studies/winter_vs_quiet_month}
STUDY=experiments/winter_vs_quiet_month

python -m sim experiment=winter_vs_quiet_month hydra.sweep.dir="$OUT" output.print_kpis=false
python -m sim.report "$OUT" --baseline run.start_date=2027-02-01
cp "$OUT/comparison.csv" "$OUT/figures/differences.png" "$OUT/figures/kpis_by_scenario.png" "$STUDY/"
