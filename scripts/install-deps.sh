#!/usr/bin/env bash
# Installs the Debian 12 packages creditgate needs to build, run and test. Idempotent: installs
# only what is missing. Usage: scripts/install-deps.sh [--test]  (--test adds what tests need)
set -euo pipefail

packages=(build-essential cmake ninja-build pkg-config
          libboost1.81-dev libboost-url1.81-dev libssl-dev nlohmann-json3-dev libspdlog-dev
          libsqlite3-dev libpcre2-dev curl ca-certificates)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(libgtest-dev googletest openssl faketime)  # faketime: keys_rollover.test.js
  packages+=(chromium)  # headless browser for browser_*.test.js, driven by npm playwright-core
  # Node.js may come from elsewhere (with its own npm): only install Debian's when absent, since
  # Debian's npm conflicts with other Node.js builds.
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
