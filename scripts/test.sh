#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine, then runs the
# linter, the type checker and the tests. Usage: bash scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

# pywb serves the tests' local web archive. It lives in its own environment and runs as a
# subprocess, so its pinned dependencies can never clash with linkwatch's.
PYWB_VERSION=2.10.0
if ! .venv-pywb/bin/python -c "import pywb, sys; sys.exit(pywb.__version__ != '$PYWB_VERSION')" 2>/dev/null; then
    "$PYTHON" -m venv .venv-pywb
    .venv-pywb/bin/python -m pip install --quiet --upgrade pip
    .venv-pywb/bin/python -m pip install --quiet "pywb==$PYWB_VERSION"
fi

# The browser test of report.html runs in Debian's headless Chromium; the extraction test
# that reads one report in every format converts it with pandoc (DOCX) and Chromium (PDF).
if [ ! -x /usr/bin/chromium ] || ! command -v pandoc >/dev/null; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium pandoc
fi

# The shared-store and worker-fleet tests start a real PostgreSQL server (Debian's package;
# the fixture runs it as the package's postgres user when the tests run as root).
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql
fi

echo "== ruff"
.venv/bin/ruff check linkwatch tests bench
echo "== mypy (strict)"
.venv/bin/mypy
echo "== pytest"
.venv/bin/python -m pytest "$@"
