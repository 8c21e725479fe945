#!/usr/bin/env bash
# Soak (issue 17): BENCH_SOAK_CLIENTS (default 64) clients of mixed traffic
# (logins, searches, views, uploads, exports, loan steps; bench/soak_driver.cc)
# for BENCH_SOAK_SECONDS (default 60) s against one vaultd on SQLite, then on
# PostgreSQL (a throwaway cluster from scripts/pg-cluster.sh, fsync on) when
# BENCH_SOAK_PG=1, or by default when PostgreSQL is installed
# (BENCH_SOAK_PG=0 skips it). Checks: no 5xx answer (a 503 "*.busy" from a
# configured concurrency cap is counted apart), every acknowledged upload
# read back with the same SHA-256, vaultd's RSS growth under 32 MiB after
# BENCH_SOAK_WARMUP (default 15) s, and no more open descriptors after the
# load than after the warm-up (both read with every client disconnected). Reports throughput and p50/p99 per request kind.
# The vault's watermark policy allows 100,000 exports per user and hour (the
# default 120 would refuse a soak's exports as a rate limit, by design).
# Results replace the <!-- bench:soak --> section of docs/benchmarks.md.
# Exits 1 if a check fails.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)
VAULTCTL=${VAULTCTL:-$REPO/build/release/vaultctl}
BUILD=$(dirname "$VAULTCTL")
VAULTD=${VAULTD:-$BUILD/vaultd}
DRIVER=$BUILD/bench_soak
MAKEPDF=$BUILD/bench_make_pdf
SECONDS_RUN=${BENCH_SOAK_SECONDS:-60}
CLIENTS=${BENCH_SOAK_CLIENTS:-64}
WARMUP=${BENCH_SOAK_WARMUP:-15}
DOC=${BENCH_DOC:-$REPO/docs/benchmarks.md}
BASE=${BENCH_DIR:-$REPO/build/bench-scratch}
PASSWORD="soak benchmark password 1"

command -v curl >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null
for b in "$VAULTD" "$VAULTCTL" "$DRIVER" "$MAKEPDF"; do
  [[ -x $b ]] || { echo "build vaultd vaultctl bench_soak bench_make_pdf first ($b missing)" >&2; exit 2; }
done
PG_RUN=${BENCH_SOAK_PG:-auto}
if [[ $PG_RUN == auto ]]; then
  PG_RUN=0
  ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 && PG_RUN=1
fi

mkdir -p "$BASE"
W=$(mktemp -d "$BASE/soak-XXXXXX")
PGDIR=$(mktemp -u /tmp/vault-soak-pg.XXXXXX)  # the postgres user must reach it
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash "$REPO/scripts/pg-cluster.sh" stop "$PGDIR" >/dev/null 2>&1 || true
  rm -rf "$W"
}
trap cleanup EXIT
log() { echo "[soak] $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
              echo $((20000 + RANDOM % 20000)); }

"$MAKEPDF" document "$W/plain.pdf" 4
cp -r "$REPO/policies" "$W/policies"
sed -i 's/"exports_per_user_per_hour": [0-9]*/"exports_per_user_per_hour": 100000/' "$W/policies/watermark.json"
grep -q '"exports_per_user_per_hour": 100000' "$W/policies/watermark.json"

# soak_once LABEL [DATABASE] -> prints the driver's output; returns its status
soak_once() {
  local label=$1 db=${2:-} data=$W/$1/data key=$W/$1/keys/master.key
  local env=(VAULT_DATA="$data" VAULT_KEY_FILE="$key")
  [[ -n $db ]] && env+=(VAULT_DATABASE="$db")
  env "${env[@]}" "$VAULTCTL" init >/dev/null
  adduser() {  # adduser NAME ROLE
    echo "$PASSWORD" | env "${env[@]}" "$VAULTCTL" user add "$1" --role "$2" --department 华南销售部 \
      --clearance internal --password-stdin >/dev/null
  }
  adduser soak_admin archive_admin
  adduser soak_mgr dept_manager
  for i in $(seq 0 $((CLIENTS - 1))); do
    adduser "soak_staff_$i" staff
    env "${env[@]}" "$VAULTCTL" user assign "soak_staff_$i" C0001 >/dev/null
  done
  local pdf
  pdf=$(env "${env[@]}" "$VAULTCTL" put "$W/plain.pdf" --customer C0001 --type 合同 --title "浸泡测试合同" \
        --department 华南销售部 --json | sed 's/.*"id":"\([0-9a-f]*\)".*/\1/')
  local port args
  port=$(free_port)
  args=(--data "$data" --key "$key" --listen "127.0.0.1:$port" --policies "$W/policies")
  [[ -n $db ]] && args+=(--database "$db")
  "$VAULTD" "${args[@]}" >"$W/vaultd-$label.log" 2>&1 &
  local vpid=$!
  PIDS+=("$vpid")
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  sync
  log "$label: $CLIENTS clients for ${SECONDS_RUN} s"
  local rc=0
  "$DRIVER" --port "$port" --pid "$vpid" --pdf "$pdf" --seconds "$SECONDS_RUN" --clients "$CLIENTS" \
    --warmup "$WARMUP" --password "$PASSWORD" >"$W/$label.out" 2>"$W/$label.err" || rc=$?
  cat "$W/$label.err" >&2
  if grep -qE '"status":5[0-9][0-9]' "$W/vaultd-$label.log"; then
    grep -E '"status":5[0-9][0-9]' "$W/vaultd-$label.log" | grep -v '"status":503' | head -5 >&2 || true
  fi
  kill "$vpid" 2>/dev/null || true
  wait "$vpid" 2>/dev/null || true
  cat "$W/$label.out"
  return "$rc"
}

# table LABEL OUTFILE -> the markdown rows of one run
section_for() {
  local label=$1 out=$2
  local total rps errors uploads rss fds result
  read -r _ total rps < <(grep '^TOTAL' "$out")
  errors=$(grep '^ERRORS' "$out" | cut -d' ' -f2-)
  uploads=$(grep '^UPLOADS' "$out" | cut -d' ' -f2-)
  rss=$(grep '^RSS' "$out" | cut -d' ' -f2-)
  fds=$(grep '^FDS' "$out" | cut -d' ' -f2-)
  result=$(grep '^RESULT' "$out" | cut -d' ' -f2)
  cat <<MD

### $label: $result

| Request kind | requests | per second | p50 (ms) | p99 (ms) | busy 503 | failed |
|---|---:|---:|---:|---:|---:|---:|
$(grep '^ROW' "$out" | sed 's/^ROW //')
| **all** | $total | $rps | | | | |

- Errors: $errors (5xx: server errors other than "*.busy" flow control; failed: every answer other than the expected one)
- Uploads: $uploads (each acknowledged upload downloaded and its SHA-256 compared after the run)
- RSS: $rss (target: growth < 32 MiB from the end of the ${WARMUP} s warm-up to the end)
- Open descriptors: $fds (target: end <= after warm-up)

RSS and descriptors are read from \`/proc/PID/status\` (VmRSS) and \`/proc/PID/fd\` at two quiet moments,
every client disconnected for 2 s: after the warm-up and after the load; "under load" is the highest of
the samples taken every 0.5 s in between.
MD
}

status=0
SQLITE_OK=0
soak_once sqlite >/dev/null || status=1
[[ $status == 0 ]] && SQLITE_OK=1
BODY=$(section_for "SQLite" "$W/sqlite.out")
if [[ $PG_RUN == 1 ]]; then
  PG=$(VAULT_PG_DURABLE=1 bash "$REPO/scripts/pg-cluster.sh" start "$PGDIR")
  soak_once pg "$PG" >/dev/null || status=1
  BODY+=$(section_for "PostgreSQL (one node, fsync on)" "$W/pg.out")
fi
log "SQLite run passed: $SQLITE_OK; overall status $status"

SECTION=$(cat <<MD
<!-- bench:soak:start -->
## Soak (\`bench/soak.sh\`)

- Date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git -C "$REPO" rev-parse --short HEAD)
- Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
- $CLIENTS clients (\`bench/soak_driver.cc\`, one keep-alive connection each) for ${SECONDS_RUN} s against one vaultd
  with its default settings (16 workers, 2 concurrent exports, 4 concurrent logins); the client, vaultd
  (and PostgreSQL) share the machine's CPUs.
- Mix: login 4% (Argon2id), search 25%, view 25% (a document's metadata), upload 16% (1 to 64 KiB,
  multipart), export 10% (a stamped copy of a 4-page PDF), loan step 20% (request, approve, issue,
  fetch the copy, return it).
- "busy 503": a concurrency cap answering \`*.busy\` ("retry shortly") by design; not a failure.
$BODY
<!-- bench:soak:end -->
MD
)
if [[ -f $DOC ]] && grep -q '<!-- bench:soak:start -->' "$DOC"; then
  awk -v section="$SECTION" '
    /<!-- bench:soak:start -->/ { print section; skip = 1; next }
    /<!-- bench:soak:end -->/ { skip = 0; next }
    !skip { print }' "$DOC" >"$DOC.tmp" && mv "$DOC.tmp" "$DOC"
else
  printf '\n%s\n' "$SECTION" >>"$DOC"
fi
echo "$SECTION"
exit "$status"
