#!/usr/bin/env bash
# Load figures for `candor serve` on loopback with wrk: a public read (the roster) and
# enrollment (an anonymous write: invitation check, roster update, log append, signed tree
# head, fsync), against the engine named by $1 ("sqlite" or "postgres").
#
#   bash bench/load/run-wrk.sh sqlite
#   bash scripts/with-postgres.sh bash bench/load/run-wrk.sh postgres
#
# Prints requests/second for each. Bounded: each wrk run lasts DURATION seconds (default 10)
# and only talks to 127.0.0.1.
set -euo pipefail
engine=${1:-sqlite}
duration=${DURATION:-10}
invitations=${INVITATIONS:-3000}
root=$(cd "$(dirname "$0")/../.." && pwd)
candor=$root/build/src/cli/candor
bodies_tool=$root/build/tools/make_enroll_bodies
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
store_args=()
if [ "$engine" = postgres ]; then
  : "${CANDOR_TEST_POSTGRES:?run under scripts/with-postgres.sh}"
  store_args=(--store "$CANDOR_TEST_POSTGRES")
fi
"$candor" serve --demo --no-access-log --data-dir "$work/data" --port "$port" "${store_args[@]}" >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
url=http://127.0.0.1:$port
for _ in $(seq 50); do curl -sf "$url/api/v1/health" >/dev/null && break; sleep 0.2; done

# Sign in as the demo officer and prepare invitations and enrollment bodies.
curl -sf -c "$work/jar" -H 'Content-Type: application/json' \
  -d '{"organization":"demo-agency","username":"admin","password":"demo-password-not-secret"}' \
  "$url/api/v1/session" >"$work/session.json"
csrf=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$work/session.json")
for _ in $(seq "$invitations"); do
  curl -sf -b "$work/jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' -d '{}' \
    "$url/api/v1/orgs/demo-agency/invitations"
  echo
done | python3 -c 'import json,sys; [print(json.loads(l)["invitation"]) for l in sys.stdin if l.strip()]' \
  | "$bodies_tool" >"$work/bodies.txt"

echo "== $engine: GET /api/v1/orgs/demo-agency/roster (${duration}s, 2 threads, 16 connections)"
wrk -t2 -c16 -d"${duration}s" "$url/api/v1/orgs/demo-agency/roster" | grep -E "Requests/sec|Latency|requests in"
echo "== $engine: POST /api/v1/orgs/demo-agency/enroll (${duration}s, 1 thread, 8 connections)"
before=$(curl -sf "$url/api/v1/orgs/demo-agency/roster" | python3 -c 'import json,sys; print(json.load(sys.stdin)["size"])')
start=$(date +%s.%N)
wrk -t1 -c8 -d"${duration}s" -s "$root/bench/load/enroll.lua" "$url/api/v1/orgs/demo-agency/enroll" -- "$work/bodies.txt" | grep -E "Latency|requests"
end=$(date +%s.%N)
after=$(curl -sf "$url/api/v1/orgs/demo-agency/roster" | python3 -c 'import json,sys; print(json.load(sys.stdin)["size"])')
python3 -c "import sys; n=$after-$before; d=$end-$start; print(f'enrollments committed: {n} in {d:.1f}s = {n/d:.0f}/s (of {$invitations} invitations)')"
