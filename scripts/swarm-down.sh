#!/usr/bin/env bash
# scripts/swarm-down.sh: undoes scripts/swarm-up.sh. Removes the swarm's services, makes the local engine leave
# the swarm (back to non-swarm mode, under the IT lock unless SLIPWAY_IT_LOCK_HELD=1), then removes every worker
# (its processes and containers, namespace, link, mounts and data) and the bridge. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/swarm-lib.sh
START=$SECONDS

no_task_containers() { [ -z "$(docker ps -aq --filter label=com.docker.swarm.service.id)" ]; }
manager_inactive() { [ "$(manager_state)" = inactive ]; }

# --- the manager leaves -----------------------------------------------------------------------------------------
if [ "$(manager_state)" = active ] && [ "$(manager_addr)" != "$SWARM_MANAGER_ADDR" ]; then
  log "the local engine is in a swarm advertised on $(manager_addr), not the one swarm-up.sh made: left alone"
elif [ "$(manager_state)" != inactive ] && [ -n "$(manager_state)" ]; then
  lock_engine
  services=$(docker service ls -q 2>/dev/null || true)
  # shellcheck disable=SC2086
  [ -z "$services" ] || timeout 60 docker service rm $services >/dev/null
  # The manager's own task containers go with their services. Removed at once rather than stopped: a task whose
  # process ignores SIGTERM would hold the swarm for its whole grace period. Then waited for, so none is left.
  docker ps -aq --filter label=com.docker.swarm.service.id | xargs -r docker rm -f >/dev/null 2>&1 || true
  wait_for 60 "the manager's task containers removed" no_task_containers || true
  log "the local engine leaves the swarm"
  timeout 60 docker swarm leave --force >/dev/null
  wait_for 30 "the local engine out of the swarm" manager_inactive
  # Made by `swarm init` for tasks' outside traffic; not there before it.
  docker network rm docker_gwbridge >/dev/null 2>&1 || true
  unlock_engine
fi

# --- the workers ----------------------------------------------------------------------------------------------------
for i in $(existing_workers); do
  name=$(worker_name "$i")
  log "worker $i: removing"
  # The worker is thrown away whole, so no graceful stop: kill everything it runs, containers included.
  kill_worker "$i"
  # Mounts its dockerd made (overlay2 layers, container network namespaces), deepest first.
  awk -v a="$SWARM_DATA/w$i" -v b="$SWARM_RUN/w$i" \
    '$2 == a || $2 == b || index($2, a "/") == 1 || index($2, b "/") == 1 { print $2 }' \
    /proc/self/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  for d in /sys/fs/cgroup/*/"$name"; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  ip link del "$(worker_veth "$i")" 2>/dev/null || true
  if [ -e "/var/run/netns/$name" ]; then ip netns del "$name"; fi
  rm -rf "${SWARM_DATA:?}/w$i" "${SWARM_RUN:?}/w$i" || die "worker $i: could not remove its data"
done

# --- the bridge and its registry ------------------------------------------------------------------------------------
pid=$(cat "$SWARM_RUN/registry.pid" 2>/dev/null || true)
# Only if that pid is still our registry: a dead one's pid may have been reused.
if pid_alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "docker-registry serve $SWARM_RUN/registry.yml"; then
  kill "$pid"
fi
while iptables -C FORWARD -i "$SWARM_BRIDGE" -o "$SWARM_BRIDGE" -j ACCEPT 2>/dev/null; do
  iptables -D FORWARD -i "$SWARM_BRIDGE" -o "$SWARM_BRIDGE" -j ACCEPT
done
ip link del "$SWARM_BRIDGE" 2>/dev/null || true
rm -rf "${SWARM_RUN:?}"
rmdir "$SWARM_DATA" 2>/dev/null || true
log "down in $((SECONDS - START)) s"
