#!/usr/bin/env bash
# Every end-to-end check in a real VS Code: install (idempotent), build, package, then the integration suite in the
# extension host and the UI tests in the browser. Every suite runs even if an earlier one fails; exits non-zero on any failure.
set -uo pipefail
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO_DIR"

set -e
bash test/e2e/setup.sh
npm run build
npx vsce package --no-dependencies -o dist/kayron-releases.vsix </dev/null
set +e

source test/e2e/suites.sh
run_e2e_suites
status=$?
echo "e2e: $E2E_SUMMARY"
exit "$status"
