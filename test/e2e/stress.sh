#!/usr/bin/env bash
# `npm run test:stress`: every end-to-end suite (the list in suites.sh, as `npm test` runs them) three rounds
# in a row while a busy-loop process per CPU core keeps the machine saturated. A wait that only holds on a quiet machine fails here.
# The hogs are killed at the end, on failure and on Ctrl+C; each also exits by itself once this script is gone.
# KAYRON_TEST_TIMEOUT_SCALE (test/wait-budget.js) defaults to 2 here: the machine is slow on purpose, not broken.
# Prints each round's time and exit codes; exits non-zero if any suite failed in any round.
# usage: bash test/e2e/stress.sh [rounds, default 3]
set -uo pipefail
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO_DIR"
ROUNDS="${1:-3}"
export KAYRON_TEST_TIMEOUT_SCALE="${KAYRON_TEST_TIMEOUT_SCALE:-2}"

set -e
bash test/e2e/setup.sh
npm run build
npx vsce package --no-dependencies -o dist/kayron-releases.vsix </dev/null
set +e
source test/e2e/suites.sh

hogs=()
stop_hogs() {
  for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${hogs[@]}"; do wait "$pid" 2>/dev/null; done
  hogs=()
}
trap stop_hogs EXIT
trap 'exit 130' INT TERM
cores="$(nproc)"
for ((core = 0; core < cores; core++)); do
  # Spins; every ~50 ms checks that this script still runs, so a hog never outlives it (even after a SIGKILL).
  node -e 'const parent = Number(process.argv[1]); for (;;) { const until = Date.now() + 50; while (Date.now() < until); try { process.kill(parent, 0); } catch { process.exit(0); } }' "$$" &
  hogs+=("$!")
done
echo "stress: ${#hogs[@]} busy-loop processes (one per core), KAYRON_TEST_TIMEOUT_SCALE=$KAYRON_TEST_TIMEOUT_SCALE, $ROUNDS rounds"

failed=0
summary=()
for ((round = 1; round <= ROUNDS; round++)); do
  start=$SECONDS
  run_e2e_suites
  status=$?
  line="round $round: $((SECONDS - start)) s, $E2E_SUMMARY"
  echo "stress: $line"
  summary+=("$line")
  [ "$status" -eq 0 ] || failed=1
done
stop_hogs
printf 'stress: %s\n' "${summary[@]}"
if [ "$failed" -eq 0 ]; then echo "stress: all $ROUNDS rounds passed"; else echo "stress: FAILED"; fi
exit "$failed"
