#!/usr/bin/env bash
# The Debian package (packaging/deb.cmake), built by cpack from the existing
# build tree into a temporary directory and checked without installing it:
# its paths and modes (dpkg-deb -c), control files (conffiles, Depends from
# dpkg-shlibdeps, postinst), the systemd unit's sandbox, and, in a throwaway
# root made by dpkg -x, postinst's first-install step (vaultctl init from the
# package: master key 0600 in a 0700 directory outside /var/lib/vault),
# vaultd --check-config on the packaged configuration (good, then a key
# readable by others), the packaged vaultd serving the UI and the API with
# JSON log lines, and systemd-analyze verify / security --offline on the
# unit with --root.
# Usage: deb_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail

BUILD=${1:?usage: deb_test.sh BUILD_DIR SOURCE_DIR}
SRC=${2:?usage: deb_test.sh BUILD_DIR SOURCE_DIR}
BASE=${VAULT_TEST_TMP:-/tmp}
WORK=$(mktemp -d "$BASE/deb-test-XXXXXX")
VAULTD=""
TOKEN=""
trap '[[ -n "$VAULTD" ]] && kill "$VAULTD" 2>/dev/null; rm -rf "$WORK"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
check() {  # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# --- build: cpack on the existing build tree, output in $WORK --------------
(cd "$BUILD" && cpack -G DEB -B "$WORK/out") >"$WORK/cpack.log" 2>&1 || {
  cat "$WORK/cpack.log"; echo "not ok - cpack -G DEB"; exit 1; }
DEB=$(ls "$WORK"/out/*.deb)
ok "cpack built $(basename "$DEB") ($(du -h "$DEB" | cut -f1))"

# --- contents: paths and modes --------------------------------------------
dpkg-deb -c "$DEB" >"$WORK/contents"
has() {  # has MODE PATH: an entry of the package with that mode string
  awk -v m="$1" -v p="$2" '$1 == m && $6 == p { f = 1 } END { exit !f }' "$WORK/contents"
}
check "/usr/bin/vaultd (0755)" has -rwxr-xr-x ./usr/bin/vaultd
check "/usr/bin/vaultctl (0755)" has -rwxr-xr-x ./usr/bin/vaultctl
check "unit /lib/systemd/system/vault.service" has -rw-r--r-- ./lib/systemd/system/vault.service
check "/etc/vault/vaultd.properties (0640)" has -rw-r----- ./etc/vault/vaultd.properties
check "/etc/vault/keys/ is private (0700)" has drwx------ ./etc/vault/keys/
check "/var/lib/vault/ is private (0700)" has drwx------ ./var/lib/vault/
check "policies under /usr/share/vault/policies" has -rw-r--r-- ./usr/share/vault/policies/roles.json
check "docs under /usr/share/doc/vault" has -rw-r--r-- ./usr/share/doc/vault/operations.md
check "no file ships inside /var/lib/vault" \
  bash -c "! awk '\$6 ~ /^\\.\\/var\\/lib\\/vault\\/./' '$WORK/contents' | grep -q ."
check "no key file ships in the package" bash -c "! awk '{print \$6}' '$WORK/contents' | grep -Eq '\\.key\$|/keys/.'"
if [[ -f "$SRC/api/web/dist/index.html" ]]; then
  check "web UI at /usr/share/vault/web/index.html" has -rw-r--r-- ./usr/share/vault/web/index.html
else
  echo "# api/web/dist is not built here (scripts/web-build.sh): the web UI is not checked"
fi

# --- control: conffiles, Depends, maintainer scripts ------------------------
dpkg-deb -e "$DEB" "$WORK/control"
check "vaultd.properties is a conffile" grep -qx /etc/vault/vaultd.properties "$WORK/control/conffiles"
DEPENDS=$(dpkg-deb -f "$DEB" Depends)
echo "# Depends: $DEPENDS"
for lib in libsodium libpoco libqpdf libhpdf libpq libsqlite3 libssl adduser fonts-wqy-zenhei; do
  check "Depends names $lib" grep -q "$lib" <<<"$DEPENDS"
done
check "postinst is executable" test -x "$WORK/control/postinst"
check "postinst creates the vault system user" grep -q 'adduser --system --group' "$WORK/control/postinst"
check "postinst runs vaultctl init as vault" grep -q 'runuser -u vault -- /usr/bin/vaultctl' "$WORK/control/postinst"
check "postinst passes its syntax check" sh -n "$WORK/control/postinst"

# --- the unit's sandbox -------------------------------------------------------
ROOT=$WORK/root
dpkg -x "$DEB" "$ROOT"
UNIT=$ROOT/lib/systemd/system/vault.service
for line in 'ProtectSystem=strict' 'PrivateTmp=yes' 'NoNewPrivileges=yes' 'ProtectHome=yes' \
            'ReadWritePaths=/var/lib/vault /etc/vault/keys' 'CapabilityBoundingSet=' \
            'MemoryDenyWriteExecute=yes' 'User=vault' \
            'ExecStart=/usr/bin/vaultd --config /etc/vault/vaultd.properties'; do
  check "unit has $line" grep -qx "$line" "$UNIT"
done

# --- postinst's first install, in the throwaway root --------------------------
# The same command postinst runs (without runuser: the test user owns the
# root), with the packaged binary, its paths prefixed by $ROOT.
prop() { sed -n "s/^$1 *= *//p" "$ROOT/etc/vault/vaultd.properties"; }
DATA=$ROOT$(prop vaultd.data_dir)
KEY=$ROOT$(prop vaultd.key_file)
check "packaged data_dir is /var/lib/vault" test "$(prop vaultd.data_dir)" = /var/lib/vault
check "packaged key_file is under /etc/vault/keys" test "$(dirname "$(prop vaultd.key_file)")" = /etc/vault/keys
"$ROOT/usr/bin/vaultctl" --data "$DATA" --key "$KEY" init >"$WORK/init.out" 2>&1 || {
  cat "$WORK/init.out"; not_ok "packaged vaultctl init"; }
check "master key created with mode 0600" test "$(stat -c %a "$KEY")" = 600
check "its directory stays 0700" test "$(stat -c %a "$(dirname "$KEY")")" = 700
check "data directory stays 0700" test "$(stat -c %a "$DATA")" = 700
check "master key is outside the data directory" \
  bash -c "[[ '$(realpath "$KEY")' != '$(realpath "$DATA")'/* ]]"

# vaultd --check-config on the packaged configuration, paths moved into $ROOT.
sed -e "s#= /var/lib/vault#= $ROOT/var/lib/vault#" -e "s#= /etc/vault/keys#= $ROOT/etc/vault/keys#" \
    -e "s#= /usr/share/vault#= $ROOT/usr/share/vault#" \
    "$ROOT/etc/vault/vaultd.properties" >"$WORK/vaultd.properties"
if "$ROOT/usr/bin/vaultd" --check-config --config "$WORK/vaultd.properties" >"$WORK/check.out" 2>&1; then
  ok "packaged vaultd --check-config passes on the packaged configuration"
else
  not_ok "packaged vaultd --check-config"; sed 's/^/    /' "$WORK/check.out"
fi

chmod 0644 "$KEY"
code=0
"$ROOT/usr/bin/vaultd" --check-config --config "$WORK/vaultd.properties" >"$WORK/check.out" 2>&1 || code=$?
check "--check-config refuses a key readable by others (exit 78)" test "$code" = 78
check "... and says which key and why" grep -q 'error \[key.file_mode\]: vaultd.key_file' "$WORK/check.out"
check "... without printing the key" bash -c "! grep -qF \"\$(awk '{print \$NF}' '$KEY' | head -1)\" '$WORK/check.out'"
chmod 0600 "$KEY"

# --- the packaged vaultd serves, with the packaged configuration --------------
# Port 0 (a free one), JSON log lines on stdout: the UI from
# /usr/share/vault/web, the API, and every log line one JSON object.
# As much of the unit's sandbox as can be had without systemd: no writable
# and executable memory (PR_SET_MDWE, the kernel's form of
# MemoryDenyWriteExecute=yes) and, when the test runs as root, an
# unprivileged user with no capabilities and no_new_privs (setpriv; User=,
# CapabilityBoundingSet=, NoNewPrivileges=yes).
sed -i 's#^vaultd.listen = .*#vaultd.listen = 127.0.0.1:0#' "$WORK/vaultd.properties"
RUN=()
if cc -o "$WORK/mdwe_exec" "$SRC/tests/package/mdwe_exec.c" 2>/dev/null && "$WORK/mdwe_exec" /bin/true; then
  RUN=("$WORK/mdwe_exec")
else
  echo "# PR_SET_MDWE is not available here: vaultd runs without it"
fi
if [[ $(id -u) == 0 ]] && command -v setpriv >/dev/null; then
  chmod 0755 "$WORK"
  chown -R 65534:65534 "$DATA" "$(dirname "$KEY")"
  RUN=(setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs --bounding-set=-all --inh-caps=-all
       "${RUN[@]}")
else
  echo "# not root: vaultd runs as the test's user (no setpriv sandbox)"
fi
echo "# running: ${RUN[*]} vaultd"
PASSWORD="deb-test password $RANDOM$RANDOM"
echo "$PASSWORD" | "${RUN[@]}" "$ROOT/usr/bin/vaultctl" --data "$DATA" --key "$KEY" \
  user add admin1 --role admin --department IT --password-stdin >/dev/null
"${RUN[@]}" "$ROOT/usr/bin/vaultd" --config "$WORK/vaultd.properties" >"$WORK/vaultd.log" 2>"$WORK/vaultd.err" &
VAULTD=$!
url=""
for _ in $(seq 1 100); do
  url=$(jq -r 'select(.event == "vaultd.start") | .url' "$WORK/vaultd.log" 2>/dev/null || true)
  [[ -n "$url" ]] && break
  sleep 0.1
done
if [[ -n "$url" ]]; then
  ok "packaged vaultd started ($url)"
  if [[ -f "$SRC/api/web/dist/index.html" ]]; then
    check "it serves the web UI from /usr/share/vault/web" \
      bash -c "curl -fsS '$url' | cmp -s - '$ROOT/usr/share/vault/web/index.html'"
  fi
  check "it answers the API" bash -c "curl -fsS '${url}healthz' >/dev/null"
  curl -sS -o /dev/null -H 'Authorization: Bearer not-a-real-token-3e1f' "${url}api/v1/documents" || true
  TOKEN=$(jq -n --arg p "$PASSWORD" '{username: "admin1", password: $p}' |
          curl -fsS -H 'Content-Type: application/json' --data-binary @- "${url}api/v1/sessions" | jq -r .token)
  check "a login works (Argon2id in the sandbox)" test -n "$TOKEN" -a "$TOKEN" != null
  check "the token is accepted" curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" "${url}api/v1/users"
else
  not_ok "packaged vaultd started"; sed 's/^/    /' "$WORK/vaultd.err" "$WORK/vaultd.log"
fi
kill -TERM "$VAULTD" 2>/dev/null || true
wait "$VAULTD" 2>/dev/null || true
VAULTD=""
check "every stdout line is one JSON object" jq -e -s 'length > 2 and all(type == "object")' "$WORK/vaultd.log"
check "request lines carry a request id" \
  jq -e -s '[.[] | select(.event == "http.request")] | length >= 2 and all(.request_id | test("^[0-9a-f]{16}$"))' \
  "$WORK/vaultd.log"
check "no token or password in the log" \
  bash -c "! grep -qF -e not-a-real-token -e '${TOKEN:-no token}' -e '$PASSWORD' '$WORK/vaultd.log'"
check "the login and the user list are logged as admin1" \
  jq -e -s '[.[] | select(.event == "http.request" and .path == "/api/v1/users")] | .[0].user == "admin1"' \
  "$WORK/vaultd.log"
check "vaultd logged its stop" jq -e -s 'any(.event == "vaultd.stopped")' "$WORK/vaultd.log"

# --- systemd-analyze, offline, against the throwaway root ---------------------
# verify resolves ExecStart= in --root, so the packaged /usr/bin/vaultd is
# the one checked, and it loads the unit's implicit dependencies
# (sysinit.target, ...) from there too: the host's targets are copied in.
# No running systemd is needed (none runs in the build container).
cp -n /lib/systemd/system/*.target "$ROOT/lib/systemd/system/"
if systemd-analyze verify --root="$ROOT" /lib/systemd/system/vault.service >"$WORK/verify.out" 2>&1 &&
   ! grep -q . "$WORK/verify.out"; then
  ok "systemd-analyze verify vault.service"
else
  not_ok "systemd-analyze verify vault.service"; sed 's/^/    /' "$WORK/verify.out"
fi
systemd-analyze security --offline=yes --root="$ROOT" vault.service >"$WORK/security.out" 2>&1 || true
EXPOSURE=$(sed -n 's/.*Overall exposure level for vault.service: \([0-9.]*\) \(.*\)$/\1 \2/p' "$WORK/security.out")
echo "# systemd-analyze security --offline: ${EXPOSURE:-none}"
check "exposure level is at most 2.0 (OK)" \
  awk -v e="${EXPOSURE%% *}" 'BEGIN { exit !(e != "" && e + 0 <= 2.0) }'

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
