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

# --- title search, cursor pages, index rebuild -----------------------------
check "ls --title finds two Chinese characters" bash -c "'$VAULTCTL' ls --title 报价 | grep -q C-0042_BJ_0001"
check "ls --title finds one Chinese character" bash -c "'$VAULTCTL' ls --title 价 | grep -q C-0042_BJ_0001"
page1=$(V ls --limit 1 --json)
cursor=$(json_field next_cursor <<<"$page1")
check "ls --json gives a next_cursor" test -n "$cursor"
check "ls --cursor gives the next page, not the first" \
  test "$(V ls --limit 1 --cursor "$cursor" --json | json_field archive_number)" != "$(json_field archive_number <<<"$page1")"
expect_exit 4 "a made-up cursor is refused" V ls --cursor nonsense
check "with its stable reason" grep -q "request.bad_cursor" "$WORK/err"
sqlite3 "$VAULT_DATA/metadata.db" "DELETE FROM search_terms"
check "without index rows the title search finds nothing" bash -c "! '$VAULTCTL' ls --title 报价 | grep -q C-0042_BJ_0001"
expect_exit 0 "index rebuild" V index rebuild
check "rebuild prints its counts" grep -Eq "^indexed [1-9][0-9]* documents, [1-9][0-9]* index rows" "$WORK/out"
check "after the rebuild the title search finds it again" bash -c "'$VAULTCTL' ls --title 报价 | grep -q C-0042_BJ_0001"
check "the rebuild is audited" bash -c "'$VAULTCTL' audit list --action search_index.rebuild | grep -q search_terms"

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

# --- output that is not a regular file -------------------------------------------
# A device, FIFO or socket is written in place, never renamed over (running
# as root, `get -o /dev/null` once left a regular file of plaintext there).
head -c 200000 /dev/urandom >"$WORK/special-in"
sid=$(V put "$WORK/special-in" --customer C003 --type HT --title special --json | json_field id)
mkfifo "$WORK/fifo"
timeout 60 cat "$WORK/fifo" >"$WORK/fifo.out" &
reader=$!
expect_exit 0 "get into a FIFO with a reader" timeout 60 "$VAULTCTL" get "$sid" -o "$WORK/fifo"
wait "$reader" || true
check "the FIFO reader got every byte" cmp -s "$WORK/special-in" "$WORK/fifo.out"
check "the FIFO is still a FIFO after get" test "$(stat -c %F "$WORK/fifo")" = fifo
sblob=$(blob_of "$sid")
cp "$sblob" "$WORK/sblob.bak"
printf '\x5a' | dd of="$sblob" bs=1 seek=$(($(stat -c %s "$sblob") - 1)) conv=notrunc status=none
timeout 60 cat "$WORK/fifo" >"$WORK/fifo.out" &
reader=$!
expect_exit 3 "get of a version with a tampered last chunk into a FIFO" \
  timeout 60 "$VAULTCTL" get "$sid" -o "$WORK/fifo"
wait "$reader" || true
check "nothing reached the FIFO before the whole version authenticated" test ! -s "$WORK/fifo.out"
cp "$WORK/sblob.bak" "$sblob"
device_ok=no
if mknod "$WORK/null" c 1 3 2>/dev/null; then
  expect_exit 0 "get into a character device" V get "$sid" -o "$WORK/null"
  check "the character device is still a character device" \
    test "$(stat -c %F "$WORK/null")" = "character special file"
  [[ "$(stat -c %F "$WORK/null")" == "character special file" ]] && device_ok=yes
else
  device_ok=yes  # not root: the original failure (replacing /dev/null) cannot happen
fi
if [[ $device_ok == yes ]]; then
  expect_exit 0 "get -o /dev/null" V get "$sid" -o /dev/null
  check "/dev/null is still a character device" test "$(stat -c %F /dev/null)" = "character special file"
else
  not_ok "get -o /dev/null skipped: this build replaces device nodes"
fi
printf 'original\n' >"$WORK/link-target"
ln -s "$WORK/link-target" "$WORK/link"
expect_exit 4 "get into a symbolic link is refused" V get "$sid" -o "$WORK/link"
check "the refusal names the symlink" grep -q "cli.output_is_symlink" "$WORK/err"
check "the symlink is still a symlink" test -L "$WORK/link"
check "the symlink's target is unchanged" test "$(cat "$WORK/link-target")" = original
ln -s "$WORK/nowhere" "$WORK/dangling"
expect_exit 4 "get into a dangling symbolic link is refused" V get "$sid" -o "$WORK/dangling"
check "nothing was created where the dangling link points" test ! -e "$WORK/nowhere"
expect_exit 0 "get --follow-symlinks writes what the link names" \
  V get "$sid" -o "$WORK/link" --follow-symlinks
check "the link target holds the content" cmp -s "$WORK/special-in" "$WORK/link-target"
check "the followed symlink is still a symlink" test -L "$WORK/link"
rm -f "$WORK/fifo" "$WORK/fifo.out" "$WORK/null" "$WORK/link" "$WORK/link-target" "$WORK/dangling" \
  "$WORK/special-in" "$WORK/sblob.bak"

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

# --- borrow -----------------------------------------------------------------------
# Loans acted out by named users, through the same BorrowService as vaultd:
# zhangsan (staff, 华东销售部) borrows the contract PDF_ID (internal 合同:
# rule "contract", approval by a dept_manager of 华东销售部).
adduser() {  # adduser NAME ROLE DEPARTMENT DISPLAY
  echo 'a long enough password 42' | "$VAULTCTL" user add "$1" --role "$2" --department "$3" --display-name "$4" \
    --password-stdin >/dev/null
}
adduser zhaoliu dept_manager 华东销售部 赵六
adduser qianqi archive_admin 档案室 钱七
adduser sunba legal 法务部 孙八
check "a privileged role set by vaultctl is audited as the host operator's bypass of four eyes" \
  bash -c "'$VAULTCTL' audit list --action role_grant.host_operator | grep -q 'sunba.*legal set by the host operator'"
expect_exit 0 "user enable" V user enable zhangsan
expect_exit 0 "borrow --help" V borrow --help
for sub in request approve reject withdraw issue renew recall revoke return copy show list register schedule \
           notifications incidents; do
  expect_exit 0 "borrow $sub --help" V borrow "$sub" --help
done
check "the top-level help names borrow" bash -c "'$VAULTCTL' --help | grep -q '^  borrow '"
expect_exit 1 "borrow without a subcommand is a usage error" V borrow
expect_exit 1 "an unknown borrow subcommand is a usage error" V borrow lend "$PDF_ID" --as zhangsan
expect_exit 1 "borrow request without --as is a usage error" V borrow request "$PDF_ID" --purpose x
expect_exit 1 "borrow request without --purpose is a usage error" V borrow request "$PDF_ID" --as zhangsan
expect_exit 1 "borrow reject without --reason is a usage error" V borrow reject JY000000000000 --as zhaoliu
expect_exit 1 "borrow return needs exactly one of --file, --pages, --declare-destroyed" \
  V borrow return JY000000000000 --as zhangsan --pages 3 --declare-destroyed
expect_exit 1 "borrow register --format must be csv or pdf" V borrow register --as qianqi --format xls -o "$WORK/r"
expect_exit 2 "borrow as an unknown user is not found" V borrow list --as nobody
expect_exit 2 "borrowing an unknown document is not found" V borrow request C999_HT_0001 --as zhangsan --purpose 核对
check "it says document.not_found" grep -q "document.not_found" "$WORK/err"
expect_exit 4 "a period above the rule's maximum is refused" \
  V borrow request "$PDF_ID" --as zhangsan --purpose 核对 --period P31D
check "it says borrow.period_too_long" grep -q "borrow.period_too_long" "$WORK/err"
check "no loan was created by the refused requests" test "$(V borrow list --as zhangsan | tail -n 1)" = "(0 loans)"

# request -> approve (dept manager) -> issue (archive admin) -> copy -> return
expect_exit 0 "borrow request" V borrow request "$PDF_ID" --as zhangsan --purpose "核对合同条款" --period P7D
LOAN1=$(awk '{print $1}' "$WORK/out")
check "request prints the loan id and state" grep -q "^JY[0-9A-Z]\{12\} requested (waiting for dept_manager)$" "$WORK/out"
expect_exit 4 "the same document cannot be requested twice while a loan is open" \
  V borrow request "$PDF_ID" --as zhangsan --purpose again
check "it says borrow.already_open" grep -q "borrow.already_open" "$WORK/err"
V borrow list --as zhaoliu --pending >"$WORK/pending"
check "the loan waits for the department manager" grep -q "^$LOAN1 " "$WORK/pending"
expect_exit 4 "approving one's own request is refused" V borrow approve "$LOAN1" --as zhangsan
check "it says borrow.own_request" grep -q "borrow.own_request" "$WORK/err"
expect_exit 2 "someone the chain does not name cannot see the loan to approve it" V borrow approve "$LOAN1" --as sunba
expect_exit 4 "a loan not yet approved cannot be issued" V borrow issue "$LOAN1" --as qianqi
check "it says borrow.bad_state" grep -q "borrow.bad_state" "$WORK/err"
expect_exit 0 "the department manager approves" V borrow approve "$LOAN1" --as zhaoliu --note 同意
check "the loan is approved" grep -q "^$LOAN1 approved$" "$WORK/out"
expect_exit 4 "a staff member cannot issue a loan" V borrow issue "$LOAN1" --as zhangsan
check "it says access.denied" grep -q "access.denied" "$WORK/err"
expect_exit 0 "the archive admin issues" V borrow issue "$LOAN1" --as qianqi
check "the loan is issued with a due time" grep -q "^$LOAN1 issued (due 20" "$WORK/out"
expect_exit 0 "the borrower downloads the copy" V borrow copy "$LOAN1" --as zhangsan -o "$WORK/loan1-a.pdf"
expect_exit 0 "and downloads it again" V borrow copy "$LOAN1" --as zhangsan -o "$WORK/loan1-b.pdf"
check "both downloads are the same bytes" cmp -s "$WORK/loan1-a.pdf" "$WORK/loan1-b.pdf"
SHOWN=$(V borrow show "$LOAN1" --as zhangsan --json | json_field issued_sha256)
check "the copy's SHA-256 is the issued_sha256 of borrow show --json" \
  test "$(sha256sum "$WORK/loan1-a.pdf" | cut -c1-64)" = "$SHOWN"
check "the copy is stamped for the borrower" bash -c "pdftotext -raw '$WORK/loan1-a.pdf' - | tr -d ' \n' | grep -q '张三'"
expect_exit 2 "nobody but the borrower gets the copy" V borrow copy "$LOAN1" --as qianqi -o "$WORK/x.pdf"
check "no output file for a refused copy" test ! -e "$WORK/x.pdf"
expect_exit 4 "a renewal this early is refused" V borrow renew "$LOAN1" --as zhangsan
check "it says borrow.renewal_too_early" grep -q "borrow.renewal_too_early" "$WORK/err"
expect_exit 0 "return with the issued copy" V borrow return "$LOAN1" --as zhangsan --file "$WORK/loan1-b.pdf"
check "the return prints returned_verified" grep -q "^$LOAN1 returned_verified$" "$WORK/out"
check "show --json has state returned_verified and the returned hash" \
  bash -c "'$VAULTCTL' borrow show '$LOAN1' --as zhangsan --json | grep -q '\"state\":\"returned_verified\".*\"returned_sha256\":\"$SHOWN\"'"
expect_exit 4 "the copy is gone once the loan has ended" V borrow copy "$LOAN1" --as zhangsan -o "$WORK/x.pdf"
check "it says borrow.closed" grep -q "borrow.closed" "$WORK/err"

# a second loan returned with a modified copy
LOAN2=$(V borrow request "$PDF_ID" --as zhangsan --purpose 再次核对 | awk '{print $1}')
V borrow approve "$LOAN2" --as zhaoliu >/dev/null
V borrow issue "$LOAN2" --as qianqi >/dev/null
V borrow copy "$LOAN2" --as zhangsan -o "$WORK/loan2.pdf" >/dev/null
cp "$WORK/loan2.pdf" "$WORK/loan2-edited.pdf"
printf '\n' >>"$WORK/loan2-edited.pdf"
expect_exit 0 "return with a modified copy" V borrow return "$LOAN2" --as zhangsan --file "$WORK/loan2-edited.pdf"
check "the loan is returned_altered" grep -q "^$LOAN2 returned_altered$" "$WORK/out"
expect_exit 0 "the archive admin lists incidents" V borrow incidents --as qianqi
check "the altered return is an incident" grep -q "returned_altered *$LOAN2" "$WORK/out"
check "incidents --json names the loan and the evidence" \
  bash -c "'$VAULTCTL' borrow incidents --as qianqi --json | grep -q '\"borrow\":\"$LOAN2\".*\"kind\":\"returned_altered\".*\"evidence\":\"[0-9a-f]\{32\}\"'"
expect_exit 4 "staff do not see incidents" V borrow incidents --as zhangsan
check "the archive admin was notified of the incident" \
  bash -c "'$VAULTCTL' borrow notifications --as qianqi | grep -q 'incident *$LOAN2'"

# withdraw, reject, recall into overdue, the scheduler, a declared return
LOAN3=$(V borrow request "$PDF_ID" --as zhangsan --purpose 撤回测试 | awk '{print $1}')
expect_exit 0 "the borrower withdraws a request" V borrow withdraw "$LOAN3" --as zhangsan
check "the loan is withdrawn" grep -q "^$LOAN3 withdrawn$" "$WORK/out"
LOAN4=$(V borrow request "$PDF_ID" --as zhangsan --purpose 驳回测试 | awk '{print $1}')
expect_exit 0 "the manager rejects with a reason" V borrow reject "$LOAN4" --as zhaoliu --reason 用途不明
check "the rejection is kept as the note" \
  bash -c "'$VAULTCTL' borrow show '$LOAN4' --as zhangsan --json | grep -q '\"state\":\"rejected\".*\"note\":\"用途不明\"'"
LOAN5=$(V borrow request "$PDF_ID" --as zhangsan --purpose 催还测试 | awk '{print $1}')
V borrow approve "$LOAN5" --as zhaoliu >/dev/null
V borrow issue "$LOAN5" --as qianqi >/dev/null
expect_exit 0 "the archive admin recalls the loan within a second" V borrow recall "$LOAN5" --as qianqi --within PT1S
sleep 2
expect_exit 0 "borrow schedule" V borrow schedule
check "the scheduler moved the recalled loan to overdue" grep -q "newly overdue 1," "$WORK/out"
check "show says overdue" bash -c "'$VAULTCTL' borrow show '$LOAN5' --as zhangsan --json | grep -q '\"state\":\"overdue\"'"
expect_exit 0 "a second scheduler pass changes nothing" V borrow schedule --json
check "the second pass reports nothing new" grep -q '"overdue":0,.*"notifications":0}' "$WORK/out"
expect_exit 4 "an overdue loan's copy is refused" V borrow copy "$LOAN5" --as zhangsan -o "$WORK/x.pdf"
check "it says borrow.overdue" grep -q "borrow.overdue" "$WORK/err"
check "the borrower was told of the recall and the overdue loan" \
  bash -c "'$VAULTCTL' borrow notifications --as zhangsan --json | grep -q '\"borrow\":\"$LOAN5\",\"kind\":\"recalled\".*\"borrow\":\"$LOAN5\",\"kind\":\"overdue\"'"
expect_exit 0 "the archive admin records the copy as destroyed" V borrow return "$LOAN5" --as qianqi --declare-destroyed
check "the loan is returned_declared" grep -q "^$LOAN5 returned_declared$" "$WORK/out"
LOAN6=$(V borrow request "$PDF_ID" --as zhangsan --purpose 纸质借阅 --kind paper | awk '{print $1}')
V borrow approve "$LOAN6" --as zhaoliu >/dev/null
expect_exit 4 "a paper loan is not issued without page counts" V borrow issue "$LOAN6" --as qianqi
check "it says borrow.pages_required" grep -q "borrow.pages_required" "$WORK/err"
expect_exit 1 "issue --pages must be numbers" V borrow issue "$LOAN6" --as qianqi --pages 3,x
expect_exit 0 "the archive admin hands out 3 pages" V borrow issue "$LOAN6" --as qianqi --pages 3
expect_exit 4 "a paper loan has no electronic copy" V borrow copy "$LOAN6" --as zhangsan -o "$WORK/x.pdf"
expect_exit 0 "2 pages come back" V borrow return "$LOAN6" --as qianqi --pages 2
check "a short count is returned_altered" grep -q "^$LOAN6 returned_altered$" "$WORK/out"
check "and a page_count_mismatch incident" \
  bash -c "'$VAULTCTL' borrow incidents --as qianqi | grep -q 'page_count_mismatch *$LOAN6'"
first=$(V borrow notifications --as zhangsan | head -n 1 | awk '{print $1}')
count=$(V borrow notifications --as zhangsan | wc -l)
check "notifications --after skips what was already shown" \
  test "$(V borrow notifications --as zhangsan --after "$first" | wc -l)" = $((count - 1))
V borrow list --as qianqi --all --json >"$WORK/all.json"
check "list --all shows all six loans" test "$(grep -o '"id":"JY' "$WORK/all.json" | wc -l)" = 6
check "list --state filters" test "$(V borrow list --as zhangsan --state rejected | grep -c '^JY')" = 1
expect_exit 4 "staff may not list everyone's loans" V borrow list --as zhangsan --all

# the register
expect_exit 0 "borrow register --format csv" V borrow register --as qianqi --format csv -o "$WORK/register.csv"
check "the CSV has the Chinese header and the archive number" \
  bash -c "head -n 1 '$WORK/register.csv' | grep -q '借阅人,部门,档案名称,档案编号' && grep -q 'C0001_HT_0001' '$WORK/register.csv'"
check "the CSV has one row per loan and document" test "$(grep -c 'C0001_HT_0001' "$WORK/register.csv")" = 6
check "the altered return is marked in the register" grep -q "已归还（核验不一致）" "$WORK/register.csv"
expect_exit 0 "borrow register --format pdf" V borrow register --as qianqi --format pdf -o "$WORK/register.pdf"
check "the register PDF is a PDF whose text has 借阅人" \
  bash -c "head -c 5 '$WORK/register.pdf' | grep -q '%PDF-' && pdftotext '$WORK/register.pdf' - | grep -q '借阅人'"
expect_exit 4 "staff may not read the register" V borrow register --as zhangsan --format csv -o "$WORK/x.csv"
check "no register file for a refused read" test ! -e "$WORK/x.csv"

# policies, disabled users, the audit trail
mkdir -p "$WORK/borrow-policies"
cp "$(dirname "$0")/../../policies/roles.json" "$WORK/borrow-policies/"
sed 's/"max_period": "P30D"/"max_period": "P20D"/' "$(dirname "$0")/../../policies/borrowing.json" \
  >"$WORK/borrow-policies/borrowing.json"
expect_exit 4 "borrow --policies DIR reads DIR/borrowing.json" \
  V borrow request "$PDF_ID" --as zhangsan --purpose 核对 --period P25D --policies "$WORK/borrow-policies"
check "the refusal quotes the deployment's maximum" grep -q "borrow.period_too_long.*P20D" "$WORK/err"
expect_exit 4 "borrow --policies without roles.json is refused" \
  V borrow list --as zhangsan --policies "$WORK/nowhere"
check "it says config.policies" grep -q "config.policies" "$WORK/err"
expect_exit 0 "user disable zhaoliu" V user disable zhaoliu
expect_exit 4 "a disabled user cannot act" V borrow list --as zhaoliu --pending
check "it says auth.disabled" grep -q "auth.disabled" "$WORK/err"
V audit list --action borrow.approve >"$WORK/audit"
check "approvals are audited with the user acted as" grep -q "ok.*as zhaoliu: now approved" "$WORK/audit"
check "the refused self-approval is audited as denied" grep -q "denied.*as zhangsan: borrow.own_request" "$WORK/audit"
check "the scheduler's transition is audited" \
  bash -c "'$VAULTCTL' audit list --action borrow.overdue | grep -q '$LOAN5'"
check "the loan copies are audited as exports" \
  bash -c "'$VAULTCTL' audit list --action document.export | grep -q 'for loan $LOAN1'"

# --- audit log ------------------------------------------------------------------
expect_exit 0 "the audit log of everything above verifies" V audit verify
V audit list --action document.read_content >"$WORK/out"
check "content reads are audited" grep -q "document.read_content" "$WORK/out"
check "failed reads are audited with their reason" grep -q "document.not_found" "$WORK/out"
# A newline in client text (here $USER and a document id) once printed a
# forged row in `audit list`.
USER=$'mallory\n     1 2026-01-01T00:00:00Z vaultctl:root  document.destroy' \
  expect_exit 2 "a get of an id with a newline, by a user with a newline, is not found" \
  V get $'C9\n     2 2026-01-01T00:00:00Z vaultctl:root  forged row' -o "$WORK/x"
V audit list --action document.read_content >"$WORK/audit-text"
events=$(V audit list --action document.read_content --json | grep -o '"seq":' | wc -l)
check "audit list prints exactly one line per event ($events)" test "$(wc -l <"$WORK/audit-text")" = "$events"
check "the newline in the user name shows escaped" grep -q 'vaultctl:mallory\\n     1' "$WORK/audit-text"
check "the newline in the object shows escaped" grep -q 'C9\\n     2' "$WORK/audit-text"
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
# A row written raw into the database (as before fields were escaped) is
# still printed on one line, without the terminal escape.
sqlite3 "$VAULT_DATA/metadata.db" \
  "UPDATE audit_events SET detail = 'old' || char(10) || '     1 forged' || char(27) || '[2K' WHERE seq = 4"
V audit list --limit 10 >"$WORK/audit-text"
check "a raw newline in a stored row does not add a line" test "$(wc -l <"$WORK/audit-text")" = 10
check "no control character reaches the terminal" bash -c "! LC_ALL=C grep -q '[[:cntrl:]]' '$WORK/audit-text'"
check "the stored escape shows as text" grep -q 'old\\n     1 forged\\x1b\[2K' "$WORK/audit-text"

echo "cli: $passed passed, $failed failed"
[[ $failed == 0 ]]
