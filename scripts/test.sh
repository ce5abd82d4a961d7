#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: unit (ctest), integration and OpenAI SDK
# client tests (node --test), once in a Release build and once in an ASan+UBSan build; then the
# unit tests alone under TSan (the integration suites would double CI time for little: the
# threads they exercise are the same the unit tests drive). The sanitizer builds skip bench/ (the
# Release build compiles it), and the ASan build skips the suites in release_only below: they
# spend their time waiting on clocks or a browser, not in code ASan has not already seen.
# Usage: scripts/test.sh [release|asan|tsan]   (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
if (($#)); then flavours=("$@"); else flavours=(release asan tsan); fi

scripts/install-deps.sh --test
(cd tests && npm ci --no-audit --no-fund --loglevel=error)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

# Suites that run in the Release flavour only (file names under tests/integration/).
release_only=(keys_rollover.test.js request_deadline.test.js)
release_only+=($(cd tests/integration && ls browser_*.test.js 2>/dev/null || true))

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
  suites=(integration/ client/)
  if [[ "$flavour" != release ]]; then
    suites=($(cd tests && for f in integration/*.test.js; do
      [[ " ${release_only[*]} " == *" ${f#integration/} "* ]] || echo "$f"; done) client/)
  fi
  (cd tests && CREDITGATE_BIN="../$dir/creditgate" \
     MOCK_UPSTREAM_BIN="../$dir/tests/mock_upstream/mock_upstream" \
     node --test --test-concurrency=1 "${suites[@]}")
done
echo "all tests passed (${flavours[*]})"
