# Sourced by run.sh and cpu-per-request.sh: the nginx backend both proxies forward to, and the nginx reverse
# proxy the router is compared with, each with its own prefix under a work directory.

nginx_conf() { # $1 dir, $2 workers, $3 server block
  mkdir -p "$1/logs" "$1/tmp"
  cat > "$1/nginx.conf" <<CONF
worker_processes $2;
pid $1/nginx.pid;
error_log $1/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $1/tmp; proxy_temp_path $1/tmp; fastcgi_temp_path $1/tmp;
  uwsgi_temp_path $1/tmp; scgi_temp_path $1/tmp;
  $3
}
CONF
}

# start_nginx WORK_DIR PROXY_WORKERS BACKEND_PORT PROXY_PORT: a one-worker backend answering 200 'ok', and a
# proxy in front of it with upstream keep-alive and the headers a reverse proxy sets, as Slipway's router does.
start_nginx() {
  nginx_conf "$1/backend" 1 "server { listen 127.0.0.1:$3; location / { return 200 'ok'; } }"
  nginx_conf "$1/proxy" "$2" "upstream backend { server 127.0.0.1:$3; keepalive 64; }
  server { listen 127.0.0.1:$4; location / {
    proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection '';
    proxy_set_header Host \$host; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto \$scheme; proxy_buffering off; } }"
  nginx -p "$1/backend" -c "$1/backend/nginx.conf"
  nginx -p "$1/proxy" -c "$1/proxy/nginx.conf"
}

stop_nginx() { # $1 work dir
  local d
  for d in backend proxy; do
    if [ -f "$1/$d/nginx.conf" ]; then nginx -p "$1/$d" -c "$1/$d/nginx.conf" -s stop 2>/dev/null; fi
  done
}

# wait_port PORT: until something answers HTTP on 127.0.0.1:PORT, at most 10 s.
wait_port() {
  local _
  for _ in $(seq 1 100); do
    if curl -fs -o /dev/null "http://127.0.0.1:$1/"; then return 0; fi
    sleep 0.1
  done
  echo "nothing answers on 127.0.0.1:$1" >&2
  return 1
}
