#!/usr/bin/env bash
# End-to-end tests of `vaultctl backup` against real directories: create,
# a restore refused without the certificate chain, a restore from the live
# vault's chain and one from a `cert bundle`, a forced restore recorded in
# the restored audit log, a drill whose signed report stock openssl
# verifies, and a flipped byte in the manifest or a blob failing restore and
# drill with the file named (exit 3). The destruction replay itself is
# tested in tests/backup/backup_test.cc (destructions run through vaultd).
# Usage: backup_cli_test.sh PATH/TO/vaultctl
set -euo pipefail

VAULTCTL=${1:?usage: backup_cli_test.sh VAULTCTL}
BASE=${VAULT_TEST_TMP:-/tmp}
WORK=$(mktemp -d "$BASE/backup-cli-test-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export VAULT_DATA=$WORK/data VAULT_KEY_FILE=$WORK/keys/master.key
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
flip_byte() {  # flip_byte FILE OFFSET: inverts the low bit, so the byte always changes
  local b; b=$(od -An -tu1 -j"$2" -N1 "$1" | tr -d ' ')
  printf "\\$(printf '%03o' $((b ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
expect_exit() {  # expect_exit CODE DESCRIPTION COMMAND...
  local want=$1 what=$2; shift 2
  local got=0
  "$@" >"$WORK/out" 2>"$WORK/err" || got=$?
  if [[ $got == "$want" ]]; then ok "$what (exit $got)"; else
    not_ok "$what: exit $got, wanted $want"; sed 's/^/    /' "$WORK/err" "$WORK/out"; fi
}
V() { "$VAULTCTL" "$@"; }

V init >/dev/null
for i in 1 2 3; do
  head -c $((100000 * i)) /dev/urandom >"$WORK/in-$i"
  V put "$WORK/in-$i" --customer C001 --type contract --title "合同 $i" --json >"$WORK/put-$i"
done
id1=$(sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p' "$WORK/put-1")
mkdir -p "$WORK/policies"
cp "$(dirname "$0")/../../policies/roles.json" "$WORK/policies/"

expect_exit 0 "backup create" V backup create "$WORK/b1" --policies "$WORK/policies"
check "the manifest, its signature and the public key are there" \
  test -s "$WORK/b1/manifest.json" -a -s "$WORK/b1/manifest.json.sig" -a -s "$WORK/b1/signing.pem"
check "openssl verifies the manifest signature" \
  openssl pkeyutl -verify -pubin -inkey "$WORK/b1/signing.pem" -rawin -in "$WORK/b1/manifest.json" \
  -sigfile "$WORK/b1/manifest.json.sig"
check "every listed file's sha256 matches sha256sum" bash -c "
  grep -o '\"path\":\"[^\"]*\",\"sha256\":\"[0-9a-f]*\"' '$WORK/b1/manifest.json' |
  sed 's/\"path\":\"\([^\"]*\)\",\"sha256\":\"\([0-9a-f]*\)\"/\2  \1/' >'$WORK/sums' &&
  test \$(wc -l <'$WORK/sums') -ge 5 && cd '$WORK/b1' && sha256sum --quiet -c '$WORK/sums'"
keymat=$(awk '/^kek / {print $NF}' "$VAULT_KEY_FILE")
check "the key file has key material to look for" test "${#keymat}" -ge 40
check "no master key in the backup" bash -c "! grep -rqaF -- '$keymat' '$WORK/b1'"
check "no plaintext database in the backup" bash -c "! grep -rqa 'SQLite format 3' '$WORK/b1'"
check "the backup is audited on the live vault" bash -c "'$VAULTCTL' audit list --action backup.create | grep -q backup.create"
expect_exit 4 "a second backup into the same directory is refused" V backup create "$WORK/b1"
check "with its reason" grep -q "backup.target_not_empty" "$WORK/err"

# PostgreSQL vaults are backed up with pg_dump (tests/backup/pg_backup_test.cc
# in the PostgreSQL run); here only: an unreachable server fails cleanly.
expect_exit 4 "a PostgreSQL vault whose server does not answer fails" \
  V --database postgresql://vault:pw-cli-secret@127.0.0.1:1/vault backup create "$WORK/pg"
check "without a manifest" test ! -e "$WORK/pg/manifest.json"
check "without its password in the error" bash -c "! grep -q pw-cli-secret '$WORK/err'"

expect_exit 4 "restore without certificates is refused" V backup restore "$WORK/b1" --to "$WORK/r0"
check "it says destructions may be undone" grep -q "undo every destruction" "$WORK/err"
check "nothing was written" test ! -e "$WORK/r0"
expect_exit 0 "restore with the live vault's certificate chain" \
  V backup restore "$WORK/b1" --to "$WORK/r1" --certificates "$VAULT_DATA"
V --data "$WORK/r1" get "$id1" -o "$WORK/got-1"
check "a restored document is byte-identical" cmp -s "$WORK/in-1" "$WORK/got-1"
check "the policies came back" test -s "$WORK/r1/policies/roles.json"
check "the restored audit chain verifies" V --data "$WORK/r1" audit verify
expect_exit 0 "cert bundle writes the chain (empty here) for a restore" V cert bundle --out "$WORK/bundle"
expect_exit 0 "restore from a certificate bundle" \
  V backup restore "$WORK/b1" --to "$WORK/r2" --certificates "$WORK/bundle"
expect_exit 0 "restore forced without certificates" \
  V backup restore "$WORK/b1" --to "$WORK/r3" --force-without-certificates
check "the forced restore warns" grep -q "WARNING" "$WORK/out"
check "the force is in the restored vault's audit log" \
  bash -c "'$VAULTCTL' --data '$WORK/r3' audit list --action backup.restore_forced_without_certificates | grep -q forced"

expect_exit 0 "drill" V backup drill "$WORK/b1" --out "$WORK/drill1" --tmp "$WORK"
check "the drill report says passed" grep -q '"result":"passed"' "$WORK/drill1/drill-report.json"
check "openssl verifies the drill report (docs/operations.md recipe)" \
  openssl pkeyutl -verify -pubin -inkey "$WORK/drill1/signing.pem" -rawin -in "$WORK/drill1/drill-report.json" \
  -sigfile "$WORK/drill1/drill-report.json.sig"
check "the drill wrote the PDF report and its signature" test -s "$WORK/drill1/drill-report.pdf" -a -s "$WORK/drill1/drill-report.pdf.sig"
check "openssl verifies the PDF report (docs/operations.md recipe)" \
  openssl pkeyutl -verify -pubin -inkey "$WORK/drill1/signing.pem" -rawin -in "$WORK/drill1/drill-report.pdf" \
  -sigfile "$WORK/drill1/drill-report.pdf.sig"
check "the PDF shows the result and the backup id" bash -c "
  pdftotext -layout '$WORK/drill1/drill-report.pdf' - >'$WORK/drill1.txt' && grep -q 'PASSED' '$WORK/drill1.txt' &&
  grep -qF \"\$(sed -n 's/.*\"backup_id\":\"\\([0-9a-f]*\\)\".*/\\1/p' '$WORK/drill1/drill-report.json')\" '$WORK/drill1.txt'"
check "the PDF shows the hash of drill-report.json" bash -c "
  grep -qF \"\$(sha256sum '$WORK/drill1/drill-report.json' | cut -c1-32)\" <(tr -d ' \\n' <'$WORK/drill1.txt')"
cp "$WORK/drill1/drill-report.pdf" "$WORK/altered.pdf"
printf 'X' | dd of="$WORK/altered.pdf" bs=1 seek=200 conv=notrunc status=none
check "openssl refuses the PDF once a byte changes" bash -c "! openssl pkeyutl -verify -pubin -inkey '$WORK/drill1/signing.pem' \
  -rawin -in '$WORK/altered.pdf' -sigfile '$WORK/drill1/drill-report.pdf.sig' >/dev/null 2>&1"
check "the drill removed its temporary restore" bash -c "! ls -d '$WORK'/vault-drill-* 2>/dev/null | grep -q ."

expect_exit 0 "incremental backup" V backup create "$WORK/b2" --base "$WORK/b1" --json
check "it copied nothing new and linked the three blobs" \
  grep -q '"files_copied":0,"files_linked":3' "$WORK/out"

cp -a "$WORK/b1" "$WORK/bad"
flip_byte "$WORK/bad/manifest.json" 60
expect_exit 3 "a flipped byte in the manifest fails restore" \
  V backup restore "$WORK/bad" --to "$WORK/r4" --certificates "$VAULT_DATA"
check "naming manifest.json" grep -q "manifest.json" "$WORK/err"
expect_exit 3 "and fails the drill" V backup drill "$WORK/bad" --out "$WORK/drill2" --tmp "$WORK"
check "naming manifest.json" grep -q "manifest.json" "$WORK/out"
rm -rf "$WORK/bad"; cp -a "$WORK/b1" "$WORK/bad"
blob=$(cd "$WORK/bad" && find blobs -type f | head -n 1)
flip_byte "$WORK/bad/$blob" 100
expect_exit 3 "a flipped byte in a blob fails restore" \
  V backup restore "$WORK/bad" --to "$WORK/r5" --certificates "$VAULT_DATA"
check "naming the blob" grep -qF "$blob" "$WORK/err"
expect_exit 3 "and fails the drill" V backup drill "$WORK/bad" --out "$WORK/drill3" --tmp "$WORK"
check "naming the blob" grep -qF "$blob" "$WORK/out"
check "the failed drill's report is signed and says failed" bash -c "
  grep -q '\"result\":\"failed\"' '$WORK/drill3/drill-report.json' &&
  openssl pkeyutl -verify -pubin -inkey '$WORK/drill3/signing.pem' -rawin -in '$WORK/drill3/drill-report.json' \
    -sigfile '$WORK/drill3/drill-report.json.sig' >/dev/null"
check "the failed drill's PDF says FAILED" bash -c "pdftotext '$WORK/drill3/drill-report.pdf' - | grep -q FAILED"

echo "backup cli: $passed passed, $failed failed"
[[ $failed == 0 ]]
