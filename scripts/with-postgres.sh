#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster for Candor's tests:
#
#   scripts/with-postgres.sh CMD ARGS…
#
# Creates a temporary directory, initdb's a cluster there, starts it on 127.0.0.1 at a free
# port (unix socket inside the directory, fsync on, connections not logged), creates the role
# `candor` and its database `candor` (each test makes a schema of its own there), exports
# CANDOR_TEST_POSTGRES=postgresql://candor@127.0.0.1:PORT/candor, runs the command, and — however
# it ends — stops the server and deletes the directory, exiting with the command's status.
#
# PostgreSQL refuses to run as root; as root the cluster runs as the `postgres` system user
# (which the Debian package creates). Authentication is `trust`: the cluster listens on
# loopback only and lives as long as the command.
#
# If CANDOR_TEST_POSTGRES is already set (a CI service, your own server), the command simply
# runs against that and nothing is started. PostgreSQL's server binaries are looked up in
# /usr/lib/postgresql/*/bin (newest first) unless CANDOR_PG_BIN names the directory.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS…]" >&2
  exit 2
fi

if [ -n "${CANDOR_TEST_POSTGRES:-}" ]; then
  exec "$@"
fi

pg_bin="${CANDOR_PG_BIN:-}"
if [ -z "$pg_bin" ]; then
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ] || [ ! -x "$pg_bin/pg_ctl" ]; then
  echo "with-postgres: PostgreSQL server binaries not found (install the postgresql package;" \
       "scripts/install-deps.sh does, or set CANDOR_PG_BIN)" >&2
  exit 2
fi

# As root, every server-side command runs as the postgres user.
as_server=()
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "with-postgres: running as root, but there is no 'postgres' user to run the server" >&2
    exit 2
  fi
  if command -v runuser >/dev/null 2>&1; then
    as_server=(runuser -u postgres --)
  else
    as_server=(su postgres -s /bin/sh -c '"$0" "$@"')
  fi
fi

# The directory must be reachable by the server's user: as root, a private TMPDIR may not be.
base="${TMPDIR:-/tmp}"
if [ "${#as_server[@]}" -gt 0 ] && ! "${as_server[@]}" test -x "$base"; then base=/tmp; fi
work="$(mktemp -d "$base/candor-pg.XXXXXXXX")"
data="$work/data"
log="$work/server.log"
if [ "${#as_server[@]}" -gt 0 ]; then chown postgres: "$work"; fi
chmod 700 "$work"

server_started=0
cleanup() {
  local status=$?
  trap - EXIT INT TERM HUP
  if [ "$server_started" -eq 1 ]; then
    "${as_server[@]}" "$pg_bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      "${as_server[@]}" "$pg_bin/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
      true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

"${as_server[@]}" "$pg_bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 \
  --locale=C --no-sync --no-instructions >"$work/initdb.log" 2>&1 || {
  echo "with-postgres: initdb failed:" >&2
  cat "$work/initdb.log" >&2
  exit 2
}

# A free port: nothing answers on it now. Another process could take it before the server
# binds, so a failed start is retried on another port.
port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for attempt in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 40000))
  port_is_free "$port" || continue
  if "${as_server[@]}" "$pg_bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
       -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$work \
           -c fsync=on -c synchronous_commit=on -c log_connections=off \
           -c log_disconnections=off -c max_connections=300" \
       start >/dev/null 2>&1; then
    server_started=1
    break
  fi
  if ! grep -q "could not bind\|Address already in use" "$log" 2>/dev/null; then break; fi
done
if [ "$server_started" -ne 1 ]; then
  echo "with-postgres: the PostgreSQL server did not start:" >&2
  tail -n 30 "$log" >&2 2>/dev/null || true
  exit 2
fi

# pg_ctl -w returns once the server accepts connections; check over TCP all the same.
for _ in $(seq 1 100); do
  if "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then break; fi
  sleep 0.1
done

psql=("$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres)
"${psql[@]}" -c "CREATE ROLE candor LOGIN" -c "CREATE DATABASE candor OWNER candor" >/dev/null

export CANDOR_TEST_POSTGRES="postgresql://candor@127.0.0.1:$port/candor"
echo "with-postgres: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2

set +e
"$@"
status=$?
set -e
exit "$status"
