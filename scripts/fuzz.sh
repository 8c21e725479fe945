#!/usr/bin/env bash
# Builds the export fuzz target with clang (libFuzzer + ASan) and runs it for
# FUZZ_SECONDS (default 60) from a seed corpus of real PDFs and scans.
# A crash, leak or sanitizer report fails the run; the reproducer is kept
# under build/fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${FUZZ_SECONDS:-60}
JOBS=${JOBS:-2}
B=build/fuzz
CC=clang CXX=clang++ cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVAULT_FUZZ=ON \
  -DVAULT_BUILD_TESTS=OFF >/dev/null
cmake --build "$B" -j"$JOBS" --target export_fuzzer bench_make_pdf >/dev/null
mkdir -p "$B/corpus" "$B/artifacts"
# Seeds: the first byte picks the decoder (0 PDF, 1 JPEG, 2 PNG, 3 TIFF).
"$B/bench_make_pdf" document "$B/seed.pdf" 2
{ printf '\x00'; tail -c +10 "$B/seed.pdf"; } >"$B/corpus/pdf"
"$B/bench_make_pdf" stamp "$B/stamp.pdf"
{ printf '\x00'; tail -c +10 "$B/stamp.pdf"; } >"$B/corpus/stamp"
echo "== fuzzing the export path for ${SECONDS_TO_RUN}s =="
ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
  "$B/export_fuzzer" -max_total_time="$SECONDS_TO_RUN" -rss_limit_mb=3072 -timeout=20 -max_len=65536 \
  -artifact_prefix="$B/artifacts/" "$B/corpus" 2>&1 | tail -n 5
