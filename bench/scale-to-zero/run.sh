#!/usr/bin/env bash
# Cold start of a service scaled to zero, beside the same image started by hand, in one run, interleaved.
#   slipway: app "zero-bench" (x-slipway.autoscale {min: 0, idleAfter: 2s}) idles to no container; then one
#            request: its time to first byte (curl's time_starttransfer) is the cold start a user sees, the
#            request held by the router while the runner starts a replica.
#   docker:  `docker run -d` of the same image, then curl retried until the first answer: the time from the
#            docker command to that first byte (what a start by hand costs, with no router in between).
# Usage: bash bench/scale-to-zero/run.sh [ROUNDS]   (default 10)
# Needs: Docker engine (scripts/env-up.sh), Java 17+, Maven, curl; only 127.0.0.1 ports 21100-21199 are used.
# Stops by itself: every wait has a deadline; the app is deleted through the API and the hand-started container
# removed before the runner is stopped.
set -euo pipefail
ROUNDS="${1:-10}"
cd "$(dirname "$0")/../.."
ROOT="$PWD"
. bench/lib.sh
JAR="${JAR:-$ROOT/cluster-runner/target/slipway-runner.jar}"
[ -f "$JAR" ] || mvn -q -B -ntp ${MAVEN_ARGS:-} -f cluster-runner/pom.xml package -DskipTests
WORK="$(mktemp -d /tmp/slipway-bench-zero-XXXXXX)"
API_PORT=21150
ROUTE_PORT=21151
BY_HAND_PORT=21152
APP=zero-bench
BY_HAND=zero-bench-by-hand

dir="$WORK/img"
mkdir -p "$dir/www"
cp /usr/bin/busybox "$dir/busybox"
echo "cold" > "$dir/www/index.html"
printf 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY www /www\nLABEL io.slipway.test=zero\nENTRYPOINT ["/bin/busybox"]\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n' > "$dir/Dockerfile"
docker build -q -t zero-bench:v1 "$dir" >/dev/null

java -jar "$JAR" serve --port "$API_PORT" --data "$WORK/data" --token-file "$WORK/token" > "$WORK/runner.log" 2>&1 &
RUNNER=$!
cleanup() {
  set +e
  docker rm -f "$BY_HAND" >/dev/null 2>&1
  [ -f "$WORK/token" ] && delete_apps "http://127.0.0.1:$API_PORT" "$(cat "$WORK/token")" "$APP"
  stop_process "$RUNNER"
}
trap cleanup EXIT
runner_up() { kill -0 "$RUNNER" && curl -sf "http://127.0.0.1:$API_PORT/healthz"; }
wait_until 60 "runner answering /healthz (see $WORK/runner.log)" runner_up
TOKEN="$(cat "$WORK/token")"

python3 -c 'import json,sys; print(json.dumps({"compose": sys.stdin.read()}))' > "$WORK/deploy.json" <<YAML
services:
  web:
    image: zero-bench:v1
    stop_grace_period: 1s
    deploy:
      replicas: 1
    x-slipway:
      route: {port: $ROUTE_PORT, targetPort: 8080}
      autoscale: {min: 0, max: 1, requestsPerSecond: 100, idleAfter: 2s}
YAML
curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
  --data-binary @"$WORK/deploy.json" "http://127.0.0.1:$API_PORT/api/v1/apps/$APP"
answers() { curl -sf --max-time 5 "http://127.0.0.1:$ROUTE_PORT/" | grep -q cold; }
wait_until 120 "app $APP answering on its route" answers
no_container() { [ -z "$(docker ps -q --filter "label=io.slipway.app=$APP")" ]; }

echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(docker version -f '{{.Server.Version}}')"
echo "round slipway_cold_first_byte_ms docker_run_first_byte_ms"
for round in $(seq 1 "$ROUNDS"); do
  wait_until 60 "app $APP idle at zero containers" no_container
  cold=$(curl -s -o /dev/null --max-time 30 -w '%{http_code} %{time_starttransfer}' "http://127.0.0.1:$ROUTE_PORT/")
  [ "${cold%% *}" = 200 ] || { echo "bench: round $round: the held request was answered ${cold%% *}" >&2; exit 1; }
  cold_ms=$(python3 -c "print(round(${cold#* } * 1000))")

  docker rm -f "$BY_HAND" >/dev/null 2>&1 || true
  t0=$(date +%s%N)
  docker run -d --name "$BY_HAND" -p "127.0.0.1:$BY_HAND_PORT:8080" zero-bench:v1 >/dev/null
  until curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$BY_HAND_PORT/"; do
    [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 30000 ] || { echo "bench: docker run: no answer in 30 s" >&2; exit 1; }
  done
  by_hand_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  docker rm -f "$BY_HAND" >/dev/null
  echo "$round $cold_ms $by_hand_ms"
done | tee "$WORK/rounds.txt"
python3 - "$WORK/rounds.txt" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l[0].isdigit()]
for i, name in ((1, "slipway cold start (held request, first byte)"), (2, "docker run + first answer")):
    v = sorted(int(r[i]) for r in rows)
    print(f"{name}: median {statistics.median(v):.0f} ms, max {v[-1]} ms over {len(v)} rounds")
PY
