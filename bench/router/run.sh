#!/usr/bin/env bash
# Router benchmark, side by side in one run, all on loopback (ports 19101-19104):
#   direct  : wrk -> backend (nginx serving a static 200)
#   nginx   : wrk -> nginx reverse proxy (upstream keepalive) -> backend
#   haproxy : wrk -> HAProxy (http-reuse always)              -> backend
#   slipway : wrk -> Slipway router (Netty)                   -> backend
# Each target gets a closed-loop throughput run (fixed connection count) and a paced run (fixed request rate,
# each connection waits DELAY_MS between requests) that shows the latency a proxy adds when it is not saturated.
# Targets are interleaved round by round so that load from other processes hits them alike.
# Then: time from Router.apply() to the new weight being served.
# Bounded: every wrk run lasts DURATION; the router process exits by itself after ROUTER_SECONDS.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
. "$REPO/bench/router/nginx.sh"
. "$REPO/bench/router/haproxy.sh"
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-5s}
ROUNDS=${ROUNDS:-5}
KINDS=${KINDS:-throughput paced}  # "paced" alone for latency work
CONNS=${CONNS:-50}
PACED_CONNS=${PACED_CONNS:-20}
DELAY_MS=${DELAY_MS:-10}
THREADS=${THREADS:-1}            # proxy worker threads: nginx worker_processes, haproxy nbthread, router event loops
JAVA_OPTS=${JAVA_OPTS:-}         # extra JVM options for the router process (GC experiments)
ROUTER_SECONDS=${ROUTER_SECONDS:-900}
# BASELINE_JAVA_OPTS set (even empty: the JVM's defaults): a second router with those JVM options, "slipway-base",
# runs in the same rounds right after "slipway", to compare JVM settings side by side.
P_BACKEND=19101 P_NGINX=19102 P_ROUTER=19103 P_HAPROXY=19104 P_BASE=19105
BASE=${BASELINE_JAVA_OPTS+yes}
TARGETS="direct nginx haproxy slipway${BASE:+ slipway-base}"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need wrk || ! need nginx || ! need haproxy; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx haproxy >/dev/null
fi

WORK=$(mktemp -d /tmp/slipway-bench-router.XXXXXX)
PIDS=()
cleanup() {
  set +e
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  stop_nginx "$WORK"
  stop_haproxy "$WORK"
}
trap cleanup EXIT INT TERM
for p in $P_BACKEND $P_NGINX $P_ROUTER $P_HAPROXY $P_BASE; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "port $p on 127.0.0.1 is taken: stop whatever listens there (ss -ltnp) and run again" >&2; exit 1
  fi
done

echo "== building the router and its bench main" >&2
ROUTER_DIR="$REPO/cluster-runner/router"
mvn -B -ntp -q -f "$ROUTER_DIR/pom.xml" test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >&2
CP="$ROUTER_DIR/target/test-classes:$ROUTER_DIR/target/classes:$(cat "$ROUTER_DIR/target/bench.cp")"

start_nginx "$WORK" "$THREADS" $P_BACKEND $P_NGINX
start_haproxy "$WORK" "$THREADS" $P_BACKEND $P_HAPROXY

java -Xms256m -Xmx256m $JAVA_OPTS -cp "$CP" io.jenkins.plugins.slipway.runner.routing.netty.RouterBench \
  serve "$P_ROUTER" "$P_BACKEND" "$THREADS" "$ROUTER_SECONDS" > "$WORK/router.log" 2>&1 &
PIDS+=($!)
if [ -n "$BASE" ]; then
  java -Xms256m -Xmx256m $BASELINE_JAVA_OPTS -cp "$CP" io.jenkins.plugins.slipway.runner.routing.netty.RouterBench \
    serve "$P_BASE" "$P_BACKEND" "$THREADS" "$ROUTER_SECONDS" > "$WORK/router-base.log" 2>&1 &
  PIDS+=($!)
  wait_port $P_BASE
fi

wait_port $P_BACKEND; wait_port $P_NGINX; wait_port $P_HAPROXY; wait_port $P_ROUTER

# PIN=1: every proxy (nginx, HAProxy, the routers, all their threads) on core 1, wrk and the backend on core 0, so
# that a proxy never waits for a core that the load generator or the backend holds. The same for every target.
WRK=(wrk)
if [ "${PIN:-}" = 1 ]; then
  pids_of() { pgrep -f -- "$1" | tr '\n' ' '; }
  for p in $(pids_of "$WORK/proxy/nginx.conf") $(pids_of "$WORK/haproxy") "${PIDS[@]}"; do
    for pid in $p $(pgrep -P "$p"); do taskset -apc 1 "$pid" >/dev/null; done
  done
  for p in $(pids_of "$WORK/backend/nginx.conf"); do
    for pid in $p $(pgrep -P "$p"); do taskset -apc 0 "$pid" >/dev/null; done
  done
  WRK=(taskset -c 0 wrk)
  echo "pinned: proxies on core 1, wrk and the backend on core 0" >&2
fi

cat > "$WORK/paced.lua" <<LUA
function delay() return $DELAY_MS end
LUA

# wrk latency lines look like "    99%    1.23ms"; print the value in milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }
run_wrk() { # $1 name, $2 port, $3 kind (throughput|paced)
  local out="$WORK/$1-$3-$ROUND.txt"
  if [ "$3" = throughput ]; then
    "${WRK[@]}" -t1 -c"$CONNS" -d"$DURATION" --latency "http://127.0.0.1:$2/" > "$out"
  else
    "${WRK[@]}" -t1 -c"$PACED_CONNS" -d"$DURATION" --latency -s "$WORK/paced.lua" "http://127.0.0.1:$2/" > "$out"
  fi
  local rps p50 p99 errs
  rps=$(awk '/^Requests\/sec/ { print $2 }' "$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
  errs=$(awk '/Non-2xx|Socket errors/ { print }' "$out" | tr '\n' ' ')
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$ROUND" "$3" "$1" "$rps" "$p50" "$p99" "${errs:-none}"
  echo "$3 $1 $rps $p50 $p99" >> "$WORK/rows.txt"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
summary() {
  echo "| run | target | median req/s | median p50 ms | median p99 ms |"
  echo "|---|---|---|---|---|"
  for kind in $KINDS; do
    for t in $TARGETS; do
      printf '| %s | %s | %s | %s | %s |\n' "$kind" "$t" \
        "$(awk -v k=$kind -v t=$t '$1 == k && $2 == t { print $3 }' "$WORK/rows.txt" | median)" \
        "$(awk -v k=$kind -v t=$t '$1 == k && $2 == t { print $4 }' "$WORK/rows.txt" | median)" \
        "$(awk -v k=$kind -v t=$t '$1 == k && $2 == t { print $5 }' "$WORK/rows.txt" | median)"
    done
  done
  local s n h sp np hp
  s=$(awk '$1 == "throughput" && $2 == "slipway" { print $3 }' "$WORK/rows.txt" | median)
  n=$(awk '$1 == "throughput" && $2 == "nginx" { print $3 }' "$WORK/rows.txt" | median)
  h=$(awk '$1 == "throughput" && $2 == "haproxy" { print $3 }' "$WORK/rows.txt" | median)
  sp=$(awk '$1 == "paced" && $2 == "slipway" { print $5 }' "$WORK/rows.txt" | median)
  np=$(awk '$1 == "paced" && $2 == "nginx" { print $5 }' "$WORK/rows.txt" | median)
  hp=$(awk '$1 == "paced" && $2 == "haproxy" { print $5 }' "$WORK/rows.txt" | median)
  echo
  if grep -q '^throughput ' "$WORK/rows.txt"; then  # not with KINDS=paced (median prints nan for no rows)
    echo "slipway / nginx throughput (medians): $(awk -v s="$s" -v n="$n" 'BEGIN { printf "%.2f", s / n }')x"
    echo "slipway / haproxy throughput (medians): $(awk -v s="$s" -v n="$h" 'BEGIN { printf "%.2f", s / n }')x"
  fi
  if grep -q '^paced ' "$WORK/rows.txt"; then
    echo "paced p99 (medians): slipway $sp ms, nginx $np ms, haproxy $hp ms;" \
      "slipway / haproxy $(awk -v s="$sp" -v n="$hp" 'BEGIN { printf "%.2f", s / n }')x"
    if [ -n "$BASE" ]; then
      local bp; bp=$(awk '$1 == "paced" && $2 == "slipway-base" { print $5 }' "$WORK/rows.txt" | median)
      echo "paced p99 (medians): slipway-base (JAVA_OPTS '$BASELINE_JAVA_OPTS') $bp ms;" \
        "slipway-base / haproxy $(awk -v s="$bp" -v n="$hp" 'BEGIN { printf "%.2f", s / n }')x"
    fi
  fi
}

echo "== warm-up ($WARMUP per target, 3x for the router)" >&2
# The router is a long-lived JVM: give its JIT the time nginx does not need, as production would.
for p in $P_BACKEND $P_NGINX $P_HAPROXY $P_ROUTER $P_ROUTER $P_ROUTER ${BASE:+$P_BASE $P_BASE $P_BASE}; do
  wrk -t1 -c"$CONNS" -d"$WARMUP" "http://127.0.0.1:$p/" > /dev/null
done

echo
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start; proxies: $THREADS worker(s) each; router JVM options [$JAVA_OPTS]${BASE:+, slipway-base: [$BASELINE_JAVA_OPTS]}"
echo "throughput: wrk -t1 -c$CONNS -d$DURATION; paced: wrk -t1 -c$PACED_CONNS -d$DURATION with ${DELAY_MS} ms between requests per connection"
echo
echo "| round | run | target | req/s | p50 ms | p99 ms | errors |"
echo "|---|---|---|---|---|---|---|"
for ROUND in $(seq 1 "$ROUNDS"); do
  for kind in $KINDS; do
    run_wrk direct $P_BACKEND $kind
    run_wrk nginx $P_NGINX $kind
    run_wrk haproxy $P_HAPROXY $kind
    run_wrk slipway $P_ROUTER $kind
    if [ -n "$BASE" ]; then run_wrk slipway-base $P_BASE $kind; fi
  done
done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
summary
echo
# Only the router's own runs send it requests, so each window with traffic holds (part of) one slipway run:
# set beside wrk's p99, the router's own p99 tells time spent in the router from time spent getting to it.
echo "== the router's own latency (request read to last answer byte written), per 10 s window with traffic"
grep "router metrics" "$WORK/router.log" | grep -v "requests=0 " || true
echo
echo "== apply() to new weight served"
java -cp "$CP" io.jenkins.plugins.slipway.runner.routing.netty.RouterBench apply-latency 200
echo "raw wrk outputs: $WORK" >&2
