#!/usr/bin/env bash
# Two simulated years of general_hospital with patients over time: baseline, online
# appointments, communication training and complaint follow-up (README.md beside this
# file). Each scenario is one `python -m sim` run (visits streamed to disk, which the
# segment comparison at day 365 reads, about 0.7 GB a replication; the patient tables
# kept); re-running skips scenarios already complete. Then the paired analysis. One replication (2.8 million visits, 1.4 million patients) costs about
# 170 s of one core on the project's 2-core machine (measured under load), 500 MB.
# REPLICATIONS: per scenario (default 4); BASELINE_REPLICATIONS: the baseline's
# (default the same; the findings in README.md ran REPLICATIONS=1 BASELINE_REPLICATIONS=2).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-results/studies/patient_loyalty}
REPLICATIONS=${REPLICATIONS:-4}
BASELINE_REPLICATIONS=${BASELINE_REPLICATIONS:-$REPLICATIONS}
STUDY=experiments/patient_loyalty
PATIENTS=(
  hospital=general_hospital run.days=730 run.jobs=2
  hospital.population.enabled=true hospital.population.returns.enabled=true
  hospital.population.loyalty.enabled=true hospital.charges.enabled=true
  output.stream=true output.save_visits=true output.figures=false output.report=false
  output.print_kpis=false output.progress=false
)
for scenario in none online_appointments communication_training complaint_follow_up; do
  if [ -f "$OUT/$scenario/complete.json" ]; then continue; fi
  replications=$REPLICATIONS
  if [ "$scenario" = none ]; then replications=$BASELINE_REPLICATIONS; fi
  python -m sim "${PATIENTS[@]}" "run.replications=$replications" "intervention=$scenario" "hydra.run.dir=$OUT/$scenario"
done
python "$STUDY/analyse.py" "$OUT" --write "$STUDY"
