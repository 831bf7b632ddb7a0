#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it needs (system packages when root, the
# venv with the test extra), lints, type-checks, then runs pytest on two workers (pytest-xdist). The
# suite starts its own PostgreSQL server per worker from /usr/lib/postgresql/*/bin (as the postgres
# user) for the PostgreSQL tests and stops it afterwards. Extra arguments go to pytest, e.g.
# `-m "not slow"` for the quick loop or `-n 0` for one process.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh" --test
.venv/bin/ruff check src tests benchmarks tools
.venv/bin/python -m mypy  # files and strictness: [tool.mypy] in pyproject.toml
.venv/bin/python -m pytest -q -n "${AISGF_TEST_WORKERS:-2}" "$@"
bash scripts/api_fuzz.sh  # Schemathesis against a live `aisgf serve` (its own data folder and tokens)
