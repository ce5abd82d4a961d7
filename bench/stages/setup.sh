# Stage: the tools from Debian and the Release binaries. Sourced by bench/run.sh.

install_tools() {
  local need=(wrk:wrk nginx:nginx curl:curl python3:python3 taskset:util-linux) missing=() pair sudo=""
  skipped perf || need+=(perf:linux-perf)
  for pair in "${need[@]}"; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  ((${#missing[@]})) || return 0
  log "installing: ${missing[*]}"
  [[ $(id -u) -eq 0 ]] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# build_binaries: Release build in $BUILD_DIR, only of what is missing (--build: always run
# ninja). Sets the binaries' paths and BUILD_TYPE.
build_binaries() {
  CG=$BUILD_DIR/creditgate
  MOCK=$BUILD_DIR/tests/mock_upstream/mock_upstream
  REPLAY=$BUILD_DIR/bench/replay_upstream
  LEDGER_BENCH=$BUILD_DIR/bench/ledger_bench
  STREAM_PROBE=$BUILD_DIR/bench/stream_probe
  local targets=(creditgate mock_upstream) binaries=("$CG" "$MOCK") t cmake_args=()
  [[ $UPSTREAM == mock ]] || { targets+=(replay_upstream); binaries+=("$REPLAY"); }
  skipped ledger-alone || { targets+=(ledger_bench); binaries+=("$LEDGER_BENCH"); }
  if ! skipped ttfb || ! skipped streams; then targets+=(stream_probe); binaries+=("$STREAM_PROBE"); fi
  local stale=$FORCE_BUILD
  for t in "${binaries[@]}"; do [[ -x $t ]] || stale=1; done
  if [[ $stale == 1 ]]; then
    log "building Release in $BUILD_DIR: ${targets[*]}"
    command -v cmake >/dev/null && command -v ninja >/dev/null || "$ROOT/scripts/install-deps.sh" --test
    # ccache, when installed, makes builds in several checkouts cheap (as scripts/build.sh).
    if command -v ccache >/dev/null; then
      cmake_args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
      export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(cd "$ROOT/.." && pwd)}
    fi
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCREDITGATE_TESTS=ON \
      -DCREDITGATE_BENCH=ON "${cmake_args[@]}" >/dev/null
    ninja -C "$BUILD_DIR" "${targets[@]}"
  fi
  BUILD_TYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)
  [[ $BUILD_TYPE == Release ]] || log "warning: $BUILD_DIR is a '$BUILD_TYPE' build, not Release"
}
