#!/usr/bin/env bash
# The test command: builds (failing on any compiler warning), checks the shipped runbooks with
# `handrail runbook check`, then runs every test, and fails if any test was skipped. Tests do not
# skip for want of tmux, faketime or the like (they fail, saying what to install); a skip that
# slips in anyway fails the run here. The last line printed is swift test's own summary.
set -euo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
swift build --build-tests 2>&1 | tee "$log"
if grep -E "^/.*: warning: " "$log" | grep -v "/\.build/" >/dev/null; then
  echo "test.sh: the build has compiler warnings; fix them." >&2
  exit 1
fi
.build/debug/handrail runbook check Runbooks/*.json5
.build/debug/handrail train check Runbooks/training/*.json5

set +e
swift test 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# XCTest (swift 6.3, Linux) reports a skipped test as
#   Test Case 'Suite.testName' skipped (0.0 seconds)
# and counts skips in each summary: "Executed 2 tests, with 1 test skipped and 0 failures …".
# swift-testing reports one as "<symbol> Test name() skipped".
skipped=$(grep -E "^Test Case '[^']*' skipped|^[^[:alnum:][:space:]]+ Test [^ ]+ skipped" "$log" || true)
if [ -z "$skipped" ] && grep -qE "Executed [0-9]+ tests?, with [1-9][0-9]* tests? skipped" "$log"; then
  skipped=$(grep -E "Executed [0-9]+ tests?, with [1-9][0-9]* tests? skipped" "$log" | tail -n 1)
fi
if [ -n "$skipped" ]; then
  {
    echo "test.sh: tests were skipped; a test whose requirement is missing must fail instead:"
    echo "$skipped"
  } >&2
  # swift test's own summary, last, as it printed it.
  grep -E "Executed [0-9]+ tests?, with" "$log" | tail -n 1
  exit 1
fi
exit "$status"
