#!/usr/bin/env bash
# The test command: builds with warnings treated as errors, runs every test, and checks
# that the shipped runbooks pass `handrail runbook check`.
set -euo pipefail
cd "$(dirname "$0")"
swift build -Xswiftc -warnings-as-errors
.build/debug/handrail runbook check Runbooks/*.json5
swift test --parallel
