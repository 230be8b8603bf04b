#!/usr/bin/env bash
# Every end-to-end check in a real VS Code: install (idempotent), build, package, then the integration suite in the
# extension host and the UI test in the browser. Both suites run even if the first fails; exits non-zero on any failure.
set -uo pipefail
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO_DIR"

set -e
bash test/e2e/setup.sh
npm run build
npx vsce package --no-dependencies -o dist/kayron-releases.vsix </dev/null
set +e

node test/e2e/run-extension-tests.js
integration=$?
node test/e2e/ui.js
ui=$?

echo "e2e: integration suite exit $integration, UI test exit $ui"
[ "$integration" -eq 0 ] && [ "$ui" -eq 0 ]
