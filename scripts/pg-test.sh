#!/usr/bin/env bash
# The PostgreSQL half of the conformance suite: starts a throwaway cluster
# (scripts/pg-cluster.sh), runs every test of the release build's
# vault_tests against it (each test on a schema of its own; the few that
# inspect the SQLite file itself skip), then the multi-node test (two vaultd
# behind HAProxy, one killed), and removes the cluster.
# Usage: scripts/pg-test.sh [BUILD_DIR]   (default build/release)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build/release}
JOBS=${JOBS:-2}
PGDIR=$(mktemp -u /tmp/vault-pg.XXXXXX)
trap 'bash scripts/pg-cluster.sh stop "$PGDIR"' EXIT
CONN=$(bash scripts/pg-cluster.sh start "$PGDIR")
echo "PostgreSQL: $("$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/postgres" --version) at $PGDIR"
export VAULT_TEST_PG="$CONN"
(cd "$BUILD" && ctest --output-on-failure -j"$JOBS" -E '^(cli_end_to_end|crash_kill9|crash_disk_full)$')
if [[ -x tests/multinode/run.sh ]]; then
  bash tests/multinode/run.sh "$BUILD" "$CONN"
fi
