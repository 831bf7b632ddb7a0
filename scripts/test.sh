#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it needs (system packages when root, the
# venv with the test extra), lints, then runs pytest. The suite starts its own PostgreSQL server from
# /usr/lib/postgresql/*/bin (as the postgres user) for the PostgreSQL tests and stops it afterwards.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh" --test
.venv/bin/ruff check src tests benchmarks tools
exec .venv/bin/python -m pytest -q "$@"
