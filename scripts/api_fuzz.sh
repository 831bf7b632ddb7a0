#!/usr/bin/env bash
# Fuzz the REST API with Schemathesis against a live server, from its own OpenAPI document.
#
# A fresh data folder (SQLite, evidence store), an administrator, a governance lead and the lead's API
# token are made with the CLI; `aisgf serve` runs on a free local port; `schemathesis run` tests every
# operation with every default check (server errors, status codes, content types, headers, response
# schemas, positive and negative data, auth, stateful links) and a bounded number of examples per
# operation; scripts/api_fuzz.toml holds the one allowance (and why). Exit status: schemathesis's
# (0 = no failure), or 1 if the server logged an unexpected error. Called by scripts/test.sh after pytest.
#
# Environment: AISGF_FUZZ_EXAMPLES (default 20), AISGF_FUZZ_SEED (default 20261203, so CI is reproducible;
# set it, or "random", to explore), PYTHON
# (default .venv/bin/python). Extra arguments go to `schemathesis run`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
ST="$(dirname "$PY")/schemathesis"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/aisgf-fuzz.XXXXXX")"
server=""
cleanup() {
  if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export AISGF_DATA_DIR="$WORK/data" AISGF_PASSWORD_HASH_PROFILE=test
unset AISGF_DATABASE_URL AISGF_CONFIG AISGF_API_TOKEN AISGF_ACTOR
export AISGF_NEW_PASSWORD="fuzz-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
aisgf() { "$PY" -m aisgf.cli "$@"; }
aisgf db-upgrade >/dev/null
aisgf user create --admin fuzz-admin >/dev/null
aisgf user create --role governance_lead fuzz-lead --as fuzz-admin >/dev/null
# Reviews are for reviewers only: that operation runs with a reviewer's token (scripts/api_fuzz.toml).
aisgf user create --role reviewer fuzz-reviewer --as fuzz-admin \
  -f business -f data -f legal -f infosec -f senior >/dev/null
new_token() { aisgf token create fuzz --user "$1" --as fuzz-admin | grep -o 'aisgf_[A-Za-z0-9_-]*' | tail -1; }
token="$(new_token fuzz-lead)"
AISGF_FUZZ_REVIEWER_TOKEN="$(new_token fuzz-reviewer)"
export AISGF_FUZZ_REVIEWER_TOKEN
[[ -n "$token" && -n "$AISGF_FUZZ_REVIEWER_TOKEN" ]] || { echo "api_fuzz: no API token was made" >&2; exit 2; }

port="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$PY" -m aisgf.cli serve --host 127.0.0.1 --port "$port" >"$WORK/server.log" 2>&1 &  # not the function: $! is the server
server=$!
url="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  "$PY" -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$url/api/health" \
    2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$WORK/server.log" >&2; echo "api_fuzz: the server did not start" >&2; exit 2; }
  sleep 0.2
done

seed="${AISGF_FUZZ_SEED:-20261203}"
[[ "$seed" == random ]] && seed="$RANDOM$RANDOM"
echo "api_fuzz: schemathesis against $url (seed $seed)"
status=0
cd "$WORK"  # schemathesis keeps a cache folder in the working directory
"$ST" --config-file "$ROOT/scripts/api_fuzz.toml" run "$url/openapi.json" \
  --header "Authorization: Bearer $token" \
  --max-examples "${AISGF_FUZZ_EXAMPLES:-20}" \
  --seed "$seed" \
  --workers 2 \
  --request-timeout 30 \
  "$@" || status=$?
if grep -q "unexpected error, request" "$WORK/server.log"; then
  echo "api_fuzz: the server logged unexpected errors:" >&2
  grep -A30 "unexpected error, request" "$WORK/server.log" | head -120 >&2
  status=1
fi
exit "$status"
