#!/usr/bin/env bash
# `npm start`: builds and packages DevMeet, then opens two VS Code workbenches (code-server) on
# localhost, peer A "Alice" and peer B "Bob", each with its own profile and identity.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-e2e.sh
npm run package --silent >/dev/null
echo "start: packaged devmeet.vsix ($(du -h devmeet.vsix | cut -f1))"

export PATH="$PWD/.cache/e2e/node_modules/.bin:$PATH"
CODE_SERVER="$PWD/.cache/e2e/cs/node_modules/.bin/code-server"
BASE="$PWD/.cache/start"
free_port () { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

pids=()
cleanup () { for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

urls=()
for peer in Alice Bob; do
  dir="$BASE/$peer"
  mkdir -p "$dir/user-data/User" "$dir/extensions" "$dir/workspace"
  if [ ! -f "$dir/user-data/User/settings.json" ]; then
    printf '{\n  "devmeet.displayName": "%s",\n  "workbench.startupEditor": "none",\n  "remote.autoForwardPorts": false,\n  "security.workspace.trust.enabled": false\n}\n' "$peer" > "$dir/user-data/User/settings.json"
  fi
  "$CODE_SERVER" --user-data-dir "$dir/user-data" --extensions-dir "$dir/extensions" --install-extension "$PWD/devmeet.vsix" --force >/dev/null
  port=$(free_port)
  XDG_CONFIG_HOME="$dir/config" setsid "$CODE_SERVER" --user-data-dir "$dir/user-data" --extensions-dir "$dir/extensions" \
    --auth none --bind-addr "127.0.0.1:$port" --disable-telemetry --disable-update-check "$dir/workspace" > "$dir/code-server.log" 2>&1 &
  pids+=($!)
  urls+=("http://127.0.0.1:$port/")
done

echo
echo "DevMeet peer A (Alice): ${urls[0]}"
echo "DevMeet peer B (Bob):   ${urls[1]}"
echo
echo "Open both in a browser; they find each other on this machine within seconds."
echo "Workbench data lives in .cache/start (delete it to start over). Ctrl+C stops both."
wait
