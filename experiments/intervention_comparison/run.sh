#!/usr/bin/env bash
# Every intervention against baseline (README.md beside this file). Re-running
# resumes: complete interventions are skipped. About 25 s of 2 cores per intervention.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-results/studies/intervention_comparison}
STUDY=experiments/intervention_comparison

python -m sim experiment=compare_interventions hydra.sweep.dir="$OUT" output.print_kpis=false output.save_visits=false
python -m sim.report "$OUT" --baseline intervention=none
cp "$OUT/comparison.csv" "$STUDY/"
cp "$OUT"/figures/*.png "$STUDY/"
