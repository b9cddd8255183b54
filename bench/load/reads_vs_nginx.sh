#!/usr/bin/env bash
# Public reads of `candor serve` beside nginx serving the very same bytes (issue 12 item 2), in
# one run on this machine: `/api/v1/health`, `/api/v1/log/sth` and the 25-member demo roster.
# nginx runs with one worker and serves files holding what Candor answered, so the ratio is
# Candor's cost over a static server's for the same answer.
#
#   bash bench/load/reads_vs_nginx.sh           # DURATION=10 CONNECTIONS=32 by default
#   SERVE_ARGS="--threads 2" bash bench/load/reads_vs_nginx.sh   # other server options
#
# Needs wrk and nginx (apt-get install wrk nginx-light). Prints requests/second for each and
# Candor's share of nginx's. Talks only to 127.0.0.1; removes its directory at the end.
set -euo pipefail
duration=${DURATION:-10}
connections=${CONNECTIONS:-32}
root=$(cd "$(dirname "$0")/../.." && pwd)
candor=${CANDOR:-$root/build/src/cli/candor}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx_bin" ] || { echo "nginx is not installed (apt-get install nginx-light)"; exit 2; }
work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cport=$(free_port)
nport=$(free_port)
"$candor" serve --demo --no-access-log --data-dir "$work/data" --port "$cport" ${SERVE_ARGS:-} >"$work/serve.log" 2>&1 &
server=$!
nginx_pid=""
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
curl_ok() { curl -sf "$@"; }
for _ in $(seq 100); do curl_ok "http://127.0.0.1:$cport/api/v1/health" >/dev/null && break; sleep 0.2; done

paths=(/api/v1/health /api/v1/log/sth /api/v1/orgs/demo-agency/roster)
mkdir -p "$work/www/api/v1/log" "$work/www/api/v1/orgs/demo-agency"
for p in "${paths[@]}"; do curl_ok "http://127.0.0.1:$cport$p" >"$work/www$p"; done

cat >"$work/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  server {
    listen 127.0.0.1:$nport;
    root $work/www;
    location / { try_files \$uri =404; }
  }
}
EOF
"$nginx_bin" -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
for _ in $(seq 50); do curl_ok "http://127.0.0.1:$nport/api/v1/health" >/dev/null && break; sleep 0.1; done

rate() { wrk -t1 -c"$connections" -d"${duration}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
echo "wrk -t1 -c$connections -d${duration}s; nginx: 1 worker, the same bytes from files"
for p in "${paths[@]}"; do
  n=$(rate "http://127.0.0.1:$nport$p")
  c=$(rate "http://127.0.0.1:$cport$p")
  python3 -c "import sys; c, n = float('$c'), float('$n'); print(f'{sys.argv[1]:<36} candor {c:>9.0f}/s   nginx {n:>9.0f}/s   {c / n:.2f}x')" "$p"
done
