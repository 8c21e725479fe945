#!/usr/bin/env bash
# Builds the web UI (api/web) and runs its browser journeys (tests/web) with
# Debian's chromium against a real vaultd from build/release (build it
# first: scripts/test.sh does). Screenshots land in build/web-screenshots/.
# Bounded by WEB_TEST_TIMEOUT seconds (default 900).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1   # never download a browser
export CHROMIUM=${CHROMIUM:-$(command -v chromium || echo /usr/bin/chromium)}
for bin in vaultd vaultctl vault_demo_docs; do
  [[ -x build/release/$bin ]] || { echo "web-test: build/release/$bin missing (build first)" >&2; exit 1; }
done
bash scripts/web-build.sh
echo "== web journeys (playwright, $("$CHROMIUM" --version 2>/dev/null || echo chromium)) =="
cd "$ROOT/tests/web"
[[ -d node_modules && package-lock.json -ot node_modules ]] || npm ci --no-audit --no-fund --loglevel=error
npm run typecheck --silent
timeout "${WEB_TEST_TIMEOUT:-900}" npx playwright test "$@"
