#!/usr/bin/env bash
# Builds the web UI into api/web/dist (served by vaultd, vaultd.web_root).
# Needs Node 18+ and npm (Debian 12's nodejs/npm will do; scripts/deps.sh).
set -euo pipefail
cd "$(dirname "$0")/../api/web"
echo "== web UI build (node $(node --version)) =="
[[ -d node_modules && package-lock.json -ot node_modules ]] || npm ci --no-audit --no-fund --loglevel=error
npm run build --silent
