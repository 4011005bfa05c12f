#!/usr/bin/env bash
# The main job: install, then score the synthetic demo cohorts and write the files to out/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/bagalau demo --output out/demo "$@"
