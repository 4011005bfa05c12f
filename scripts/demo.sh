#!/usr/bin/env bash
# The main job: install, score the synthetic demo cohorts and write the files
# to out/demo, then run the synthetic 2012 demo campaign end to end in the
# embedded store (an SQLite file in the user's data directory, or
# $BAGALAU_DATABASE_URL), write its final rating and anchor to
# out/demo-campaign, verify the store against that anchor, and derive inputs
# from synthetic extracts of every kind (bagalau extracts demo); then start the
# web application on that store (bagalau serve), printing its address and the
# demo logins.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/bagalau demo --output out/demo "$@"
# The final rating is anchored with a key held outside the database; unless the
# environment names one, the demo makes its own in out/ (README, "Tamper evidence").
if [ -z "${BAGALAU_ANCHOR_KEY:-}${BAGALAU_ANCHOR_KEY_FILE:-}" ]; then
  mkdir -p out
  if [ ! -s out/demo-anchor.key ]; then
    (umask 077 && .venv/bin/bagalau audit keygen --id demo > out/demo-anchor.key)
  fi
  export BAGALAU_ANCHOR_KEY_FILE="$PWD/out/demo-anchor.key"
fi
.venv/bin/bagalau campaign demo --output out/demo-campaign
.venv/bin/bagalau audit verify --anchor "$(ls -t out/demo-campaign/*.anchor.json | head -n 1)"
.venv/bin/bagalau extracts demo --workspace out/demo/extracts
# Last, the web application on the same embedded store, with the demo campaign
# and its accounts: it prints its address and the demo logins (Ctrl-C stops it).
# BAGALAU_DEMO_NO_SERVE=1 leaves it out (scripted runs).
if [ -z "${BAGALAU_DEMO_NO_SERVE:-}" ]; then
  exec .venv/bin/bagalau serve
fi
