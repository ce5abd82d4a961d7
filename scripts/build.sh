#!/usr/bin/env bash
# Configures and builds one flavour. Usage: scripts/build.sh release|asan [ninja targets...]
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-release}
shift || true
case "$flavour" in
  release) dir=build;      args=(-DCMAKE_BUILD_TYPE=Release) ;;
  asan)    dir=build-asan; args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCREDITGATE_SANITIZE=asan) ;;
  *) echo "usage: $0 release|asan [targets...]" >&2; exit 2 ;;
esac
# ccache, when installed, makes rebuilds in several checkouts (worktrees) cheap.
if command -v ccache >/dev/null; then
  args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(cd .. && pwd)}
fi
cmake -S . -B "$dir" -G Ninja -DCREDITGATE_WERROR=ON "${args[@]}" >/dev/null
ninja -C "$dir" "$@"
