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
  [ -z "$services" ] || docker service rm $services >/dev/null
  # The manager's own task containers go with their services; wait for them, so that none is left behind.
  wait_for 60 "the manager's task containers removed" no_task_containers || true
  log "the local engine leaves the swarm"
  docker swarm leave --force >/dev/null
  wait_for 30 "the local engine out of the swarm" manager_inactive
  # Made by `swarm init` for tasks' outside traffic; not there before it.
  docker network rm docker_gwbridge >/dev/null 2>&1 || true
  unlock_engine
fi

# --- the workers ----------------------------------------------------------------------------------------------------
worker_pids() { # every process of worker I: those in its network namespace and those in its cgroups
  local name; name=$(worker_name "$1")
  { if [ -e "/var/run/netns/$name" ]; then ip netns pids "$name" 2>/dev/null || true; fi
    cat /sys/fs/cgroup/*/"$name"/cgroup.procs /sys/fs/cgroup/*/"$name"/*/cgroup.procs 2>/dev/null || true
    cat "$SWARM_RUN/w$1/registry.pid" "$SWARM_RUN/w$1/docker.pid" 2>/dev/null || true
  } | sort -un | while read -r p; do if [ -d "/proc/$p" ]; then echo "$p"; fi; done
}
no_worker_pids() { [ -z "$(worker_pids "$1")" ]; }
for i in $(existing_workers); do
  name=$(worker_name "$i")
  log "worker $i: removing"
  # The worker is thrown away whole, so no graceful stop: kill everything it runs, containers included.
  for _ in 1 2 3 4 5; do
    pids=$(worker_pids "$i")
    [ -z "$pids" ] && break
    # shellcheck disable=SC2086
    kill -9 $pids 2>/dev/null || true
    wait_for 10 "worker $i's processes gone" no_worker_pids "$i" && break
  done
  no_worker_pids "$i" || die "worker $i: processes still alive: $(worker_pids "$i" | tr '\n' ' ')"
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
if [ -f "$SWARM_RUN/registry.pid" ]; then
  kill "$(cat "$SWARM_RUN/registry.pid")" 2>/dev/null || true
  rm -f "$SWARM_RUN/registry.pid"
fi
while iptables -C FORWARD -i "$SWARM_BRIDGE" -o "$SWARM_BRIDGE" -j ACCEPT 2>/dev/null; do
  iptables -D FORWARD -i "$SWARM_BRIDGE" -o "$SWARM_BRIDGE" -j ACCEPT
done
ip link del "$SWARM_BRIDGE" 2>/dev/null || true
rm -rf "${SWARM_RUN:?}"
rmdir "$SWARM_DATA" 2>/dev/null || true
log "down in $((SECONDS - START)) s"
