#!/usr/bin/env bash
# Configures and builds one flavour, a preset of CMakePresets.json.
# Usage: scripts/build.sh release|asan|tsan|debug [ninja targets...]
# Build trees: build/ (release), build-asan/, build-tsan/, build-debug/.
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-release}
shift || true
case "$flavour" in
  release) dir=build ;;
  asan|tsan|debug) dir=build-$flavour ;;
  *) echo "usage: $0 release|asan|tsan|debug [targets...]" >&2; exit 2 ;;
esac
args=()
# ccache, when installed, makes rebuilds in several checkouts (worktrees) cheap.
if command -v ccache >/dev/null; then
  args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(cd .. && pwd)}
fi
cmake --preset "$flavour" "${args[@]}" >/dev/null
ninja -C "$dir" "$@"
