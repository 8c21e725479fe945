#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite twice:
# a release build (on SQLite, then on a throwaway PostgreSQL server with the
# multi-node test, then the web UI's browser journeys, in both locales), then AddressSanitizer + UndefinedBehaviorSanitizer; then
# ThreadSanitizer over the concurrency tests; then runs every libFuzzer target
# for a share of FUZZ_TOTAL_SECONDS (default 180).
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JOBS=${JOBS:-2}

bash scripts/deps.sh

# ccache (from Debian, installed by deps.sh) makes a rebuild of unchanged
# files nearly free; paths relative to the checkout, so another clone of the
# same code hits the same cache.
LAUNCHER=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=$ROOT
  LAUNCHER=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

echo "== release build =="
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release "${LAUNCHER[@]}" >/dev/null
cmake --build build/release -j"$JOBS"
echo "== release tests =="
(cd build/release && ctest --output-on-failure -j"$JOBS")
echo "== PostgreSQL: the same tests on a real server, and several nodes =="
bash scripts/pg-test.sh build/release
echo "== web UI: build and browser journeys =="
bash scripts/web-test.sh

echo "== ASan+UBSan build =="
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DVAULT_SANITIZE=ON "${LAUNCHER[@]}" >/dev/null
cmake --build build/asan -j"$JOBS"
echo "== ASan+UBSan tests =="
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build/asan && ctest --output-on-failure -j"$JOBS")
echo "== ThreadSanitizer: the concurrency tests =="
# Only vault_concurrency_tests (the test files holding the concurrency tests,
# over vault_core and vaultd_lib) is built, at -O0 (half the cold build time
# of -O1; the tests take 10 s either way) with line tables; only the
# tests labelled "concurrency" run (docs/testing.md).
cmake -S . -B build/tsan -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O0 -DNDEBUG" \
  -DCMAKE_C_FLAGS_RELEASE="-O0 -DNDEBUG" -DVAULT_TSAN=ON "${LAUNCHER[@]}" >/dev/null
cmake --build build/tsan -j"$JOBS" --target vault_concurrency_tests
(cd build/tsan && ctest --output-on-failure -j"$JOBS" -L concurrency)
echo "== fuzzing every parser (libFuzzer, bounded) =="
FUZZ_TOTAL_SECONDS=${FUZZ_TOTAL_SECONDS:-180} bash scripts/fuzz.sh
echo "all tests passed (release, PostgreSQL, web, ASan+UBSan, TSan, fuzzing) in $ROOT"
