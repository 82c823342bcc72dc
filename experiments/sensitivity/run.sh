#!/usr/bin/env bash
# Global sensitivity analysis of the teaching clinic (README.md beside this file), then
# the Ishigami check. Re-running resumes: finished evaluations are kept. About 4
# minutes of 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-results/studies/sensitivity}
STUDY=experiments/sensitivity

python -m sim.sensitivity hydra.run.dir="$OUT/teaching_demo" output.progress=false
python -m sim.sensitivity research.sensitivity.model=ishigami research.sensitivity.sobol.base_samples=1024 \
    run.replications=1 run.jobs=1 hydra.run.dir="$OUT/ishigami" output.progress=false
cp "$OUT/teaching_demo/indices.csv" "$STUDY/"
cp "$OUT"/teaching_demo/figures/*.png "$STUDY/"
cp "$OUT/ishigami/figures/sobol_ishigami.png" "$STUDY/"
