#!/usr/bin/env bash
# Where a paced request's CPU goes: user and system time per request of HAProxy and the Slipway router (RouterBench
# serve), in interleaved rounds of run.sh's paced run (wrk -t1 -c20 -d10s, 10 ms between requests per connection),
# one worker each, in front of the same nginx backend. With STRACE=1, a last round per target counts the system
# calls per request instead (strace -c -f; strace slows the target, so that round's latency is not reported).
#   bash bench/router/cpu-split.sh            (ROUNDS=3; loopback ports 19101, 19103, 19104 only; ~2 min)
# The router's user time counts every thread of its JVM (JIT compiler, GC), as /proc does.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
. "$REPO/bench/router/nginx.sh"
. "$REPO/bench/router/haproxy.sh"
ROUNDS=${ROUNDS:-3}
P_BACKEND=19101 P_NGINX=19102 P_ROUTER=19103 P_HAPROXY=19104
for p in $P_BACKEND $P_NGINX $P_ROUTER $P_HAPROXY; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "port $p on 127.0.0.1 is taken" >&2; exit 1; fi
done
WORK=$(mktemp -d /tmp/slipway-bench-split.XXXXXX)
RP=
cleanup() { set +e; [ -n "$RP" ] && kill "$RP" 2>/dev/null; stop_nginx "$WORK"; stop_haproxy "$WORK"; }
trap cleanup EXIT INT TERM

R="$REPO/cluster-runner/router"
mvn -B -ntp -q -f "$R/pom.xml" test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp \
  -Dmdep.includeScope=test >&2
CP="$R/target/test-classes:$R/target/classes:$(cat "$R/target/bench.cp")"
start_nginx "$WORK" 1 $P_BACKEND $P_NGINX
start_haproxy "$WORK" 1 $P_BACKEND $P_HAPROXY
java -Xms256m -Xmx256m -cp "$CP" io.jenkins.plugins.slipway.runner.routing.netty.RouterBench \
  serve $P_ROUTER $P_BACKEND 1 900 > "$WORK/router.log" 2>&1 &
RP=$!
wait_port $P_ROUTER; wait_port $P_HAPROXY
# The router's JIT gets the warm-up run.sh gives it (3 x 5 s), HAProxy one.
for p in $P_HAPROXY $P_ROUTER $P_ROUTER $P_ROUTER; do wrk -t1 -c50 -d5s "http://127.0.0.1:$p/" > /dev/null; done
echo 'function delay() return 10 end' > "$WORK/paced.lua"
HZ=$(getconf CLK_TCK)
HP=$(cat "$WORK/haproxy/haproxy.pid")
paced() { wrk -t1 -c20 -d"$1" --latency -s "$WORK/paced.lua" "http://127.0.0.1:$2/"; }

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo
echo "| round | target | req/s | p99 | user us/request | system us/request |"
echo "|---|---|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
  for t in haproxy:$P_HAPROXY:$HP slipway:$P_ROUTER:$RP; do
    IFS=: read -r name port pid <<< "$t"
    read -r u0 s0 < <(awk '{ print $14, $15 }' "/proc/$pid/stat")
    out=$(paced 10s "$port")
    read -r u1 s1 < <(awk '{ print $14, $15 }' "/proc/$pid/stat")
    n=$(echo "$out" | awk '/requests in/ { print $1 }')
    rps=$(echo "$out" | awk '/^Requests\/sec/ { print $2 }')
    p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
    awk -v r="$round" -v t="$name" -v n="$n" -v rps="$rps" -v p="$p99" -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v hz="$HZ" \
      'BEGIN { printf "| %d | %s | %s | %s | %.1f | %.1f |\n", r, t, rps, p, u * 1e6 / hz / n, s * 1e6 / hz / n }'
  done
done
if [ "${STRACE:-}" = 1 ]; then
  echo
  echo "| target | system call | calls per request |"
  echo "|---|---|---|"
  for t in haproxy:$P_HAPROXY:$HP slipway:$P_ROUTER:$RP; do
    IFS=: read -r name port pid <<< "$t"
    timeout 9 strace -c -f -p "$pid" -o "$WORK/$name.strace" 2>/dev/null &
    tracer=$!
    sleep 1
    n=$(paced 5s "$port" | awk '/requests in/ { print $1 }')
    wait "$tracer" || true
    awk -v n="$n" -v t="$name" 'NR > 2 && $NF != "total" && $4 ~ /^[0-9]+$/ && $4 / n >= 0.05 {
      printf "| %s | %s | %.2f |\n", t, $NF, $4 / n }' "$WORK/$name.strace"
  done
fi
