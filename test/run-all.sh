#!/usr/bin/env bash
# `npm test`: everything, from a fresh clone. Order: cheap to expensive, so a broken build fails fast.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s\n' "$*"; }
step build
npm run -s build
step typecheck
npx tsc -p . --noEmit
step lint
npx eslint .
step "formatting (Prettier, 120 columns)"
npm run -s format:check
step "Neovim for the third-party client test"
bash test/neovim/setup.sh
step "unit + LSP tests"
# Node 20's test runner does not expand globs itself: let bash do it.
shopt -s globstar nullglob
bash test/node-tests.sh test/unit/**/*.test.ts test/lsp/**/*.test.ts
step "end-to-end tests in a real VS Code"
bash test/e2e/run-all-e2e.sh
