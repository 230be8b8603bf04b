#!/usr/bin/env bash
# Runs unit/LSP test files with node's test runner under the suite's time limits: `--test-timeout` (in Node 20 it bounds
# each test and each file) from test/wait-budget.js, and test/helpers/file-guard.mjs in every file's process, which fails
# a file that hangs or stays open after its tests and names the handles that hold it. Usage: test/node-tests.sh FILE...
set -euo pipefail
cd "$(dirname "$0")/.."
limit="$(node -p "require('./test/wait-budget.js').TEST_FILE_LIMIT_MS")"
exec node --import tsx --import ./test/helpers/file-guard.mjs --test --test-timeout="$limit" --test-reporter=spec --test-reporter-destination=stdout "$@"
