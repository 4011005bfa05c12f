#!/usr/bin/env bash
# The test suite: install, make the PostgreSQL test database ready when
# PostgreSQL is installed (else those tests are skipped), then run pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/postgres.sh
exec .venv/bin/python -m pytest "$@"
