#!/usr/bin/env bash
# The staffing optimisation of the teaching clinic against the exhaustive grid
# (README.md beside this file). Re-running resumes: finished evaluations are kept.
# About 30 minutes on a shared 2-core machine, the grid (8,640 evaluations) 25 of them.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-results/studies/optimise_staffing}
STUDY=experiments/optimise_staffing
QUIET="output.print_kpis=false output.progress=false"

# TPE with the default sampler seed (run.seed) and two others: same simulations
python -m sim experiment=optimise_staffing hydra.run.dir="$OUT/tpe" $QUIET
for seed in 1 2; do
  python -m sim experiment=optimise_staffing research.optimise.sampler_seed=$seed hydra.run.dir="$OUT/tpe_seed$seed" $QUIET
done
# every one of the 432 configurations, under the same replication rule
python -m sim experiment=optimise_staffing research.optimise.sampler=grid hydra.run.dir="$OUT/grid" $QUIET
python "$STUDY/compare_with_grid.py" "$OUT/grid" "$OUT/tpe" "$OUT/tpe_seed1" "$OUT/tpe_seed2" \
  > "$STUDY/grid_vs_tpe.md"
cp "$OUT/tpe/figures/pareto_front.png" "$STUDY/"
cp "$OUT/tpe/best.csv" "$STUDY/"
cat "$STUDY/grid_vs_tpe.md"
