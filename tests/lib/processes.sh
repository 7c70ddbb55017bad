# Shared by the test and benchmark scripts that start servers on 127.0.0.1 (source it).
# The caller keeps the PIDs it starts in the array PIDS and its logs in $TMP/*.log.

# Stops every process in PIDS: SIGTERM, up to 5 s of grace, then SIGKILL.
stop_pids() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}

# Prints the last N (default 40) lines of every log in $TMP, for a failed run.
dump_logs() {
  local lines=${1:-40} log
  for log in "$TMP"/*.log; do
    [[ -s "$log" ]] || continue
    echo "---- $(basename "$log") (last $lines lines) ----" >&2
    tail -n "$lines" "$log" >&2
  done
}

# Waits (bounded, 180 s: loading every pack and compiling the detectors is slow on a busy
# machine) for a process to print `listening <port>` into its stdout file; echoes the port.
wait_port() {
  local file=$1 pid=$2 what=$3
  for _ in $(seq 1800); do
    if [[ -s "$file" ]] && grep -q '^listening [0-9]' "$file"; then
      awk '/^listening [0-9]/ { print $2; exit }' "$file"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { echo "$what exited before listening" >&2; return 1; }
    sleep 0.1
  done
  echo "$what did not report a port within 180 s" >&2
  return 1
}
