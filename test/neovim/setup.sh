#!/usr/bin/env bash
# Installs Debian's Neovim for test/lsp/neovim.test.ts (the language server in a real third-party client).
# Idempotent: a no-op once `nvim` is on PATH.
set -euo pipefail
if command -v nvim >/dev/null 2>&1; then
  echo "neovim setup: $(nvim --version | head -n 1) already installed"
  exit 0
fi
if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends neovim
nvim --version | head -n 1
