#!/usr/bin/env bash
# How tight a hold is (docs/pricing.md): runs bench/hold/hold_tightness.mjs against the Release
# build. Installs the npm `tiktoken` package (the reference counts) into bench/hold/.deps once.
# Usage: bench/hold/run.sh [requests per kind, default 10]
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ ! -d bench/hold/.deps/node_modules/tiktoken ]]; then
  npm install --prefix bench/hold/.deps --no-audit --no-fund --loglevel=error tiktoken@1.0.22
fi
[[ -d tests/node_modules ]] || (cd tests && npm ci --no-audit --no-fund --loglevel=error)
[[ -x build/creditgate ]] || scripts/build.sh release creditgate mock_upstream
export CREDITGATE_BIN=${CREDITGATE_BIN:-$PWD/build/creditgate}
export MOCK_UPSTREAM_BIN=${MOCK_UPSTREAM_BIN:-$PWD/build/tests/mock_upstream/mock_upstream}
HOLD_BENCH_PER_KIND=${1:-10} node bench/hold/hold_tightness.mjs
