#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and benchmarks.
#   scripts/pg-cluster.sh start DIR   creates and starts it in DIR (which must
#                                     not exist), prints its libpq conninfo
#   scripts/pg-cluster.sh stop DIR    stops it and removes DIR
# PostgreSQL refuses to run as root: as root, the server runs as the
# `postgres` user Debian's package creates, in a directory that user owns.
# It listens on a Unix socket in DIR only (no TCP port to collide with), with
# fsync off: the tests kill vaultd nodes, never this server, and it is
# deleted afterwards. Database `vault_test`, superuser `vault`, trust auth.
# VAULT_PG_DURABLE=1 keeps fsync and synchronous commit on (benchmarks
# compare it with SQLite's synchronous=FULL).
set -euo pipefail
cmd=${1:?usage: pg-cluster.sh start|stop DIR}
dir=${2:?usage: pg-cluster.sh start|stop DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_owner=()
if [[ $(id -u) == 0 ]]; then as_owner=(runuser -u postgres --); fi

case "$cmd" in
  start)
    mkdir -m 0700 "$dir"
    if [[ $(id -u) == 0 ]]; then chown postgres: "$dir"; fi
    "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U vault -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if [[ ${VAULT_PG_DURABLE:-0} == 1 ]]; then durability="-c fsync=on -c synchronous_commit=on"; fi
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses='' -c unix_socket_directories='$dir' $durability -c max_connections=300 -c shared_buffers=256MB" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    "${as_owner[@]}" "$bin/createdb" -h "$dir" -U vault vault_test
    # Everyone on this machine may reach the socket (the tests run as root
    # or as the invoking user); the cluster trusts only local connections.
    chmod 0755 "$dir"
    echo "host=$dir user=vault dbname=vault_test"
    ;;
  stop)
    if [[ -d "$dir/data" ]]; then
      "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg-cluster.sh start|stop DIR" >&2
    exit 2
    ;;
esac
