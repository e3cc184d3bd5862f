#!/usr/bin/env bash
# The test command: builds (failing on any compiler warning), checks the shipped runbooks
# with `handrail runbook check`, then runs every test.
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
swift test
