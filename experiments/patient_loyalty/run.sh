#!/usr/bin/env bash
# Two simulated years of general_hospital with patients over time: baseline, online
# appointments, communication training and complaint follow-up (README.md beside this
# file). Each scenario is one `python -m sim` run (visits streamed and not kept; the
# patient tables kept); re-running skips scenarios already complete. Then the paired
# analysis. About 4 replications x 4 scenarios x ~70 s of one core.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-results/studies/patient_loyalty}
REPLICATIONS=${REPLICATIONS:-4}
STUDY=experiments/patient_loyalty
PATIENTS=(
  hospital=general_hospital run.days=730 "run.replications=$REPLICATIONS" run.jobs=2
  hospital.population.enabled=true hospital.population.returns.enabled=true
  hospital.population.loyalty.enabled=true hospital.charges.enabled=true
  output.stream=true output.save_visits=false output.figures=false output.report=false
  output.print_kpis=false output.progress=false
)
for scenario in none online_appointments communication_training complaint_follow_up; do
  if [ -f "$OUT/$scenario/complete.json" ]; then continue; fi
  python -m sim "${PATIENTS[@]}" "intervention=$scenario" "hydra.run.dir=$OUT/$scenario"
done
python "$STUDY/analyse.py" "$OUT" --write "$STUDY"
