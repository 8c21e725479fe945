#!/usr/bin/env bash
# End-to-end tests of vaultctl against a real data directory: round trips
# checked with sha256sum/cmp, integrity failures (exit 3), exit codes, no
# plaintext under the data directory, cleanup of leftovers, key rotation.
# Usage: cli_test.sh PATH/TO/vaultctl
set -euo pipefail

VAULTCTL=${1:?usage: cli_test.sh VAULTCTL}
BASE=${VAULT_TEST_TMP:-/tmp}
WORK=$(mktemp -d "$BASE/cli-test-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export VAULT_DATA=$WORK/data VAULT_KEY_FILE=$WORK/keys/master.key
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
check() {  # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}
expect_exit() {  # expect_exit CODE DESCRIPTION COMMAND...
  local want=$1 what=$2; shift 2
  local got=0
  "$@" >"$WORK/out" 2>"$WORK/err" || got=$?
  if [[ $got == "$want" ]]; then ok "$what (exit $got)"; else
    not_ok "$what: exit $got, wanted $want"; sed 's/^/    /' "$WORK/err"; fi
}
json_field() {  # json_field NAME < json  (flat string/number fields only)
  sed -n "s/.*\"$1\":\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p"
}
blob_of() { find "$VAULT_DATA/blobs" -type f -name "$1-v${2:-1}-*"; }

V() { "$VAULTCTL" "$@"; }

# --- init ---------------------------------------------------------------
V init >/dev/null
check "key file has mode 0600" test "$(stat -c %a "$VAULT_KEY_FILE")" = 600
check "key file is outside the data directory" \
  bash -c '[[ "$(realpath "$VAULT_KEY_FILE")" != "$(realpath "$VAULT_DATA")"/* ]]'
expect_exit 0 "init is idempotent" V init
expect_exit 4 "key file inside the data directory is refused" \
  "$VAULTCTL" --data "$VAULT_DATA" --key "$VAULT_DATA/master.key" init
expect_exit 4 "init never mints a second master key for an existing vault" \
  "$VAULTCTL" --data "$VAULT_DATA" --key "$WORK/other.key" init
check "error says why" grep -q "vault.key_missing" "$WORK/err"
check "no second key file was created" test ! -e "$WORK/other.key"
expect_exit 4 "a passphrase init never splits an existing key-file vault" \
  env VAULT_PASS=correct-horse-battery "$VAULTCTL" --passphrase-env VAULT_PASS init
check "passphrase init says why" grep -q "vault.key_missing" "$WORK/err"
check "no passphrase parameters were created" test ! -e "$VAULT_DATA/kek-params"
check "data directory is private (0700)" test "$(stat -c %a "$VAULT_DATA")" = 700

# --- round trips ----------------------------------------------------------
for size in 0 1 65536 65537 314572800; do
  f=$WORK/in-$size
  head -c "$size" /dev/urandom >"$f"
  json=$(V put "$f" --customer C001 --type contract --title "往返 $size" --json)
  id=$(json_field id <<<"$json")
  sha=$(json_field sha256 <<<"$json")
  check "put $size bytes: recorded sha256 equals sha256sum" \
    test "$sha" = "$(sha256sum "$f" | cut -d' ' -f1)"
  V get "$id" -o "$WORK/out-$size"
  check "get $size bytes returns identical bytes" cmp -s "$f" "$WORK/out-$size"
  rm -f "$WORK/out-$size"
  if [[ $size -gt 1000000 ]]; then rm -f "$f"; fi
done

# --- put --json shape and archive numbers --------------------------------
echo "报价内容" >"$WORK/quote.txt"
json=$(V put "$WORK/quote.txt" --customer C-0042 --type 报价单 --title "2026 报价单" --json)
check "put --json has id, archive_number, version, sha256" \
  bash -c "grep -q '\"id\":\"[0-9a-f]\{32\}\"' <<<'$json' && grep -q '\"archive_number\":\"C-0042_BJ_0001\"' <<<'$json' && grep -q '\"version\":1' <<<'$json' && grep -q '\"sha256\":\"[0-9a-f]\{64\}\"' <<<'$json'"
expect_exit 0 "show by archive number" V show C-0042_BJ_0001
check "ls filters by type" bash -c "'$VAULTCTL' ls --type BJ | grep -q C-0042_BJ_0001"

# --- no plaintext under the data directory -------------------------------
marker=$(head -c 32 /dev/urandom | sha256sum | cut -d' ' -f1)
{ head -c 200000 /dev/urandom; printf '%s' "$marker"; head -c 200000 /dev/urandom; } >"$WORK/marked"
printf '%s' "$marker" >"$WORK/marker-only"
V put "$WORK/marked" --customer C001 --type scan --title "marked" >/dev/null
V put "$WORK/marker-only" --customer C001 --type scan --title "marker only" >/dev/null
check "no file under the data directory contains the marker's first 32 bytes" \
  bash -c "! grep -rqaF -- '${marker:0:32}' '$VAULT_DATA'"
check "no temporaries left" test -z "$(ls -A "$VAULT_DATA/tmp")"

# --- invalid metadata ------------------------------------------------------
before=$(V ls --json | json_field total)
expect_exit 4 "unknown type is refused" V put "$WORK/quote.txt" --customer C1 --type poem --title t
check "error names the field" grep -q "doc_type:" "$WORK/err"
expect_exit 4 "malformed phone is refused" V put "$WORK/quote.txt" --customer C1 --type HT --title t --field contact_phone=12345
check "error names the phone field" grep -q "contact_phone:" "$WORK/err"
expect_exit 4 "missing customer number is refused" V put "$WORK/quote.txt" --type HT --title t
check "error names customer_number" grep -q "customer_number:" "$WORK/err"
expect_exit 4 "oversized title is refused" V put "$WORK/quote.txt" --customer C1 --type HT --title "$(printf 'x%.0s' {1..201})"
expect_exit 4 "non-UTF-8 title is refused" V put "$WORK/quote.txt" --customer C1 --type HT --title $'\xff\xfe'
check "error names the title" grep -q "title:" "$WORK/err"
check "nothing was stored by refused puts" test "$(V ls --json | json_field total)" = "$before"

# --- exit codes --------------------------------------------------------------
expect_exit 1 "unknown option is a usage error" V put --bogus
expect_exit 1 "add-version without --reason is a usage error" V add-version C-0042_BJ_0001 "$WORK/quote.txt"
expect_exit 1 "a non-numeric --version is a usage error" V get C-0042_BJ_0001 --version 2x -o "$WORK/x"
expect_exit 1 "a non-numeric --limit is a usage error" V ls --limit ten
expect_exit 1 "a non-numeric audit --after is a usage error" V audit list --after x3
expect_exit 1 "unknown command is a usage error" V frobnicate
expect_exit 2 "unknown document is not found" V get C999_HT_0001 -o "$WORK/x"
expect_exit 2 "missing input file is not found" V put "$WORK/nope" --customer C1 --type HT --title t
for cmd in init put add-version get ls show verify cleanup keys; do
  expect_exit 0 "$cmd --help" V "$cmd" --help
done

# --- new versions --------------------------------------------------------------
echo "v2" >"$WORK/v2.txt"
expect_exit 0 "add-version" V add-version C-0042_BJ_0001 "$WORK/v2.txt" --reason "客户修改"
V get C-0042_BJ_0001 --version 1 -o "$WORK/v1.out"
check "version 1 still readable" cmp -s "$WORK/quote.txt" "$WORK/v1.out"
V get C-0042_BJ_0001 -o "$WORK/v2.out"
check "current version is version 2" cmp -s "$WORK/v2.txt" "$WORK/v2.out"

# --- integrity failures ---------------------------------------------------------
expect_exit 0 "verify on an intact vault" V verify
head -c 300000 /dev/urandom >"$WORK/victim"
json=$(V put "$WORK/victim" --customer C002 --type HT --title victim --json)
vid=$(json_field id <<<"$json")
blob=$(blob_of "$vid")
size=$(stat -c %s "$blob")
for offset in 0 5 40 79 80 1000 65600 $((size - 1)); do
  cp "$blob" "$WORK/blob.bak"
  printf '\x5a' | dd of="$blob" bs=1 seek="$offset" conv=notrunc status=none
  if cmp -s "$blob" "$WORK/blob.bak"; then printf '\xa5' | dd of="$blob" bs=1 seek="$offset" conv=notrunc status=none; fi
  expect_exit 3 "get after flipping byte $offset fails with an integrity error" V get "$vid" -o "$WORK/leak"
  check "no output (and no partial file) after the failed get at $offset" \
    bash -c "! ls -A '$WORK' | grep -q -e '^leak' -e 'partial'"
  expect_exit 3 "verify after flipping byte $offset" V verify "$vid"
  cp "$WORK/blob.bak" "$blob"
done
expect_exit 0 "restored blob verifies again" V verify
printf 'garbage' >>"$blob"
expect_exit 3 "appended data is an integrity failure" V verify
check "verify names the changed document" grep -q "changed" "$WORK/out"
cp "$WORK/blob.bak" "$blob"

# --- the wrong key file is an error, not a vault full of "changed" documents
"$VAULTCTL" --data "$WORK/other-data" --key "$WORK/other-keys/master.key" init >/dev/null
expect_exit 4 "verify with another vault's key file fails as an error" \
  "$VAULTCTL" --data "$VAULT_DATA" --key "$WORK/other-keys/master.key" verify
check "it names the unknown master key" grep -q "key.unknown_kek" "$WORK/err"

# --- leftovers: untracked blobs and temporaries ---------------------------------
printf 'orphan' >"$VAULT_DATA/tmp/0123456789abcdef.tmp"
mkdir -p "$VAULT_DATA/blobs/ff/ff"
printf 'orphan' >"$VAULT_DATA/blobs/ff/ff/ffff0000-v1-000000000000"
expect_exit 0 "untracked leftovers do not fail verify" V verify
check "verify reports two untracked files" grep -q "2 untracked" "$WORK/out"
expect_exit 0 "cleanup" V cleanup
check "cleanup removed both" grep -q "removed 2" "$WORK/out"
V verify >"$WORK/out"
check "nothing untracked after cleanup" grep -q "0 untracked" "$WORK/out"

# --- key rotation ----------------------------------------------------------------
blobs_before=$(find "$VAULT_DATA/blobs" -type f -printf '%p %T@\n' | sort | sha256sum)
content_before=$(find "$VAULT_DATA/blobs" -type f -exec sha256sum {} + | sort | sha256sum)
old=$(V keys list | awk '/primary/ {print $1}')
expect_exit 0 "keys rotate" V keys rotate
expect_exit 0 "keys rewrap after a finished rotation is a no-op" V keys rewrap
check "rewrap rewrapped nothing" grep -q "^0 data key" "$WORK/out"
check "rewrap created no further key" test "$(V keys list | wc -l)" = 2
check "rotation touched no blob (names, mtimes)" \
  test "$blobs_before" = "$(find "$VAULT_DATA/blobs" -type f -printf '%p %T@\n' | sort | sha256sum)"
check "rotation touched no blob (bytes)" \
  test "$content_before" = "$(find "$VAULT_DATA/blobs" -type f -exec sha256sum {} + | sort | sha256sum)"
expect_exit 0 "destroy the old master key" V keys destroy "$old"
check "old key is gone from the key file" bash -c "! grep -q '$old' '$VAULT_KEY_FILE'"
expect_exit 0 "everything verifies under the new key" V verify
V get C-0042_BJ_0001 --version 1 -o "$WORK/v1b.out"
check "documents stay readable after rotation" cmp -s "$WORK/quote.txt" "$WORK/v1b.out"
expect_exit 4 "the primary key cannot be destroyed" V keys destroy "$(V keys list | awk '/primary/ {print $1}')"

# --- users ------------------------------------------------------------------------
expect_exit 0 "user add reads the password from stdin" \
  bash -c "echo '一个足够长的密码 correct horse' | '$VAULTCTL' user add zhangsan --role staff --department 华南销售部 --display-name 张三 --password-stdin"
check "user list shows the new user" bash -c "'$VAULTCTL' user list | grep -q '张三'"
check "the password is not stored anywhere in the data directory" \
  bash -c "! grep -rqaF -- 'correct horse' '$VAULT_DATA'"
expect_exit 4 "an unknown role is refused" \
  bash -c "echo 'long enough password' | '$VAULTCTL' user add lisi --role king --department x --password-stdin"
check "the error names the role field" grep -q "role:" "$WORK/err"
expect_exit 1 "user add without --password-stdin is a usage error" V user add wangwu --role staff --department x
expect_exit 0 "user assign" V user assign zhangsan C0001
expect_exit 4 "assigning a malformed customer number is refused" V user assign zhangsan "C_1"
expect_exit 0 "user set moves a user to another department" V user set zhangsan --department 华东销售部 --clearance public
check "user list shows the move" bash -c "'$VAULTCTL' user list | grep zhangsan | grep -q 华东销售部"
expect_exit 4 "user set with an unknown role is refused" V user set zhangsan --role king
expect_exit 4 "user set with nothing to change is refused" V user set zhangsan
expect_exit 2 "user set on an unknown user is not found" V user set nobody --role staff
expect_exit 0 "dept add registers a department" V dept add 华北销售部 --display-name "华北销售部（北京）"
expect_exit 4 "dept add twice is refused" V dept add 华北销售部
check "dept list shows registered and first-use departments" bash -c "'$VAULTCTL' dept list | grep -q 华北销售部 && '$VAULTCTL' dept list | grep -q 华东销售部"
check "dept list --json counts users" bash -c "'$VAULTCTL' dept list --json | grep -q '\"name\":\"华东销售部\",\"display_name\":\"华东销售部\",\"created_at\":\"[^\"]*\",\"users\":1'"
check "user.update and department.add are audited" bash -c "'$VAULTCTL' audit list --action user.update | grep -q zhangsan && '$VAULTCTL' audit list --action department.add | grep -q 华北销售部"
# --- export ------------------------------------------------------------------------
# A one-page PDF written by hand; qpdf repairs its cross-reference table.
cat >"$WORK/raw.pdf" <<'PDF'
%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R
  /Resources << /Font << /F1 5 0 R >> >> >> endobj
4 0 obj << /Length 52 >> stream
BT /F1 18 Tf 72 700 Td (CLI ORIGINAL TEXT) Tj ET
endstream endobj
5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
trailer << /Root 1 0 R >>
%%EOF
PDF
qpdf "$WORK/raw.pdf" "$WORK/plain.pdf" >/dev/null 2>&1 || true
PDF_ID=$(V put "$WORK/plain.pdf" --customer C0001 --type 合同 --title "导出测试" --department 华东销售部 --json |
         sed 's/.*"id":"\([0-9a-f]*\)".*/\1/')
expect_exit 0 "zhangsan is cleared for internal documents" V user set zhangsan --clearance internal
expect_exit 0 "export writes a stamped copy for a named user" V export "$PDF_ID" --for zhangsan -o "$WORK/stamped.pdf"
CODE=$(awk '{print $1}' "$WORK/out")
check "the stamped copy names the user and carries the printed code" \
  bash -c "pdftotext -raw '$WORK/stamped.pdf' - | tr -d ' \n' | grep -q '张三' && pdftotext -raw '$WORK/stamped.pdf' - | tr -d ' \n' | grep -q '$CODE'"
check "the original text is still there" bash -c "pdftotext -raw '$WORK/stamped.pdf' - | grep -q 'CLI ORIGINAL TEXT'"
check "the printed SHA-256 is that of the file written" bash -c "grep -q \"\$(sha256sum '$WORK/stamped.pdf' | cut -c1-64)\" '$WORK/out'"
check "the export is audited" bash -c "'$VAULTCTL' audit list --action document.export | grep -q ok"
expect_exit 2 "export for an unknown user is refused" V export "$PDF_ID" --for nobody -o "$WORK/x.pdf"
check "no output file for a refused export" test ! -e "$WORK/x.pdf"
expect_exit 1 "export without --for is a usage error" V export "$PDF_ID" -o "$WORK/x.pdf"
expect_exit 0 "a staff member with no customers" \
  bash -c "echo 'another long password 9' | '$VAULTCTL' user add wangwu --role staff --department 华南销售部 --password-stdin"
expect_exit 4 "export for a user the policy denies is refused, as vaultd would" V export "$PDF_ID" --for wangwu -o "$WORK/x.pdf"
check "the refusal names the rule and leaves no file" bash -c "grep -q 'access.denied' '$WORK/err' && test ! -e '$WORK/x.pdf'"
check "the refused export is audited as denied" bash -c "'$VAULTCTL' audit list --action document.export | grep -q access.denied"
mkdir -p "$WORK/policies"
cp "$(dirname "$0")/../../policies/roles.json" "$WORK/policies/"
sed 's/示例销售有限公司/测试公司甲/' "$(dirname "$0")/../../policies/watermark.json" >"$WORK/policies/watermark.json"
expect_exit 0 "export --policies DIR" V export "$PDF_ID" --for zhangsan --policies "$WORK/policies" -o "$WORK/stamped2.pdf"
check "the stamp uses the deployment's watermark.json" bash -c "pdftotext -raw '$WORK/stamped2.pdf' - | tr -d ' \n' | grep -q '测试公司甲'"
expect_exit 4 "export --policies without roles.json is refused" V export "$PDF_ID" --for zhangsan --policies "$WORK/nowhere" -o "$WORK/x.pdf"

expect_exit 0 "user disable" V user disable zhangsan
check "disabled users are marked" bash -c "'$VAULTCTL' user list | grep -q disabled"

# --- audit log ------------------------------------------------------------------
expect_exit 0 "the audit log of everything above verifies" V audit verify
V audit list --action document.read_content >"$WORK/out"
check "content reads are audited" grep -q "document.read_content" "$WORK/out"
check "failed reads are audited with their reason" grep -q "document.not_found" "$WORK/out"
expect_exit 0 "write a signed checkpoint" V audit checkpoint --out "$WORK/cp"
check "openssl verifies the checkpoint signature" \
  openssl pkeyutl -verify -pubin -inkey "$WORK/cp/audit-signing.pem" -rawin \
  -in "$WORK/cp/checkpoint.body" -sigfile "$WORK/cp/checkpoint.sig"
sed '/^$/,$d' "$WORK/cp/checkpoint.note" >"$WORK/cp/body2"
tail -n 1 "$WORK/cp/checkpoint.note" | awk '{print $3}' | base64 -d | tail -c 64 >"$WORK/cp/sig2"
check "the auditor's recipe from docs/audit.md (note file + openssl only) verifies" \
  openssl pkeyutl -verify -pubin -inkey "$WORK/cp/audit-signing.pem" -rawin \
  -in "$WORK/cp/body2" -sigfile "$WORK/cp/sig2"
cp "$WORK/cp/checkpoint.body" "$WORK/cp/flipped.body"
printf 'Z' | dd of="$WORK/cp/flipped.body" bs=1 seek=19 conv=notrunc status=none
check "openssl rejects a checkpoint with one flipped bit" \
  bash -c "! openssl pkeyutl -verify -pubin -inkey '$WORK/cp/audit-signing.pem' -rawin -in '$WORK/cp/flipped.body' -sigfile '$WORK/cp/checkpoint.sig' >/dev/null 2>&1"
sqlite3 "$VAULT_DATA/metadata.db" "UPDATE audit_events SET actor = 'someone-else' WHERE seq = 3"
expect_exit 3 "an edited audit row is detected" V audit verify
check "verify names the tampered event" grep -q "event 3" "$WORK/out"

echo "cli: $passed passed, $failed failed"
[[ $failed == 0 ]]
