#!/usr/bin/env bash
# The classroom guide's numbers (README.md beside this file): every exercise's
# scenarios as the teaching page runs them, with paired differences from baseline.
# About 25 s on an idle machine with 2 cores. Writes results/studies/teaching/findings.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-results/studies/teaching}
mkdir -p "$OUT"
python experiments/teaching/measure.py | tee "$OUT/findings.md"
