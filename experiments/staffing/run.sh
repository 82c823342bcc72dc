#!/usr/bin/env bash
# The planner's staffing study (README.md beside this file). Re-running resumes:
# complete scenarios are skipped. About 30 s of 2 cores per scenario.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-results/studies/staffing}
STUDY=experiments/staffing

python -m sim experiment=staffing_study hydra.sweep.dir="$OUT" output.print_kpis=false output.save_visits=false
python -m sim.report "$OUT" --baseline intervention=none
python "$STUDY/cost_effectiveness.py" "$OUT" "$STUDY"
