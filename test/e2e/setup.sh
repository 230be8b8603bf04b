#!/usr/bin/env bash
# Installs a real VS Code (code-server 4.100.3 = VS Code 1.100.3) and the Chromium driver
# (playwright-core 1.65.1 + Debian chromium) into .vscode-e2e/ (gitignored), using only the
# npm registry and Debian apt. Idempotent: a no-op in about a second once installed.
#
# usage: bash test/e2e/setup.sh [install-dir]   (default: <repo>/.vscode-e2e)
set -euo pipefail
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HOST_DIR="${1:-$REPO_DIR/.vscode-e2e}"
CS_VERSION=4.100.3        # newest code-server whose postinstall accepts Node 20
PW_VERSION=1.65.1         # drives /usr/bin/chromium; downloads no browser
RG_PKG_VERSION=1.15.11    # @vscode/ripgrep version pinned by code-server 4.100.3
RG_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
APT_PACKAGES="chromium libkrb5-dev pkg-config ripgrep"

installed_version() { # prints the version of an installed npm package in HOST_DIR, or nothing
  node -e 'try { console.log(require(process.argv[1]).version) } catch {}' "$HOST_DIR/node_modules/$1/package.json"
}

missing_apt=""
for p in $APT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing_apt="$missing_apt $p"; done

if [ -z "$missing_apt" ] \
  && [ "$(installed_version code-server)" = "$CS_VERSION" ] \
  && [ "$(installed_version playwright-core)" = "$PW_VERSION" ] \
  && [ -x "$HOST_DIR/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ]; then
  echo "e2e setup: code-server $CS_VERSION and playwright-core $PW_VERSION already installed in $HOST_DIR"
  exit 0
fi

# Debian packages: the browser, Kerberos headers (code-server's `kerberos` native module), ripgrep (seeded below)
if [ -n "$missing_apt" ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing_apt
fi

# @vscode/ripgrep's postinstall downloads rg from GitHub unless $TMPDIR holds this cached tarball
mkdir -p "$HOST_DIR/tmp/vscode-ripgrep-cache-$RG_PKG_VERSION"
tar czf "$HOST_DIR/tmp/vscode-ripgrep-cache-$RG_PKG_VERSION/$RG_ASSET" -C /usr/bin rg

# A package of its own, so the extension's `npm ci` never builds code-server's native modules
cat > "$HOST_DIR/package.json" <<JSON
{
  "name": "kayron-releases-vscode-e2e-host",
  "private": true,
  "dependencies": { "code-server": "$CS_VERSION", "playwright-core": "$PW_VERSION" }
}
JSON

cd "$HOST_DIR"
# TMPDIR           -> where @vscode/ripgrep looks for the cached tarball
# unsafe_perm=true -> code-server's postinstall.sh refuses to run as root without it
# yes=true         -> node-pty's postinstall runs `npx node-gyp`; a global .npmrc may say yes=false
TMPDIR="$HOST_DIR/tmp" npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund

test -x "$HOST_DIR/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
# even --version writes config files: keep them inside HOST_DIR
XDG_CONFIG_HOME="$HOST_DIR/tmp/xdg" XDG_DATA_HOME="$HOST_DIR/tmp/xdg" "$HOST_DIR/node_modules/.bin/code-server" --version
