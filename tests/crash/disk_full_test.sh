#!/usr/bin/env bash
# Disk full at the service level (issue 17, point 6): a real vaultd whose
# data directory (blobs) and SQLite database sit on two small tmpfs
# filesystems. Each is filled up in turn during uploads; the write(2) or
# SQLite's write really fails with ENOSPC. Checked: the upload answers 507
# with the stable code storage.no_space, nothing partial is stored (no
# temporary file, no blob without a row, no row without a blob, the
# document count unchanged), reads are still served while the blob
# filesystem is full, and uploads work again once space returns; at the end
# `vaultctl verify` and `vaultctl audit verify` pass.
#
# Mounting needs a private mount namespace: as root, `unshare -m`; as
# another user, `unshare -rm` (an unprivileged user namespace) where the
# kernel allows it. Where neither works the test is skipped (exit 77, which
# ctest reports as skipped) with the reason.
#
# Usage: tests/crash/disk_full_test.sh BUILD_DIR   (vaultd and vaultctl in it)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:?usage: disk_full_test.sh BUILD_DIR}" && pwd)

if [[ ${DISK_FULL_IN_NAMESPACE:-0} != 1 ]]; then
  export DISK_FULL_IN_NAMESPACE=1
  if [[ $(id -u) == 0 ]] && unshare -m true 2>/dev/null; then
    exec unshare -m --propagation private bash "$0" "$@"
  elif unshare -rm true 2>/dev/null; then
    exec unshare -rm --propagation private bash "$0" "$@"
  fi
  echo "SKIP: cannot create a private mount namespace (not root, and unprivileged user namespaces are disabled): no tmpfs to fill" >&2
  exit 77
fi

source "$ROOT/tests/crash/lib.sh"
VAULTD=$BUILD/vaultd
VAULTCTL=$BUILD/vaultctl
POLICIES=$ROOT/policies
for tool in curl jq sha256sum mount; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/deps.sh)"
done
T0=$(date +%s)
T=$(mktemp -d "${VAULT_TEST_TMP:-/tmp}/vault-diskfull.XXXXXX")
chmod 0700 "$T"
cleanup() {
  local rc=$?
  set +e
  kill_vaultd KILL
  if ((rc != 0)) && [[ -s $T/vaultd.log ]]; then echo "--- last lines of vaultd.log"; tail -n 8 "$T/vaultd.log"; fi
  umount "$T/blobfs" "$T/dbfs" 2>/dev/null
  rm -rf "$T"
  echo "disk_full: $( ((rc == 0)) && echo PASSED || echo FAILED ) in $(($(date +%s) - T0)) s"
  exit "$rc"
}
trap cleanup EXIT

mkdir -p "$T/blobfs" "$T/dbfs" "$T/keys" "$T/auth" "$T/out" "$T/up"
if ! mount -t tmpfs -o size=24m,mode=0700 tmpfs "$T/blobfs" 2>"$T/out/mount.err" ||
   ! mount -t tmpfs -o size=6m,mode=0700 tmpfs "$T/dbfs" 2>>"$T/out/mount.err"; then
  echo "SKIP: cannot mount a tmpfs in the private mount namespace: $(head -n 1 "$T/out/mount.err")" >&2
  exit 77
fi
DATA=$T/blobfs/data
DB=$T/dbfs/metadata.db
KEY=$T/keys/master.key
"$VAULTCTL" --data "$DATA" --key "$KEY" --database "$DB" init >/dev/null
add_user archivist archive_admin
cat >"$T/vaultd.properties" <<EOF
vaultd.checkpoint_interval_seconds = 0
vaultd.shutdown_grace_seconds = 1
EOF
start_vaultd "$T/vaultd.log"
login archivist
A=$T/auth/archivist

upload() {  # upload FILE TITLE OUT -> HTTP status
  printf '{"customer":"C3001","type":"合同","title":"%s","department":"华南销售部","classification":"internal"}' "$2" >"$T/up/meta.json"
  http "$3" POST "$URL/api/v1/documents" "$A" -F "metadata=<$T/up/meta.json;type=application/json" \
    -F "file=@$1;filename=scan.pdf;type=application/octet-stream"
}
documents() { http "$T/out/list.json" GET "$URL/api/v1/documents?limit=1" "$A" >/dev/null; jq -r .total "$T/out/list.json"; }
blobs() { find "$DATA/blobs" -type f | wc -l; }
temporaries() { find "$DATA/tmp" -type f | wc -l; }
# fill DIR: one file takes every free byte of DIR's filesystem.
fill() { dd if=/dev/zero of="$1/filler" bs=64k status=none 2>/dev/null || true; sync; }
read_back() {  # read_back ID SHA: the content answers 200 with these bytes
  local code
  code=$(http "$T/out/content" GET "$URL/api/v1/documents/$1/content" "$A")
  [[ $code == 200 ]] || fail "reading $1 back: HTTP $code $(head -c 200 "$T/out/content")"
  [[ $(sha256sum <"$T/out/content" | cut -c1-64) == "$2" ]] || fail "reading $1 back: different bytes"
}
expect_507() {  # expect_507 CODE OUT WHAT
  [[ $1 == 507 ]] || fail "$3: HTTP $1 (wanted 507) $(head -c 300 "$2")"
  [[ $(jq -r .error.code "$2") == storage.no_space ]] || fail "$3: error $(jq -c .error "$2")"
}

# ------------------------------------------------ the blob filesystem fills
head -c 1024 /dev/urandom >"$T/up/small"
code=$(upload "$T/up/small" "磁盘满之前" "$T/out/first.json")
[[ $code == 201 ]] || fail "first upload: HTTP $code $(cat "$T/out/first.json")"
FIRST=$(jq -r .id "$T/out/first.json")
FIRST_SHA=$(sha256sum <"$T/up/small" | cut -c1-64)
docs0=$(documents) blobs0=$(blobs)
fill "$T/blobfs"
truncate -s -1M "$T/blobfs/filler"  # 1 MiB left: the upload fills it midway
head -c $((3 << 20)) /dev/urandom >"$T/up/big"
code=$(upload "$T/up/big" "装不下的扫描件" "$T/out/full.json")
expect_507 "$code" "$T/out/full.json" "an upload larger than the free space"
code=$(http "$T/out/version.json" POST "$URL/api/v1/documents/$FIRST/versions" "$A" \
  -F "metadata={\"reason\":\"新版本\"};type=application/json" -F "file=@$T/up/big;filename=v2.pdf")
expect_507 "$code" "$T/out/version.json" "a new version larger than the free space"
(($(documents) == docs0)) || fail "the document count changed after the refused uploads"
(($(blobs) == blobs0)) || fail "a blob was left by the refused uploads: $(blobs) blobs, $blobs0 before"
(($(temporaries) == 0)) || fail "a temporary file was left by the refused uploads: $(ls "$DATA/tmp")"
code=$(http "$T/out/versions.json" GET "$URL/api/v1/documents/$FIRST/versions" "$A")
[[ $code == 200 && $(jq '.items | length' "$T/out/versions.json") == 1 ]] || fail "the refused version is listed: $(head -c 300 "$T/out/versions.json")"
pass "blob filesystem full: upload and new version answer 507 storage.no_space; no blob, no temporary, no row, no version left"
read_back "$FIRST" "$FIRST_SHA"
code=$(http /dev/null GET "$URL/api/v1/documents?customer=C3001" "$A")
[[ $code == 200 ]] || fail "listing while the blob filesystem is full: HTTP $code"
login archivist
pass "blob filesystem full: reads served (content read back byte for byte, list, login)"
rm -f "$T/blobfs/filler"
code=$(upload "$T/up/big" "空间恢复之后" "$T/out/after.json")
[[ $code == 201 ]] || fail "upload once space returned: HTTP $code $(head -c 300 "$T/out/after.json")"
read_back "$(jq -r .id "$T/out/after.json")" "$(sha256sum <"$T/up/big" | cut -c1-64)"
pass "space returned: the same upload is stored (201) and reads back"

# ------------------------------------------ the database filesystem fills
# The blob is written first (its filesystem has room), then SQLite fails
# with SQLITE_FULL: the upload answers 507 and its blob is removed again.
docs1=$(documents) blobs1=$(blobs)
fill "$T/dbfs"
refused=0 stored=0
for i in $(seq 1 300); do
  head -c 2048 /dev/urandom >"$T/up/db-$i"
  code=$(upload "$T/up/db-$i" "数据库满 $i" "$T/out/db.json")
  if [[ $code == 201 ]]; then
    stored=$((stored + 1))
    echo "$(jq -r .id "$T/out/db.json") $(sha256sum <"$T/up/db-$i" | cut -c1-64)" >>"$T/out/db-stored"
    continue
  fi
  expect_507 "$code" "$T/out/db.json" "upload $i with the database filesystem full"
  refused=$((refused + 1))
  ((refused < 3)) || break
done
((refused > 0)) || fail "300 uploads were stored with the database filesystem full"
(($(temporaries) == 0)) || fail "a temporary file was left by the refused uploads"
pass "database filesystem full: $stored upload(s) fit in SQLite's pages already allocated, then $refused answered 507 storage.no_space"
# Reads that must be audited are refused while the audit log cannot be
# written (fail closed: 503 audit.unavailable), or served whole when SQLite
# still had a page for the event; never a 500 or a partial body.
code=$(http "$T/out/content" GET "$URL/api/v1/documents/$FIRST/content" "$A")
case $code in
  200) [[ $(sha256sum <"$T/out/content" | cut -c1-64) == "$FIRST_SHA" ]] || fail "a read while the database is full sent different bytes" ;;
  503) [[ $(jq -r .error.code "$T/out/content") == audit.unavailable ]] || fail "a read while the database is full: 503 $(head -c 200 "$T/out/content")" ;;
  *) fail "a read while the database is full: HTTP $code $(head -c 200 "$T/out/content")" ;;
esac
pass "database filesystem full: an audited read answers $code (no 500, no partial body)"
rm -f "$T/dbfs/filler"
code=$(upload "$T/up/small" "数据库恢复之后" "$T/out/after-db.json")
[[ $code == 201 ]] || fail "upload once the database has space again: HTTP $code $(head -c 300 "$T/out/after-db.json")"
read_back "$(jq -r .id "$T/out/after-db.json")" "$FIRST_SHA"
read_back "$FIRST" "$FIRST_SHA"
if [[ -s $T/out/db-stored ]]; then
  while read -r id sha; do read_back "$id" "$sha"; done <"$T/out/db-stored"
fi
(($(documents) == docs1 + stored + 1)) || fail "$(documents) documents, wanted $((docs1 + stored + 1)): a refused upload left a row"
(($(blobs) == blobs1 + stored + 1)) || fail "$(blobs) blobs, wanted $((blobs1 + stored + 1)): a refused upload left its blob"
pass "space returned: uploads stored again; every 201 reads back; documents and blobs match one to one"

# --------------------------------------------------------------- offline
stop_vaultd "$T/vaultd.log"
V() { "$VAULTCTL" --data "$DATA" --key "$KEY" --database "$DB" "$@"; }
V verify --json >"$T/out/verify.json" || fail "vaultctl verify: $(jq -c '.problems[:3]' "$T/out/verify.json")"
[[ $(jq '.problems | length' "$T/out/verify.json") == 0 ]] || fail "vaultctl verify problems: $(jq -c '.problems[:3]' "$T/out/verify.json")"
V audit verify >"$T/out/audit.txt" 2>&1 || fail "vaultctl audit verify: $(tail -n 3 "$T/out/audit.txt")"
pass "vaultctl verify (no problem, no orphan) and vaultctl audit verify pass"
