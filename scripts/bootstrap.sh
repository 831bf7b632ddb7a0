#!/usr/bin/env bash
# Set-up shared by scripts/run.sh and scripts/test.sh: system packages (when missing) and the venv.
# Usage: source scripts/bootstrap.sh [--test]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

need_apt=()
want() { dpkg -s "$1" >/dev/null 2>&1 || need_apt+=("$1"); }
# The lineage pages draw graphs with Graphviz's `dot` (the server and the tests alike).
want graphviz
if [[ "${1:-}" == "--test" ]]; then
  # A real PostgreSQL server for the registry/audit tests; independent readers for labeling tests.
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || want postgresql
  # initdb refuses to run as root: the tests start the server as `postgres`.
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres || true
  fi
  for p in $(grep -v '^#' "$ROOT/scripts/apt-test.txt" 2>/dev/null || true); do want "$p"; done
fi
if ((${#need_apt[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "installing system packages: ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "warning: missing system packages (run as root to install): ${need_apt[*]}" >&2
  fi
fi

PY="${PYTHON:-python3}"
if [[ ! -x .venv/bin/python ]]; then
  "$PY" -m venv .venv
fi
if [[ "${1:-}" == "--test" ]]; then
  lock="requirements/test.lock"; stamp=".venv/.aisgf-installed-test"
else
  lock="requirements/app.lock"; stamp=".venv/.aisgf-installed"
fi
# The exact versions (with hashes) from the lock, then aisgf itself without resolving anything again:
# pyproject.toml holds ranges, the lock what is tested (scripts/lock.sh refreshes it).
if [[ ! -f "$stamp" || pyproject.toml -nt "$stamp" || "$lock" -nt "$stamp" ]]; then
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q --require-hashes -r "$lock"
  .venv/bin/python -m pip install -q --no-deps -e .
  touch "$stamp"
fi
