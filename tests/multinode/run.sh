#!/usr/bin/env bash
# The multi-node test (issue 15, point 4): two vaultd nodes on one
# PostgreSQL schema and one data directory, Debian's HAProxy in front, a mixed
# workload through HAProxy (logins, uploads, lists, stamped exports, loans
# from request to verified return), the node that leads the periodic work
# killed with SIGKILL in the middle, then checks that every request that got a
# 2xx is durable and readable, nothing is half stored, the audit chain is one
# verified chain, revocations cross nodes at once, archive numbers are unique
# and the survivor took over the periodic work.
#
# Usage: tests/multinode/run.sh BUILD_DIR CONNINFO
#   BUILD_DIR  has vaultd, vaultctl and vault_demo_docs (built here if absent)
#   CONNINFO   a libpq conninfo (key=value or postgresql:// URI) of a database
#              on a running server; the test works in a schema of its own
#              (mn_<pid>_<random>) and drops it at the end.
# Environment: MN_WORKLOAD_SECONDS (default 30), MN_KEEP=1 keeps the temporary
# directory and the schema (for debugging).
# Exit 0 when every check passes; 1 with a "FAIL:" line otherwise.
set -euo pipefail

if (($# != 2)); then
  echo "usage: $0 BUILD_DIR CONNINFO" >&2
  exit 2
fi
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "$1" && pwd)
CONN=$2
VAULTD=$BUILD/vaultd
VAULTCTL=$BUILD/vaultctl
WORKLOAD_SECONDS=${MN_WORKLOAD_SECONDS:-30}
KILL_AFTER=$((WORKLOAD_SECONDS * 2 / 5))
SCHEDULE_SECONDS=2     # loan scheduler period on both nodes
CHECKPOINT_SECONDS=3   # audit checkpoint period
T0=$(date +%s)

for tool in haproxy psql curl jq sha256sum; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed (scripts/deps.sh)" >&2; exit 1; }
done
[[ -x $VAULTD && -x $VAULTCTL ]] || { echo "FAIL: no vaultd/vaultctl in $BUILD" >&2; exit 1; }
if [[ ! -x $BUILD/vault_demo_docs ]]; then
  cmake --build "$BUILD" --target vault_demo_docs >/dev/null
fi

T=$(mktemp -d /tmp/vault-multinode.XXXXXX)
chmod 0700 "$T"
SCHEMA="mn_$$_${RANDOM}"
# The vault's database: the caller's, with our schema first on the search path.
if [[ $CONN == postgres://* || $CONN == postgresql://* ]]; then
  if [[ $CONN == *\?* ]]; then DB="$CONN&options=-csearch_path%3D$SCHEMA"; else DB="$CONN?options=-csearch_path%3D$SCHEMA"; fi
else
  DB="$CONN options='-csearch_path=$SCHEMA'"
fi
export VAULT_DATABASE=$DB
DATA=$T/data
KEY=$T/keys/master.key
export VAULT_DATA=$DATA VAULT_KEY_FILE=$KEY
mkdir -p "$T/samples" "$T/auth" "$T/log" "$T/out" "$T/up"

PIDS_NODES=()
PID_HAPROXY=""
PIDS_CLIENTS=()
PID_WATCHDOG=""

sql() { psql "$DB" -v ON_ERROR_STOP=1 -qAtX -c "$1"; }

cleanup() {
  local rc=$?
  set +e
  # Our own background jobs and their children (a sleep, a curl), by pid.
  for p in $PID_WATCHDOG "${PIDS_CLIENTS[@]}"; do
    pkill -P "$p" 2>/dev/null
    kill "$p" 2>/dev/null
  done
  for p in "${PIDS_NODES[@]}"; do kill -9 "$p" 2>/dev/null; done
  [[ -n $PID_HAPROXY ]] && kill "$PID_HAPROXY" 2>/dev/null
  wait 2>/dev/null
  if ((rc != 0)); then
    for f in "$T"/log/node-*.log "$T/log/haproxy.log"; do
      [[ -s $f ]] && { echo "--- last lines of $(basename "$f")"; tail -n 8 "$f"; }
    done
  fi
  if [[ ${MN_KEEP:-0} == 1 ]]; then
    echo "kept $T and schema $SCHEMA"
  else
    psql "$CONN" -qAtX -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1
    rm -rf "$T"
  fi
  echo "multinode: $( ((rc == 0)) && echo PASSED || echo FAILED ) in $(($(date +%s) - T0)) s"
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "FAIL: interrupted (or over the ${LIMIT_SECONDS} s limit)" >&2; exit 1' INT TERM
# The whole test is bounded: past the limit it fails (and cleans up).
LIMIT_SECONDS=${MN_LIMIT_SECONDS:-120}
(sleep "$LIMIT_SECONDS" && kill -TERM $$) 2>/dev/null &
PID_WATCHDOG=$!

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok   $*"; }

# http OUT METHOD URL AUTHFILE [curl args...]: prints the HTTP status (000
# when the connection failed); the body goes to OUT. AUTHFILE holds the
# Authorization header ("-" for none), so no token is on a command line.
http() {
  local out=$1 method=$2 url=$3 auth=$4
  shift 4
  local args=(-s -o "$out" -w '%{http_code}' --max-time 20 -X "$method")
  [[ $auth != - ]] && args+=(-H "@$auth")
  curl "${args[@]}" "$@" "$url" || true
}

# ---------------------------------------------------------------- the vault
psql "$CONN" -v ON_ERROR_STOP=1 -qAtX -c "CREATE SCHEMA $SCHEMA" >/dev/null
"$VAULTCTL" init >/dev/null
"$BUILD/vault_demo_docs" "$T/samples" >/dev/null
DEPT=华南销售部
declare -A PASSWORD
umask 077
while read -r user role; do
  PASSWORD[$user]=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
  printf '{"username":"%s","password":"%s"}' "$user" "${PASSWORD[$user]}" >"$T/auth/$user.login"
  echo "${PASSWORD[$user]}" | "$VAULTCTL" user add "$user" --role "$role" --department "$DEPT" \
    --clearance internal --display-name "$user" --password-stdin >/dev/null
done <<'USERS'
admin      admin
archivist  archive_admin
manager    dept_manager
staff1     staff
staff2     staff
staff3     staff
staff4     staff
USERS
for u in staff1 staff2 staff3 staff4; do "$VAULTCTL" user assign "$u" C1001 >/dev/null; done
# Seeded documents: the pool that exports and loans work on (C1001, 华南销售部).
put() {  # put FILE TITLE -> id
  "$VAULTCTL" put "$1" --customer C1001 --type 合同 --title "$2" --department "$DEPT" \
    --classification internal --json | jq -r .id
}
EXPORT_DOCS=() LOAN_DOCS=()
for i in 1 2 3; do EXPORT_DOCS+=("$(put "$T/samples/contract.pdf" "导出合同 $i")"); done
for i in 1 2 3 4; do LOAN_DOCS+=("$(put "$T/samples/order.pdf" "借阅合同 $i")"); done
PROBE_DOC=$(put "$T/samples/quotation.pdf" "接管探针")
KILL_DOC=$(put "$T/samples/contract.pdf" "被中断的借出")
umask 022

# ---------------------------------------------------------------- the nodes
cat >"$T/vaultd.properties" <<EOF
vaultd.borrow_schedule_seconds = $SCHEDULE_SECONDS
vaultd.checkpoint_interval_seconds = $CHECKPOINT_SECONDS
vaultd.shutdown_grace_seconds = 2
vaultd.keep_alive_timeout_seconds = 5
vaultd.max_concurrent_exports = 8
EOF
NODE_URL=()
start_node() {  # start_node INDEX
  local i=$1 log=$T/log/node-$1.log
  : >"$log"
  "$VAULTD" --config "$T/vaultd.properties" --data "$DATA" --key "$KEY" --database "$DB" \
    --policies "$ROOT/policies" --listen 127.0.0.1:0 >"$log" 2>&1 &
  PIDS_NODES[$i]=$!
  for _ in $(seq 1 150); do
    local port
    port=$(sed -n 's|^vaultd listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")
    if [[ -n $port ]]; then
      NODE_URL[$i]=http://127.0.0.1:$port
      return 0
    fi
    kill -0 "${PIDS_NODES[$i]}" 2>/dev/null || fail "node $i exited at start: $(tail -n 3 "$log")"
    sleep 0.1
  done
  fail "node $i did not start within 15 s"
}
start_node 0
start_node 1
for i in 0 1; do
  [[ $(http /dev/null GET "${NODE_URL[$i]}/healthz" -) == 200 ]] || fail "node $i: /healthz not 200"
done

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}
start_haproxy() {
  LB_PORT=$(free_port) || fail "no free port for HAProxy"
  cat >"$T/haproxy.cfg" <<EOF
global
    maxconn 1000
defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout queue 5s
    retries 3
    option redispatch 1
frontend vault
    bind 127.0.0.1:$LB_PORT
    default_backend vaultd
backend vaultd
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz
    default-server inter 500ms fastinter 250ms downinter 500ms fall 2 rise 2
    server node0 ${NODE_URL[0]#http://} check
    server node1 ${NODE_URL[1]#http://} check
EOF
  haproxy -c -q -f "$T/haproxy.cfg" || fail "HAProxy refuses its configuration"
  haproxy -db -f "$T/haproxy.cfg" >"$T/log/haproxy.log" 2>&1 &
  PID_HAPROXY=$!
}
start_haproxy
LB=""
for _ in $(seq 1 100); do
  if [[ $(http /dev/null GET "http://127.0.0.1:$LB_PORT/healthz" -) == 200 ]]; then LB=http://127.0.0.1:$LB_PORT; break; fi
  if ! kill -0 "$PID_HAPROXY" 2>/dev/null; then start_haproxy; fi  # the port was taken meanwhile
  sleep 0.1
done
[[ -n $LB ]] || fail "HAProxy did not answer within 10 s"
pass "ready: 2 vaultd nodes + HAProxy in $(($(date +%s) - T0)) s (schema $SCHEMA)"

# login USER [BASE] -> writes $T/auth/USER (the Authorization header file)
login() {
  local user=$1 base=${2:-$LB} out=$T/out/login-$1.json code
  code=$(http "$out" POST "$base/api/v1/sessions" - -H 'Content-Type: application/json' --data-binary "@$T/auth/$user.login")
  [[ $code == 2* ]] || fail "login $user via $base: HTTP $code"
  (umask 077; printf 'Authorization: Bearer %s\n' "$(jq -r .token "$out")" >"$T/auth/$1")
  rm -f "$out"
}
for u in admin archivist manager staff1 staff2 staff3 staff4; do login "$u"; done

# ------------------------------------------------ sessions cross the nodes
login staff3 "${NODE_URL[0]}"
for i in 0 1; do
  code=$(http /dev/null GET "${NODE_URL[$i]}/api/v1/sessions/current" "$T/auth/staff3")
  [[ $code == 200 ]] || fail "a session made on node 0 is refused by node $i (HTTP $code)"
done
code=$(http /dev/null DELETE "${NODE_URL[1]}/api/v1/sessions/current" "$T/auth/staff3")
[[ $code == 2* ]] || fail "logout on node 1: HTTP $code"
for i in 0 1; do
  code=$(http /dev/null GET "${NODE_URL[$i]}/api/v1/sessions/current" "$T/auth/staff3")
  [[ $code == 401 ]] || fail "a session logged out on node 1 is still accepted by node $i (HTTP $code)"
done
# The web UI's session: cookie and CSRF token from node 0 work on node 1.
jar=$T/auth/cookies
jq -c '. + {cookie: true}' "$T/auth/staff3.login" >"$T/auth/staff3.cookie-login"
code=$(http "$T/out/cookie-login.json" POST "${NODE_URL[0]}/api/v1/sessions" - -c "$jar" \
  -H 'Content-Type: application/json' --data-binary "@$T/auth/staff3.cookie-login")
[[ $code == 2* ]] || fail "browser login on node 0: HTTP $code"
(umask 077; printf 'X-CSRF-Token: %s\n' "$(jq -r .csrf_token "$T/out/cookie-login.json")" >"$T/auth/csrf")
code=$(http /dev/null DELETE "${NODE_URL[1]}/api/v1/sessions/current" - -b "$jar")
[[ $code == 403 ]] || fail "node 1 accepted a cookie logout without the CSRF token (HTTP $code)"
code=$(http /dev/null DELETE "${NODE_URL[1]}/api/v1/sessions/current" "$T/auth/csrf" -b "$jar")
[[ $code == 2* ]] || fail "node 1 refused the cookie session and CSRF token made on node 0 (HTTP $code)"
code=$(http /dev/null GET "${NODE_URL[0]}/api/v1/sessions/current" - -b "$jar")
[[ $code == 401 ]] || fail "a browser session logged out on node 1 is still accepted by node 0 (HTTP $code)"
pass "sessions: bearer and browser (cookie + CSRF) sessions made on node 0 work on node 1; logouts on node 1 are refused by both at once"
login staff3

# health JSON of node I -> stdout
health() { curl -s --max-time 5 -H "@$T/auth/admin" "${NODE_URL[$1]}/api/v1/system/health"; }

# ---------------------------------------------------------------- workload
# Every client loop appends "<ms> <what> <http status> [details]" lines to
# its log; "ok" lines (2xx) are what the checks below hold the vault to.
now_ms() { date +%s%3N; }
END=$(($(date +%s) + WORKLOAD_SECONDS))

uploader() {  # uploads new documents (archivist), lists after each
  local n=0 log=$T/log/uploads.log code f meta
  while (($(date +%s) < END)); do
    n=$((n + 1))
    f=$T/up/$1-$n.pdf
    { cat "$T/samples/contract.pdf"; printf '%%multinode %s %s %s\n' "$1" "$n" "$RANDOM"; } >"$f"
    meta=$T/up/$1-$n.json
    printf '{"customer":"C2%03d","type":"合同","title":"多节点上传 %s-%s","department":"%s","classification":"internal","tags":["multinode"]}' \
      "$((RANDOM % 5))" "$1" "$n" "$DEPT" >"$meta"
    code=$(http "$T/out/up-$1" POST "$LB/api/v1/documents" "$T/auth/archivist" \
      -F "metadata=<$meta;type=application/json" -F "file=@$f;filename=contract-$n.pdf;type=application/pdf")
    if [[ $code == 2* ]]; then
      echo "$(now_ms) upload $code $(jq -r '[.id, .archive_number, .sha256] | join(" ")' "$T/out/up-$1") $(sha256sum <"$f" | cut -c1-64)" >>"$log"
    else
      echo "$(now_ms) upload $code" >>"$log"
    fi
    code=$(http /dev/null GET "$LB/api/v1/documents?limit=20" "$T/auth/archivist")
    echo "$(now_ms) list $code" >>"$log"
  done
}

exporter() {  # stamped exports by a staff member of their customer's records
  local user=$1 log=$T/log/exports-$1.log code i=0 doc out=$T/out/export-$1.pdf hdr=$T/out/export-$1.hdr
  while (($(date +%s) < END)); do
    # Below the policy's 120 exports per user and hour, however fast this runs.
    if ((i >= 100)); then sleep 0.5; continue; fi
    doc=${EXPORT_DOCS[$((i % ${#EXPORT_DOCS[@]}))]}
    i=$((i + 1))
    code=$(http "$out" POST "$LB/api/v1/documents/$doc/exports" "$T/auth/$user" -D "$hdr" \
      -H 'Content-Type: application/json' --data-binary '{}')
    if [[ $code == 2* ]]; then
      local id sha got
      id=$(tr -d '\r' <"$hdr" | sed -n 's/^[Xx]-[Ee]xport-[Ii]d: //p')
      local xcode
      xcode=$(tr -d '\r' <"$hdr" | sed -n 's/^[Xx]-[Ee]xport-[Cc]ode: //p')
      sha=$(tr -d '\r' <"$hdr" | sed -n 's/^[Xx]-[Cc]ontent-[Ss][Hh][Aa]256: //p')
      got=$(sha256sum <"$out" | cut -c1-64)
      echo "$(now_ms) export $code $id $xcode $doc $sha $got" >>"$log"
    else
      echo "$(now_ms) export $code" >>"$log"
    fi
  done
}

# One loan from request to verified return; every 2xx step is logged as
# "loan <status> <id> <state reached>". A failed step abandons the loan.
loan_steps() {  # loan_steps BORROWER DOC PERIOD LOG [LAST-STATE]
  local user=$1 doc=$2 period=$3 log=$4 last=${5:-returned_verified} out=$T/out/loan-$1 code id state
  code=$(http "$out" POST "$LB/api/v1/borrows" "$T/auth/$user" -H 'Content-Type: application/json' \
    --data-binary "{\"documents\":[\"$doc\"],\"purpose\":\"多节点核对\",\"period\":\"$period\",\"kind\":\"electronic\"}")
  [[ $code == 2* ]] || { echo "$(now_ms) loan $code - request" >>"$log"; return 1; }
  id=$(jq -r .id "$out")
  echo "$(now_ms) loan $code $id requested" >>"$log"
  code=$(http "$out" POST "$LB/api/v1/borrows/$id/approve" "$T/auth/manager" -H 'Content-Type: application/json' \
    --data-binary '{"note":"同意"}')
  [[ $code == 2* ]] || { echo "$(now_ms) loan $code $id approve" >>"$log"; return 1; }
  echo "$(now_ms) loan $code $id $(jq -r .state "$out")" >>"$log"
  [[ $last == approved ]] && return 0
  code=$(http "$out" POST "$LB/api/v1/borrows/$id/issue" "$T/auth/archivist")
  [[ $code == 2* ]] || { echo "$(now_ms) loan $code $id issue" >>"$log"; return 1; }
  echo "$(now_ms) loan $code $id $(jq -r .state "$out")" >>"$log"
  [[ $last == issued ]] && return 0
  code=$(http "$out.pdf" GET "$LB/api/v1/borrows/$id/copy" "$T/auth/$user")
  [[ $code == 2* ]] || { echo "$(now_ms) loan $code $id copy" >>"$log"; return 1; }
  code=$(http "$out" POST "$LB/api/v1/borrows/$id/return" "$T/auth/$user" -H 'Content-Type: application/pdf' \
    --data-binary "@$out.pdf")
  [[ $code == 2* ]] || { echo "$(now_ms) loan $code $id return" >>"$log"; return 1; }
  state=$(jq -r .state "$out")
  echo "$(now_ms) loan $code $id $state" >>"$log"
}

borrower() {
  local i=0
  while (($(date +%s) < END)); do
    loan_steps staff2 "${LOAN_DOCS[$((i % ${#LOAN_DOCS[@]}))]}" P7D "$T/log/loans.log" || sleep 0.2
    i=$((i + 1))
  done
}

reader() {  # logins and reads: a fresh session every round, used at once
  local log=$T/log/reads.log code out=$T/out/reader.json auth=$T/auth/reader
  while (($(date +%s) < END)); do
    code=$(http "$out" POST "$LB/api/v1/sessions" - -H 'Content-Type: application/json' --data-binary "@$T/auth/staff1.login")
    echo "$(now_ms) login $code" >>"$log"
    if [[ $code == 2* ]]; then
      printf 'Authorization: Bearer %s\n' "$(jq -r .token "$out")" >"$auth"
      for _ in 1 2 3; do
        code=$(http /dev/null GET "$LB/api/v1/sessions/current" "$auth")
        echo "$(now_ms) session $code" >>"$log"
        code=$(http /dev/null GET "$LB/api/v1/documents?customer=C1001" "$auth")
        echo "$(now_ms) list $code" >>"$log"
      done
    else
      sleep 0.2
    fi
  done
}

uploader u1 & PIDS_CLIENTS+=($!)
uploader u2 & PIDS_CLIENTS+=($!)
exporter staff1 & PIDS_CLIENTS+=($!)
exporter staff3 & PIDS_CLIENTS+=($!)
borrower & PIDS_CLIENTS+=($!)
reader & PIDS_CLIENTS+=($!)

# ---------------------------------------------------- kill the leader
sleep "$KILL_AFTER"
leaders=() followers=()
for i in 0 1; do
  h=$(health "$i") || fail "node $i: no health answer before the kill"
  if [[ $(jq -r .scheduler.leader <<<"$h") == true ]]; then leaders+=("$i"); else followers+=("$i"); fi
  echo "$h" >"$T/out/health-before-$i.json"
done
((${#leaders[@]} == 1)) || fail "expected exactly one leader before the kill, found ${#leaders[@]}"
VICTIM=${leaders[0]}
SURVIVOR=${followers[0]}
[[ $(jq -r .scheduler.last_run "$T/out/health-before-$VICTIM.json") != null ]] ||
  fail "the leader (node $VICTIM) has run no scheduler pass in $KILL_AFTER s"
[[ $(jq -r .scheduler.last_run "$T/out/health-before-$SURVIVOR.json") == null ]] ||
  fail "the follower (node $SURVIVOR) ran a scheduler pass while node $VICTIM led"
[[ $(jq -r .database.engine "$T/out/health-before-$SURVIVOR.json") == postgresql ]] ||
  fail "health does not say the engine is postgresql: $(jq -c .database "$T/out/health-before-$SURVIVOR.json")"
# The kill lands while the victim stamps a loan's copy: an approved loan is
# issued on the victim directly, and the kill follows as soon as its issue
# claim is in the database (the copy is being made; the claim is cleared by
# the issue's final write).
loan_steps staff4 "$KILL_DOC" P7D "$T/log/killed-issue.log" approved >/dev/null 2>&1 || true
KILLED_LOAN=$(awk '$5 == "approved" {print $4}' "$T/log/killed-issue.log")
[[ -n $KILLED_LOAN ]] || fail "could not prepare the loan to issue at the kill: $(cat "$T/log/killed-issue.log")"
http /dev/null POST "${NODE_URL[$VICTIM]}/api/v1/borrows/$KILLED_LOAN/issue" "$T/auth/archivist" >/dev/null &
PIDS_CLIENTS+=($!)
for _ in $(seq 1 300); do
  [[ -n $(sql "SELECT issue_claim FROM borrows WHERE id = '$KILLED_LOAN'") ]] && break
  sleep 0.01
done
KILL_EPOCH=$(date +%s)
KILL_MS=$(now_ms)
kill -9 "${PIDS_NODES[$VICTIM]}"
wait "${PIDS_NODES[$VICTIM]}" 2>/dev/null || true
unset "PIDS_NODES[$VICTIM]"
pass "one leader before the kill (node $VICTIM, follower ran no pass); SIGKILL at +$((KILL_EPOCH - T0)) s"
read -r killed_state killed_claim < <(sql "SELECT state, CASE WHEN issue_claim = '' THEN 'none' ELSE 'left' END FROM borrows WHERE id = '$KILLED_LOAN'" | tr '|' ' ')

# The survivor takes the periodic work over within 2 scheduler periods.
took_over=""
deadline=$((KILL_MS + 2 * SCHEDULE_SECONDS * 1000 + 3000))
while (($(now_ms) < deadline)); do
  h=$(health "$SURVIVOR" || true)
  if [[ $(jq -r '.scheduler.leader' <<<"$h" 2>/dev/null) == true && $(jq -r '.scheduler.last_run' <<<"$h") != null ]]; then
    took_over=$(now_ms)
    echo "$h" >"$T/out/health-after.json"
    break
  fi
  sleep 0.2
done
[[ -n $took_over ]] || fail "node $SURVIVOR did not run a scheduler pass within $((2 * SCHEDULE_SECONDS)) s + 3 s of the kill"
last_run=$(date -d "$(jq -r .scheduler.last_run "$T/out/health-after.json")" +%s)
((last_run >= KILL_EPOCH)) || fail "the survivor's last scheduler pass ($last_run) is before the kill ($KILL_EPOCH)"
pass "takeover: node $SURVIVOR leads and ran a scheduler pass $((took_over - KILL_MS)) ms after the kill"

# A loan due 2 s after its issue, issued after the kill: only the survivor's
# scheduler can move it to overdue.
loan_steps staff4 "$PROBE_DOC" PT2S "$T/log/probe.log" issued || fail "the probe loan could not be issued through HAProxy after the kill"
PROBE_ID=$(awk '$5 == "issued" {print $4}' "$T/log/probe.log")

for p in "${PIDS_CLIENTS[@]}"; do wait "$p" || true; done
PIDS_CLIENTS=()
pass "workload: $WORKLOAD_SECONDS s, 6 client loops through HAProxy"

# ------------------------------------------------------------------ checks
echo "---- checks"
all_requests=$(cat "$T"/log/uploads.log "$T"/log/exports-*.log "$T"/log/loans.log "$T"/log/reads.log | wc -l)
after_kill_2xx=$(cat "$T"/log/uploads.log "$T"/log/exports-*.log "$T"/log/loans.log "$T"/log/reads.log |
  awk -v k="$KILL_MS" '$1 > k + 1000 && $3 ~ /^2/' | wc -l)
failed=$(cat "$T"/log/uploads.log "$T"/log/exports-*.log "$T"/log/loans.log "$T"/log/reads.log | awk '$3 !~ /^2/' | wc -l)
((after_kill_2xx > 0)) || fail "no request succeeded through HAProxy after the kill"
# Server errors and broken connections only for requests in flight at the
# kill (sent before it, answered by HAProxy's 502 once the node died, or
# within HAProxy's health-check time): everything else was served.
cat "$T"/log/uploads.log "$T"/log/exports-*.log "$T"/log/loans.log "$T"/log/reads.log |
  awk -v k="$KILL_MS" '($3 ~ /^5/ || $3 == "000") && ($1 < k || $1 > k + 3000)' >"$T/out/errors"
[[ ! -s $T/out/errors ]] || fail "$(wc -l <"$T/out/errors") request(s) failed with a server error away from the kill: $(head -n 3 "$T/out/errors" | tr '\n' ';')"
pass "requests: $all_requests, $failed not 2xx (all 5xx within 3 s of the kill; 4xx: refusals), $after_kill_2xx 2xx after the kill"

# Uploads: listed and readable, bytes identical to what was sent.
awk '$2 == "upload" && $3 ~ /^2/' "$T/log/uploads.log" >"$T/out/uploads.ok"
n_up=$(wc -l <"$T/out/uploads.ok")
((n_up > 0)) || fail "no upload succeeded"
: >"$T/out/listed"
offset=0
while :; do
  code=$(http "$T/out/page.json" GET "$LB/api/v1/documents?limit=200&offset=$offset" "$T/auth/archivist")
  [[ $code == 200 ]] || fail "listing documents: HTTP $code"
  jq -r '.items[] | .id' "$T/out/page.json" >>"$T/out/listed" || fail "listing documents: unexpected reply $(head -c 200 "$T/out/page.json")"
  got=$(jq '.items | length' "$T/out/page.json")
  ((got == 200)) || break
  offset=$((offset + 200))
done
while read -r _ _ _ id archive sha_reply sha_sent; do
  [[ $sha_reply == "$sha_sent" ]] || fail "upload $archive: the vault recorded sha256 $sha_reply, the client sent $sha_sent"
  grep -qx "$id" "$T/out/listed" || fail "upload $archive ($id) got a 2xx but is not listed"
  code=$(http "$T/out/content" GET "$LB/api/v1/documents/$id/content" "$T/auth/archivist")
  [[ $code == 200 ]] || fail "upload $archive ($id) got a 2xx but its content answers HTTP $code"
  [[ $(sha256sum <"$T/out/content" | cut -c1-64) == "$sha_sent" ]] || fail "upload $archive: content differs from what was uploaded"
done <"$T/out/uploads.ok"
pass "uploads 2xx: $n_up, all listed and read back byte for byte"

# No half-stored document: every version's blob authenticates with its
# recorded hash; blobs without a row may only come from uploads that failed.
verify_rc=0
"$VAULTCTL" verify --json >"$T/out/fixity.json" || verify_rc=$?
((verify_rc == 0)) || fail "vaultctl verify exit $verify_rc: $(jq -c '.problems[:3]' "$T/out/fixity.json" 2>/dev/null)"
read -r fx_ok fx_changed fx_missing < <(jq -r '"\(.ok) \(.changed) \(.missing)"' "$T/out/fixity.json")
untracked_blobs=$(jq '[.problems[] | select(.state == "untracked" and (.blob | startswith("tmp/") | not))] | length' "$T/out/fixity.json")
temporaries=$(jq '[.problems[] | select(.state == "untracked" and (.blob | startswith("tmp/")))] | length' "$T/out/fixity.json")
failed_uploads=$(awk '$2 == "upload" && $3 !~ /^2/' "$T/log/uploads.log" | wc -l)
versions=$(sql "SELECT count(*) FROM versions")
((fx_changed == 0 && fx_missing == 0)) || fail "fixity: $fx_changed changed, $fx_missing missing"
((fx_ok == versions)) || fail "fixity checked $fx_ok versions, the database has $versions"
((untracked_blobs <= failed_uploads)) ||
  fail "$untracked_blobs blob(s) without a document row, but only $failed_uploads upload(s) failed"
docs_without_version=$(sql "SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.document_id = d.id)")
((docs_without_version == 0)) || fail "$docs_without_version document row(s) without a version"
pass "fixity: $fx_ok versions intact, 0 missing; $untracked_blobs orphan blob(s) and $temporaries temporary file(s) from the $failed_uploads failed upload(s)"

# Exports: every 2xx export is in the ledger with the hash of the bytes sent.
cat "$T"/log/exports-*.log | awk '$2 == "export" && $3 ~ /^2/' >"$T/out/exports.ok"
n_exp=$(wc -l <"$T/out/exports.ok")
((n_exp > 0)) || fail "no export succeeded"
while read -r _ _ _ id xcode doc sha got; do
  [[ $sha == "$got" ]] || fail "export $id: header sha256 $sha, received bytes $got"
  code=$(http "$T/out/trace.json" GET "$LB/api/v1/trace/$xcode" "$T/auth/archivist")
  [[ $code == 200 ]] || fail "export $id ($xcode) got a 2xx but trace answers HTTP $code"
  [[ $(jq -r '.export | "\(.id) \(.document) \(.output_sha256)"' "$T/out/trace.json") == "$id $doc $sha" ]] ||
    fail "export $id: the ledger says $(jq -c .export "$T/out/trace.json")"
done <"$T/out/exports.ok"
ledger=$(sql "SELECT count(*) FROM exports")
pass "exports 2xx: $n_exp, all traced to their ledger row with the hash sent (ledger rows incl. loan copies: $ledger)"

# Loans: the state each 2xx step reached is the state in the database (or
# one step further, when the next step's reply was lost at the kill).
rank() { case $1 in requested) echo 1 ;; approved) echo 2 ;; issued) echo 3 ;; returned_verified) echo 4 ;; *) echo 9 ;; esac; }
awk '$2 == "loan" && $3 ~ /^2/ {last[$4] = $5} END {for (id in last) print id, last[id]}' "$T/log/loans.log" >"$T/out/loans.ok"
n_loans=$(wc -l <"$T/out/loans.ok")
n_returned=$(awk '$2 == "returned_verified"' "$T/out/loans.ok" | wc -l)
((n_returned > 0)) || fail "no loan was returned and verified"
while read -r id want; do
  code=$(http "$T/out/loan.json" GET "$LB/api/v1/borrows/$id" "$T/auth/archivist")
  [[ $code == 200 ]] || fail "loan $id reached $want with a 2xx but answers HTTP $code"
  have=$(jq -r .state "$T/out/loan.json")
  [[ $(rank "$want") -le $(rank "$have") && $(rank "$have") -le $(($(rank "$want") + 1)) ]] ||
    fail "loan $id: a 2xx step reached $want, the database says $have"
  if [[ $want == returned_verified && $have != returned_verified ]]; then fail "loan $id: returned_verified became $have"; fi
done <"$T/out/loans.ok"
pass "loans with a 2xx step: $n_loans ($n_returned returned and verified by hash), each in the state its last 2xx reached"

# Loans the kill interrupted are finished now through the survivor: a node
# killed while stamping a loan's copy must not strand the loan.
finish_loan() {  # finish_loan ID -> 0 when it ends returned_verified
  local id=$1 out=$T/out/finish.json state code
  for _ in 1 2 3 4; do
    code=$(http "$out" GET "$LB/api/v1/borrows/$id" "$T/auth/archivist")
    [[ $code == 200 ]] || { echo "GET HTTP $code"; return 1; }
    state=$(jq -r .state "$out")
    case $state in
      requested) code=$(http "$out" POST "$LB/api/v1/borrows/$id/approve" "$T/auth/manager" \
                   -H 'Content-Type: application/json' --data-binary '{"note":"同意"}') ;;
      approved) code=$(http "$out" POST "$LB/api/v1/borrows/$id/issue" "$T/auth/archivist") ;;
      issued)
        code=$(http "$out.pdf" GET "$LB/api/v1/borrows/$id/copy" "$T/auth/staff2")
        [[ $code == 200 ]] && code=$(http "$out" POST "$LB/api/v1/borrows/$id/return" "$T/auth/staff2" \
          -H 'Content-Type: application/pdf' --data-binary "@$out.pdf") ;;
      returned_verified) return 0 ;;
      *) echo "state $state"; return 1 ;;
    esac
    [[ $code == 2* ]] || { echo "$state: HTTP $code $(jq -r '.error.code // empty' "$out" 2>/dev/null)"; return 1; }
  done
  echo "still $(jq -r .state "$out")"
  return 1
}
n_finished=0
while read -r id want; do
  [[ $want == returned_verified ]] && continue
  why=$(finish_loan "$id") || fail "loan $id, interrupted at the kill ($want), cannot be finished on the survivor: $why"
  n_finished=$((n_finished + 1))
done <"$T/out/loans.ok"
pass "loans interrupted by the kill: $n_finished, each finished on the survivor (returned and verified)"
# The loan whose issue the kill cut: issued now at once through the survivor.
issue_at=$(now_ms)
code=$(http "$T/out/killed-issue.json" POST "$LB/api/v1/borrows/$KILLED_LOAN/issue" "$T/auth/archivist")
if [[ $killed_state == approved ]]; then
  [[ $code == 200 ]] || fail "the loan whose issue the kill interrupted (claim $killed_claim) cannot be issued on the survivor: HTTP $code $(jq -r '.error.code // empty' "$T/out/killed-issue.json" 2>/dev/null)"
  pass "issue cut by the kill (claim $killed_claim by the dead node): issued on the survivor in $(($(now_ms) - issue_at)) ms"
else
  [[ $killed_state == issued ]] || fail "the loan issued at the kill is $killed_state"
  pass "issue at the kill finished before the kill landed (claim $killed_claim); nothing to take over this time"
fi

# The probe loan (issued after the kill, due 2 s later) went overdue by the
# survivor's scheduler.
state=""
deadline=$(($(date +%s) + 2 * SCHEDULE_SECONDS + 4))
while (($(date +%s) < deadline)); do
  code=$(http "$T/out/probe.json" GET "$LB/api/v1/borrows/$PROBE_ID" "$T/auth/archivist")
  state=$(jq -r .state "$T/out/probe.json" 2>/dev/null || true)
  [[ $state == overdue ]] && break
  sleep 0.5
done
[[ $state == overdue ]] || fail "the probe loan issued after the kill is '$state', not overdue: the survivor's scheduler did not run"
h=$(health "$SURVIVOR")
[[ $(jq -r .scheduler.leader <<<"$h") == true ]] || fail "the survivor no longer leads"
checkpoints_after=$(sql "SELECT count(*) FROM audit_checkpoints WHERE created_at >= '$(date -u -d "@$KILL_EPOCH" +%Y-%m-%dT%H:%M:%SZ)'")
((checkpoints_after > 0)) || fail "no audit checkpoint was signed after the kill (interval $CHECKPOINT_SECONDS s)"
pass "periodic work on the survivor: leader, a loan due after the kill went overdue, $checkpoints_after checkpoint(s) signed after the kill"

# The audit log: one chain, seq 1..N without gaps, hashes and checkpoints verify.
audit_rc=0
"$VAULTCTL" audit verify >"$T/out/audit.txt" 2>&1 || audit_rc=$?
((audit_rc == 0)) || fail "vaultctl audit verify exit $audit_rc: $(tail -n 3 "$T/out/audit.txt")"
read -r n_events min_seq max_seq < <(sql "SELECT count(*), min(seq), max(seq) FROM audit_events" | tr '|' ' ')
((min_seq == 1 && max_seq == n_events)) || fail "audit seq runs $min_seq..$max_seq over $n_events events: not one gapless chain"
forks=$(sql "SELECT count(*) FROM (SELECT prev_hash FROM audit_events GROUP BY prev_hash HAVING count(*) > 1) f")
((forks == 0)) || fail "$forks audit event(s) share a predecessor: the chain forked"
pass "audit: $n_events events, seq 1..$max_seq, one chain, hashes and checkpoints verify"

# Archive numbers stay unique under concurrent uploads from two nodes.
dups=$(sql "SELECT archive_number FROM documents GROUP BY archive_number HAVING count(*) > 1" | wc -l)
((dups == 0)) || fail "$dups archive number(s) assigned twice"
pass "archive numbers: $(sql "SELECT count(*) FROM documents") documents, all unique"
