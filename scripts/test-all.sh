#!/usr/bin/env bash
# Runs every test of Slipway, in dependency order, against the real Docker engine and registry:
#   1. the stand-in of the Jenkins API the plugin compiles against here (installed, never packaged);
#   2. the cluster runner: client, router, strategies, server (unit tests and real-engine ITs);
#   3. the plugin: unit tests and real-engine ITs, then target/slipway.hpi and its structure check.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/env-up.sh
MVN=(mvn -B -ntp ${MAVEN_ARGS:-})
"${MVN[@]}" -f jenkins-api-standin/pom.xml install
"${MVN[@]}" -f cluster-runner/pom.xml install
"${MVN[@]}" verify
