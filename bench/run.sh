#!/usr/bin/env bash
# Runs every benchmark script in bench/ (all *.sh except this one, e.g.
# borrow.sh) in turn. Each script prints its table and rewrites its own
# section of docs/benchmarks.md. Environment variables (VAULTCTL, BUILD,
# BENCH_SIZE_MIB, BENCH_RSS_MIB, BENCH_RUNS, BENCH_EXPORT_*, BENCH_BORROW_*, BENCH_SCALE_*
# (BENCH_SCALE=0 skips scale.sh: it seeds 1,000,000 documents, about 3 minutes),
# BENCH_DIR, BENCH_DOC) are passed through. The scripts build nothing: build
# vaultctl, vaultd and the bench_* targets first.
# Benchmarks are never run as timed unit tests; run this by hand on a quiet
# machine, against a real disk.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/.." && pwd)
DOC=${BENCH_DOC:-$REPO_DIR/docs/benchmarks.md}

status=0
failed=()
for script in "$SCRIPT_DIR"/*.sh; do
    [[ $(basename "$script") == run.sh ]] && continue
    echo "=== $(basename "$script") ==="
    if bash "$script"; then
        echo "=== $(basename "$script"): done ==="
    else
        rc=$?
        echo "=== $(basename "$script"): FAILED (exit $rc) ===" >&2
        failed+=("$(basename "$script")")
        status=1
    fi
    echo
done

echo "Results written to $DOC"
if (( status )); then
    echo "Failed: ${failed[*]}" >&2
fi
exit "$status"
