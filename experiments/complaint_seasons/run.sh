#!/usr/bin/env bash
# Complaints by month: general_hospital vs kunming_tertiary (README.md beside this
# file). Re-running resumes: complete months are skipped. About 10-20 minutes on 2
# cores (24 months of 14 days x 3 replications), then a minute for the analysis.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-results/studies/complaint_seasons}
STUDY=experiments/complaint_seasons

python -m sim experiment=complaint_seasons hydra.sweep.dir="$OUT" output.print_kpis=false output.progress=false
python "$STUDY/analyse.py" "$OUT" --into "$STUDY"
