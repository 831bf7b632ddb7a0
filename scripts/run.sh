#!/usr/bin/env bash
# The main job on a fresh machine: install into .venv, create the SQLite database on first run,
# load the framework catalog, serve on http://127.0.0.1:8000 (OpenAPI at /docs).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
exec .venv/bin/aisgf serve "$@"
