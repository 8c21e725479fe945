#!/usr/bin/env bash
# Loan benchmark (issue 5): 10,000 active loans; one scheduler pass that
# finds and transitions the overdue ones (target <= 200 ms), and listing a
# user's own loans (target p95 <= 10 ms). bench_borrow (bench/borrow_bench.cc)
# drives the real core: a LocalVault on disk (SQLite file, blobs, key file),
# BorrowStore and BorrowService with a FakeClock. Results replace the
# <!-- bench:borrow --> section of docs/benchmarks.md.
#
# Environment:
#   BUILD                 build directory with bench_borrow (default: build/release)
#   BENCH_BORROW_LOANS    loans inserted                       (default: 10000)
#   BENCH_BORROW_USERS    borrowers (staff accounts)           (default: 500)
#   BENCH_BORROW_DOCS     documents ingested                   (default: 800)
#   BENCH_BORROW_OVERDUE  share of loans past due at the pass  (default: 0.10)
#   BENCH_BORROW_RUNS     fresh copies timed; median reported  (default: 5)
#   BENCH_BORROW_LISTS    list calls timed per run             (default: 1000)
#   BENCH_DIR             scratch parent, a real disk          (default: build/bench-scratch)
#   BENCH_DOC             report file                          (default: docs/benchmarks.md)
#
# Exit status: 0 when the benchmark ran (targets missed are only reported),
# non-zero when a check inside bench_borrow or a command fails (the report is
# then left alone).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)
BUILD=${BUILD:-$REPO/build/release}
BENCH=$BUILD/bench_borrow
LOANS=${BENCH_BORROW_LOANS:-10000}
USERS=${BENCH_BORROW_USERS:-500}
DOCS=${BENCH_BORROW_DOCS:-800}
OVERDUE=${BENCH_BORROW_OVERDUE:-0.10}
RUNS=${BENCH_BORROW_RUNS:-5}
LISTS=${BENCH_BORROW_LISTS:-1000}
DOC=${BENCH_DOC:-$REPO/docs/benchmarks.md}
BASE=${BENCH_DIR:-$REPO/build/bench-scratch}

# Targets.
T_PASS_MS=200
T_LIST_P95_MS=10

[[ -x $BENCH ]] || { echo "[borrow] $BENCH not found: build the bench_borrow target first" >&2; exit 2; }
for v in LOANS USERS DOCS RUNS LISTS; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "[borrow] $v must be a positive integer (got '${!v}')" >&2; exit 2; }
done

mkdir -p "$BASE"
W=$(mktemp -d "$BASE/borrow-XXXXXX")
cleanup() { rm -rf "$W"; }
trap cleanup EXIT
log() { echo "[borrow] $*" >&2; }

log "$LOANS loans of $USERS borrowers over $DOCS documents, $RUNS runs (scratch $W)"
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')
# Bounded: setup is about 35 s and each run a few seconds on a 2-CPU VM.
if ! timeout 600 "$BENCH" "$W/data" --loans "$LOANS" --users "$USERS" --docs "$DOCS" \
       --overdue-share "$OVERDUE" --runs "$RUNS" --list-samples "$LISTS" >"$W/results.txt"; then
  cat "$W/results.txt" >&2
  log "bench_borrow failed (see above); $DOC left alone"
  exit 1
fi
get() {
  local v
  v=$(sed -n "s/^$1=//p" "$W/results.txt")
  [[ -n $v ]] || { log "bench_borrow printed no $1"; exit 1; }
  printf '%s' "$v"
}
LOAD_AFTER=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "PASS" : "MISS" }'; }

[[ $(get checks) == ok ]] || { log "bench_borrow checks failed"; exit 1; }
P1=$(get pass1_ms_median)
P1_MIN=$(get pass1_ms_min)
P1_MAX=$(get pass1_ms_max)
P1_ALL=$(get pass1_ms_all)
P2=$(get pass2_ms_median)
OVERDUE_N=$(get pass1_overdue)
EXPECTED_OVERDUE=$(get expected_overdue)
SUSP=$(get pass1_suspended)
ESC=$(get pass1_escalated)
NOTES=$(get pass1_notifications)
AUDIT=$(get pass1_audit_events)
P2_MOVED=$(get pass2_overdue)
P2_FLAGS=$(( $(get pass2_suspended) + $(get pass2_escalated) ))
P2_NOTES=$(get pass2_notifications)
P2_SAME=$(get pass2_db_unchanged)
L50=$(get list_ms_p50)
L95=$(get list_ms_p95)
L99=$(get list_ms_p99)
LMAX=$(get list_ms_max)
LN=$(get list_samples)
PER_USER=$(get list_loans_per_user_mean)
ONLOAN=$(get onloan_ms_median)
LISTUSERS=$(get listusers_ms_median)
SHARE=$(awk -v a="$OVERDUE_N" -v b="$(get loans)" 'BEGIN { printf "%.1f", 100 * a / b }')
IDEMPOTENT=$([[ $P2_MOVED == 0 && $P2_FLAGS == 0 && $P2_NOTES == 0 && $P2_SAME == yes ]] && echo PASS || echo FAIL)
FS=$(stat -f -c %T "$W" 2>/dev/null || echo unknown)

SECTION=$(cat <<MD
<!-- bench:borrow:start -->
## Loans: scheduler pass and listing (\`bench/borrow.sh\`)

- Date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git -C "$REPO" rev-parse --short HEAD); $(nproc) CPUs; 1-minute load average ${LOAD_BEFORE} before, ${LOAD_AFTER} after
- Input: $(get loans) issued loans ($(get loan_items) documents on loan, $(get loan_events) loan events, $(get renewal_requested) of them waiting for a renewal approval) of $(get borrowers) staff in $(get departments) departments ($(get users) accounts), over $(get documents) ingested documents; rules of the built-in \`policies/borrowing.json\` (contract, default, confidential) by each document's classification and type. At the scheduler time $(get scheduler_time), ${OVERDUE_N} loans (${SHARE}%) are past due: 70% of them by up to 2 days, 20% by 2-20 days, 10% by 20-40 days; the others fall due within their loan period (those within 3 days get a reminder). metadata.db $(get db_mib) MiB on ${FS} (\`build/bench-scratch\`)
- Setup (untimed against the targets): accounts $(get setup_users_s) s (Argon2id lowered for the bench), documents $(get setup_docs_s) s, ${LOANS} \`BorrowStore::Insert\` calls $(get setup_insert_s) s (one transaction each)
- Method: \`bench_borrow\` (\`bench/borrow_bench.cc\`) on the real core: \`LocalVault\` on disk, \`BorrowStore\`, \`BorrowService\` with a \`FakeClock\`. Each of ${RUNS} runs opens a fresh copy of the data directory (cold SQLite cache, warm OS page cache), times \`RunSchedule()\`, then a second \`RunSchedule()\` at the same time, then \`List\` of the caller's own loans (default query, about ${PER_USER} loans each) for ${LISTS} random borrowers. Every pass is checked against the database through a separate read-only connection (loans moved, flags, loan events, outbox rows, audit events).

| Measure | Value | Target | Result |
|---|---:|---|---|
| first scheduler pass (ms), median of ${RUNS} (min-max) | ${P1} (${P1_MIN}-${P1_MAX}) | <= ${T_PASS_MS} | $(verdict "$P1" "$T_PASS_MS") |
| first pass: moved to overdue / suspended / escalated | ${OVERDUE_N} / ${SUSP} / ${ESC} | ${EXPECTED_OVERDUE} due | $([[ $OVERDUE_N == "$EXPECTED_OVERDUE" ]] && echo PASS || echo FAIL) |
| first pass: notifications queued / audit events | ${NOTES} / ${AUDIT} | | |
| second pass at the same time (ms), median | ${P2} | | |
| second pass: moved / flagged / notifications / database changed | ${P2_MOVED} / ${P2_FLAGS} / ${P2_NOTES} / $([[ $P2_SAME == yes ]] && echo no || echo YES) | nothing | ${IDEMPOTENT} |
| list own loans p50 / p95 / p99 / max (ms), ${LN} calls | ${L50} / ${L95} / ${L99} / ${LMAX} | p95 <= ${T_LIST_P95_MS} | $(verdict "$L95" "$T_LIST_P95_MS") |

First passes of the runs (ms): ${P1_ALL}. Timed from outside on the same
copies: \`BorrowStore::OnLoan()\` alone ${ONLOAN} ms, \`IdentityStore::ListUsers()\`
${LISTUSERS} ms (medians).

Where a first pass goes (\`perf record --call-graph dwarf\`, 4 runs, commit
fb223f9, this VM; CPU samples, so the fsync waits are not in it):
\`ApplySchedule\` about 33% (the set-based overdue \`INSERT ... SELECT\` and
\`UPDATE\` with their index maintenance, plus one \`UPDATE\` and one
\`INSERT\` prepared per suspended or escalated loan); reading the 10,000
loans on loan (\`OnLoan\`, Poco \`RecordSet\` with a by-name lookup and a
\`Dynamic::Var\` conversion per cell) about 32%; \`AddNotifications\` about
20% for ~3,300 rows (its one Poco \`Statement\` still runs
\`sqlite3_prepare_v2\` on every \`execute()\`: about 6% of the pass); the
audit batch about 6%; everything else (rules, \`ParseUtc\`, messages)
under 8%. On top of that, a first pass commits three write transactions
(transitions, audit, outbox), each with an fsync (\`synchronous=FULL\`). The second pass still reads every loan
and re-offers every reminder to the outbox (all ignored as duplicates,
inside a write transaction), so a pass that changes nothing still costs
${P2} ms. Listing one's loans is two indexed queries (loans by borrower,
then the page's items) and is far inside its target. Passes vary between
runs (min-max above): this VM has 2 CPUs shared with other work.
<!-- bench:borrow:end -->
MD
)
if [[ -f $DOC ]] && grep -q '<!-- bench:borrow:start -->' "$DOC"; then
  awk -v section="$SECTION" '
    /<!-- bench:borrow:start -->/ { print section; skip = 1; next }
    /<!-- bench:borrow:end -->/ { skip = 0; next }
    !skip { print }' "$DOC" >"$DOC.tmp" && mv "$DOC.tmp" "$DOC"
else
  printf '\n%s\n' "$SECTION" >>"$DOC"
fi
echo "$SECTION"
