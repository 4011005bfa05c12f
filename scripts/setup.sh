#!/usr/bin/env bash
# Create .venv (Python 3.11+) and install Bagalau with its test extras, the
# PySpark engine (extra "spark", which needs Java 17: Debian's
# openjdk-17-jre-headless, installed here when java is missing) and pandas for
# the extracts benchmark (extra "bench"), the PostgreSQL driver and job queue
# (extra "postgres": the store's tests run on PostgreSQL too), and Debian's chromium for the web
# pages' browser tests. The embedded default needs none of them.
# Idempotent: a second run only checks that everything is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "error: Bagalau needs Python 3.11 or newer ($PYTHON is $("$PYTHON" --version 2>&1))" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# The browser tests of the web pages drive Debian's chromium through Playwright
# (Playwright's own browser download is not reachable).
if ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "warning: no chromium; the browser tests need it (apt-get install chromium)" >&2
  fi
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
# pdftoppm and pdftotext, to look at the documents as pictures and read their text layer.
if ! command -v pdftoppm >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
  else
    echo "warning: no pdftoppm; to look at the PDF documents as pictures: apt-get install poppler-utils" >&2
  fi
fi
if ! command -v java >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
  else
    echo "warning: no java; the PySpark tests need Java 17 (apt-get install openjdk-17-jre-headless)" >&2
  fi
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test,postgres,spark,bench]'
