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

node test/e2e/run-extension-tests.js
integration=$?
node test/e2e/run-extension-tests.js --demo
demo=$?
node test/e2e/ui.js
ui=$?
node test/e2e/ui-environments.js
environments=$?
node test/e2e/ui-unrelated.js
unrelated=$?
node test/e2e/ui-trust.js
trust=$?

echo "e2e: integration suite exit $integration, demo walk exit $demo, UI test exit $ui, environments UI test exit $environments, unrelated-folder UI test exit $unrelated, Restricted Mode UI test exit $trust"
[ "$integration" -eq 0 ] && [ "$demo" -eq 0 ] && [ "$ui" -eq 0 ] && [ "$environments" -eq 0 ] && [ "$unrelated" -eq 0 ] && [ "$trust" -eq 0 ]
