#!/usr/bin/env bash
# Side by side on one swarm (scripts/swarm-up.sh 2: the local engine plus two workers), in one run:
#  1. a rolling update of 10 replicas v1 -> v2: through Slipway (--engine swarm, its rolling defaults: a quarter at a time; once
#     on the app's default network, an overlay, once with network_mode: bridge, as the CLI's service), through
#     `docker service update` with Swarm's defaults, and with `--update-parallelism 2 --update-delay 0s`; each
#     under a load loop counting failed requests (bench/swarm/load.py);
#  2. a worker killed (kill -9 of its dockerd, its link cut) with 10 replicas spread over the zones: time until
#     all 10 replicas serve again, through Slipway (the app's status: 10 healthy) and Swarm's own (10 tasks
#     running on the other nodes), with the failed requests of the load loop.
# Usage: flock /tmp/slipway-it.lock bash bench/swarm/run.sh   (the local engine becomes a swarm manager, so the IT
# lock is held exclusively; the swarm is made at the start and removed at the end).
# Traffic only to 127.0.0.1 and the swarm's bridge 10.213.0.0/24. Every wait has a deadline.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
. bench/lib.sh
export SLIPWAY_IT_LOCK_HELD=1
JAR="${JAR:-$ROOT/cluster-runner/target/slipway-runner.jar}"
[ -f "$JAR" ] || mvn -q -B -ntp ${MAVEN_ARGS:-} -f cluster-runner/pom.xml package -DskipTests
WORK="$(mktemp -d /tmp/slipway-bench-swarm-XXXXXX)"
API_PORT=23950
ROUTE_PORT=23951
APP=swarm-bench
CLI=bench-cli
REG=127.0.0.1:5000

bash scripts/swarm-down.sh >/dev/null 2>&1 || true
bash scripts/swarm-up.sh 2 >/dev/null

image() { # version
  local dir="$WORK/img-$1"
  mkdir -p "$dir/www"
  cp /usr/bin/busybox "$dir/busybox"
  echo "version $1" > "$dir/www/index.html"
  echo ok > "$dir/www/health"
  printf 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY www /www\nLABEL io.slipway.test=swarm-bench\nENTRYPOINT ["/bin/busybox"]\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n' > "$dir/Dockerfile"
  docker build -q -t "$REG/swarm-bench:$1" "$dir" >/dev/null
  docker push -q "$REG/swarm-bench:$1" >/dev/null
}
image v1
image v2

java -jar "$JAR" serve --engine swarm --port "$API_PORT" --data "$WORK/data" --token-file "$WORK/token" \
  > "$WORK/runner.log" 2>&1 &
RUNNER=$!
cleanup() {
  set +e
  touch "$WORK/stop"
  stop_process "$RUNNER"
  bash scripts/swarm-down.sh >/dev/null 2>&1
}
trap cleanup EXIT
runner_up() { kill -0 "$RUNNER" && curl -sf "http://127.0.0.1:$API_PORT/healthz"; }
wait_until 60 "runner answering /healthz (see $WORK/runner.log)" runner_up
TOKEN="$(cat "$WORK/token")"

compose() { # image [route port [extra service keys]]
  cat <<YAML
services:
  web:
    image: $1
    stop_grace_period: 2s
${3:-}
    deploy:
      replicas: 10
      placement:
        preferences: [{spread: node.labels.zone}]
    x-slipway:
      route: {port: ${2:-$ROUTE_PORT}, targetPort: 8080, healthPath: /health}
YAML
}
deploy() { # image [app route-port extra-keys] -> release id
  python3 -c 'import json,sys; print(json.dumps({"compose": sys.stdin.read()}))' <<<"$(compose "$1" "${3:-}" "${4:-}")" |
    curl -sf -X PUT -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" --data-binary @- \
      "http://127.0.0.1:$API_PORT/api/v1/apps/${2:-$APP}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["release"])'
}
succeeded() { curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$API_PORT/api/v1/releases/$1" |
  python3 -c 'import json,sys; s=json.load(sys.stdin); sys.exit(0 if s["phase"] == "Succeeded" else 1)'; }
healthy() { # app status: N replicas healthy
  curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$API_PORT/api/v1/apps/$APP" | python3 -c '
import json, sys
s = json.load(sys.stdin)
n = sum(1 for svc in s["services"] for rs in svc.get("replicaSets", []) for r in rs["replicas"] if r["health"] == "healthy")
sys.exit(0 if n == int(sys.argv[1]) else 1)' "$1"
}
running_elsewhere() { # service: 10 tasks running, none on worker 1
  local nodes
  nodes=$(docker service ps --filter desired-state=running --format '{{.Node}} {{.CurrentState}}' "$1" | grep ' Running ' | cut -d' ' -f1)
  [ "$(echo "$nodes" | grep -c .)" = 10 ] && ! echo "$nodes" | grep -qx slw-w1
}
all_running() { [ "$(docker service ps --filter desired-state=running --format '{{.CurrentState}}' "$1" | grep -c '^Running')" = 10 ]; }
now() { date +%s.%N; }
secs() { python3 -c "print('%.1f' % ($2 - $1))"; }
load_start() { rm -f "$WORK/stop"; python3 bench/swarm/load.py "$@" "$WORK/stop" 300 > "$WORK/load.out" & LOAD=$!; sleep 2; }
# Not inside $(...): a subshell cannot wait for the loop, and would read its summary before it is written.
load_stop() { touch "$WORK/stop"; wait "$LOAD" || true; }
load_counts() { cat "$WORK/load.out"; }

echo "# $(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(docker version --format '{{.Server.Version}}')"

# --- 1. rolling update of 10 replicas -----------------------------------------------------------------------------
R1="$(deploy "$REG/swarm-bench:v1")"
wait_until 180 "Slipway release of v1" succeeded "$R1"
load_start route "http://127.0.0.1:$ROUTE_PORT/"
t0=$(now); R2="$(deploy "$REG/swarm-bench:v2")"
wait_until 300 "Slipway rolling update to v2" succeeded "$R2"; t1=$(now)
load_stop
echo "rolling 10, Slipway (rolling defaults: 25% at a time, start-first):    $(secs "$t0" "$t1") s, $(load_counts)"

# The same, for the service the CLI runs below: on no app network (network_mode: bridge), so no overlay endpoint to
# set up at each task's start and tear down at its end.
BRIDGED=swarm-bench-bridge
BRIDGED_PORT=23952
R1="$(deploy "$REG/swarm-bench:v1" "$BRIDGED" "$BRIDGED_PORT" "    network_mode: bridge")"
wait_until 180 "Slipway release of v1 (bridge)" succeeded "$R1"
load_start route "http://127.0.0.1:$BRIDGED_PORT/"
t0=$(now); R2="$(deploy "$REG/swarm-bench:v2" "$BRIDGED" "$BRIDGED_PORT" "    network_mode: bridge")"
wait_until 300 "Slipway rolling update to v2 (bridge)" succeeded "$R2"; t1=$(now)
load_stop
echo "rolling 10, Slipway, network_mode: bridge (the CLI's service: no overlay): $(secs "$t0" "$t1") s, $(load_counts)"
delete_apps "http://127.0.0.1:$API_PORT" "$TOKEN" "$BRIDGED"

cli_rolling() { # label, update options...
  local label=$1; shift
  docker service create -d -q --name "$CLI" --replicas 10 --placement-pref spread=node.labels.zone \
    --publish mode=host,target=8080 --stop-grace-period 2s "$REG/swarm-bench:v1" >/dev/null
  wait_until 180 "$CLI running" all_running "$CLI"
  load_start tasks "$CLI"
  t0=$(now); timeout 600 docker service update -q "$@" --image "$REG/swarm-bench:v2" "$CLI" >/dev/null; t1=$(now)
  load_stop
  echo "rolling 10, docker service update $label $(secs "$t0" "$t1") s, $(load_counts)"
  docker service rm "$CLI" >/dev/null
  wait_until 60 "$CLI tasks gone" sh -c "[ -z \"\$(docker ps -aq --filter label=com.docker.swarm.service.name=$CLI)\" ]"
}
cli_rolling "(Swarm defaults: 1 at a time, stop-first):     "
cli_rolling "--update-parallelism 2 --update-delay 0s:      " --update-parallelism 2 --update-delay 0s

# --- 2. a worker killed -----------------------------------------------------------------------------------------
load_start route "http://127.0.0.1:$ROUTE_PORT/"
t0=$(now)
kill -9 "$(cat /run/slw/w1/docker.pid)"; ip link set slw-w1h down
SVC=$(docker service ls -q --filter "label=io.slipway.app=$APP")
wait_until 60 "worker 1 seen down" sh -c '[ "$(docker node inspect --format "{{.Status.State}}" slw-w1)" = down ]'
wait_until 120 "Slipway: 10 replicas on the other nodes" running_elsewhere "$SVC"
wait_until 120 "Slipway: 10 healthy replicas after the kill" healthy 10; t1=$(now)
load_stop
echo "worker killed, Slipway: all 10 serving again after                       $(secs "$t0" "$t1") s, $(load_counts)"
bash scripts/swarm-up.sh 2 >/dev/null   # the worker back, for Swarm's own turn
delete_apps "http://127.0.0.1:$API_PORT" "$TOKEN" "$APP" || true
docker service create -d -q --name "$CLI" --replicas 10 --placement-pref spread=node.labels.zone \
  --publish mode=host,target=8080 --stop-grace-period 2s "$REG/swarm-bench:v1" >/dev/null
wait_until 180 "$CLI running" all_running "$CLI"
load_start tasks "$CLI"
t0=$(now)
kill -9 "$(cat /run/slw/w1/docker.pid)"; ip link set slw-w1h down
wait_until 120 "Swarm: 10 tasks running on the other nodes" running_elsewhere "$CLI"; t1=$(now)
load_stop
echo "worker killed, Swarm alone: 10 tasks running elsewhere after             $(secs "$t0" "$t1") s, $(load_counts)"
