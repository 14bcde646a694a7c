#!/usr/bin/env bash
# Time from promote (POST /api/v1/releases/{id}/promote) to the new canary weight being served, seen by a
# header-free client polling the route (PromoteLatency.java says how "served" is detected). One runner
# process (the real jar), one app "gray-bench" with 2 replicas per revision, N promotes alternating 10% <-> 50%.
# Usage: bash bench/gray/run.sh [N]   (default 20)
# Needs: Docker engine (scripts/env-up.sh), Java 17+, Maven; only 127.0.0.1 ports 21000-21999 are used.
# Stops by itself: every wait has a deadline, and at the end (or on failure) the app is deleted through the API
# and waited for before the runner is stopped.
set -euo pipefail
N="${1:-20}"
cd "$(dirname "$0")/../.."
ROOT="$PWD"
. bench/lib.sh
# JAR=/path/to/other/slipway-runner.jar measures another build (a baseline) with the same driver.
JAR="${JAR:-$ROOT/cluster-runner/target/slipway-runner.jar}"
[ -f "$JAR" ] || mvn -q -B -ntp ${MAVEN_ARGS:-} -f cluster-runner/pom.xml package -DskipTests
WORK="$(mktemp -d /tmp/slipway-bench-gray-XXXXXX)"
API_PORT=21050
ROUTE_PORT=21051
APP=gray-bench

image() { # version
  local dir="$WORK/img-$1"
  mkdir -p "$dir/www"
  cp /usr/bin/busybox "$dir/busybox"
  echo "version $1" > "$dir/www/index.html"
  printf 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY www /www\nLABEL io.slipway.test=gray\nENTRYPOINT ["/bin/busybox"]\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n' > "$dir/Dockerfile"
  docker build -q -t "gray-bench:$1" "$dir" >/dev/null
}
image v1
image v2

java -jar "$JAR" serve --port "$API_PORT" --data "$WORK/data" --token-file "$WORK/token" > "$WORK/runner.log" 2>&1 &
RUNNER=$!
cleanup() {
  set +e
  [ -f "$WORK/token" ] && delete_apps "http://127.0.0.1:$API_PORT" "$(cat "$WORK/token")" "$APP"
  stop_process "$RUNNER"
}
trap cleanup EXIT
runner_up() { kill -0 "$RUNNER" && curl -sf "http://127.0.0.1:$API_PORT/healthz"; }
wait_until 60 "runner answering /healthz (see $WORK/runner.log)" runner_up
TOKEN="$(cat "$WORK/token")"

STEPS=""
for _ in $(seq 1 $(( (N + 2) / 2 + 1 ))); do
  STEPS="$STEPS          - setWeight: 10
          - pause: {}
          - setWeight: 50
          - pause: {}
"
done
compose() { # image
  cat <<YAML
services:
  web:
    image: $1
    stop_grace_period: 1s
    deploy:
      replicas: 2
    x-slipway:
      route: {port: $ROUTE_PORT, targetPort: 8080}
      release:
        strategy: canary
        steps:
$STEPS
YAML
}
deploy() { # image -> release id
  python3 -c 'import json,sys; print(json.dumps({"compose": sys.stdin.read()}))' <<<"$(compose "$1")" |
    curl -sf -X PUT -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" --data-binary @- \
      "http://127.0.0.1:$API_PORT/api/v1/apps/$APP" | python3 -c 'import json,sys; print(json.load(sys.stdin)["release"])'
}
phase() { curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$API_PORT/api/v1/releases/$1" |
  python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["phase"], s["step"])'; }

phase_is() { # release phase [step]
  local now; now="$(phase "$1")"
  [ "${now%% *}" = "$2" ] && { [ -z "${3:-}" ] || [ "${now#* }" = "$3" ]; }
}

R1="$(deploy gray-bench:v1)"
wait_until 120 "release $R1 (v1) succeeded" phase_is "$R1" Succeeded
R2="$(deploy gray-bench:v2)"
wait_until 120 "release $R2 (v2) paused at step 2" phase_is "$R2" Paused 2

echo "# $(date -u +%FT%TZ) $(nproc) cores, $(java -version 2>&1 | head -1)"
java "${DRIVER:-$ROOT/bench/gray/PromoteLatency.java}" "http://127.0.0.1:$API_PORT" "$TOKEN" "$R2" "$ROUTE_PORT" "$N"
# The runner's own share of each promote: from the API call's arrival to the pass's routes applied in the router
# (ReleaseController logs it per command); the rest of the time above is the HTTP call and the detection window.
grep -a "promote in force in the router" "$WORK/runner.log" | python3 -c 'import re, sys, statistics
parts = {"total": [], "waited for the release loop": [], "decided in": [], "routed in": [], "then saved in": []}
for line in sys.stdin:
    m = re.search(r"in force in the router ([0-9.]+) ms after it was asked \(waited ([0-9.]+) ms for the release loop,"
                  r" decided in ([0-9.]+) ms, routed in ([0-9.]+) ms; then saved in ([0-9.]+) ms\)", line)
    if m:
        for key, value in zip(parts, m.groups()):
            parts[key].append(float(value))
def p95(v):
    return v[min(len(v) - 1, int(round(0.95 * len(v) + 0.5)) - 1)]
v = sorted(parts["total"])
if v:
    print("runner: promote asked -> in force in the router, %d promotes: median %.1f ms, p95 %.1f ms, max %.1f ms"
          % (len(v), statistics.median(v), p95(v), v[-1]))
    for key, values in list(parts.items())[1:]:
        values.sort()
        print("  of which %s: median %.1f ms, p95 %.1f ms" % (key, statistics.median(values), p95(values)))'
