#!/usr/bin/env bash
# Runs every test of Slipway, in dependency order, against the real Docker engine and registry:
#   1. the stand-in of the Jenkins API the plugin compiles against here (installed, never packaged);
#   2. the cluster runner: client, router, strategies, server (unit tests and real-engine ITs);
#   3. the plugin: unit tests and real-engine ITs, then target/slipway.hpi and its structure check;
#   4. no secret a test used in any log or report the suite wrote (scripts/check-no-secrets.sh); Maven's own
#      output is kept under target/test-all-logs/ for that check.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/env-up.sh
bash scripts/test-deps.sh
MVN=(mvn -B -ntp ${MAVEN_ARGS:-})
LOGS=target/test-all-logs
mkdir -p "$LOGS"
find . -path '*/target/test-secrets.txt' -delete
bash scripts/check-no-secrets-selftest.sh
"${MVN[@]}" -f jenkins-api-standin/pom.xml install 2>&1 | tee "$LOGS/standin.log"
"${MVN[@]}" -f cluster-runner/pom.xml install 2>&1 | tee "$LOGS/cluster-runner.log"
"${MVN[@]}" verify 2>&1 | tee "$LOGS/plugin.log"
bash scripts/check-no-secrets.sh --require
