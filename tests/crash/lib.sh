# Shared helpers of the service-level crash and disk-full tests
# (tests/crash/*_test.sh): start and stop a real vaultd on a real data
# directory, speak HTTP to it with curl, log in. Sourced, not run.
# The caller sets VAULTD, VAULTCTL, T (its private temporary directory),
# DATA, KEY, DB (a SQLite path) and POLICIES before calling start_vaultd.

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok   $*"; }
now_ms() { date +%s%3N; }

# http OUT METHOD URL AUTHFILE [curl args...]: prints the HTTP status, or
# 000 when the exchange did not complete (no connection, or the body was
# cut: a reply only counts once it is received whole); the body goes to
# OUT. AUTHFILE holds the Authorization header ("-" for none), so no token
# is on a command line.
http() {
  local out=$1 method=$2 url=$3 auth=$4 status
  shift 4
  local args=(-s -o "$out" -w '%{http_code}' --max-time "${HTTP_MAX_TIME:-60}" -X "$method")
  [[ $auth != - ]] && args+=(-H "@$auth")
  if status=$(curl "${args[@]}" "$@" "$url"); then echo "$status"; else echo 000; fi
}

VAULTD_PID=""
URL=""
# start_vaultd LOG: starts vaultd in the background, waits for its port.
start_vaultd() {
  local log=$1
  : >"$log"
  "$VAULTD" --config "$T/vaultd.properties" --data "$DATA" --key "$KEY" --database "$DB" \
    --policies "$POLICIES" --listen 127.0.0.1:0 >"$log" 2>&1 &
  VAULTD_PID=$!
  local port
  for _ in $(seq 1 300); do
    port=$(sed -n 's|^vaultd listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")
    if [[ -n $port ]]; then
      URL=http://127.0.0.1:$port
      return 0
    fi
    kill -0 "$VAULTD_PID" 2>/dev/null || fail "vaultd exited at start: $(tail -n 5 "$log")"
    sleep 0.05
  done
  fail "vaultd did not start within 15 s: $(tail -n 5 "$log")"
}

# kill_vaultd [SIGNAL]: stops the vaultd this script started (by its pid).
kill_vaultd() {
  [[ -n $VAULTD_PID ]] || return 0
  kill "-${1:-KILL}" "$VAULTD_PID" 2>/dev/null || true
  wait "$VAULTD_PID" 2>/dev/null || true
  VAULTD_PID=""
}

# stop_vaultd LOG: a clean stop (SIGTERM) must end with exit 0 (under the
# sanitizers this is also where a leak or an error report fails the test).
stop_vaultd() {
  [[ -n $VAULTD_PID ]] || return 0
  local rc=0 pid=$VAULTD_PID
  VAULTD_PID=""
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || rc=$?
  ((rc == 0)) || fail "vaultd exited $rc after SIGTERM: $(tail -n 20 "$1")"
}

# add_user NAME ROLE: a user of 华南销售部 with a random password; the
# login body goes to $T/auth/NAME.login (mode 0600).
add_user() {
  local user=$1 role=$2 pw
  pw=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
  (umask 077; printf '{"username":"%s","password":"%s"}' "$user" "$pw" >"$T/auth/$user.login")
  echo "$pw" | "$VAULTCTL" --data "$DATA" --key "$KEY" --database "$DB" user add "$user" --role "$role" \
    --department 华南销售部 --clearance internal --display-name "$user" --password-stdin >/dev/null
}

# login USER: writes $T/auth/USER (the Authorization header file).
login() {
  local user=$1 out=$T/auth/login-$1.json code
  code=$(http "$out" POST "$URL/api/v1/sessions" - -H 'Content-Type: application/json' \
    --data-binary "@$T/auth/$user.login")
  [[ $code == 2* ]] || fail "login $user: HTTP $code $(head -c 200 "$out")"
  (umask 077; printf 'Authorization: Bearer %s\n' "$(jq -r .token "$out")" >"$T/auth/$user")
  rm -f "$out"
}
