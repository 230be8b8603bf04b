#!/usr/bin/env bash
# `npm start`: builds and packages the extension, installs it into a persistent code-server profile
# (.vscode-e2e/profile) and serves a real VS Code (1.100.3) on http://127.0.0.1:$PORT (default 8080) with a fresh copy
# of this checkout's sample releases workspace open (infrastructure/ and service/: the checkout's root also holds
# .pre-commit-hooks.yaml, a root-level *.yaml that Kayron would load). Runs in the foreground; Ctrl+C stops it.
set -euo pipefail
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HOST_DIR="$REPO_DIR/.vscode-e2e"
PROFILE="$HOST_DIR/profile"
PORT="${PORT:-8080}"
VSIX="$REPO_DIR/dist/kayron-releases.vsix"
CODE_SERVER="$HOST_DIR/node_modules/.bin/code-server"

cd "$REPO_DIR"
npm run build
npx vsce package --no-dependencies -o "$VSIX" </dev/null
bash "$REPO_DIR/test/e2e/setup.sh" "$HOST_DIR"

mkdir -p "$PROFILE/user-data/User" "$PROFILE/extensions"
# first start only: later changes to the user's settings are kept
if [ ! -f "$PROFILE/user-data/User/settings.json" ]; then
  # desktop VS Code's defaults: no walkthrough, no telemetry, and no auto-save (the web default would write the
  # sample files on every keystroke pause)
  cat > "$PROFILE/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off",
  "files.autoSave": "off"
}
JSON
fi

# VS Code puts its unix sockets in $TMPDIR: a short per-run folder, removed on exit
RUN_TMP="$(mktemp -d /tmp/kayron-start-XXXXXX)"
trap 'rm -rf "$RUN_TMP"' EXIT
export TMPDIR="$RUN_TMP"
# code-server writes ~/.config/code-server and ~/.local/share/code-server unless told otherwise
export XDG_CONFIG_HOME="$PROFILE/xdg-config" XDG_DATA_HOME="$PROFILE/xdg-data"
# no extension gallery: no requests to open-vsx.org
export EXTENSIONS_GALLERY='{"serviceUrl":""}'
COMMON=(--config "$PROFILE/config.yaml" --user-data-dir "$PROFILE/user-data" --extensions-dir "$PROFILE/extensions")

"$CODE_SERVER" "${COMMON[@]}" --install-extension "$VSIX" --force

SAMPLE="$HOST_DIR/sample-releases"
rm -rf "$SAMPLE" && mkdir -p "$SAMPLE"
cp -R "$REPO_DIR/infrastructure" "$REPO_DIR/service" "$SAMPLE/"

echo
echo "Kayron Releases is running in VS Code at http://127.0.0.1:$PORT/?folder=$SAMPLE"
echo "(Ctrl+C stops it)"
echo
"$CODE_SERVER" "${COMMON[@]}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override "$SAMPLE"
