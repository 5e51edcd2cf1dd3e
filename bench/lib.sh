# Shared by bench/load.sh and bench/profile.sh (sourced, from the repository's root): tools, and the
# upstream and gateway processes, stopped when the script exits.

die() { echo "${0##*/}: $*" >&2; exit 1; }

# install_tools: wrk and curl from Debian, if missing
install_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v curl >/dev/null || missing+=(curl)
  [ ${#missing[@]} -eq 0 ] && return
  echo "installing ${missing[*]} (Debian packages)"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null \
    || die "could not install ${missing[*]}; install them and rerun"
}

PIDS=()
declare -A PID_ON_PORT
stop_all() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop_all EXIT

# start NAME PORT READY_URL LOG CMD...: runs CMD in the background (output in LOG) until READY_URL answers
# 200; its PID is then in PID_ON_PORT[PORT]
start() {
  local name=$1 port=$2 ready=$3 log=$4; shift 4
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then die "port $port is in use"; fi
  "$@" >"$log" 2>&1 &
  PIDS+=($!)
  PID_ON_PORT[$port]=$!
  for _ in $(seq 300); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$ready")" = 200 ]; then return; fi
    kill -0 "${PIDS[-1]}" 2>/dev/null || die "$name exited; see $log"
    sleep 0.2
  done
  die "$name not ready after 60 s; see $log"
}

# listen_port CONFIG: the proxy port a gateway configuration listens on
listen_port() {
  local port
  port=$(sed -n 's/^listen:.*port: *\([0-9]*\).*/\1/p' "$1")
  [ -n "$port" ] || die "no listen port in $1"
  echo "$port"
}
