#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: unit (ctest), integration and OpenAI SDK
# client tests (node --test), once in a Release build and once in an ASan+UBSan build; then the
# unit tests alone under TSan (the integration suites would double CI time for little: the
# threads they exercise are the same the unit tests drive).
# Usage: scripts/test.sh [release|asan|tsan]   (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
if (($#)); then flavours=("$@"); else flavours=(release asan tsan); fi

scripts/install-deps.sh --test
(cd tests && npm ci --no-audit --no-fund --loglevel=error)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

for flavour in "${flavours[@]}"; do
  dir=build
  [[ "$flavour" != release ]] && dir=build-$flavour
  if [[ "$flavour" == tsan ]]; then
    echo "=== tsan: build and run the unit tests"
    scripts/build.sh tsan creditgate_unit_tests
    ctest --test-dir "$dir" --output-on-failure -j2 -L unit
    continue
  fi
  echo "=== $flavour: build"
  scripts/build.sh "$flavour"
  echo "=== $flavour: unit tests"
  ctest --test-dir "$dir" --output-on-failure -j2
  echo "=== $flavour: integration and client tests"
  (cd tests && CREDITGATE_BIN="../$dir/creditgate" \
     MOCK_UPSTREAM_BIN="../$dir/tests/mock_upstream/mock_upstream" \
     node --test --test-concurrency=1 integration/ client/)
done
echo "all tests passed (${flavours[*]})"
