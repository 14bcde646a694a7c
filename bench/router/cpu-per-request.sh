#!/usr/bin/env bash
# CPU time per proxied request of two router builds side by side, against nginx, in one run:
#   bash bench/router/cpu-per-request.sh BASE_REV [NEW_REV]      (NEW_REV defaults to the working tree)
# Each router is its own revision's `RouterBench serve` (router classes, bench main and dependencies of that
# revision) with THREADS event loops; nginx (THREADS workers) proxies to the same nginx backend, as in run.sh.
# For each target, interleaved for ROUNDS rounds: wrk -t1 -cCONNS for DURATION, and the CPU time (user +
# system, from /proc) the proxy process spent, divided by the requests served. CPU per request is steadier than
# req/s on a shared machine: on a saturated 2-core box throughput follows it. Loopback ports 19101-19104 only.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
. "$REPO/bench/router/nginx.sh"
BASE=${1:?usage: cpu-per-request.sh BASE_REV [NEW_REV]}
NEW=${2:-}
ROUNDS=${ROUNDS:-5} DURATION=${DURATION:-8s} THREADS=${THREADS:-2} CONNS=${CONNS:-50}
P_BACKEND=19101 P_NGINX=19102 P_NEW=19103 P_BASE=19104
command -v wrk >/dev/null && command -v nginx >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx >/dev/null; }
for p in $P_BACKEND $P_NGINX $P_NEW $P_BASE; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "port $p on 127.0.0.1 is taken" >&2; exit 1; fi
done
WORK=$(mktemp -d /tmp/slipway-bench-cpu.XXXXXX)
PIDS=()
cleanup() {
  set +e
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  stop_nginx "$WORK"
  for w in "$WORK"/tree-*; do [ -d "$w" ] && git -C "$REPO" worktree remove --force "$w"; done
}
trap cleanup EXIT INT TERM

R="$REPO/cluster-runner/router"
echo "== building the two routers and their bench mains" >&2
classpath_of() { # $1 revision (empty: working tree) -> prints the classpath of that revision's RouterBench
  local dir="$R"
  if [ -n "$1" ]; then
    local tree="$WORK/tree-$(echo "$1" | tr -c 'a-zA-Z0-9' _)"
    git -C "$REPO" worktree add -q --detach "$tree" "$1" >&2
    dir="$tree/cluster-runner/router"
  fi
  mvn -B -ntp -q -f "$dir/pom.xml" test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp \
    -Dmdep.includeScope=test >&2
  echo "$dir/target/test-classes:$dir/target/classes:$(cat "$dir/target/bench.cp")"
}
BASE_CP=$(classpath_of "$BASE")
NEW_CP=$(classpath_of "$NEW")

start_nginx "$WORK" "$THREADS" $P_BACKEND $P_NGINX
serve() { # $1 classpath, $2 port
  java -Xms256m -Xmx256m -cp "$1" io.jenkins.plugins.slipway.runner.routing.netty.RouterBench \
    serve "$2" $P_BACKEND "$THREADS" 900 > "$WORK/router-$2.log" 2>&1 &
  PIDS+=($!)
}
serve "$BASE_CP" $P_BASE; BASE_PID=${PIDS[-1]}
serve "$NEW_CP" $P_NEW; NEW_PID=${PIDS[-1]}
NGINX_MASTER=$(cat "$WORK/proxy/nginx.pid")
for p in $P_NGINX $P_BASE $P_NEW; do
  wait_port "$p" || { echo "see $WORK/router-$p.log" >&2; exit 1; }
done
NGINX_WORKERS=$(pgrep -P "$NGINX_MASTER" | tr '\n' ' ')
# Warm-up: the routers' JITs get the time nginx does not need, as in run.sh.
for p in $P_BASE $P_NEW $P_BASE $P_NEW $P_NGINX; do wrk -t1 -c"$CONNS" -d5s "http://127.0.0.1:$p/" > /dev/null; done

ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done; echo "$t"; }
HZ=$(getconf CLK_TCK)
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start; $THREADS worker(s) each"
echo "base: ${BASE}; new: ${NEW:-working tree $(git -C "$REPO" rev-parse --short HEAD)+}"
echo
echo "| round | target | req/s | CPU us per request |"
echo "|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
  for t in nginx base new; do
    case $t in nginx) port=$P_NGINX pids=$NGINX_WORKERS;; base) port=$P_BASE pids=$BASE_PID;; new) port=$P_NEW pids=$NEW_PID;; esac
    a=$(ticks $pids)
    out=$(wrk -t1 -c"$CONNS" -d"$DURATION" "http://127.0.0.1:$port/")
    b=$(ticks $pids)
    n=$(echo "$out" | awk '/requests in/ { print $1 }')
    rps=$(echo "$out" | awk '/^Requests\/sec/ { print $2 }')
    us=$(awk -v t=$((b - a)) -v n="$n" -v hz="$HZ" 'BEGIN { printf "%.2f", t * 1e6 / hz / n }')
    echo "| $round | $t | $rps | $us |"
    echo "$t $rps $us" >> "$WORK/rows.txt"
  done
done
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
echo "| target | median req/s | median CPU us per request |"
echo "|---|---|---|"
for t in nginx base new; do
  echo "| $t | $(awk -v t=$t '$1 == t { print $2 }' "$WORK/rows.txt" | median) | $(awk -v t=$t '$1 == t { print $3 }' "$WORK/rows.txt" | median) |"
done
