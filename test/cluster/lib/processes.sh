# Starting and stopping the cluster's daemons by PID file, each logging to its own file.

# start_daemon NAME [ENV=VAL ...] -- COMMAND ARGS...: start in the background unless running.
start_daemon() {
  local name=$1; shift
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  mkdir -p "$LOGS" "$PIDS"
  if daemon_running "$name"; then
    return 0
  fi
  # setsid: the daemon must outlive this script and not get its terminal's signals.
  env "${envs[@]}" setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
}

daemon_running() {
  local pidfile="$PIDS/$1.pid"
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

# stop_daemon NAME: SIGTERM, then SIGKILL after 10 s.
stop_daemon() {
  local name=$1 pidfile="$PIDS/$1.pid"
  [ -f "$pidfile" ] || return 0
  local pid; pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# wait_for WHAT SECONDS COMMAND...: poll COMMAND until it succeeds, or fail naming WHAT and
# the log to read.
wait_for() {
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      die "$what not ready after ${seconds}s; see $LOGS/"
    fi
    sleep 0.5
  done
}
