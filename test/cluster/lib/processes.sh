# Starting and stopping the cluster's daemons by PID file, each logging to its own file.

# SUPERVISOR runs its arguments as a command, and again a second after each exit, as systemd's
# Restart=always or the kubelet's static pods restart a real control plane's components: some
# exit by design on a fault (kube-scheduler when its cache disagrees with the API server after
# an outage; a controller that loses its lease). TERM stops the command and the supervisor.
# $0 is the daemon's name, for the log.
# shellcheck disable=SC2016 # expanded by the supervisor's shell, not here
SUPERVISOR='
trap "kill -TERM \$child 2>/dev/null; wait \$child; exit 0" TERM INT
while :; do
  "$@" &
  child=$!
  wait $child
  echo "supervisor: $0 exited with status $?; starting it again in 1s"
  sleep 1
done'

# start_daemon NAME [ENV=VAL ...] -- COMMAND ARGS...: start in the background, supervised,
# unless running.
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
  env "${envs[@]}" setsid bash -c "$SUPERVISOR" "$name" "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
}

daemon_running() {
  local pidfile="$PIDS/$1.pid"
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

# stop_daemon NAME: SIGTERM to the supervisor, which passes it on and waits; after 10 s,
# SIGKILL to the daemon and its supervisor.
stop_daemon() {
  local name=$1 pidfile="$PIDS/$1.pid"
  [ -f "$pidfile" ] || return 0
  local pid; pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    pkill -KILL -P "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# kill_daemon NAME: SIGKILL, as a crash or a lost machine would, with its supervisor first so
# that nothing starts it again.
kill_daemon() {
  local pidfile="$PIDS/$1.pid"
  [ -f "$pidfile" ] || return 0
  local pid children
  pid=$(cat "$pidfile")
  children=$(pgrep -P "$pid" || true)
  kill -KILL "$pid" 2>/dev/null || true
  # shellcheck disable=SC2086 # one PID per word
  [ -z "$children" ] || kill -KILL $children 2>/dev/null || true
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
