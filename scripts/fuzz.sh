#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan, one build directory:
# build/fuzz) and runs one, several or all of them:
#
#   scripts/fuzz.sh                  every target
#   scripts/fuzz.sh multipart blob   just these
#   scripts/fuzz.sh --list           the target names
#
# Time: FUZZ_SECONDS per target if set; otherwise FUZZ_TOTAL_SECONDS
# (default 180) shared evenly by the targets run, at least 5 s each.
# FUZZ_JOBS (default 1) parallel fuzzing processes per target, for long
# offline runs (docs/testing.md). The corpus each target grows is kept in
# build/fuzz/corpus/<target>; the committed seeds (tests/fuzz/corpus/<target>)
# and seeds generated here (test vectors, policies, benchmark PDFs) are read,
# never written. A crash, leak, timeout or sanitizer report fails the run; the
# reproducer is kept under build/fuzz/artifacts/<target>/ (add it to
# tests/fuzz/corpus/<target>/ as regress-<what> once fixed).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGETS=(request_head json_bodies multipart certificate blob policy signed_note pdf_token trace_code return export scan)

if [[ "${1:-}" == "--list" ]]; then
  printf '%s\n' "${TARGETS[@]}"
  exit 0
fi
RUN=("$@")
[[ ${#RUN[@]} -eq 0 ]] && RUN=("${TARGETS[@]}")
for t in "${RUN[@]}"; do
  [[ " ${TARGETS[*]} " == *" $t "* ]] || { echo "fuzz.sh: no target '$t' (scripts/fuzz.sh --list)" >&2; exit 2; }
done
if [[ -n "${FUZZ_SECONDS:-}" ]]; then
  PER_TARGET=$FUZZ_SECONDS
else
  PER_TARGET=$(( ${FUZZ_TOTAL_SECONDS:-180} / ${#RUN[@]} ))
  (( PER_TARGET < 5 )) && PER_TARGET=5
fi
JOBS=${JOBS:-2}
FUZZ_JOBS=${FUZZ_JOBS:-1}
B=build/fuzz

LAUNCHER=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=$ROOT
  LAUNCHER=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
CC=clang CXX=clang++ cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVAULT_FUZZ=ON \
  -DVAULT_BUILD_TESTS=OFF "${LAUNCHER[@]}" >/dev/null
mkdir -p "$B"
if ! cmake --build "$B" -j"$JOBS" --target fuzzers bench_make_pdf >"$B/build.log" 2>&1; then
  tail -n 40 "$B/build.log"
  exit 1
fi

# Seeds made here rather than committed: large, or derived from files that
# change (the blob test vectors, the shipped policies, real stamped PDFs).
SEEDS=$B/seeds
rm -rf "$SEEDS"
mkdir -p "$SEEDS"/{export,blob,policy,pdf_token}
"$B/bench_make_pdf" document "$SEEDS/document.pdf" 2 >/dev/null
"$B/bench_make_pdf" stamp "$SEEDS/stamp.pdf" >/dev/null
# export: the target puts "%PDF-1.4\n" back in front.
tail -c +10 "$SEEDS/document.pdf" >"$SEEDS/export/document"
# scan: the first byte picks the decoder (0 JPEG, 1 PNG, 2 TIFF), and the
# JPEG and PNG magic bytes are put back by the target.
mkdir -p "$SEEDS/scan"
if command -v convert >/dev/null; then
  convert -size 40x30 xc:white -density 300 "$SEEDS/s.jpg" && { printf '\x00'; tail -c +4 "$SEEDS/s.jpg"; } >"$SEEDS/scan/jpeg"
  convert -size 40x30 xc:white -density 300 "$SEEDS/s.png" && { printf '\x01'; tail -c +9 "$SEEDS/s.png"; } >"$SEEDS/scan/png"
  convert -size 40x30 xc:white "$SEEDS/s.tif" && { printf '\x02'; cat "$SEEDS/s.tif"; } >"$SEEDS/scan/tiff"
fi
cp "$SEEDS/stamp.pdf" "$SEEDS/pdf_token/stamp"
cp tests/vectors/*.blob "$SEEDS/blob/"
# policy: the first byte picks the loader (tests/fuzz/policy_fuzzer.cc).
i=0
for p in roles watermark borrowing retention destruction fields alerts; do
  { printf "\\x0$i"; cat "policies/$p.json"; } >"$SEEDS/policy/$p"
  i=$((i + 1))
done

dict_for() {
  case "$1" in
    request_head) echo tests/fuzz/http.dict ;;
    json_bodies | certificate | policy) echo tests/fuzz/json.dict ;;
    multipart) echo tests/fuzz/multipart.dict ;;
    export | pdf_token) echo tests/fuzz/pdf.dict ;;
    *) echo "" ;;
  esac
}
max_len_for() {
  case "$1" in
    blob) echo 270000 ;;  # the vectors hold two full chunks
    export | pdf_token | scan) echo 65536 ;;
    policy) echo 32768 ;;
    *) echo 16384 ;;
  esac
}

# Set here, not inherited (scripts/test.sh exports its own for the ASan
# tests): a huge allocation the input asks for is the parser's to refuse.
export ASAN_OPTIONS=${FUZZ_ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "== fuzzing ${#RUN[@]} target(s), ${PER_TARGET}s each =="
for t in "${RUN[@]}"; do
  mkdir -p "$B/corpus/$t" "$B/artifacts/$t" "$SEEDS/$t"
  args=(-max_total_time="$PER_TARGET" -rss_limit_mb=2560 -timeout=20 -max_len="$(max_len_for "$t")"
        -print_final_stats=1 -artifact_prefix="$B/artifacts/$t/")
  dict=$(dict_for "$t")
  [[ -n "$dict" ]] && args+=(-dict="$dict")
  if (( FUZZ_JOBS > 1 )); then
    args+=(-fork="$FUZZ_JOBS" -ignore_crashes=0)
  fi
  log=$B/artifacts/$t/last-run.log
  dirs=("$B/corpus/$t" "$SEEDS/$t")
  [[ -d "tests/fuzz/corpus/$t" ]] && dirs+=("tests/fuzz/corpus/$t")
  if ! "$B/${t}_fuzzer" "${args[@]}" "${dirs[@]}" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz.sh: $t FAILED; reproducer in $B/artifacts/$t/ (log: $log)" >&2
    exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo 0)
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo 0)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  printf '%-13s %9s runs %7s exec/s  %s  corpus %s\n' "$t" "$runs" "$speed" "$cov" "$(ls "$B/corpus/$t" | wc -l)"
done
echo "fuzzing passed: ${RUN[*]}"
