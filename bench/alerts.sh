#!/usr/bin/env bash
# Alert pass benchmark (issue 16, point 7): the leader's pass over an audit
# backlog with the shipped policies/alerts.json (events judged per second),
# a pass with nothing new, and the pass over one interval's events.
# bench_alerts (bench/alerts_bench.cc) drives the real core on disk. No
# target is set by the issue; the figures show what a pass costs. Results
# replace the <!-- bench:alerts --> section of docs/benchmarks.md.
#
# Environment:
#   BUILD               build directory with bench_alerts (default: build/release)
#   BENCH_ALERTS_EVENTS audit events in the backlog          (default: 100000)
#   BENCH_ALERTS_USERS  users the events are spread over     (default: 200)
#   BENCH_ALERTS_BATCH  events per minute of fake time       (default: 1000)
#   BENCH_DIR           scratch parent, a real disk          (default: build/bench-scratch)
#   BENCH_DOC           report file                          (default: docs/benchmarks.md)
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)
BUILD=${BUILD:-$REPO/build/release}
EVENTS=${BENCH_ALERTS_EVENTS:-100000}
USERS=${BENCH_ALERTS_USERS:-200}
BATCH=${BENCH_ALERTS_BATCH:-1000}
SCRATCH=${BENCH_DIR:-$BUILD/bench-scratch}
DOC=${BENCH_DOC:-$REPO/docs/benchmarks.md}
W=$SCRATCH/alerts
mkdir -p "$SCRATCH"
trap 'rm -rf "$W"' EXIT
OUT=$("$BUILD/bench_alerts" "$W" --events "$EVENTS" --users "$USERS" --batch "$BATCH")
get() { sed -n "s/^$1=//p" <<<"$OUT"; }
FS=$(stat -f -c %T "$SCRATCH" 2>/dev/null || echo unknown)
SECTION=$(cat <<MD
<!-- bench:alerts:start -->
## Alert pass over the audit log (\`bench/alerts.sh\`)

- Date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git -C "$REPO" rev-parse --short HEAD); $(nproc) CPUs; load average $(cut -d' ' -f1 /proc/loadavg)
- Input: $(get events) audit events by $(get users) staff accounts, $(get batch) per minute of fake time (55% metadata views, 20% stamped exports, 10% refused requests, 10% content reads, 5% logins from one of two addresses per user) over 40 records, a quarter confidential; appended in $(get seed_s) s. metadata.db $(get db_mib) MiB on ${FS}
- Method: \`bench_alerts\` (\`bench/alerts_bench.cc\`): \`LocalVault\` on disk, \`Services\` with the shipped \`policies/alerts.json\`, \`AlertScanner::RunPass\` timed; the alerts stored are checked against those raised, the second pass must judge nothing.

| Measure | Value |
|---|---:|
| pass over the backlog (ms) | $(get first_pass_ms) |
| events judged per second | $(get first_pass_events_per_s) |
| alerts raised / events joined to open alerts | $(get first_raised) / $(get first_extended) |
| pass with nothing new (ms) | $(get idle_pass_ms) |
| pass over one minute's $(get batch) new events (ms) | $(get interval_pass_ms) |

The events counted include the \`alert.raise\` events the pass appended itself. A pass judges pages of 200 events, each one write transaction (about 60 ms at this rate) during which other writers, audit appends included, wait. Most alerts here are \`access_without_loan\` (staff exporting confidential
records directly, one per user per hour) and \`new_client_address\` (each
user's second address); the bursts stay under their thresholds.
<!-- bench:alerts:end -->
MD
)
if [[ -f $DOC ]] && grep -q '<!-- bench:alerts:start -->' "$DOC"; then
  awk -v section="$SECTION" '
    /<!-- bench:alerts:start -->/ { print section; skip = 1; next }
    /<!-- bench:alerts:end -->/ { skip = 0; next }
    !skip { print }' "$DOC" >"$DOC.tmp" && mv "$DOC.tmp" "$DOC"
else
  printf '\n%s\n' "$SECTION" >>"$DOC"
fi
echo "$SECTION"
