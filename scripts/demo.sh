#!/usr/bin/env bash
# The main job on the embedded defaults: a full delivery of the demo app (demo/: web, api, db) to the local
# Docker engine.
#   1. installs and starts what is missing: Docker engine, registry on 127.0.0.1:5000 (scripts/env-up.sh);
#   2. builds the runner and the plugin (tests skipped: `bash scripts/test-all.sh` runs them);
#   3. starts a cluster runner on 127.0.0.1:8787 (data in ~/.slipway) unless one already answers there;
#   4. runs the demo's pipeline (demo/Jenkinsfile) through the plugin's steps: slipwayBuild compose: (the three
#      services' build sections), slipwayPush build:, slipwayDeploy, printing the release's events as they come;
#   5. shows the app answering on its route, http://127.0.0.1:8080/cgi-bin/app: web calls api by name, api calls
#      db, which counts the visits in its named volume and reads its secret (demo/db_password.txt, a random value
#      written here the first time, never printed).
# Run it again to deliver a new version: a rolling update with no dropped request; db's count goes on.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNNER_PORT="${SLIPWAY_RUNNER_PORT:-8787}"
DATA_DIR="${SLIPWAY_DATA:-$HOME/.slipway}"
VERSION="${SLIPWAY_DEMO_VERSION:-v$(date +%Y%m%d-%H%M%S)}"

bash scripts/env-up.sh
MVN=(mvn -B -ntp -q ${MAVEN_ARGS:-})
echo "demo: building the runner and the plugin (tests skipped)"
"${MVN[@]}" -f jenkins-api-standin/pom.xml install -DskipTests
"${MVN[@]}" -f cluster-runner/pom.xml install -DskipTests
"${MVN[@]}" test-compile dependency:build-classpath -Dmdep.outputFile=target/demo.classpath -Dmdep.includeScope=test

if [ ! -s demo/db_password.txt ]; then
  (umask 077 && head -c 24 /dev/urandom | base64 > demo/db_password.txt)
fi

if ! curl -fsS "http://127.0.0.1:${RUNNER_PORT}/healthz" >/dev/null 2>&1; then
  mkdir -p "$DATA_DIR"
  echo "demo: starting a cluster runner on 127.0.0.1:${RUNNER_PORT} (data ${DATA_DIR}, log ${DATA_DIR}/runner.log)"
  nohup java -jar cluster-runner/target/slipway-runner.jar serve --port "$RUNNER_PORT" --data "$DATA_DIR" --token-file "$DATA_DIR.token" \
    >>"$DATA_DIR/runner.log" 2>&1 &
  deadline=$((SECONDS + 60))
  until curl -fsS "http://127.0.0.1:${RUNNER_PORT}/healthz" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then echo "demo: the runner did not start; see $DATA_DIR/runner.log" >&2; exit 1; fi
    sleep 0.2
  done
fi

java -cp "target/classes:target/test-classes:$(cat target/demo.classpath)" \
  io.jenkins.plugins.slipway.deploy.DemoDelivery \
  "http://127.0.0.1:${RUNNER_PORT}" "$DATA_DIR.token" "$VERSION" 8080

echo
echo "demo: the app runs on http://127.0.0.1:8080/cgi-bin/app (web -> api -> db); the runner on http://127.0.0.1:${RUNNER_PORT}"
echo "demo: try: java -jar cluster-runner/target/slipway-runner.jar status demo --token-file $DATA_DIR.token"
