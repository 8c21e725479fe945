#!/usr/bin/env bash
# Backup benchmark (issue 16): on a vault holding BENCH_BACKUP_GIB GiB of
# blobs (default 1; the issue's figure is 10: BENCH_BACKUP_GIB=10), in the
# same run and on the same filesystem:
#   - full `vaultctl backup create` against `tar -cf` of the data directory;
#   - an incremental backup (`--base` the full one) after 1% more content
#     was ingested, against the full backup;
#   - `vaultctl backup restore` (with the live certificate chain) against
#     `tar -xf` of the tar file.
# Both sides end with the same durability: vaultctl syncs the backup's
# filesystem (syncfs) before writing the manifest; tar is followed by
# `sync -f` (syncfs too), and every timed step starts after a `sync`, so
# no step pays for the dirty pages of the one before. The page cache is warm
# for both (the machine is shared; caches are not dropped). Results replace the <!-- bench:backup -->
# section of docs/benchmarks.md.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)
BUILD=${BUILD:-$REPO/build/release}
VAULTCTL=$BUILD/vaultctl
GIB=${BENCH_BACKUP_GIB:-1}
TOTAL_MIB=${BENCH_BACKUP_MIB:-$((GIB * 1024))}  # finer than GiB, for a quick try
FILE_MIB=${BENCH_BACKUP_FILE_MIB:-4}
RUNS=${BENCH_BACKUP_RUNS:-3}
DOC=${BENCH_DOC:-$REPO/docs/benchmarks.md}
BASE=${BENCH_DIR:-$REPO/build/bench-scratch}
[[ -x $VAULTCTL ]] || { echo "build first (cmake --build build/release)" >&2; exit 2; }
mkdir -p "$BASE"
W=$(mktemp -d "$BASE/backup-XXXXXX")
trap 'rm -rf "$W"' EXIT
export VAULT_DATA=$W/data VAULT_KEY_FILE=$W/keys/master.key
log() { echo "[backup] $*" >&2; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t) ? "PASS" : "MISS" }'; }

"$VAULTCTL" init >/dev/null
FILES=$((TOTAL_MIB / FILE_MIB))
log "ingesting $FILES files of $FILE_MIB MiB ($TOTAL_MIB MiB)"
head -c $((FILE_MIB << 20)) /dev/urandom >"$W/seed"
ingest() {  # ingest FIRST LAST
  for i in $(seq "$1" "$2"); do
    # Distinct content per file: the seed with the file number in front.
    { printf '%08d' "$i"; cat "$W/seed"; } | "$VAULTCTL" put - --customer C001 --type contract --title "bench $i" >/dev/null
  done
}
ingest 1 "$FILES"
BLOB_BYTES=$(du -sb "$VAULT_DATA/blobs" | cut -f1)
FS=$(stat -f -c %T "$W")

FULL=() TAR=() INC=() RESTORE=() UNTAR=()
CHANGED=$(( (FILES + 99) / 100 ))
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
for r in $(seq "$RUNS"); do
  log "run $r/$RUNS"
  rm -rf "$W/full" "$W/inc" "$W/data.tar" "$W/restored" "$W/untar"
  sync; t=$(now); tar -cf "$W/data.tar" -C "$W" data; sync -f "$W/data.tar"; TAR+=("$(since "$t")")
  sync; t=$(now); "$VAULTCTL" backup create "$W/full" >/dev/null; FULL+=("$(since "$t")")
  # 1% more content, then the incremental backup against the full one.
  ingest $((FILES + (r - 1) * CHANGED + 1)) $((FILES + r * CHANGED))
  sync; t=$(now); "$VAULTCTL" backup create "$W/inc" --base "$W/full" >/dev/null; INC+=("$(since "$t")")
  sync; t=$(now); mkdir "$W/untar"; tar -xf "$W/data.tar" -C "$W/untar"; sync -f "$W/untar"; UNTAR+=("$(since "$t")")
  rm -rf "$W/untar"  # keeps the peak disk use at four copies of the vault
  sync; t=$(now); "$VAULTCTL" backup restore "$W/full" --to "$W/restored" --certificates "$VAULT_DATA" >/dev/null
  RESTORE+=("$(since "$t")")
done
LOAD_AFTER=$(cut -d' ' -f1 /proc/loadavg)
F=$(printf '%s\n' "${FULL[@]}" | median)
T=$(printf '%s\n' "${TAR[@]}" | median)
I=$(printf '%s\n' "${INC[@]}" | median)
R=$(printf '%s\n' "${RESTORE[@]}" | median)
X=$(printf '%s\n' "${UNTAR[@]}" | median)
RF=$(ratio "$F" "$T"); RI=$(ratio "$I" "$F"); RR=$(ratio "$R" "$X")
MIB=$(awk -v b="$BLOB_BYTES" 'BEGIN { printf "%.0f", b / 1048576 }')
SECTION=$(cat <<MD
<!-- bench:backup:start -->
## Backups (\`bench/backup.sh\`)

- Date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown); filesystem $FS; 2 cores shared with other work
- Vault: $FILES documents of $FILE_MIB MiB ($MIB MiB of blobs; BENCH_BACKUP_GIB=$GIB, the issue's target size is 10); medians of $RUNS runs; page cache warm for both sides
- Both sides end durable: \`vaultctl\` syncs the backup's filesystem before its manifest; tar is followed by \`sync -f\`; every timed step starts after a \`sync\`
- Load average on the 2 cores: $LOAD_BEFORE when the timed runs started, $LOAD_AFTER when they ended (other builds and tests shared the machine; single runs can vary up to 2x, so read the ratios as indications)
- Full: \`vaultctl backup create\` (online SQLite copy sealed under a wrapped backup key, every blob copied and hashed, signed manifest) vs \`tar -cf\` of the data directory (runs: ${FULL[*]} s vs ${TAR[*]} s)
- Incremental: \`backup create --base FULL\` after $CHANGED more documents (1%) were ingested: unchanged blobs hard-linked, hashes taken from the base's verified manifest (runs: ${INC[*]} s)
- Restore: \`backup restore --certificates LIVE\` (manifest signature, every file hashed while it is copied, database decrypted, destruction replay, staged then renamed) vs \`tar -xf\` (runs: ${RESTORE[*]} s vs ${UNTAR[*]} s)

| Measure | vault (s) | reference (s) | Ratio | Target | Result |
|---|---:|---:|---:|---|---|
| full backup vs tar | $F | $T | $RF | <= 1.2 | $(verdict "$RF" 1.2) |
| incremental after 1% vs full backup | $I | $F | $RI | <= 0.1 | $(verdict "$RI" 0.1) |
| restore vs tar -x | $R | $X | $RR | <= 1.2 | $(verdict "$RR" 1.2) |
<!-- bench:backup:end -->
MD
)
if [[ -f $DOC ]] && grep -q '<!-- bench:backup:start -->' "$DOC"; then
  awk -v section="$SECTION" '
    /<!-- bench:backup:start -->/ { print section; skip = 1; next }
    /<!-- bench:backup:end -->/ { skip = 0; next }
    !skip { print }' "$DOC" >"$DOC.tmp" && mv "$DOC.tmp" "$DOC"
else
  printf '\n%s\n' "$SECTION" >>"$DOC"
fi
log "full $F s vs tar $T s ($RF); incremental $I s ($RI); restore $R s vs tar -x $X s ($RR)"
