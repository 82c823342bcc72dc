#!/usr/bin/env bash
# PDCA cycles on the teaching clinic (README.md beside this file). Re-running resumes:
# finished evaluations are kept. Under a minute of 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-results/studies/pdca}
STUDY=experiments/pdca

python -m sim experiment=pdca hydra.run.dir="$OUT" output.progress=false
cp "$OUT/cycles.csv" "$OUT/figures/complaint_rate_by_cycle.png" "$STUDY/"
