#!/usr/bin/env bash
# Installs what the test suite needs beyond the Docker engine and registry (scripts/env-up.sh), idempotently:
#   - Node.js, npm and Debian's Chromium, with playwright-core from the committed lock file, for the
#     dashboard's browser test (cluster-runner/server/src/test/browser);
#   - stress-ng, with which the canary-rollback-under-load IT saturates the CPU;
#   - tmux, in which the `slipway-runner get -w` IT runs the CLI as a person would.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v node >/dev/null 2>&1 || need+=(nodejs npm)
command -v stress-ng >/dev/null 2>&1 || need+=(stress-ng)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ "${#need[@]}" -gt 0 ]; then
  echo "test-deps: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
(cd cluster-runner/server/src/test/browser && npm ci --no-audit --no-fund --loglevel=error)
