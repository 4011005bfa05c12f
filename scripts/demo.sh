#!/usr/bin/env bash
# The main job: install, score the synthetic demo cohorts and write the files
# to out/demo, then run the synthetic 2012 demo campaign end to end in the
# embedded store (an SQLite file in the user's data directory, or
# $BAGALAU_DATABASE_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/bagalau demo --output out/demo "$@"
.venv/bin/bagalau campaign demo
