#!/usr/bin/env bash
# Runner benchmarks, side by side in one run (bounded: a few minutes at most):
#  1. 10 replicas deployed and healthy through the runner vs the same 10 containers started in parallel with the
#     docker CLI, with the same health wait (HTTP 200 on each replica's published port). Median of ROUNDS rounds.
#  2. Runner RSS at idle and with 20 one-replica apps deployed.
# Only loopback traffic; containers carry the it-bench* names / it-bench* app labels and are removed at the end.
# Stops by itself: every wait has a deadline; the runner's apps are deleted through its API and waited for before
# the runner is stopped (a runner stopped mid-removal leaves containers and logs "Connection pool shut down").
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib.sh
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-18900}
JAR=cluster-runner/target/slipway-runner.jar
WORK=$(mktemp -d /tmp/slipway-bench-runner.XXXXXX)
IMAGE=it-runner-bench:v1
RUNNER_PID=

runner_apps() { # the apps the runner knows, one a line
  curl -sf --max-time 10 -H "Authorization: Bearer $(cat "$WORK/data/token")" "http://127.0.0.1:$PORT/api/v1/apps" |
    python3 -c 'import json,sys; print("\n".join(a["name"] for a in json.load(sys.stdin)))'
}
cleanup() {
  set +e
  docker ps -aq --filter label=io.slipway.bench=cli | xargs -r docker rm -f >/dev/null
  if [ -n "$RUNNER_PID" ] && ! process_gone "$RUNNER_PID" && [ -f "$WORK/data/token" ]; then
    # shellcheck disable=SC2046
    delete_apps "http://127.0.0.1:$PORT" "$(cat "$WORK/data/token")" $(runner_apps)
  fi
  [ -z "$RUNNER_PID" ] || stop_process "$RUNNER_PID"
  # Only if the runner could not remove them (it died, or a deadline above passed): said, then removed.
  local left
  left=$(docker ps -a --format '{{.Label "io.slipway.app"}}' | grep '^it-bench' | sort -u)
  if [ -n "$left" ]; then
    echo "bench: containers of $(echo $left) left behind by the runner; removing them" >&2
    for app in $left; do docker ps -aq --filter "label=io.slipway.app=$app" | xargs -r docker rm -f >/dev/null; done
  fi
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
cli() { java -jar "$JAR" "$@" --url "http://127.0.0.1:$PORT" --token-file "$WORK/token"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

java -Xmx256m -jar "$JAR" serve --port "$PORT" --data "$WORK/data" --token-file "$WORK/token" > "$WORK/runner.log" 2>&1 &
RUNNER_PID=$!
t0=$(now)
deadline=$((SECONDS + 60))
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do
  kill -0 "$RUNNER_PID" 2>/dev/null || { cat "$WORK/runner.log" >&2; exit 1; }
  [ $SECONDS -lt $deadline ] || { echo "bench: runner not answering /healthz in 60 s (see $WORK/runner.log)" >&2; exit 1; }
  sleep 0.05
done
startup_ms=$(ms "$t0" "$(now)")
sleep 2
rss_idle_kb=$(ps -o rss= -p "$RUNNER_PID" | tr -d ' ')

compose() {  # replicas routePort
  printf 'services:\n  web:\n    image: %s\n    stop_grace_period: 1s\n    deploy:\n      replicas: %s\n    x-slipway:\n      route: {port: %s, targetPort: 8080}\n' "$IMAGE" "$1" "$2"
}

runner_round() {  # round -> ms from the deploy request to the release's terminal event (all 10 healthy)
  # curl on both sides, so neither figure carries a client JVM's start-up.
  local app=it-bench-r$1 token; token=$(cat "$WORK/token")
  compose 10 $((PORT + 1)) > "$WORK/c10.yml"
  python3 -c 'import json,sys; print(json.dumps({"compose": open(sys.argv[1]).read()}))' "$WORK/c10.yml" > "$WORK/c10.json"
  local t0; t0=$(now)
  local release
  release=$(curl -sf -X PUT -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data @"$WORK/c10.json" "http://127.0.0.1:$PORT/api/v1/apps/$app" | python3 -c 'import json,sys; print(json.load(sys.stdin)["release"])')
  curl -sfN --max-time 120 -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$PORT/api/v1/releases/$release/events" > "$WORK/events-$app.txt"
  local t1; t1=$(now)
  grep -q '^event: ReleaseSucceeded' "$WORK/events-$app.txt" || { echo "release $release did not succeed" >&2; exit 1; }
  delete_apps "http://127.0.0.1:$PORT" "$token" "$app"
  ms "$t0" "$t1"
}

docker_round() {  # round -> ms from the first docker run to all 10 answering 200
  local t0; t0=$(now)
  local pids=()
  for i in $(seq 1 10); do
    docker run -d --label io.slipway.bench=cli --name "it-bench-cli-$1-$i" -p 127.0.0.1::8080 "$IMAGE" >/dev/null &
    pids+=($!)
  done
  wait "${pids[@]}"  # only the docker runs, not the runner in the background
  for i in $(seq 1 10); do
    local port; port=$(docker port "it-bench-cli-$1-$i" 8080/tcp | head -1 | sed 's/.*://')
    local until=$(( $(date +%s) + 60 ))
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")" = 200 ]; do
      [ "$(date +%s)" -lt "$until" ] || { echo "container $i not answering in 60 s" >&2; exit 1; }
      sleep 0.05
    done
  done
  local t1; t1=$(now)
  docker ps -aq --filter label=io.slipway.bench=cli | xargs -r docker rm -f >/dev/null
  ms "$t0" "$t1"
}

: > "$WORK/runner.times"; : > "$WORK/docker.times"
for r in $(seq 1 "$ROUNDS"); do
  docker_round "$r" >> "$WORK/docker.times"
  runner_round "$r" >> "$WORK/runner.times"
done
runner_ms=$(median < "$WORK/runner.times")
docker_ms=$(median < "$WORK/docker.times")

# 20 apps of one replica each, then RSS.
for i in $(seq 1 20); do
  compose 1 $((PORT + 10 + i)) > "$WORK/c1-$i.yml"
  cli deploy "it-bench-a$i" -f "$WORK/c1-$i.yml" > /dev/null
done
deadline=$(( $(date +%s) + 180 ))
while [ "$(cli apps | grep -c ' 1/1 ready')" -lt 20 ]; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "20 apps not ready in 180 s" >&2; exit 1; }
  sleep 1
done
sleep 5
rss_20_kb=$(ps -o rss= -p "$RUNNER_PID" | tr -d ' ')
# shellcheck disable=SC2046
delete_apps "http://127.0.0.1:$PORT" "$(cat "$WORK/data/token")" $(seq -f 'it-bench-a%g' 1 20)

ratio=$(awk -v a="$runner_ms" -v b="$docker_ms" 'BEGIN {printf "%.2f", a / b}')
echo "runner startup (process start to /healthz 200): ${startup_ms} ms"
echo "10 replicas healthy, runner (median of $ROUNDS): ${runner_ms} ms   [$(paste -sd' ' "$WORK/runner.times")]"
echo "10 replicas healthy, docker CLI parallel (median of $ROUNDS): ${docker_ms} ms   [$(paste -sd' ' "$WORK/docker.times")]"
echo "ratio runner / docker CLI: ${ratio} (goal <= 1.5)"
echo "runner RSS idle: $((rss_idle_kb / 1024)) MiB; with 20 apps deployed: $((rss_20_kb / 1024)) MiB"
