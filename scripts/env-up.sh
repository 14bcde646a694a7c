#!/usr/bin/env bash
# Brings up what Slipway's tests and demo need on this machine, idempotently:
# the Docker engine (dockerd on its default unix socket), a registry on 127.0.0.1:5000,
# and the static busybox that test images are built from (there is no Docker Hub here).
# Safe to run again: whatever already runs is left alone.
set -euo pipefail

SLIPWAY_REGISTRY_PORT="${SLIPWAY_REGISTRY_PORT:-5000}"
STATE_DIR="${SLIPWAY_ENV_DIR:-/var/lib/slipway-env}"
mkdir -p "$STATE_DIR"

need_pkgs=()
command -v dockerd >/dev/null 2>&1 || need_pkgs+=(docker.io)
command -v docker-registry >/dev/null 2>&1 || need_pkgs+=(docker-registry)
# Test images are FROM scratch, so the busybox must be the static build, not Debian's dynamic one.
dpkg -s busybox-static >/dev/null 2>&1 || need_pkgs+=(busybox-static)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  echo "env-up: installing ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local deadline=$((SECONDS + $1)); local what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then echo "env-up: $what did not come up" >&2; return 1; fi
    sleep 0.2
  done
}

if ! docker info >/dev/null 2>&1; then
  echo "env-up: starting dockerd"
  # The runner makes a network per app: dockerd's default address pools hold about 30 networks, these 4,096
  # (ManyAppsIT deploys 100 apps at once). Verified with dockerd 20.10: the first network gets 10.240.0.0/24.
  nohup dockerd --host unix:///var/run/docker.sock --default-address-pool base=10.240.0.0/12,size=24 \
    >"$STATE_DIR/dockerd.log" 2>&1 &
  wait_for 60 "dockerd (see $STATE_DIR/dockerd.log)" docker info
fi

if ! curl -fsS "http://127.0.0.1:${SLIPWAY_REGISTRY_PORT}/v2/" >/dev/null 2>&1; then
  echo "env-up: starting registry on 127.0.0.1:${SLIPWAY_REGISTRY_PORT}"
  mkdir -p "$STATE_DIR/registry"
  cat >"$STATE_DIR/registry.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $STATE_DIR/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${SLIPWAY_REGISTRY_PORT}
YML
  nohup docker-registry serve "$STATE_DIR/registry.yml" >"$STATE_DIR/registry.log" 2>&1 &
  wait_for 30 "registry (see $STATE_DIR/registry.log)" curl -fsS "http://127.0.0.1:${SLIPWAY_REGISTRY_PORT}/v2/"
fi
echo "env-up: docker $(docker version --format '{{.Server.Version}}'), registry 127.0.0.1:${SLIPWAY_REGISTRY_PORT}, busybox $(command -v busybox)"
