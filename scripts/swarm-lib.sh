# Shared names and helpers of scripts/swarm-up.sh and scripts/swarm-down.sh (sourced, not run).
# Every address is on a bridge of our own in a private range; nothing is routed off this machine.

SWARM_PREFIX="${SWARM_PREFIX:-slw}"           # of every name below: bridge, namespaces, links, cgroups
SWARM_BRIDGE="$SWARM_PREFIX-br0"
SWARM_NET="${SWARM_NET:-10.213.0}"            # the bridge's /24: .1 is the manager (this host), .11.. the workers
SWARM_MANAGER_ADDR="$SWARM_NET.1"
SWARM_POOL="${SWARM_POOL:-10.214.0.0/16}"     # overlay subnets, kept apart from the bridge
SWARM_DATA="${SWARM_DATA:-/var/lib/slipway-swarm}"
SWARM_RUN="${SWARM_RUN:-/run/slw}"            # short: containerd's sockets live under it
SWARM_REGISTRY_PORT="${SLIPWAY_REGISTRY_PORT:-5000}"
SLIPWAY_ENV_DIR="${SLIPWAY_ENV_DIR:-/var/lib/slipway-env}"
SWARM_LOCK="${SWARM_LOCK:-/tmp/slipway-it.lock}"

worker_name() { echo "$SWARM_PREFIX-w$1"; }                  # netns, hostname and cgroup parent of worker I
worker_addr() { echo "$SWARM_NET.$((10 + $1))"; }
worker_veth() { echo "$SWARM_PREFIX-w$1h"; }                 # the host end of its veth pair (the other end is eth0)
worker_sock() { echo "unix://$SWARM_RUN/w$1/docker.sock"; }
worker_zone() { printf "\\$(printf '%03o' $((97 + $1)))"; }  # worker 1 -> b, 2 -> c; the manager is a
wdocker() { local i=$1; shift; docker -H "$(worker_sock "$i")" "$@"; }

log() { echo "swarm: $*" >&2; }
die() { echo "swarm: $*" >&2; exit 1; }

has_addr() { # has_addr NETNS|"" DEV ADDR (no `| grep -q`: with pipefail, grep's early exit fails the pipeline)
  local out
  if [ -n "$1" ]; then out=$(ip -n "$1" -4 -o addr show dev "$2"); else out=$(ip -4 -o addr show dev "$2"); fi
  [[ "$out" == *" inet $3/"* ]]
}

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND until it succeeds, fails after SECONDS
  local limit=$1 deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { log "$what: not within $limit s"; return 1; }
    sleep 0.2
  done
}

# The IT lock guards the shared local engine. Not taken when the caller holds it and says so with
# SLIPWAY_IT_LOCK_HELD=1 (an IT run under `flock /tmp/slipway-it.lock mvn ...`): taking it again would wait for
# ourselves. Released before anything long-lived starts, so no daemon inherits it.
lock_engine() {
  [ "${SLIPWAY_IT_LOCK_HELD:-}" = 1 ] && return 0
  exec 9>>"$SWARM_LOCK"
  flock -w 900 9 || die "the IT lock $SWARM_LOCK was not free within 900 s"
}
unlock_engine() {
  [ "${SLIPWAY_IT_LOCK_HELD:-}" = 1 ] && return 0
  flock -u 9; exec 9>&-
}

# Starts a long-lived command (run it with `&`) with no inherited descriptor above 2. Whoever ran the script
# under `flock /tmp/slipway-it.lock ...` passed the lock's descriptor down: a daemon that kept it would hold the IT
# lock for as long as it runs, and a script that died before swarm-down.sh would leave the lock taken.
detached() {
  local fd
  for fd in /proc/self/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
  exec nohup "$@"
}

manager_state() { docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null; }
manager_addr() { docker info --format '{{.Swarm.NodeAddr}}' 2>/dev/null; }

# Workers found on this machine (their run directories), whatever N they were started with.
existing_workers() {
  {
    local d
    for d in "$SWARM_RUN"/w* "$SWARM_DATA"/w*; do [ -d "$d" ] && basename "$d" | sed 's/^w//'; done
    ip netns list 2>/dev/null | sed -n "s/^$SWARM_PREFIX-w\\([0-9]*\\).*/\\1/p"
    ip -o link show 2>/dev/null | sed -n "s/^[0-9]*: $SWARM_PREFIX-w\\([0-9]*\\)h[@:].*/\\1/p"
  } | grep -E '^[0-9]+$' | sort -un
}

# worker_pids I: every process of worker I: those in its network namespace (dockerd, containerd, shims, registry,
# host-network containers) and those in its cgroups (containers). Not from pid files: a dead one's pid may be reused.
worker_pids() {
  local name; name=$(worker_name "$1")
  { if [ -e "/var/run/netns/$name" ]; then ip netns pids "$name" 2>/dev/null || true; fi
    cat /sys/fs/cgroup/*/"$name"/cgroup.procs /sys/fs/cgroup/*/"$name"/*/cgroup.procs 2>/dev/null || true
  } | sort -un | while read -r p; do if [ -d "/proc/$p" ]; then echo "$p"; fi; done
}
no_worker_pids() { [ -z "$(worker_pids "$1")" ]; }
pid_alive() { [ -n "$1" ] && [ -d "/proc/$1" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" != Z ]; }
# kill_worker I: kill -9 of every process of worker I (dockerd, containerd, shims, containers, registry), waited for.
kill_worker() {
  local i=$1 pids
  for _ in 1 2 3 4 5; do
    pids=$(worker_pids "$i")
    [ -z "$pids" ] && break
    # shellcheck disable=SC2086
    kill -9 $pids 2>/dev/null || true
    wait_for 10 "worker $i's processes gone" no_worker_pids "$i" && break
  done
  no_worker_pids "$i" || die "worker $i: processes still alive: $(worker_pids "$i" | tr '\n' ' ')"
}
