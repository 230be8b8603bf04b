# The end-to-end suites, in one list: sourced by run-all-e2e.sh (once) and stress.sh (every round).
# run_e2e_suites runs every suite even if an earlier one fails, sets E2E_SUMMARY to one line of exit codes and returns
# non-zero if any suite failed. Expects the extension built and packaged (dist/kayron-releases.vsix).
E2E_SUITES=(
  "integration suite|node test/e2e/run-extension-tests.js"
  "demo walk|node test/e2e/run-extension-tests.js --demo"
  "UI test|node test/e2e/ui.js"
  "environments UI test|node test/e2e/ui-environments.js"
  "unrelated-folder UI test|node test/e2e/ui-unrelated.js"
  "Restricted Mode UI test|node test/e2e/ui-trust.js"
)

run_e2e_suites() {
  local failed=0 parts=() suite name command code
  for suite in "${E2E_SUITES[@]}"; do
    name="${suite%%|*}"
    command="${suite#*|}"
    $command
    code=$?
    parts+=("$name exit $code")
    [ "$code" -eq 0 ] || failed=1
  done
  E2E_SUMMARY="$(IFS=,; echo "${parts[*]}" | sed 's/,/, /g')"
  return "$failed"
}
