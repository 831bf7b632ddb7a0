#!/usr/bin/env bash
# Refresh the lock files from pyproject.toml's ranges (README: "Dependencies and lock files").
#   requirements/app.lock   what scripts/run.sh installs: aisgf[all] (screening, dask, labeling, postgres)
#   requirements/test.lock  what scripts/test.sh and CI install: aisgf[test] (all, c2pa and the test tools)
# Universal (every platform's markers) and with hashes, for Python 3.11, the oldest aisgf supports.
# Extra arguments go to `uv pip compile`, e.g. `--upgrade-package fastapi` or `--upgrade`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
UV="${UV:-uv}"
command -v "$UV" >/dev/null || { echo "needs uv: python3 -m pip install uv" >&2; exit 1; }
for spec in "app:all" "test:test"; do
  name="${spec%%:*}"; extra="${spec#*:}"
  "$UV" pip compile pyproject.toml --extra "$extra" --universal --python-version 3.11 --generate-hashes \
    --custom-compile-command "scripts/lock.sh" -q -o "requirements/$name.lock" "$@"
done
