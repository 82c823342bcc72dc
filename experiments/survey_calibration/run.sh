#!/usr/bin/env bash
# Survey calibration (README.md beside this file): the published targets next to what
# general_hospital (information gaps on) gives, and the refit of the latent means.
# About 5-10 minutes on 2 cores. Seeded: the same command prints the same figures.
set -euo pipefail
cd "$(dirname "$0")/../.."
python experiments/survey_calibration/calibrate.py --fit --days 3 --reps 2 "$@"
