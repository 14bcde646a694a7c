# Helpers shared by the benchmark scripts (sourced): every wait has a deadline, and what a script started is
# cleaned up through the runner's API, waited for, and only then stopped.

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s; after SECONDS, says what did not happen
# and fails.
wait_until() {
  local limit=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then echo "bench: $what: not within $limit s" >&2; return 1; fi
    sleep 0.2
  done
}

# api_app_gone URL TOKEN APP: the runner no longer knows the app (404) and no container of it is left.
api_app_gone() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $2" "$1/api/v1/apps/$3")
  [ "$code" = 404 ] && [ -z "$(docker ps -aq --filter "label=io.slipway.app=$3")" ]
}

# delete_apps URL TOKEN APP...: deletes each app through the API, then waits (60 s at most) until all are gone.
delete_apps() {
  local url=$1 token=$2 app rc=0
  shift 2
  for app in "$@"; do
    curl -s -o /dev/null --max-time 30 -X DELETE -H "Authorization: Bearer $token" "$url/api/v1/apps/$app" || true
  done
  for app in "$@"; do
    wait_until 60 "app $app removed by the runner" api_app_gone "$url" "$token" "$app" || rc=1
  done
  return $rc
}

# stop_process PID: SIGTERM, up to 30 s to exit, then SIGKILL.
stop_process() {
  local pid=$1
  process_gone "$pid" && { wait "$pid" 2>/dev/null || true; return 0; }
  kill "$pid" 2>/dev/null || true
  if ! wait_until 30 "process $pid exiting after SIGTERM" process_gone "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}
# process_gone PID: exited (a child that exited stays a zombie until waited for, and kill -0 still reaches it).
process_gone() {
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
  [ -z "$state" ] || [ "$state" = Z ]
}
