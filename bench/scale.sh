#!/usr/bin/env bash
# Search at scale (issue 15, "Search that scales"): p50/p95 through the HTTP
# API over BENCH_SCALE_DOCS documents (default 1,000,000) in 8 departments
# and 50,000 customers, for an archive admin (archive01) and a staff member
# (staff01: 华南销售部, one assigned customer, internal clearance):
#   - lookup by id (GET /api/v1/documents/{id}, a different document each time);
#   - title search: 合同 (2 Chinese characters, about 1 title in 3),
#     服务器采购 (5, about 1 in 20), phoenix (a Latin word, 1 in 10), 2023 (a year, 1 in 8);
#   - the first list page;
#   - the page 20,000 pages deep (limit 20, the web UI's page size), reached
#     by its cursor, which is built once from the data (what next_cursor of
#     page 19,999 would be) instead of walking 19,999 pages.
# Targets: lookup <= 5 ms p95; title search <= 50 ms p95; first page and
# page 20,000 <= 20 ms p95.
# Baselines in the same run: the same deep page by `offset` (the old way,
# BENCH_SCALE_OFFSET_REQUESTS requests), and the old title filter
# (`title LIKE '%合同%'` with COUNT(*) and ORDER BY ... LIMIT 50, what
# Search ran before the index) by the sqlite3 CLI on the same file.
#
# Seeding: bench_scale_seed (bench/scale_seed.cc) writes the rows with
# batched SQL (transactions of 20,000) and then builds the title index with
# the store's own code (SqliteMetadataStore::RebuildSearchIndex, what
# `vaultctl index rebuild` runs); kept in BENCH_DIR/scale-N and reused
# (remove it to seed afresh). Timing: one curl process per series over one
# keep-alive connection, `%{time_total}` per request, after 5 warm-up
# requests; p50/p95 by nearest rank.
#
# BENCH_SCALE_ENGINE=postgresql runs the same series on PostgreSQL: a
# throwaway cluster (scripts/pg-cluster.sh, fsync on), the seeded vault moved
# there with `vaultctl db migrate --to` (timed: that is the operator's way),
# vaultd started with --database; results in <!-- bench:scale-pg -->.
# BENCH_SCALE_PG_CONN=CONNINFO (with the engine postgresql) reuses a database
# the seeded vault was already moved to, for tuning runs.
# Environment: BENCH_SCALE=0 skips; BENCH_SCALE_DOCS (1000000),
# BENCH_SCALE_REQUESTS (100), BENCH_SCALE_OFFSET_REQUESTS (5), BUILD
# (build/release: vaultd, bench_scale_seed), BENCH_DIR (build/bench-scratch),
# BENCH_DOC (docs/benchmarks.md). Results replace <!-- bench:scale --> there.
# Not part of scripts/test.sh; bounded by the seeding (minutes) plus about
# a minute of requests.
set -euo pipefail

if [[ ${BENCH_SCALE:-1} == 0 ]]; then echo "[scale] skipped (BENCH_SCALE=0)" >&2; exit 0; fi
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)
BUILD=${BUILD:-$REPO/build/release}
DOCS=${BENCH_SCALE_DOCS:-1000000}
N=${BENCH_SCALE_REQUESTS:-100}
NOFF=${BENCH_SCALE_OFFSET_REQUESTS:-5}
DOC=${BENCH_DOC:-$REPO/docs/benchmarks.md}
BASE=${BENCH_DIR:-$REPO/build/bench-scratch}
PAGE=20
DEPTH=20000
log() { echo "[scale] $*" >&2; }
for bin in vaultd bench_scale_seed; do
  [[ -x $BUILD/$bin ]] || { log "$BUILD/$bin missing (build first)"; exit 2; }
done
command -v sqlite3 >/dev/null || { log "sqlite3 CLI missing (apt-get install sqlite3)"; exit 2; }

mkdir -p "$BASE"
VAULT=$BASE/scale-$DOCS
REUSED=" (by the run that seeded it; this run reused the vault)"
if [[ ! -f $VAULT/seeded ]]; then
  REUSED=""
  rm -rf "$VAULT"
  log "seeding $DOCS documents into $VAULT (bench_scale_seed)"
  timeout 1200 "$BUILD/bench_scale_seed" "$VAULT" --docs "$DOCS" >"$VAULT.log" 2>&1 || { log "seeding failed: $VAULT.log"; exit 1; }
  touch "$VAULT/seeded"
fi
seed_value() { sed -n "s/^$1=//p" "$VAULT.log"; }
DB=$VAULT/setup/metadata.db
W=$(mktemp -d "$BASE/scale-run-XXXXXX")
ENGINE=${BENCH_SCALE_ENGINE:-sqlite}
PGDIR=$(mktemp -u /tmp/vault-scale-pg.XXXXXX)
trap 'kill "${VPID:-0}" 2>/dev/null || true; rm -rf "$W"; bash "$REPO/scripts/pg-cluster.sh" stop "$PGDIR" >/dev/null 2>&1 || true' EXIT
DB_ARGS=()
MARK=scale
ENGINE_NOTE="SQLite"
if [[ $ENGINE == postgresql && -n ${BENCH_SCALE_PG_CONN:-} ]]; then
  # A database this vault was already moved to (for tuning runs): no
  # cluster, no migration; the figures then say so.
  MARK=scale-pg
  PGCONN=$BENCH_SCALE_PG_CONN
  DB_ARGS=(--database "$PGCONN")
  ENGINE_NOTE="PostgreSQL $(psql --version | awk '{print $3}') (a database the vault had been moved to before, BENCH_SCALE_PG_CONN); ids, cursors and the LIKE baseline come from the SQLite file it was copied from"
elif [[ $ENGINE == postgresql ]]; then
  MARK=scale-pg
  PGCONN=$(VAULT_PG_DURABLE=1 bash "$REPO/scripts/pg-cluster.sh" start "$PGDIR")
  log "moving the seeded vault to PostgreSQL (vaultctl db migrate)"
  t0=$(date +%s)
  timeout 3000 "$BUILD/vaultctl" --data "$VAULT/setup" --key "$VAULT/keys/master.key" db migrate --to "$PGCONN" \
    >"$W/migrate.log" 2>&1 || { log "migration failed"; tail -5 "$W/migrate.log" >&2; exit 1; }
  MIGRATE_S=$(( $(date +%s) - t0 ))
  log "migrated in $MIGRATE_S s"
  DB_ARGS=(--database "$PGCONN")
  ENGINE_NOTE="PostgreSQL $(psql --version | awk '{print $3}') (fsync on; the vault moved there by \`vaultctl db migrate\` in $MIGRATE_S s); ids, cursors and the LIKE baseline come from the SQLite file it was copied from"
fi

# vaultd on the seeded vault: no loan scheduler, no checkpoints timer.
printf 'vaultd.borrow_schedule_seconds = 0\n' >"$W/vaultd.properties"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BUILD/vaultd" --config "$W/vaultd.properties" --data "$VAULT/setup" --key "$VAULT/keys/master.key" \
  --listen "127.0.0.1:$PORT" --policies "$REPO/policies" "${DB_ARGS[@]}" >"$W/vaultd.log" 2>&1 &
VPID=$!
URL=http://127.0.0.1:$PORT
for _ in $(seq 300); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.1; done
curl -sf "$URL/healthz" >/dev/null || { log "vaultd did not start"; cat "$W/vaultd.log" >&2; exit 1; }
login() {
  curl -sf -X POST "$URL/api/v1/sessions" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"benchmark password $1\"}" | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/'
}
declare -A TOKEN=([archive01]=$(login archive01) [staff01]=$(login staff01))

# p50 p95 max (ms) of the times (seconds, one a line) on stdin.
stats() {
  python3 -c '
import sys
t = sorted(float(x) * 1000 for x in sys.stdin if x.strip())
rank = lambda p: t[max(0, min(len(t) - 1, int(-(-p * len(t) // 100)) - 1))]
print("%.1f %.1f %.1f %d" % (rank(50), rank(95), t[-1], len(t)))'
}
# Times every URL of the file $2 (one a line) as user $1 in one curl process
# (one keep-alive connection); the first 5 are a warm-up and not counted.
# Fails on any answer but 200.
series() {
  local cfg=$W/curl.cfg
  { echo "header = \"Authorization: Bearer ${TOKEN[$1]}\""
    while read -r u; do printf 'url = "%s"\noutput = "/dev/null"\n' "$u"; done <"$2"; } >"$cfg"
  curl -s -K "$cfg" -w '%{http_code} %{time_total}\n' >"$W/times" || { log "curl failed"; exit 1; }
  if awk '$1 != 200' "$W/times" | grep -q .; then log "non-200 answers in $2 as $1"; head -3 "$W/times" >&2; exit 1; fi
  tail -n +6 "$W/times" | awk '{ print $2 }' | stats
}
repeat_url() { for _ in $(seq $((N + 5))); do echo "$1"; done >"$W/urls"; }

# Ids: random documents for the admin, the staff member's own for them.
sqlite3 "file:$DB?mode=ro" "SELECT id FROM documents WHERE rowid IN (SELECT abs(random()) % $DOCS + 1 FROM documents LIMIT $((N + 5)))" >"$W/ids-archive01"
staff_customer=$(seed_value staff_customer)
sqlite3 "file:$DB?mode=ro" "SELECT id FROM documents WHERE customer_number = '$staff_customer' AND department = '华南销售部' AND classification IN ('public', 'internal')" >"$W/ids-staff01"
staff_visible=$(wc -l <"$W/ids-staff01")
# The cursor of page $DEPTH: the position of its predecessor's last row.
skip=$(( (DEPTH - 1) * PAGE - 1 ))
deep_row=$(sqlite3 -separator $'\x1f' "file:$DB?mode=ro" "SELECT created_at, archive_number FROM documents ORDER BY created_at DESC, archive_number LIMIT 1 OFFSET $skip")
DEEP_CURSOR=n$(printf '%s' "$deep_row" | od -An -tx1 -v | tr -d ' \n')

declare -A P50 P95 MAX
measure() {  # name user url-file
  read -r P50[$1,$2] P95[$1,$2] MAX[$1,$2] _ < <(series "$2" "$3")
  log "$1 as $2: p50 ${P50[$1,$2]} ms, p95 ${P95[$1,$2]} ms"
}
for user in archive01 staff01; do
  ids=$W/ids-$user
  while [[ $(wc -l <"$ids") -lt $((N + 5)) ]]; do cat "$ids" "$ids" >"$ids.2"; mv "$ids.2" "$ids"; done
  head -n $((N + 5)) "$ids" | sed "s|^|$URL/api/v1/documents/|" >"$W/urls"; measure lookup "$user" "$W/urls"
  repeat_url "$URL/api/v1/documents?title=%E5%90%88%E5%90%8C"; measure cjk2 "$user" "$W/urls"
  repeat_url "$URL/api/v1/documents?title=%E6%9C%8D%E5%8A%A1%E5%99%A8%E9%87%87%E8%B4%AD"; measure cjk5 "$user" "$W/urls"
  repeat_url "$URL/api/v1/documents?title=phoenix"; measure latin "$user" "$W/urls"
  repeat_url "$URL/api/v1/documents?title=2023"; measure year "$user" "$W/urls"
  repeat_url "$URL/api/v1/documents"; measure first "$user" "$W/urls"
  repeat_url "$URL/api/v1/documents?limit=$PAGE&cursor=$DEEP_CURSOR"; measure deep "$user" "$W/urls"
done
# The deep page must be the page the offset gives.
by_cursor=$(curl -sf -H "Authorization: Bearer ${TOKEN[archive01]}" "$URL/api/v1/documents?limit=$PAGE&cursor=$DEEP_CURSOR" | python3 -c 'import json,sys; print([i["id"] for i in json.load(sys.stdin)["items"]])')
by_offset=$(curl -sf -H "Authorization: Bearer ${TOKEN[archive01]}" "$URL/api/v1/documents?limit=$PAGE&offset=$(( (DEPTH - 1) * PAGE ))" | python3 -c 'import json,sys; print([i["id"] for i in json.load(sys.stdin)["items"]])')
[[ $by_cursor == "$by_offset" ]] || { log "page $DEPTH by cursor differs from the same page by offset"; exit 1; }
# Baseline 1: the same deep page by offset (few requests: seconds each).
for _ in $(seq "$NOFF"); do
  curl -sf -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer ${TOKEN[archive01]}" \
    "$URL/api/v1/documents?limit=$PAGE&offset=$(( (DEPTH - 1) * PAGE ))"
done | stats >"$W/off"
read -r off50 off95 _ _ <"$W/off"
# Baseline 2: the old title filter (LIKE scan, COUNT(*) then the first page), sqlite3 CLI.
like_ms() {
  local t0 t1
  t0=$(date +%s%N)
  sqlite3 "file:$DB?mode=ro" "SELECT COUNT(*) FROM documents d WHERE title LIKE '%$1%'; SELECT id FROM documents d WHERE title LIKE '%$1%' ORDER BY created_at DESC, archive_number LIMIT 50;" >/dev/null
  t1=$(date +%s%N)
  echo "scale=1; ($t1 - $t0) / 1000000" | bc
}
like2=$(like_ms 合同); like2b=$(like_ms 合同); like5=$(like_ms 服务器采购)
index_mb=$(sqlite3 "file:$DB?mode=ro" "SELECT (SUM(pgsize) + 524288) / 1048576 FROM dbstat WHERE name IN ('search_terms', 'sqlite_autoindex_search_terms_1', 'search_terms_by_document')" 2>/dev/null || echo "?")
docs_mb=$(sqlite3 "file:$DB?mode=ro" "SELECT (SUM(pgsize) + 524288) / 1048576 FROM dbstat WHERE name = 'documents'" 2>/dev/null || echo "?")
plan_first=$(sqlite3 "file:$DB?mode=ro" "EXPLAIN QUERY PLAN SELECT id FROM documents d WHERE (d.classification IN ('public','internal','confidential') OR d.classification = '') ORDER BY d.created_at DESC, d.archive_number ASC LIMIT 51" | sed -n 's/^[|` -]*//p' | paste -sd';' -)

verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "PASS" : "FAIL" }'; }
row() {  # label key target
  local a="${P50[$2,archive01]} / ${P95[$2,archive01]}" s="${P50[$2,staff01]} / ${P95[$2,staff01]}"
  local worst; worst=$(awk -v a="${P95[$2,archive01]}" -v b="${P95[$2,staff01]}" 'BEGIN { print (a > b) ? a : b }')
  echo "| $1 | $a | $s | <= $3 | $(verdict "$worst" "$3") |"
}
COMMIT=$(git -C "$REPO" rev-parse --short HEAD)
section=$(cat <<EOF
<!-- bench:$MARK:start -->
## Search at $(python3 -c "print(f'{$DOCS:,}')") documents, $ENGINE (\`bench/scale.sh\`)

- Date: $(date -u +%Y-%m-%dT%H:%MZ); commit $COMMIT; $(nproc) CPUs (shared with other builds); $ENGINE_NOTE; $(python3 -c "print(f'{$DOCS:,}')") documents in 8 departments and 50,000 customers, seeded by \`bench_scale_seed\` (batched SQL, transactions of 20,000) in $(seed_value rows_seconds) s plus $(seed_value index_seconds) s for the title index (the store's own \`RebuildSearchIndex\`, as \`vaultctl index rebuild\`)$REUSED: $(seed_value index_rows) index rows; database $(( $(seed_value db_bytes) / 1048576 )) MiB after seeding, of which documents $docs_mb MiB and the title index (table and both indexes) $index_mb MiB.
- $N requests per row through the HTTP API (one keep-alive connection, 5 warm-up requests first), p50 / p95 in ms; the staff member (staff01) may see $staff_visible documents (one customer of 华南销售部, internal clearance).

| request | archive admin p50 / p95 | staff p50 / p95 | target (p95) | verdict |
|---|---|---|---|---|
$(row "lookup by id (a different document each time)" lookup 5)
$(row "title 合同 (2 Chinese characters)" cjk2 50)
$(row "title 服务器采购 (5 Chinese characters)" cjk5 50)
$(row "title phoenix (a Latin word)" latin 50)
$(row "title 2023 (a year)" year 50)
$(row "first list page (50)" first 20)
$(row "page 20,000 by cursor (limit $PAGE)" deep 20)

Baselines, same run and file:

| old way | time | new way (archive admin p50) | ratio |
|---|---|---|---|
| page 20,000 by \`offset=$(( (DEPTH - 1) * PAGE ))\` (API, $NOFF requests, p50) | $off50 ms | ${P50[deep,archive01]} ms by cursor | $(awk -v a="$off50" -v b="${P50[deep,archive01]}" 'BEGIN { printf "%.0fx", a / b }') |
| \`title LIKE '%合同%'\`: COUNT(*) and the first page (sqlite3 CLI, two runs) | $like2 / $like2b ms | ${P50[cjk2,archive01]} ms | $(awk -v a="$like2b" -v b="${P50[cjk2,archive01]}" 'BEGIN { printf "%.0fx", a / b }') |
| \`title LIKE '%服务器采购%'\`, the same | $like5 ms | ${P50[cjk5,archive01]} ms | $(awk -v a="$like5" -v b="${P50[cjk5,archive01]}" 'BEGIN { printf "%.0fx", a / b }') |

- The page 20,000 by cursor was checked to be the same page as by offset.
- Query plan of the admin's first page: \`$plan_first\`.
<!-- bench:$MARK:end -->
EOF
)
echo "$section"
if [[ -f $DOC ]] && grep -q "<!-- bench:$MARK:start -->" "$DOC"; then
  awk -v section="$section" -v start="<!-- bench:$MARK:start -->" -v end="<!-- bench:$MARK:end -->" '
    $0 == start { print section; skip = 1; next }
    $0 == end { skip = 0; next }
    !skip { print }' "$DOC" >"$DOC.tmp" && mv "$DOC.tmp" "$DOC"
else
  printf '\n%s\n' "$section" >>"$DOC"
fi
log "results written to $DOC"
