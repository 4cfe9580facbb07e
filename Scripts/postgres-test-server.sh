#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 for the tests (Debian's postgresql-15), or stops one.
#
#   Scripts/postgres-test-server.sh start DIR   prints a postgres:// URL for the server it started,
#                                                its cluster, socket and log in DIR (a new folder)
#   Scripts/postgres-test-server.sh stop DIR    stops it (waits) and removes DIR
#
# The server listens on loopback only, on a free port, with fsync off (its data is thrown
# away), trusts local connections, and allows enough connections for many catalogs at once
# (each opens a few readers, writers and a listener). initdb and pg_ctl refuse to run as root,
# which CI is, so as root they run as the postgres user that Debian's package makes.
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
command=${1:?usage: $0 start|stop DIR}
dir=${2:?usage: $0 start|stop DIR}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$command" in
  start)
    [ -x "$bin/initdb" ] || { echo "error: $bin/initdb is missing: install postgresql-15 (Scripts/install-deps.sh)" >&2; exit 1; }
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; chmod 700 "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/cluster" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 > "$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # A free port: the kernel's pick for a socket bound to port 0.
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/pg_ctl" -D "$dir/cluster" -l "$dir/server.log" -w -t 60 start -o \
      "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=2000 -c shared_buffers=128MB" \
      > /dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
    ;;
  stop)
    if [ -d "$dir/cluster" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/cluster" -m immediate -w -t 60 stop > /dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
