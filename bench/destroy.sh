#!/usr/bin/env bash
# Overwrite benchmark (issue 6 groundwork): the in-place overwrite step of
# destruction on a 1 GiB file (random, random, zeros; fdatasync after each
# pass; the last pass read back from the device and compared), against
# `shred -n 2 -z -u` on another 1 GiB file (the same three passes, no
# read-back) in the same run. Crypto-erase, the journal and the certificate
# are not built yet, so this is the overwrite alone, not a whole
# destruction. Results replace the <!-- bench:destroy --> section of
# docs/benchmarks.md.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)
BUILD=${BUILD:-$REPO/build/release}
BIN=$BUILD/bench_overwrite
MIB=${BENCH_DESTROY_MIB:-1024}
RUNS=${BENCH_DESTROY_RUNS:-3}
DOC=${BENCH_DOC:-$REPO/docs/benchmarks.md}
BASE=${BENCH_DIR:-$REPO/build/bench-scratch}
command -v shred >/dev/null || { echo "[destroy] needs shred (coreutils)" >&2; exit 2; }
[[ -x $BIN ]] || { echo "build first (scripts/test.sh)" >&2; exit 2; }
mkdir -p "$BASE"
W=$(mktemp -d "$BASE/destroy-XXXXXX")
trap 'rm -rf "$W"' EXIT
log() { echo "[destroy] $*" >&2; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
make_file() { head -c "$((MIB << 20))" /dev/urandom >"$1"; sync "$1"; }

V_TIMES=() S_TIMES=() VERIFIED=1 EXTENTS=""
for i in $(seq "$RUNS"); do
  log "run $i/$RUNS: ${MIB} MiB each"
  make_file "$W/vault.bin"
  make_file "$W/shred.bin"
  out=$("$BIN" "$W/vault.bin" random,random,zeros)
  V_TIMES+=("$(sed 's/.*seconds=\([0-9.]*\).*/\1/' <<<"$out")")
  grep -q 'verified=1' <<<"$out" || VERIFIED=0
  EXTENTS=$(sed 's/.*same_extents=\([a-z0-9]*\).*/\1/' <<<"$out")
  t0=$(date +%s.%N); shred -n 2 -z -u "$W/shred.bin"; t1=$(date +%s.%N)
  S_TIMES+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
done
V=$(printf '%s\n' "${V_TIMES[@]}" | median)
S=$(printf '%s\n' "${S_TIMES[@]}" | median)
RATIO=$(awk -v a="$V" -v b="$S" 'BEGIN { printf "%.2f", a / b }')
RESULT=$(awk -v r="$RATIO" 'BEGIN { print (r <= 0.6) ? "PASS" : "MISS" }')
FS=$(stat -f -c %T "$W")
SECTION=$(cat <<MD
<!-- bench:destroy:start -->
## Overwrite before removal (\`bench/destroy.sh\`)

- Date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown); filesystem $FS
- Input: ${MIB} MiB of random data per file, written and synced before each run; medians of ${RUNS} runs (vault: ${V_TIMES[*]} s; shred: ${S_TIMES[*]} s)
- vault: \`OverwriteAndRemove\` (random, random, zeros; fdatasync after each pass; cache dropped and the last pass read back and compared: verified=$VERIFIED; same physical extents before and after: $EXTENTS; renamed, unlinked, directory fsync'ed). shred: \`shred -n 2 -z -u\` (the same three passes, no read-back)

| Measure | vault | shred | Ratio | Target | Result |
|---|---:|---:|---:|---|---|
| overwrite ${MIB} MiB, 3 passes (s) | $V | $S | $RATIO | <= 0.6 | $RESULT |

This is the overwrite step alone: crypto-erase, the destruction journal and
the certificate (the rest of issue 6) are not built yet, and the target is
for the whole destruction. The random passes are a ChaCha20 keystream
(libsodium, several GB/s) written in 1 MiB blocks; shred's random passes
come from its own generator, and shred reads nothing back.
<!-- bench:destroy:end -->
MD
)
if [[ -f $DOC ]] && grep -q '<!-- bench:destroy:start -->' "$DOC"; then
  awk -v section="$SECTION" '
    /<!-- bench:destroy:start -->/ { print section; skip = 1; next }
    /<!-- bench:destroy:end -->/ { skip = 0; next }
    !skip { print }' "$DOC" >"$DOC.tmp" && mv "$DOC.tmp" "$DOC"
else
  printf '\n%s\n' "$SECTION" >>"$DOC"
fi
log "vault $V s, shred $S s, ratio $RATIO ($RESULT)"
