#!/usr/bin/env bash
# Installs what the real-workbench tests and `npm start` need, once: Debian's chromium and the
# build dependencies of code-server's native modules, then Node 24 and code-server from npm into
# .cache/e2e (code-server needs Node 24; the project itself runs on its pinned Node 22).
set -euo pipefail
cd "$(dirname "$0")/.."
CODE_SERVER_VERSION=4.139.1
NODE24_VERSION=24

missing=()
for pkg in chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-e2e: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

mkdir -p .cache/e2e/cs
if [ ! -x .cache/e2e/node_modules/.bin/node ]; then
  echo "setup-e2e: installing Node $NODE24_VERSION for code-server"
  (cd .cache/e2e && { [ -f package.json ] || echo '{"name":"devmeet-e2e-tools","private":true}' > package.json; } && npm install --no-audit --no-fund --silent "node@$NODE24_VERSION")
fi
if [ ! -x .cache/e2e/cs/node_modules/.bin/code-server ] || ! grep -q "\"version\": \"$CODE_SERVER_VERSION\"" .cache/e2e/cs/node_modules/code-server/package.json 2>/dev/null; then
  echo "setup-e2e: installing code-server $CODE_SERVER_VERSION (builds native modules; a few minutes)"
  # Run npm itself on Node 24 and drop the npm_* settings of an enclosing `npm test`: npm runs
  # install scripts with the Node that runs npm, and code-server's postinstall checks for 24.
  node24="$PWD/.cache/e2e/node_modules/node/bin/node"
  npm_cli="$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js"
  [ -f "$npm_cli" ] || npm_cli="$(npm root -g)/npm/bin/npm-cli.js"
  unset_npm=$(env | grep -o '^npm_[^=]*' | sed 's/^/-u /' | tr '\n' ' ')
  (cd .cache/e2e/cs && { [ -f package.json ] || echo '{"name":"devmeet-code-server","private":true}' > package.json; } &&
    env $unset_npm -u NODE PATH="$(dirname "$node24"):$PATH" "$node24" "$npm_cli" install --no-audit --no-fund --foreground-scripts "code-server@$CODE_SERVER_VERSION" > ../code-server-install.log 2>&1) ||
    { echo "setup-e2e: code-server install failed; see .cache/e2e/code-server-install.log"; tail -30 .cache/e2e/code-server-install.log; exit 1; }
fi
echo "setup-e2e: code-server $(PATH="$PWD/.cache/e2e/node_modules/.bin:$PATH" .cache/e2e/cs/node_modules/.bin/code-server --version 2>/dev/null | head -1)"
