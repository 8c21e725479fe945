#!/usr/bin/env bash
# Installs the Debian 12 packages the build, the tests and the demo need
# (nodejs/npm build the web UI; chromium runs its browser tests).
# Idempotent and quiet: does nothing when everything is installed.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  libpoco-dev libsqlite3-dev libsodium-dev libssl-dev libboost-filesystem-dev
  libhpdf-dev libqpdf-dev libtiff-dev libjpeg-dev libpng-dev qpdf fonts-wqy-zenhei poppler-utils
  libgtest-dev libgmock-dev clang libclang-rt-14-dev
  sqlite3 coreutils openssl minisign unzip ccache
  libpq-dev postgresql haproxy curl jq
  dpkg-dev systemd
  chromium
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node 18+ and npm for the web UI: Debian's own unless a newer Node (with
# its npm) is already installed.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
if ((${#missing[@]} == 0)); then
  exit 0
fi
SUDO=""
if [[ $(id -u) != 0 ]]; then SUDO="sudo"; fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
