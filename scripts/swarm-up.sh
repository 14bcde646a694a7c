#!/usr/bin/env bash
# scripts/swarm-up.sh N: a Docker Swarm on this machine, made of the local engine (the manager, zone a) and N
# worker engines (zones b, c, ...), each a dockerd of its own in a network namespace behind a veth pair to the
# bridge slw-br0 (10.213.0.0/24). See docs/swarm.md.
#
# Idempotent: whatever is already up is left alone, and what is missing is made or repaired (a worker whose
# dockerd was killed or whose link was cut comes back). Every wait has a deadline.
#
# The local engine is shared with other tests: `docker swarm init` runs while holding the IT lock
# (/tmp/slipway-it.lock), unless the caller holds it and says so with SLIPWAY_IT_LOCK_HELD=1.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/swarm-lib.sh

N="${1:?usage: scripts/swarm-up.sh N (the number of worker engines)}"
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -le 20 ] || die "N must be a number of workers from 0 to 20, got '$N'"
START=$SECONDS

need=()
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v nsenter >/dev/null 2>&1 || need+=(util-linux)
if [ "${#need[@]}" -gt 0 ]; then
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
docker info >/dev/null 2>&1 || bash scripts/env-up.sh >&2
mkdir -p "$SWARM_DATA" "$SWARM_RUN" /var/run/netns

# --- the bridge, with this host (the manager) at .1 ------------------------------------------------------------
if ! ip link show "$SWARM_BRIDGE" >/dev/null 2>&1; then
  log "bridge $SWARM_BRIDGE $SWARM_MANAGER_ADDR/24"
  ip link add "$SWARM_BRIDGE" type bridge
fi
has_addr "" "$SWARM_BRIDGE" "$SWARM_MANAGER_ADDR" || ip addr add "$SWARM_MANAGER_ADDR/24" dev "$SWARM_BRIDGE"
ip link set "$SWARM_BRIDGE" up
# Docker sets the FORWARD policy to DROP and bridged frames pass iptables (br_netfilter): let the nodes talk.
iptables -C FORWARD -i "$SWARM_BRIDGE" -o "$SWARM_BRIDGE" -j ACCEPT 2>/dev/null \
  || iptables -I FORWARD 1 -i "$SWARM_BRIDGE" -o "$SWARM_BRIDGE" -j ACCEPT

# --- the registry, also on the bridge address and on each worker's loopback -------------------------------------
# The registry of scripts/env-up.sh listens on 127.0.0.1 only. Rather than opening it on every interface, a second
# registry process serves the same storage on the bridge address (and one in each worker's namespace on its
# 127.0.0.1:5000), so an image pushed as 127.0.0.1:5000/NAME is pulled under the same name on every node. No cache
# is configured, so every process reads the storage as it is.
registry_config() { # registry_config FILE ADDR
  cat >"$1" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $SLIPWAY_ENV_DIR/registry
  delete:
    enabled: true
http:
  addr: $2:$SWARM_REGISTRY_PORT
YML
}
registry_answers() { curl -fsS --max-time 2 "http://$1:$SWARM_REGISTRY_PORT/v2/" >/dev/null 2>&1; }
if ! registry_answers "$SWARM_MANAGER_ADDR"; then
  log "registry on $SWARM_MANAGER_ADDR:$SWARM_REGISTRY_PORT"
  registry_config "$SWARM_RUN/registry.yml" "$SWARM_MANAGER_ADDR"
  detached docker-registry serve "$SWARM_RUN/registry.yml" >"$SWARM_RUN/registry.log" 2>&1 </dev/null &
  echo $! >"$SWARM_RUN/registry.pid"
  wait_for 20 "registry on the bridge (see $SWARM_RUN/registry.log)" registry_answers "$SWARM_MANAGER_ADDR"
fi

# --- the manager: the local engine ------------------------------------------------------------------------------
init_swarm() {
  case "$(manager_state)" in
    active) return 0 ;;
    inactive) ;;
    *) die "the local engine's swarm state is '$(manager_state)'; run scripts/swarm-down.sh first" ;;
  esac
  log "docker swarm init on the local engine, advertised on $SWARM_MANAGER_ADDR"
  # Listening on the bridge address only; a short heartbeat so a lost node is noticed in seconds, not 15 s.
  timeout 60 docker swarm init --advertise-addr "$SWARM_MANAGER_ADDR" --listen-addr "$SWARM_MANAGER_ADDR:2377" \
    --data-path-addr "$SWARM_MANAGER_ADDR" --default-addr-pool "$SWARM_POOL" \
    --dispatcher-heartbeat 1s >/dev/null
  # The routing mesh's ingress network needs IPVS, which this kernel lacks (CONFIG_IP_VS is not set): without
  # it, a service that publishes in ingress mode fails at once rather than half-working.
  if docker network inspect ingress >/dev/null 2>&1; then echo y | docker network rm ingress >/dev/null; fi
}
if [ "$(manager_state)" != active ]; then lock_engine; init_swarm; unlock_engine; fi
[ "$(manager_addr)" = "$SWARM_MANAGER_ADDR" ] \
  || die "the local engine is in a swarm advertised on $(manager_addr), not ours on $SWARM_MANAGER_ADDR"
MANAGER_ID=$(docker info --format '{{.Swarm.NodeID}}')
TOKEN=$(docker swarm join-token -q worker)

# --- the workers --------------------------------------------------------------------------------------------------
start_worker() { # start_worker I: namespace, link, registry and dockerd of worker I, each only if missing
  local i=$1 name addr veth run data
  name=$(worker_name "$i"); addr=$(worker_addr "$i"); veth=$(worker_veth "$i")
  run="$SWARM_RUN/w$i"; data="$SWARM_DATA/w$i"
  mkdir -p "$run" "$data"
  [ -e "/var/run/netns/$name" ] || ip netns add "$name"
  if ! ip link show "$veth" >/dev/null 2>&1; then
    ip link add "$veth" type veth peer name eth0 netns "$name"
    ip link set "$veth" master "$SWARM_BRIDGE"
  fi
  ip link set "$veth" up
  ip -n "$name" link set lo up
  has_addr "$name" eth0 "$addr" || ip -n "$name" addr add "$addr/24" dev eth0
  ip -n "$name" link set eth0 up
  # No default route on purpose: a worker reaches the bridge's /24 and nothing else.

  if ! wdocker "$i" info >/dev/null 2>&1 && ! pid_alive "$(cat "$run/docker.pid" 2>/dev/null)"; then
    # Its dockerd died: the worker restarts whole, as a rebooted machine would. What the dead dockerd left running
    # (containerd, its tasks) goes first; otherwise the new dockerd spends half a minute stopping it.
    kill_worker "$i"
  fi
  if ! nsenter --net="/var/run/netns/$name" curl -fsS --max-time 2 "http://127.0.0.1:$SWARM_REGISTRY_PORT/v2/" \
      >/dev/null 2>&1; then
    registry_config "$run/registry.yml" 127.0.0.1
    detached nsenter --net="/var/run/netns/$name" docker-registry serve "$run/registry.yml" >"$run/registry.log" 2>&1 </dev/null &
    echo $! >"$run/registry.pid"
  fi

  if ! wdocker "$i" info >/dev/null 2>&1; then
    log "worker $i: dockerd in netns $name at $addr"
    echo '{}' >"$run/daemon.json"  # not /etc/docker/daemon.json: that one is the local engine's
    local gpus=()
    # Worker 2 offers two (pretend) GPUs as generic resources, so that placement by them can be tested.
    if [ "$i" = 2 ]; then
      gpus=(--node-generic-resource "NVIDIA-GPU=GPU-w2-0" --node-generic-resource "NVIDIA-GPU=GPU-w2-1")
    fi
    # nsenter --net, not `ip netns exec`: that one remounts /sys, and dockerd would lose the cgroup mount. A UTS
    # namespace of its own gives the node its name in `docker node ls`.
    detached nsenter --net="/var/run/netns/$name" unshare --uts sh -c "hostname $name && exec \"\$@\"" sh \
      dockerd --host "$(worker_sock "$i")" --data-root "$data" --exec-root "$run/exec" \
      --pidfile "$run/docker.pid" --config-file "$run/daemon.json" --cgroup-parent "/$name" \
      --insecure-registry "$SWARM_MANAGER_ADDR:$SWARM_REGISTRY_PORT" --log-level warn "${gpus[@]}" \
      >"$run/dockerd.log" 2>&1 </dev/null &
  fi
}
for i in $(seq 1 "$N"); do start_worker "$i"; done
for i in $(seq 1 "$N"); do
  wait_for 60 "worker $i's dockerd (see $SWARM_RUN/w$i/dockerd.log)" wdocker "$i" info
  wait_for 20 "worker $i's registry (see $SWARM_RUN/w$i/registry.log)" nsenter --net="/var/run/netns/$(worker_name "$i")" \
    curl -fsS --max-time 2 "http://127.0.0.1:$SWARM_REGISTRY_PORT/v2/"
done

worker_node_id() { wdocker "$1" info --format '{{.Swarm.NodeID}}'; }
has_node_id() { [ -n "$(worker_node_id "$1" 2>/dev/null)" ]; }
known_to_manager() { docker node inspect "$(worker_node_id "$1")" >/dev/null 2>&1; }
for i in $(seq 1 "$N"); do
  case "$(wdocker "$i" info --format '{{.Swarm.LocalNodeState}}')" in
    active | pending)
      known_to_manager "$i" && continue  # a restarted worker rejoins by itself
      # Still in a swarm that is gone (the manager left it and made a new one): it leaves, then joins ours.
      log "worker $i belongs to another swarm; it leaves it"
      timeout 60 docker -H "$(worker_sock "$i")" swarm leave --force >/dev/null ;;
  esac
  log "worker $i joins"
  timeout 60 docker -H "$(worker_sock "$i")" swarm join --token "$TOKEN" --advertise-addr "$(worker_addr "$i")" \
    --listen-addr "$(worker_addr "$i"):2377" --data-path-addr "$(worker_addr "$i")" "$SWARM_MANAGER_ADDR:2377" >/dev/null
done

# --- zones, and every node Ready ----------------------------------------------------------------------------------
node_ready() { [ "$(docker node inspect --format '{{.Status.State}} {{.Spec.Availability}}' "$1")" = "ready active" ]; }
label_zone() { # label_zone NODE_ID ZONE
  [ "$(docker node inspect --format '{{index .Spec.Labels "zone"}}' "$1")" = "$2" ] \
    || docker node update --label-add "zone=$2" "$1" >/dev/null
}
label_zone "$MANAGER_ID" a
for i in $(seq 1 "$N"); do
  wait_for 60 "worker $i's swarm node id" has_node_id "$i"
  id=$(worker_node_id "$i")
  wait_for 60 "worker $i ($id) ready in the swarm" node_ready "$id"
  label_zone "$id" "$(worker_zone "$i")"
done
wait_for 30 "the manager ready" node_ready "$MANAGER_ID"
log "up in $((SECONDS - START)) s: $(docker node ls --format '{{.Hostname}}={{.Status}}' | tr '\n' ' ')"
