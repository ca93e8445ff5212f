#!/usr/bin/env bash
# The real-workbench tests: code-server + headless Chromium, against the packaged .vsix.
# `npm run package` writes every platform's package and devmeet.vsix (this machine's);
# packages.test.ts checks them all, the workbench tests install devmeet.vsix.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup-e2e.sh
npm run package --silent
node --import tsx --test --test-concurrency=1 --test-timeout=600000 --test-reporter=spec test/e2e/*.test.ts
