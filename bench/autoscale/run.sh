#!/usr/bin/env bash
# Autoscaling benchmark (bounded: about two minutes): time from a load step to the new replicas serving.
# A runner on the Docker engine serves one autoscaled service (busybox httpd FROM scratch; min 1, max 5,
# requestsPerSecond 50, inFlight 8, scale-down window 5 s; the in-flight target sees the demand when the replicas
# are saturated, as they are on a machine under stress, where one busybox replica answers about 60 req/s). At t0 a paced load of RATE req/s starts (bench/autoscale/load.py,
# loopback only, bounded in count and time). Printed, from t0:
#   decided   the first Autoscaled event (its message has the figures)
#   first     the first added replica ready, so in the route (the router sends traffic to ready replicas only)
#   serving   the app status shows the decided count ready
#   back      after the load ends, the count is back at 1 (the window was shortened to 5 s)
# Goal: serving within 5 s of the step (Kubernetes' HPA alone syncs every 15 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib.sh
PORT=${PORT:-18960}
ROUTE=$((PORT + 1))
RATE=${RATE:-200}
THREADS=${THREADS:-40}
LOAD_SECONDS=${LOAD_SECONDS:-25}
JAR=cluster-runner/target/slipway-runner.jar
WORK=$(mktemp -d /tmp/slipway-bench-autoscale.XXXXXX)
IMAGE=it-runner-bench:v1
APP=it-bench-autoscale
RUNNER_PID=
LOAD_PID=

cleanup() {
  set +e
  [ -z "$LOAD_PID" ] || stop_process "$LOAD_PID"
  if [ -n "$RUNNER_PID" ] && ! process_gone "$RUNNER_PID" && [ -f "$WORK/token" ]; then
    delete_apps "http://127.0.0.1:$PORT" "$(cat "$WORK/token")" "$APP"
  fi
  [ -z "$RUNNER_PID" ] || stop_process "$RUNNER_PID"
  docker ps -aq --filter "label=io.slipway.app=$APP" | xargs -r docker rm -f >/dev/null
}
trap cleanup EXIT

[ -f "$JAR" ] || mvn -B -ntp -q ${MAVEN_ARGS:-} -f cluster-runner/pom.xml -pl server -am -DskipTests package

mkdir -p "$WORK/img/www"
cp /usr/bin/busybox "$WORK/img/busybox"
echo "bench" > "$WORK/img/www/index.html"
cat > "$WORK/img/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
COPY www /www
ENTRYPOINT ["/bin/busybox"]
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
DOCKERFILE
docker build -q -t "$IMAGE" "$WORK/img" >/dev/null

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }

java -Xmx256m -jar "$JAR" serve --port "$PORT" --data "$WORK/data" --token-file "$WORK/token" > "$WORK/runner.log" 2>&1 &
RUNNER_PID=$!
healthz() { curl -sf --max-time 2 "http://127.0.0.1:$PORT/healthz"; }
wait_until 60 "runner answering /healthz (see $WORK/runner.log)" healthz
TOKEN=$(cat "$WORK/token")
api() { curl -sf --max-time 10 -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$1"; }

cat > "$WORK/compose.yml" <<YAML
services:
  web:
    image: $IMAGE
    stop_grace_period: 1s
    deploy: {replicas: 1}
    x-slipway:
      route: {port: $ROUTE, targetPort: 8080}
      autoscale:
        min: 1
        max: 5
        requestsPerSecond: 50
        inFlight: 8
        scaleDown: {stabilizationWindow: 5s}
YAML
release=$(jq -n --rawfile c "$WORK/compose.yml" '{compose: $c}' |
  curl -sf --max-time 30 -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data-binary @- "http://127.0.0.1:$PORT/api/v1/apps/$APP" | jq -r .release)
release_done() { [ "$(api "/api/v1/releases/$release" | jq -r .phase)" = Succeeded ]; }
wait_until 90 "release $release succeeded" release_done

web() { api "/api/v1/apps/$APP" | jq -c '.services[0]'; }
decided() { api "/api/v1/apps/$APP/events" | jq -e '[.events[] | select(.type == "Autoscaled")] | length > 0'; }
serving() { # the decided count (above 1) all ready
  local s; s=$(web)
  [ "$(jq '.autoscale.desired' <<<"$s")" -gt 1 ] && [ "$(jq '.replicas.ready' <<<"$s")" -ge "$(jq '.autoscale.desired' <<<"$s")" ]
}
first_new() { [ "$(web | jq '.replicas.ready')" -ge 2 ]; }
back() { [ "$(web | jq '.replicas.desired')" = 1 ] && [ "$(web | jq '.replicas.ready')" = 1 ]; }

t0=$(now)
python3 bench/autoscale/load.py "$ROUTE" "$RATE" "$THREADS" $((RATE * LOAD_SECONDS)) "$LOAD_SECONDS" > "$WORK/load.txt" &
LOAD_PID=$!
status_on_failure() { echo "bench: app status: $(web)" >&2; }
wait_until 30 "an Autoscaled event" decided || { status_on_failure; exit 1; }
t_decided=$(now)
wait_until 30 "a second replica ready" first_new || { status_on_failure; exit 1; }
t_first=$(now)
wait_until 30 "the decided replicas ready" serving || { status_on_failure; exit 1; }
t_serving=$(now)
ready=$(web | jq '.replicas.ready')
wait "$LOAD_PID"; LOAD_PID=
t_end=$(now)
wait_until 90 "back at 1 replica" back
t_back=$(now)

echo "autoscale benchmark ($(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg) at the end; shared machine)"
echo "load step to $RATE req/s (target 50 per replica): $(cat "$WORK/load.txt")"
echo "first decision:           $(ms "$t0" "$t_decided") ms after the step"
echo "first new replica ready:  $(ms "$t0" "$t_first") ms after the step"
echo "decided replicas serving: $(ms "$t0" "$t_serving") ms after the step ($ready ready)"
echo "back at 1 replica:        $(ms "$t_end" "$t_back") ms after the load ended (scale-down window 5 s)"
echo "events:"
api "/api/v1/apps/$APP/events" | jq -r '.events[] | select(.type == "Autoscaled") | "  " + .time + " " + .message'
