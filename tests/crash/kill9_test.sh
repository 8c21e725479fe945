#!/usr/bin/env bash
# Kill -9 under load (issue 17, point 3): a real vaultd on a real SQLite data
# directory, a mixed workload from several client loops (logins, uploads of
# 1 KiB to 50 MiB with the big ones rare, new versions, stamped exports,
# loans from request to verified return, destructions), vaultd killed with
# SIGKILL at a random moment, restarted, and checked:
#   - every request that got a 2xx is durable and correct: an upload or a
#     version reads back with the SHA-256 sent; an export is in the ledger
#     with the hash of the bytes sent; a loan is in the state its last 2xx
#     step reached (or one step further, when the next step's reply was
#     lost); a completed destruction has its certificate;
#   - nothing half stored is visible: every listed document reads back, no
#     document without its blob (vaultctl verify: nothing changed or
#     missing), blobs without a row only from uploads that got no 2xx;
#   - vaultctl verify, vaultctl audit verify and vaultctl cert verify
#     --chain pass;
#   - a destruction the kill interrupted completes after the restart,
#     exactly once: one certificate per destruction, never two.
# Repeated for KILL9_ROUNDS kill points (default 20) within KILL9_LIMIT
# seconds (default 180). Every third round aims the kill at a destruction's
# execution (a random delay after the execute request is sent); the others
# at a random moment of the workload. The seed is printed; KILL9_SEED=N
# repeats the same sequence of delays and sizes (the timing of the machine
# still varies). Long offline mode: KILL9_ROUNDS=500 KILL9_LIMIT=7200.
#
# Usage: tests/crash/kill9_test.sh BUILD_DIR  (vaultd, vaultctl and
# vault_demo_docs in it). KILL9_KEEP=1 keeps the temporary directory;
# KILL9_MAX_MB caps the biggest upload (default 50).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:?usage: kill9_test.sh BUILD_DIR}" && pwd)
source "$ROOT/tests/crash/lib.sh"
VAULTD=$BUILD/vaultd
VAULTCTL=$BUILD/vaultctl
POLICIES=$ROOT/policies
ROUNDS=${KILL9_ROUNDS:-20}
LIMIT_SECONDS=${KILL9_LIMIT:-180}
SEED=${KILL9_SEED:-$(( $(date +%s%N) % 32768 ))}
RANDOM=$SEED
echo "kill9: seed $SEED (repeat with KILL9_SEED=$SEED), $ROUNDS rounds within $LIMIT_SECONDS s"
for tool in curl jq sha256sum; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/deps.sh)"
done
[[ -x $VAULTD && -x $VAULTCTL && -x $BUILD/vault_demo_docs ]] || fail "no vaultd, vaultctl or vault_demo_docs in $BUILD"
T0=$(date +%s)
T=$(mktemp -d "${VAULT_TEST_TMP:-/tmp}/vault-kill9.XXXXXX")
chmod 0700 "$T"
DATA=$T/data
DB=$DATA/metadata.db
KEY=$T/keys/master.key
PIDS_CLIENTS=()
PID_WATCHDOG=""

# stop_clients [now]: the client loops end after their current request
# (vaultd is dead by then, so it fails at once); "now" also kills what they
# run (their curl, by parent pid), for an early exit only: killing a loop's
# jq would log a 2xx without its details.
stop_clients() {
  touch "$T/stop"
  for p in "${PIDS_CLIENTS[@]}"; do
    [[ ${1:-} == now ]] && pkill -P "$p" 2>/dev/null
    wait "$p" 2>/dev/null || true
  done
  PIDS_CLIENTS=()
}
cleanup() {
  local rc=$?
  set +e
  [[ -n $PID_WATCHDOG ]] && { pkill -P "$PID_WATCHDOG" 2>/dev/null; kill "$PID_WATCHDOG" 2>/dev/null; }
  stop_clients now
  kill_vaultd KILL
  if ((rc != 0)); then
    [[ -s $T/log/vaultd.log ]] && { echo "--- last lines of vaultd.log"; tail -n 8 "$T/log/vaultd.log"; }
    echo "kill9: seed $SEED"
  fi
  if [[ ${KILL9_KEEP:-0} == 1 ]]; then echo "kept $T"; else rm -rf "$T"; fi
  echo "kill9: $( ((rc == 0)) && echo PASSED || echo FAILED ) in $(($(date +%s) - T0)) s"
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "FAIL: interrupted (or over the $LIMIT_SECONDS s limit)" >&2; exit 1' INT TERM
(sleep "$LIMIT_SECONDS" && kill -TERM $$) 2>/dev/null &
PID_WATCHDOG=$!

V() { "$VAULTCTL" --data "$DATA" --key "$KEY" --database "$DB" "$@"; }

# ---------------------------------------------------------------- the vault
mkdir -p "$T/keys" "$T/auth" "$T/log" "$T/out" "$T/up" "$T/samples" "$T/rounds"
V init >/dev/null
"$BUILD/vault_demo_docs" "$T/samples" >/dev/null
add_user archivist archive_admin
add_user manager dept_manager
add_user legal legal
add_user staff1 staff
add_user staff2 staff
add_user auditor auditor
for u in staff1 staff2; do V user assign "$u" C1001 >/dev/null; done
put() {  # put FILE TITLE CUSTOMER -> id
  V put "$1" --customer "$3" --type 合同 --title "$2" --department 华南销售部 --classification internal --json | jq -r .id
}
EXPORT_DOCS=() LOAN_DOCS=()
for i in 1 2; do EXPORT_DOCS+=("$(put "$T/samples/contract.pdf" "导出合同 $i" C1001)"); done
for i in 1 2 3; do LOAN_DOCS+=("$(put "$T/samples/order.pdf" "借阅合同 $i" C1001)"); done
# Big files are made once; each upload appends a unique line.
BIG_MB=${KILL9_MAX_MB:-50}  # the sanitizer build caps it (tests/CMakeLists.txt)
head -c $((BIG_MB << 20)) /dev/urandom >"$T/up/big50"
head -c $((6 << 20)) /dev/urandom >"$T/up/big6"
# A destruction overwrites its blobs (three passes, each synced, the last
# read back): 24 MiB makes that long enough for a kill to land inside.
{ cat "$T/samples/contract.pdf"; head -c $((24 << 20)) /dev/urandom; } >"$T/up/destroy.pdf"
cat >"$T/vaultd.properties" <<EOF
vaultd.borrow_schedule_seconds = 1
vaultd.checkpoint_interval_seconds = 2
vaultd.shutdown_grace_seconds = 1
vaultd.max_concurrent_exports = 4
EOF
pass "ready: vault with ${#EXPORT_DOCS[@]} export and ${#LOAN_DOCS[@]} loan documents in $(($(date +%s) - T0)) s"

# ---------------------------------------------------------------- workload
# Every client loop appends "<ms> <what> <http status> [details]" lines to
# its log in $T/log; a round's logs move to $T/rounds/N afterwards.
running() { [[ ! -e $T/stop ]]; }

uploader() {  # uploader NAME SEED: new documents, now and then a new version of one
  set +e +o pipefail  # a client loop goes on whatever one request does
  local name=$1 n=0 log=$T/log/uploads-$1.log code f size meta id
  RANDOM=$2
  while running; do
    n=$((n + 1))
    f=$T/up/$name-$n
    # sizes: mostly 1 KiB .. 256 KiB; 1 in 12 a 6 MiB one; 1 in 60 a 50 MiB one
    if ((RANDOM % 60 == 0)); then
      { cat "$T/up/big50"; echo "$name $n $RANDOM"; } >"$f"
    elif ((RANDOM % 12 == 0)); then
      { cat "$T/up/big6"; echo "$name $n $RANDOM"; } >"$f"
    else
      size=$((1024 + (RANDOM * 8) % (256 << 10)))
      head -c "$size" /dev/urandom >"$f"
    fi
    id=$(awk '$2 == "upload" && $3 ~ /^2/ {print $4}' "$log" 2>/dev/null | tail -n 1)
    if [[ -n $id ]] && ((RANDOM % 3 == 0)); then
      code=$(http "$T/out/up-$name" POST "$URL/api/v1/documents/$id/versions" "$T/auth/archivist" \
        -F "metadata={\"reason\":\"修订 $n\"};type=application/json" -F "file=@$f;filename=v.pdf")
      if [[ $code == 2* ]]; then
        echo "$(now_ms) version $code $id $(jq -r .version "$T/out/up-$name") $(sha256sum <"$f" | cut -c1-64)" >>"$log"
      else
        echo "$(now_ms) version $code" >>"$log"
      fi
    else
      meta=$T/up/$name-meta.json
      printf '{"customer":"C2%03d","type":"合同","title":"断电上传 %s-%s","department":"华南销售部","classification":"internal"}' \
        "$((RANDOM % 5))" "$name" "$n" >"$meta"
      code=$(http "$T/out/up-$name" POST "$URL/api/v1/documents" "$T/auth/archivist" \
        -F "metadata=<$meta;type=application/json" -F "file=@$f;filename=scan-$n.pdf;type=application/octet-stream")
      if [[ $code == 2* ]]; then
        echo "$(now_ms) upload $code $(jq -r .id "$T/out/up-$name") $(sha256sum <"$f" | cut -c1-64)" >>"$log"
      else
        echo "$(now_ms) upload $code" >>"$log"
      fi
    fi
    rm -f "$f"
  done
}

exporter() {  # stamped exports by staff1 (below the policy's hourly limit)
  set +e +o pipefail
  local log=$T/log/exports.log code i=0 doc out=$T/out/export.pdf hdr=$T/out/export.hdr id xcode sha got
  while running; do
    if ((i >= 100)); then sleep 0.5; continue; fi
    doc=${EXPORT_DOCS[$((i % ${#EXPORT_DOCS[@]}))]}
    i=$((i + 1))
    code=$(http "$out" POST "$URL/api/v1/documents/$doc/exports" "$T/auth/staff1" -D "$hdr" \
      -H 'Content-Type: application/json' --data-binary '{}')
    if [[ $code == 2* ]]; then
      id=$(tr -d '\r' <"$hdr" | sed -n 's/^[Xx]-[Ee]xport-[Ii]d: //p')
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
loan_steps() {  # loan_steps DOC LOG
  local doc=$1 log=$2 out=$T/out/loan code id
  code=$(http "$out" POST "$URL/api/v1/borrows" "$T/auth/staff2" -H 'Content-Type: application/json' \
    --data-binary "{\"documents\":[\"$doc\"],\"purpose\":\"断电核对\",\"period\":\"P7D\",\"kind\":\"electronic\"}")
  [[ $code == 2* ]] || { echo "$(now_ms) loan $code - request" >>"$log"; return 1; }
  id=$(jq -r .id "$out")
  echo "$(now_ms) loan $code $id requested" >>"$log"
  code=$(http "$out" POST "$URL/api/v1/borrows/$id/approve" "$T/auth/manager" -H 'Content-Type: application/json' \
    --data-binary '{"note":"同意"}')
  [[ $code == 2* ]] || { echo "$(now_ms) loan $code $id approve" >>"$log"; return 1; }
  echo "$(now_ms) loan $code $id $(jq -r .state "$out")" >>"$log"
  code=$(http "$out" POST "$URL/api/v1/borrows/$id/issue" "$T/auth/archivist")
  [[ $code == 2* ]] || { echo "$(now_ms) loan $code $id issue" >>"$log"; return 1; }
  echo "$(now_ms) loan $code $id $(jq -r .state "$out")" >>"$log"
  code=$(http "$out.pdf" GET "$URL/api/v1/borrows/$id/copy" "$T/auth/staff2")
  [[ $code == 2* ]] || { echo "$(now_ms) loan $code $id copy" >>"$log"; return 1; }
  code=$(http "$out" POST "$URL/api/v1/borrows/$id/return" "$T/auth/staff2" -H 'Content-Type: application/pdf' \
    --data-binary "@$out.pdf")
  [[ $code == 2* ]] || { echo "$(now_ms) loan $code $id return" >>"$log"; return 1; }
  echo "$(now_ms) loan $code $id $(jq -r .state "$out")" >>"$log"
}

borrower() {
  set +e +o pipefail
  local i=0
  while running; do
    loan_steps "${LOAN_DOCS[$((i % ${#LOAN_DOCS[@]}))]}" "$T/log/loans.log" || sleep 0.1
    i=$((i + 1))
  done
}

reader() {  # logins and reads: a fresh session every round, used at once
  set +e +o pipefail
  local log=$T/log/reads.log code out=$T/out/reader.json auth=$T/auth/reader
  while running; do
    code=$(http "$out" POST "$URL/api/v1/sessions" - -H 'Content-Type: application/json' --data-binary "@$T/auth/staff1.login")
    echo "$(now_ms) login $code" >>"$log"
    if [[ $code == 2* ]]; then
      (umask 077; printf 'Authorization: Bearer %s\n' "$(jq -r .token "$out")" >"$auth")
      code=$(http /dev/null GET "$URL/api/v1/documents?customer=C1001" "$auth")
      echo "$(now_ms) list $code" >>"$log"
    else
      sleep 0.1
    fi
  done
}

# A destruction of a fresh document of its own customer (a customer's
# erasure request, approved by legal): request, approve, execute. Logs
# "destruction <status> <id> <state> [certificate]".
DESTROYED=()
destruction_to_execute() {  # -> prints the approved destruction's id
  local doc out=$T/out/destr.json code id
  doc=$(put "$T/up/destroy.pdf" "待销毁合同 $1" "C9$(printf %03d "$1")")
  code=$(http "$out" POST "$URL/api/v1/destructions" "$T/auth/archivist" -H 'Content-Type: application/json' \
    --data-binary "{\"documents\":[\"$doc\"],\"reason\":\"customer_request\",\"reference\":\"客户来函 $1\"}")
  [[ $code == 201 ]] || fail "destruction request: HTTP $code $(head -c 300 "$out")"
  id=$(jq -r .id "$out")
  code=$(http "$out" POST "$URL/api/v1/destructions/$id/approve" "$T/auth/legal" -H 'Content-Type: application/json' \
    --data-binary '{"witness":"王监销"}')
  [[ $code == 200 ]] || fail "destruction approve: HTTP $code $(head -c 300 "$out")"
  echo "$id $doc"
}

# ------------------------------------------------------------------ checks
rank() { case $1 in requested) echo 1 ;; approved) echo 2 ;; issued) echo 3 ;; returned_verified) echo 4 ;; *) echo 9 ;; esac; }
A=$T/auth/archivist

check_round() {  # check_round DIR: the 2xx answers of one round hold after the restart
  local dir=$1 code id sha ver want have xcode doc got n_up=0 n_ver=0 n_exp=0 n_loan=0
  cat "$dir"/uploads-*.log 2>/dev/null | awk '$2 == "upload" && $3 ~ /^2/' >"$dir/uploads.ok" || true
  while read -r _ _ _ id sha; do
    code=$(http "$T/out/content" GET "$URL/api/v1/documents/$id/content?version=1" "$A")
    [[ $code == 200 ]] || fail "upload $id got a 2xx before the kill; its content answers HTTP $code"
    [[ $(sha256sum <"$T/out/content" | cut -c1-64) == "$sha" ]] || fail "upload $id: content differs from what was sent"
    n_up=$((n_up + 1))
  done <"$dir/uploads.ok"
  cat "$dir"/uploads-*.log 2>/dev/null | awk '$2 == "version" && $3 ~ /^2/' >"$dir/versions.ok" || true
  while read -r _ _ _ id ver sha; do
    code=$(http "$T/out/content" GET "$URL/api/v1/documents/$id/content?version=$ver" "$A")
    [[ $code == 200 ]] || fail "version $ver of $id got a 2xx before the kill; it answers HTTP $code"
    [[ $(sha256sum <"$T/out/content" | cut -c1-64) == "$sha" ]] || fail "version $ver of $id: content differs from what was sent"
    n_ver=$((n_ver + 1))
  done <"$dir/versions.ok"
  awk '$2 == "export" && $3 ~ /^2/' "$dir/exports.log" >"$dir/exports.ok" 2>/dev/null || true
  while read -r _ _ _ id xcode doc sha got; do
    [[ $sha == "$got" ]] || fail "export $id: header sha256 $sha, received bytes $got"
    code=$(http "$T/out/trace.json" GET "$URL/api/v1/trace/$xcode" "$A")
    [[ $code == 200 ]] || fail "export $id ($xcode) got a 2xx before the kill; trace answers HTTP $code"
    [[ $(jq -r '.export | "\(.id) \(.document) \(.output_sha256)"' "$T/out/trace.json") == "$id $doc $sha" ]] ||
      fail "export $id: the ledger says $(jq -c .export "$T/out/trace.json")"
    n_exp=$((n_exp + 1))
  done <"$dir/exports.ok"
  awk '$2 == "loan" && $3 ~ /^2/ {last[$4] = $5} END {for (id in last) print id, last[id]}' "$dir/loans.log" \
    >"$dir/loans.ok" 2>/dev/null || true
  while read -r id want; do
    code=$(http "$T/out/loan.json" GET "$URL/api/v1/borrows/$id" "$A")
    [[ $code == 200 ]] || fail "loan $id reached $want with a 2xx; it answers HTTP $code"
    have=$(jq -r .state "$T/out/loan.json")
    [[ $(rank "$want") -le $(rank "$have") && $(rank "$have") -le $(($(rank "$want") + 1)) ]] ||
      fail "loan $id: a 2xx step reached $want, the vault says $have"
    n_loan=$((n_loan + 1))
  done <"$dir/loans.ok"
  echo "$n_up $n_ver $n_exp $n_loan"
}

# A loan the kill interrupted goes on after the restart, to its verified
# return: nothing is stranded (and the loan documents are free again).
finish_loan() {  # finish_loan ID -> 0 when it ends returned_verified
  local id=$1 out=$T/out/finish.json state code
  for _ in 1 2 3 4 5; do
    code=$(http "$out" GET "$URL/api/v1/borrows/$id" "$A")
    [[ $code == 200 ]] || { echo "GET HTTP $code"; return 1; }
    state=$(jq -r .state "$out")
    case $state in
      requested) code=$(http "$out" POST "$URL/api/v1/borrows/$id/approve" "$T/auth/manager" \
                   -H 'Content-Type: application/json' --data-binary '{"note":"同意"}') ;;
      approved) code=$(http "$out" POST "$URL/api/v1/borrows/$id/issue" "$A") ;;
      issued)
        code=$(http "$out.pdf" GET "$URL/api/v1/borrows/$id/copy" "$T/auth/staff2")
        [[ $code == 200 ]] && code=$(http "$out" POST "$URL/api/v1/borrows/$id/return" "$T/auth/staff2" \
          -H 'Content-Type: application/pdf' --data-binary "@$out.pdf") ;;
      returned_verified) return 0 ;;
      *) echo "state $state"; return 1 ;;
    esac
    [[ $code == 2* ]] || { echo "$state: HTTP $code $(jq -r '.error.code // empty' "$out" 2>/dev/null)"; return 1; }
  done
  echo "still $(jq -r .state "$out")"
  return 1
}
finish_open_loans() {  # -> prints how many were finished
  local n=0 id why
  for state in requested approved issued; do
    code=$(http "$T/out/open.json" GET "$URL/api/v1/borrows?all=1&state=$state" "$A")
    [[ $code == 200 ]] || fail "listing $state loans: HTTP $code $(head -c 200 "$T/out/open.json")"
    for id in $(jq -r '.items[].id' "$T/out/open.json"); do
      why=$(finish_loan "$id") || fail "loan $id, $state at the kill, cannot be finished after the restart: $why"
      n=$((n + 1))
    done
  done
  echo "$n"
}

# The destruction ID ends completed with exactly one certificate, its
# document gone (410) and its ghost still listed.
check_destruction() {  # check_destruction ID DOC
  local id=$1 doc=$2 state="" code
  for _ in $(seq 1 100); do
    code=$(http "$T/out/d.json" GET "$URL/api/v1/destructions/$id" "$A")
    state=$(jq -r .state "$T/out/d.json" 2>/dev/null || true)
    [[ $state == completed ]] && break
    if [[ $state == approved ]]; then  # the kill landed before its first step: execute it now
      code=$(http "$T/out/d.json" POST "$URL/api/v1/destructions/$id/execute" "$A")
      [[ $code == 200 ]] || fail "destruction $id (approved at the kill) cannot be executed after the restart: HTTP $code $(head -c 300 "$T/out/d.json")"
      continue
    fi
    sleep 0.1  # executing: vaultd's resume finishes it
  done
  [[ $state == completed ]] || fail "destruction $id interrupted at the kill is '$state' 10 s after the restart"
  local n
  n=$(V cert list | grep -c -- "$id" || true)
  ((n == 1)) || fail "destruction $id has $n certificates, wanted exactly one"
  code=$(http "$T/out/gone" GET "$URL/api/v1/documents/$doc/content" "$A")
  [[ $code == 410 ]] || fail "the destroyed document $doc answers HTTP $code, not 410"
  code=$(http /dev/null GET "$URL/api/v1/documents/$doc" "$A")
  [[ $code == 200 ]] || fail "the ghost of the destroyed document $doc is not listed (HTTP $code)"
}

check_vault() {  # the whole vault, after a restart
  local rc=0 untracked
  V verify --json >"$T/out/fixity.json" || rc=$?
  ((rc == 0)) || fail "vaultctl verify exit $rc: $(jq -c '.problems[:3]' "$T/out/fixity.json" 2>/dev/null)"
  read -r fx_ok fx_changed fx_missing < <(jq -r '"\(.ok) \(.changed) \(.missing)"' "$T/out/fixity.json")
  ((fx_changed == 0 && fx_missing == 0)) || fail "fixity: $fx_changed changed, $fx_missing missing"
  untracked=$(jq '[.problems[] | select(.state == "untracked" and (.blob | startswith("tmp/") | not))] | length' "$T/out/fixity.json")
  failed_uploads=$(cat "$T"/rounds/*/uploads-*.log 2>/dev/null | awk '($2 == "upload" || $2 == "version") && $3 !~ /^2/' | wc -l || true)
  ((untracked <= failed_uploads)) || fail "$untracked blob(s) without a row, but only $failed_uploads upload(s) got no 2xx"
  rc=0
  V audit verify >"$T/out/audit.txt" 2>&1 || rc=$?
  ((rc == 0)) || fail "vaultctl audit verify exit $rc: $(tail -n 3 "$T/out/audit.txt")"
  rc=0
  V cert verify --chain >"$T/out/certs.txt" 2>&1 || rc=$?
  ((rc == 0)) || fail "vaultctl cert verify --chain exit $rc: $(grep BROKEN "$T/out/certs.txt" | head -n 3)"
  # Every listed document reads back (none listed without its content).
  local offset=0 total got
  while :; do
    code=$(http "$T/out/page.json" GET "$URL/api/v1/documents?limit=200&offset=$offset" "$A")
    [[ $code == 200 ]] || fail "listing documents: HTTP $code"
    total=$(jq -r .total "$T/out/page.json")
    got=$(jq '.items | length' "$T/out/page.json")
    offset=$((offset + got))
    ((got == 200)) || break
  done
  ((offset == total)) || fail "the list shows $offset of $total documents"
  # versions in the database = fixity ok + destroyed ghosts' versions (verify skips those)
  echo "$fx_ok $untracked $total"
}

# ---------------------------------------------------------------- rounds
totals=(0 0 0 0) kills_in_destruction=0 resumed=0
# One vaultd start here; then each round loads the vaultd that the previous
# round restarted (recovered from a SIGKILL), kills it and restarts it.
start_vaultd "$T/log/vaultd.log"
for u in archivist manager legal staff1 staff2; do login "$u"; done
for round in $(seq 1 "$ROUNDS"); do
  rm -f "$T/stop"
  aim_destruction=$((round % 3 == 0))
  if ((aim_destruction)); then
    destruction_to_execute "$round" >"$T/out/destr.ids"
    read -r DID DDOC <"$T/out/destr.ids"
  fi
  uploader u1 $RANDOM & PIDS_CLIENTS+=($!)
  uploader u2 $RANDOM & PIDS_CLIENTS+=($!)
  exporter & PIDS_CLIENTS+=($!)
  borrower & PIDS_CLIENTS+=($!)
  reader & PIDS_CLIENTS+=($!)
  if ((aim_destruction)); then
    http "$T/out/exec.json" POST "$URL/api/v1/destructions/$DID/execute" "$A" >"$T/out/exec.code" &
    PIDS_CLIENTS+=($!)
    delay_ms=$((RANDOM % 600))
  else
    delay_ms=$((300 + RANDOM % 3500))
  fi
  sleep "$((delay_ms / 1000)).$(printf %03d $((delay_ms % 1000)))"
  kill_vaultd KILL
  stop_clients
  mkdir -p "$T/rounds/$round"
  mv "$T"/log/*.log "$T/rounds/$round/" 2>/dev/null || true
  exec_code=""
  if ((aim_destruction)); then
    exec_code=$(cat "$T/out/exec.code" 2>/dev/null || true)
    [[ $exec_code == 200 ]] || kills_in_destruction=$((kills_in_destruction + 1))
  fi
  # restart and check
  start_vaultd "$T/log/vaultd.log"
  login archivist
  check_round "$T/rounds/$round" >"$T/out/counts"
  read -r n_up n_ver n_exp n_loan <"$T/out/counts"
  finish_open_loans >"$T/out/counts"
  n_finished=$(cat "$T/out/counts")
  if ((aim_destruction)); then
    check_destruction "$DID" "$DDOC"
    DESTROYED+=("$DID")
  fi
  check_vault >"$T/out/counts"
  read -r fx_ok untracked total <"$T/out/counts"
  totals=($((totals[0] + n_up)) $((totals[1] + n_ver)) $((totals[2] + n_exp)) $((totals[3] + n_loan)))
  what="workload at +${delay_ms} ms"
  ((aim_destruction)) && what="destruction execute at +${delay_ms} ms (execute answered ${exec_code:-none})"
  pass "round $round: SIGKILL at $what; 2xx held: $n_up uploads, $n_ver versions, $n_exp exports, $n_loan loans ($n_finished interrupted loans finished); fixity $fx_ok ok, $untracked orphan blob(s), $total documents"
done
# Every destruction, interrupted or not, has exactly one certificate.
n_certs=$(V cert list | grep -c . || true)
((n_certs == ${#DESTROYED[@]})) || fail "$n_certs certificates for ${#DESTROYED[@]} destructions"
# ... and each verifies with plain openssl, without trusting the vault.
if command -v openssl >/dev/null; then
  mkdir -p "$T/certs"
  for cert in $(V cert list | awk '{print $1}'); do
    V cert get "$cert" --out "$T/certs" >/dev/null
    openssl pkeyutl -verify -pubin -inkey "$T/certs/signing.pem" -rawin -in "$T/certs/$cert.json" \
      -sigfile "$T/certs/$cert.json.sig" >/dev/null || fail "certificate $cert does not verify with openssl"
  done
fi
stop_vaultd "$T/log/vaultd.log"
pass "$ROUNDS kill points in $(($(date +%s) - T0)) s (seed $SEED): 2xx held: ${totals[0]} uploads, ${totals[1]} versions, ${totals[2]} exports, ${totals[3]} loans; ${#DESTROYED[@]} destructions ($kills_in_destruction killed before their execute answered), one certificate each"
