#!/usr/bin/env bash
# Make the PostgreSQL test database ready when PostgreSQL is installed here:
# start the local cluster if it is down, then create the database
# bagalau_test (trust authentication for postgres@127.0.0.1, as on CI).
# Never fails: without PostgreSQL the PostgreSQL-parametrised tests are
# skipped and say why. A custom BAGALAU_TEST_POSTGRES_URL is left alone.
set -uo pipefail
if [ -n "${BAGALAU_TEST_POSTGRES_URL:-}" ]; then
  echo "postgres: using BAGALAU_TEST_POSTGRES_URL as given"
  exit 0
fi
if ! command -v pg_lsclusters >/dev/null 2>&1 || [ ! -d /etc/postgresql ]; then
  echo "postgres: not installed; the PostgreSQL tests will be skipped"
  exit 0
fi
for version in $(ls /etc/postgresql); do
  status=$(pg_lsclusters --no-header 2>/dev/null | awk -v v="$version" '$1 == v && $2 == "main" {print $4}')
  if [ -n "$status" ] && [ "$status" != "online" ]; then
    echo "postgres: starting cluster $version/main"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || echo "postgres: could not start $version/main"
  fi
done
for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && break
  sleep 0.5
done
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "postgres: not answering on 127.0.0.1:5432; the PostgreSQL tests will be skipped"
  exit 0
fi
exists=$(psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'bagalau_test'" 2>/dev/null)
if [ "$exists" != "1" ]; then
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE bagalau_test" \
    && echo "postgres: created database bagalau_test" \
    || echo "postgres: could not create bagalau_test; the PostgreSQL tests will be skipped"
else
  echo "postgres: database bagalau_test is ready"
fi
exit 0
