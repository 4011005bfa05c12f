#!/usr/bin/env bash
# The test suite: install, make the PostgreSQL test database ready when
# PostgreSQL is installed (else those tests are skipped), then run pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/postgres.sh
# On CI PostgreSQL is installed and must be used: its test cases may not skip.
if [ -n "${CI:-}" ] && command -v pg_lsclusters >/dev/null 2>&1; then
  export BAGALAU_REQUIRE_POSTGRES=1
fi
# Both cores: each test builds its own database (an SQLite file, a PostgreSQL schema), so
# the tests are independent and pytest-xdist can spread them over the workers.
exec .venv/bin/python -m pytest -n auto "$@"
