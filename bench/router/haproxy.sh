# Sourced by run.sh: HAProxy as a second reverse proxy the router is compared with, in front of the same nginx
# backend as nginx.sh's proxy, with the same worker count, backend keep-alive and X-Forwarded-For.

# start_haproxy WORK_DIR THREADS BACKEND_PORT PROXY_PORT
start_haproxy() {
  mkdir -p "$1/haproxy"
  cat > "$1/haproxy/haproxy.cfg" <<CFG
global
  nbthread $2
  maxconn 4000
  pidfile $1/haproxy/haproxy.pid
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  option http-keep-alive
  option forwardfor
  http-reuse always
frontend front
  bind 127.0.0.1:$4
  default_backend back
backend back
  server b1 127.0.0.1:$3 maxconn 1000
CFG
  haproxy -D -f "$1/haproxy/haproxy.cfg"
}

stop_haproxy() { # $1 work dir
  if [ -f "$1/haproxy/haproxy.pid" ]; then kill "$(cat "$1/haproxy/haproxy.pid")" 2>/dev/null; fi
}
