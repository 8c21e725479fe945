#!/usr/bin/env bash
# Ingest/fetch benchmark for vaultctl.
#
# Compares, on one random file and in the same run:
#   a. dd if=SRC of=DST bs=1M conv=fsync             (baseline copy)
#   b. vaultctl put SRC ...                          (vault ingest; fsyncs internally)
#   c. age -r R -o OUT SRC && sha256sum SRC && sync  (the "age pipeline")
#   d. vaultctl get ID -o OUT                        (vault fetch)
#   e. age -d -i KEY -o OUT AGEFILE                  (age decrypt)
# and measures the peak RSS of `vaultctl put` / `vaultctl get` on a larger file.
#
# Each step is timed wall-clock, BENCH_RUNS times; the median is reported.
# `sync` is called (untimed) before every timed step so earlier writeback does
# not leak into it. The source file is in the page cache for every step alike.
#
# Results are printed and written between the markers
#   <!-- bench:ingest:start --> ... <!-- bench:ingest:end -->
# in docs/benchmarks.md (the rest of that file is kept).
#
# Environment:
#   VAULTCTL        vaultctl binary           (default: <script dir>/../build/vaultctl)
#   BENCH_SIZE_MIB  timed file size in MiB    (default: 1024)
#   BENCH_RSS_MIB   RSS-test file size in MiB (default: 2048)
#   BENCH_RUNS      repetitions; median used  (default: 3)
#   BENCH_DIR       scratch parent directory, must be on a real disk, not tmpfs
#                   (default: <repo>/build/bench-scratch)
#   BENCH_DOC       report file               (default: <repo>/docs/benchmarks.md)
#
# Exit status: 0 when the benchmark ran (targets missed are only reported),
# non-zero when a correctness check or a command fails.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/.." && pwd)

VAULTCTL=${VAULTCTL:-$SCRIPT_DIR/../build/vaultctl}
BENCH_SIZE_MIB=${BENCH_SIZE_MIB:-1024}
BENCH_RSS_MIB=${BENCH_RSS_MIB:-2048}
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_DIR=${BENCH_DIR:-$REPO_DIR/build/bench-scratch}
BENCH_DOC=${BENCH_DOC:-$REPO_DIR/docs/benchmarks.md}

# Targets.
T_INGEST_DD=1.15
T_INGEST_AGE=0.35
T_FETCH_AGED=1.0
T_RSS_MIB=64

die() { echo "ingest.sh: $*" >&2; exit 1; }
fail_check() { echo "ingest.sh: CORRECTNESS FAILURE: $*" >&2; exit 2; }
log() { echo "[ingest] $*" >&2; }

# ---------------------------------------------------------------- checks
for v in BENCH_SIZE_MIB BENCH_RSS_MIB BENCH_RUNS; do
    [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
[[ -x $VAULTCTL ]] || die "vaultctl not found or not executable: $VAULTCTL (build it first)"
VAULTCTL=$(cd "$(dirname "$VAULTCTL")" && pwd)/$(basename "$VAULTCTL")
for tool in age age-keygen sha256sum dd cmp sync awk; do
    command -v "$tool" >/dev/null || die "required tool missing: $tool"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is required for the RSS measurement"

mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
FSTYPE=$(df --output=fstype "$BENCH_DIR" | tail -n 1 | tr -d ' ')
FSTYPE_STAT=$(stat -f -c %T "$BENCH_DIR")
FS_WARNING=""
if [[ $FSTYPE == tmpfs || $FSTYPE_STAT == tmpfs || $FSTYPE == ramfs ]]; then
    FS_WARNING="WARNING: BENCH_DIR is on $FSTYPE (memory); fsync is free there and the numbers do not reflect a disk."
    log "$FS_WARNING"
fi

# Disk space: per run we keep SRC + vault blob + age file + one output (~4x),
# the RSS test keeps SRC + vault blob + output (~3x). Add 10% margin.
need_mib=$(( BENCH_SIZE_MIB * 4 > BENCH_RSS_MIB * 3 ? BENCH_SIZE_MIB * 4 : BENCH_RSS_MIB * 3 ))
need_mib=$(( need_mib + need_mib / 10 + 64 ))
avail_mib=$(( $(df --output=avail -k "$BENCH_DIR" | tail -n 1 | tr -d ' ') / 1024 ))
(( avail_mib >= need_mib )) || die "not enough space in $BENCH_DIR: need ~${need_mib} MiB, have ${avail_mib} MiB"

# Private work dir inside BENCH_DIR; only this (and BENCH_DIR if left empty) is removed.
W=$(mktemp -d "$BENCH_DIR/ingest.XXXXXX")
# shellcheck disable=SC2317  # invoked via trap
cleanup() {
    rm -rf -- "$W"
    rmdir -- "$BENCH_DIR" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- helpers
# Brings the machine to the same state before every timed step: dirty data
# written back, the page cache emptied where we are allowed to (root), and
# the step's inputs (the source file, the vault's blobs, the age file) read
# back in, so no step inherits another's cache churn.
settle() {
    sync
    if [[ -w /proc/sys/vm/drop_caches ]]; then
        echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true
    fi
    cat "$SRC" >/dev/null
    find "$W" -type f -size +1M -not -name '*.out' -exec cat {} + >/dev/null 2>&1 || true
}

now() { date +%s.%N; }
# Run a command with its stderr (vaultctl prints progress there) captured;
# show it only if the command fails.
quiet() {
    local rc=0
    "$@" 2>"$W/cmd.err" || rc=$?
    if (( rc != 0 )); then
        cat "$W/cmd.err" >&2
        echo "ingest.sh: command failed (exit $rc): $*" >&2
        return "$rc"
    fi
}
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

median() {  # median of the arguments
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
        END { if (NR % 2) printf "%.3f", v[(NR + 1) / 2];
              else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }
mbps() { awk -v bytes="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", bytes / 1e6 / s; else print "n/a" }'; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v != "n/a" && v + 0 <= t + 0) ? "PASS" : "MISS" }'; }
json_field() {  # json_field NAME FILE  (flat JSON object from vaultctl --json)
    local v
    v=$(grep -o "\"$1\":[[:space:]]*\"\{0,1\}[^\",}]*" "$2" | head -n 1 | sed 's/^[^:]*:[[:space:]]*"\{0,1\}//') || true
    [[ -n $v ]] || fail_check "field '$1' missing from vaultctl output: $(cat "$2")"
    printf '%s' "$v"
}

KEY=$W/master.key          # vault key: outside the data dir
AGE_KEY=$W/age.key
age-keygen -o "$AGE_KEY" 2>/dev/null
AGE_RECIPIENT=$(age-keygen -y "$AGE_KEY")

new_vault() {  # fresh vault at $W/vault (untimed)
    rm -rf -- "$W/vault"
    "$VAULTCTL" --data "$W/vault" --key "$KEY" init >/dev/null
}

# shellcheck disable=SC2317  # invoked via quiet
vault_put() {  # vault_put SRC JSON_OUT
    "$VAULTCTL" --data "$W/vault" --key "$KEY" put "$1" \
        --customer C001 --type HT --title "bench $(basename "$1")" --json >"$2"
}

age_pipeline() {  # age_pipeline SRC OUT
    age -r "$AGE_RECIPIENT" -o "$2" "$1" && sha256sum "$1" >/dev/null && sync
}

check_put() {  # check_put JSON SRC EXPECTED_SHA  -> prints id
    local json=$1 src=$2 want=$3 got size want_size
    got=$(json_field sha256 "$json")
    [[ $got == "$want" ]] || fail_check "put sha256 $got != sha256sum $want ($src)"
    size=$(json_field size "$json")
    want_size=$(stat -c %s "$src")
    [[ $size == "$want_size" ]] || fail_check "put size $size != file size $want_size ($src)"
    json_field id "$json"
}

# ---------------------------------------------------------------- timed runs
SRC=$W/src.bin
log "creating ${BENCH_SIZE_MIB} MiB random source in $W"
head -c "$(( BENCH_SIZE_MIB * 1024 * 1024 ))" /dev/urandom >"$SRC"
SRC_BYTES=$(stat -c %s "$SRC")
SRC_SHA=$(sha256sum "$SRC" | cut -d' ' -f1)

declare -a T_DD=() T_PUT=() T_AGE=() T_GET=() T_AGED=()

for (( run = 1; run <= BENCH_RUNS; run++ )); do
    log "run $run/$BENCH_RUNS"
    new_vault

    # Each pair (dd vs put, get vs age -d) runs in alternating order across
    # runs: on this VM the step that follows a large write or free pays for
    # page-cache churn, and a fixed order would bias every ratio one way.
    step_dd() {
        settle; t0=$(now)
        dd if="$SRC" of="$W/dd.out" bs=1M conv=fsync status=none
        t1=$(now); T_DD+=("$(elapsed "$t0" "$t1")")
        rm -f -- "$W/dd.out"
    }
    step_put() {
        settle; t0=$(now)
        quiet vault_put "$SRC" "$W/put.json"
        t1=$(now); T_PUT+=("$(elapsed "$t0" "$t1")")
        ID=$(check_put "$W/put.json" "$SRC" "$SRC_SHA")
    }
    step_get() {
        settle; t0=$(now)
        quiet "$VAULTCTL" --data "$W/vault" --key "$KEY" get "$ID" -o "$W/get.out"
        t1=$(now); T_GET+=("$(elapsed "$t0" "$t1")")
        cmp -s "$SRC" "$W/get.out" || fail_check "vaultctl get output differs from the source (run $run)"
        rm -f -- "$W/get.out"
    }
    step_aged() {
        settle; t0=$(now)
        age -d -i "$AGE_KEY" -o "$W/aged.out" "$W/src.age"
        t1=$(now); T_AGED+=("$(elapsed "$t0" "$t1")")
        if (( run == 1 )); then
            cmp -s "$SRC" "$W/aged.out" || fail_check "age round trip differs from the source (baseline broken)"
        fi
        rm -f -- "$W/aged.out"
    }

    if (( run % 2 )); then step_dd; step_put; else step_put; step_dd; fi

    # c. age pipeline
    settle; t0=$(now)
    age_pipeline "$SRC" "$W/src.age"
    t1=$(now); T_AGE+=("$(elapsed "$t0" "$t1")")

    if (( run % 2 )); then step_get; step_aged; else step_aged; step_get; fi
    rm -f -- "$W/src.age" "$W/put.json"

    log "  dd=${T_DD[-1]}s put=${T_PUT[-1]}s age+sha+sync=${T_AGE[-1]}s get=${T_GET[-1]}s age-d=${T_AGED[-1]}s"
done
rm -rf -- "$SRC" "$W/vault"
sync

M_DD=$(median "${T_DD[@]}")
M_PUT=$(median "${T_PUT[@]}")
M_AGE=$(median "${T_AGE[@]}")
M_GET=$(median "${T_GET[@]}")
M_AGED=$(median "${T_AGED[@]}")

# ---------------------------------------------------------------- peak RSS
RSS_SRC=$W/rss.bin
log "creating ${BENCH_RSS_MIB} MiB random source for the RSS test"
head -c "$(( BENCH_RSS_MIB * 1024 * 1024 ))" /dev/urandom >"$RSS_SRC"
RSS_SHA=$(sha256sum "$RSS_SRC" | cut -d' ' -f1)
new_vault
sync
quiet /usr/bin/time -f %M -o "$W/rss_put.kib" \
    "$VAULTCTL" --data "$W/vault" --key "$KEY" put "$RSS_SRC" \
    --customer C001 --type HT --title "bench rss" --json >"$W/rss_put.json"
RSS_ID=$(check_put "$W/rss_put.json" "$RSS_SRC" "$RSS_SHA")
sync
quiet /usr/bin/time -f %M -o "$W/rss_get.kib" \
    "$VAULTCTL" --data "$W/vault" --key "$KEY" get "$RSS_ID" -o "$W/rss_get.out"
cmp -s "$RSS_SRC" "$W/rss_get.out" || fail_check "vaultctl get output differs from the source (RSS test)"
rss_mib() { awk '/^[0-9]+$/ { k = $1 } END { if (k == "") exit 1; printf "%.1f", k / 1024 }' "$1"; }
RSS_PUT=$(rss_mib "$W/rss_put.kib") || die "could not read peak RSS from $W/rss_put.kib"
RSS_GET=$(rss_mib "$W/rss_get.kib") || die "could not read peak RSS from $W/rss_get.kib"
rm -rf -- "$RSS_SRC" "$W/rss_get.out" "$W/vault"

# ---------------------------------------------------------------- report
R_INGEST_DD=$(ratio "$M_PUT" "$M_DD")
R_INGEST_AGE=$(ratio "$M_PUT" "$M_AGE")
R_FETCH_AGED=$(ratio "$M_GET" "$M_AGED")

DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
NPROC=$(nproc)
CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
[[ -n $CPU ]] || CPU=$(lscpu 2>/dev/null | awk -F': *' '/^Model name/ { print $2; exit }')
[[ -n $CPU ]] || CPU=unknown
MEM_MIB=$(awk '/^MemTotal/ { printf "%d", $2 / 1024 }' /proc/meminfo)
KERNEL=$(uname -r)
COMMIT=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ $COMMIT != unknown ]] && ! git -C "$REPO_DIR" diff --quiet HEAD 2>/dev/null; then
    COMMIT="$COMMIT (+ uncommitted changes)"
fi

KIND="full run"
if (( BENCH_SIZE_MIB < 1024 || BENCH_RSS_MIB < 2048 || BENCH_RUNS < 3 )); then
    KIND="SMOKE TEST (sizes/runs below the defaults 1024 MiB / 2048 MiB / 3 runs; not representative)"
fi

runs_list() { local out; printf -v out '%s, ' "$@"; echo "${out%, }"; }

REPORT=$W/report.md
{
    echo "## Ingest and fetch (\`bench/ingest.sh\`)"
    echo
    echo "- Kind: $KIND"
    echo "- Date: $DATE"
    echo "- Commit: $COMMIT"
    echo "- Machine: $NPROC CPUs, $CPU, ${MEM_MIB} MiB RAM, Linux $KERNEL"
    echo "- Scratch filesystem: $FSTYPE (\`stat -f\`: $FSTYPE_STAT) at \`$BENCH_DIR\`"
    [[ -z $FS_WARNING ]] || echo "- **$FS_WARNING**"
    echo "- Timed file: ${BENCH_SIZE_MIB} MiB random data ($SRC_BYTES bytes), $BENCH_RUNS run(s), median reported; source in page cache; \`sync\` before every step; caches dropped (when root) and inputs re-read before every step; the dd/put and get/age -d pairs alternate their order run by run"
    echo "- RSS file: ${BENCH_RSS_MIB} MiB random data"
    echo "- Each run ingests into a fresh vault (init untimed); outputs are removed between runs"
    echo
    echo "| Step | Command | Median s | MB/s | Runs (s) |"
    echo "|---|---|---:|---:|---|"
    echo "| a | \`dd bs=1M conv=fsync\` | $M_DD | $(mbps "$SRC_BYTES" "$M_DD") | $(runs_list "${T_DD[@]}") |"
    echo "| b | \`vaultctl put\` (ingest) | $M_PUT | $(mbps "$SRC_BYTES" "$M_PUT") | $(runs_list "${T_PUT[@]}") |"
    echo "| c | \`age -r\` + \`sha256sum\` + \`sync\` | $M_AGE | $(mbps "$SRC_BYTES" "$M_AGE") | $(runs_list "${T_AGE[@]}") |"
    echo "| d | \`vaultctl get\` (fetch) | $M_GET | $(mbps "$SRC_BYTES" "$M_GET") | $(runs_list "${T_GET[@]}") |"
    echo "| e | \`age -d\` | $M_AGED | $(mbps "$SRC_BYTES" "$M_AGED") | $(runs_list "${T_AGED[@]}") |"
    echo
    echo "MB/s = 10^6 bytes per second."
    echo
    echo "| Metric | Value | Target | Result |"
    echo "|---|---:|---:|---|"
    echo "| ingest / dd | $R_INGEST_DD | <= $T_INGEST_DD | $(verdict "$R_INGEST_DD" "$T_INGEST_DD") |"
    echo "| ingest / (age + sha256sum + sync) | $R_INGEST_AGE | <= $T_INGEST_AGE | $(verdict "$R_INGEST_AGE" "$T_INGEST_AGE") |"
    echo "| fetch / age -d | $R_FETCH_AGED | <= $T_FETCH_AGED | $(verdict "$R_FETCH_AGED" "$T_FETCH_AGED") |"
    echo "| peak RSS \`vaultctl put\` (${BENCH_RSS_MIB} MiB file) | $RSS_PUT MiB | <= $T_RSS_MIB MiB | $(verdict "$RSS_PUT" "$T_RSS_MIB") |"
    echo "| peak RSS \`vaultctl get\` (${BENCH_RSS_MIB} MiB file) | $RSS_GET MiB | <= $T_RSS_MIB MiB | $(verdict "$RSS_GET" "$T_RSS_MIB") |"
    echo
    echo "Correctness: put sha256 == \`sha256sum\` and \`cmp\` of every fetched file == source: OK."
} >"$REPORT"

echo
cat "$REPORT"
echo

# Write the section into docs/benchmarks.md, keeping everything else.
START='<!-- bench:ingest:start -->'
END='<!-- bench:ingest:end -->'
mkdir -p "$(dirname "$BENCH_DOC")"
if [[ ! -f $BENCH_DOC ]]; then
    cat >"$BENCH_DOC" <<'EOF'
# Benchmarks

These numbers are produced by `bench/run.sh` (which runs every script in
`bench/`) on a quiet machine, against a real disk, not tmpfs. They are never
run as timed unit tests: timings depend on the machine and would make the test
suite flaky. Each section below is rewritten in place by its script; text
outside the `<!-- bench:... -->` markers is kept.
EOF
fi
NEW=$W/benchmarks.md.new
if grep -qF "$START" "$BENCH_DOC" && grep -qF "$END" "$BENCH_DOC"; then
    awk -v start="$START" -v end="$END" -v report="$REPORT" '
        $0 == start { print; while ((getline line < report) > 0) print line; skip = 1; next }
        $0 == end   { skip = 0 }
        !skip       { print }' "$BENCH_DOC" >"$NEW"
else
    { cat "$BENCH_DOC"; echo; echo "$START"; cat "$REPORT"; echo "$END"; } >"$NEW"
fi
cat "$NEW" >"$BENCH_DOC"
log "report written to $BENCH_DOC"
exit 0
