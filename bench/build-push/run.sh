#!/usr/bin/env bash
# Times build + push of the same small image through Slipway's step code and through the docker CLI,
# alternating, on the same engine and registry (scripts/env-up.sh), N runs each, and prints medians.
# Usage: bash bench/build-push/run.sh [N]   (default 7)
# Needs: the stand-in and the runner client installed (see README), Docker engine + registry 127.0.0.1:5000.
# Stops by itself: each build and push has a 5-minute deadline, and the images it made are removed at the end.
# MAVEN_ARGS (e.g. -Dmaven.repo.local=...) reaches both mvn calls.
set -euo pipefail
N="${1:-7}"
cd "$(dirname "$0")/../.."
mvn -q -B -ntp ${MAVEN_ARGS:-} test-compile
mvn -q -B -ntp ${MAVEN_ARGS:-} dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
  io.jenkins.plugins.slipway.bench.BuildPushBench "$N"
