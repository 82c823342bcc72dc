#!/usr/bin/env bash
# Complaints vs a SERVQUAL survey as signals of an intervention (README.md beside this
# file). Re-running resumes: complete scenarios are skipped. About 5-10 minutes on 2
# cores (4 scenarios of 7 days x 10 replications), then seconds for the analysis.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-results/studies/complaints_vs_surveys}
STUDY=experiments/complaints_vs_surveys

python -m sim experiment=complaints_vs_surveys hydra.sweep.dir="$OUT" output.print_kpis=false output.progress=false
python "$STUDY/analyse.py" "$OUT" --into "$STUDY"
