#!/usr/bin/env bash
# Crash loop of the real gateway (issue #6, "Proof"): `concord serve` with audit durability
# `strict` under load is killed with SIGKILL at random moments, CRASH_LOOPS times, and restarted
# (about one restart in eight is also killed during start-up, while recovery runs).
# After every restart (recovery has run) and once more at the end it checks that
#   (a) every exchange acknowledged so far (its response arrived complete with status 200 and an
#       x-concord-request-id) has its record in `concord audit export --format jsonl`, and
#   (b) `concord audit verify` exits 0 (chain, CRCs, checkpoints, signatures, no gaps).
# Builds nothing. Usage: tests/crash/gateway_crash_loop.sh path/to/concord
# Environment:
#   CRASH_LOOPS        kills (default 200, the documented full run; CI runs 15)
#   CRASH_MAX_SECONDS  time budget (default 900); the loop stops early when it is spent and says so
#   CRASH_SEED         seed of the kill moments (default: from $RANDOM; printed for reruns)
#   CRASH_CONCURRENCY  requests in flight (default 8)
#   CRASH_DURABILITY   strict (default); `batched` shows the harness catching loss (a crash may
#                      lose the last group commit's acknowledged records there, as documented)
# Exit 0 when every check passed, 1 on a lost record or a failed verify, 2 on bad usage.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 path/to/concord" >&2
  exit 2
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CONCORD="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
[[ -x "$CONCORD" ]] || { echo "crash: $CONCORD is not an executable" >&2; exit 2; }
LOOPS=${CRASH_LOOPS:-200}
MAX_SECONDS=${CRASH_MAX_SECONDS:-900}
SEED=${CRASH_SEED:-$RANDOM}
CONCURRENCY=${CRASH_CONCURRENCY:-8}
DURABILITY=${CRASH_DURABILITY:-strict}
RANDOM=$SEED

TMP="$(mktemp -d -t concord-crash.XXXXXX)"
PIDS=()
# shellcheck source=../lib/processes.sh
source "$HERE/../lib/processes.sh"
GW_PID=""
LOAD_PID=""
cleanup() {
  local rc=$?
  [[ -z "$LOAD_PID" ]] || kill -KILL "$LOAD_PID" 2>/dev/null || true
  [[ -z "$GW_PID" ]] || kill -KILL "$GW_PID" 2>/dev/null || true
  stop_pids
  [[ $rc -eq 0 ]] || dump_logs 30
  rm -rf "$TMP"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export FAKE_CHUNK_DELAY_MS=3
node "$HERE/../e2e/fake_upstream.mjs" 0 >"$TMP/fake.out" 2>"$TMP/fake.log" &
PIDS+=($!)
FAKE_PORT="$(wait_port "$TMP/fake.out" "${PIDS[-1]}" "fake upstream")"

DATA="$TMP/data"
mkdir -p "$DATA"
cat >"$TMP/concord.yaml" <<EOF
gateway: { id: concord-crash, operator: "Concord crash loop" }
listen: { address: 127.0.0.1, port: 0, workers: 2 }
upstreams:
  - { name: fake, base_url: "http://127.0.0.1:${FAKE_PORT}/v1", region: LOCAL, model_origin: US, models: [fake-chat] }
detect: { enabled: false }
storage: { data_dir: ${DATA} }
audit: { dir: ${DATA}/audit, durability: ${DURABILITY} }
EOF
KEY="$("$CONCORD" keys create --tenant crash --db "$DATA/concord.db" 2>>"$TMP/keys.log")"
[[ -n "$KEY" ]] || { echo "crash: concord keys create printed no key" >&2; exit 1; }

ACKED="$TMP/acked.txt"
: >"$ACKED"
audit() { "$CONCORD" audit "$@" --dir "$DATA/audit" --key "$DATA/audit-signing.key"; }

# (a) and (b); $1 names the moment for the report.
check() {
  local when=$1
  audit export --format jsonl --out "$TMP/export.jsonl" 2>"$TMP/export.err" ||
    { echo "crash: FAIL audit export ($when): $(cat "$TMP/export.err")" >&2; return 1; }
  grep -o '"exchange_id":"[^"]*"' "$TMP/export.jsonl" | cut -d'"' -f4 | sort -u >"$TMP/recorded.txt" || true
  sort -u "$ACKED" >"$TMP/acked.sorted"
  local missing
  missing=$(comm -23 "$TMP/acked.sorted" "$TMP/recorded.txt" | wc -l)
  if [[ $missing -ne 0 ]]; then
    echo "crash: FAIL $missing acknowledged exchange(s) without a record ($when), e.g.:" >&2
    comm -23 "$TMP/acked.sorted" "$TMP/recorded.txt" | head -5 >&2
    return 1
  fi
  if ! audit verify >"$TMP/verify.out" 2>&1; then
    echo "crash: FAIL audit verify ($when):" >&2
    cat "$TMP/verify.out" >&2
    return 1
  fi
}

start_gateway() {
  : >"$TMP/concord.out"
  "$CONCORD" serve -c "$TMP/concord.yaml" --port 0 >"$TMP/concord.out" 2>>"$TMP/concord.log" &
  GW_PID=$!
  GW_PORT="$(wait_port "$TMP/concord.out" "$GW_PID" "concord serve")"
}

echo "crash: $LOOPS kill -9 loops (seed $SEED, budget ${MAX_SECONDS}s), $DURABILITY audit, fake upstream on :$FAKE_PORT"
started=$SECONDS
done_loops=0
early_kills=0
for ((i = 1; i <= LOOPS; i++)); do
  if ((SECONDS - started >= MAX_SECONDS)); then
    echo "crash: time budget of ${MAX_SECONDS}s spent after $done_loops loop(s); stopping early" >&2
    break
  fi
  if ((RANDOM % 8 == 0)); then
    # Now and then the kill lands while the gateway is still starting (recovery, sealing).
    "$CONCORD" serve -c "$TMP/concord.yaml" --port 0 >/dev/null 2>>"$TMP/concord.log" &
    GW_PID=$!
    sleep "0.0$(printf '%02d' $((RANDOM % 60)))"
    kill -KILL "$GW_PID" 2>/dev/null || true
    wait "$GW_PID" 2>/dev/null || true
    early_kills=$((early_kills + 1))
  fi
  start_gateway
  check "after restart $i" || exit 1
  node "$HERE/load.mjs" "$GW_PORT" "$KEY" "$ACKED" "$CONCURRENCY" 5000 2>>"$TMP/load.log" &
  LOAD_PID=$!
  # A random moment: 0-399 ms of load (about one in eight kills lands in the first 50 ms).
  sleep "0.$(printf '%03d' $((RANDOM % 400)))"
  kill -KILL "$GW_PID" 2>/dev/null || true
  wait "$GW_PID" 2>/dev/null || true
  kill -TERM "$LOAD_PID" 2>/dev/null || true
  wait "$LOAD_PID" 2>/dev/null || true
  done_loops=$i
done
start_gateway
check "final restart" || exit 1
kill -TERM "$GW_PID" && wait "$GW_PID" 2>/dev/null || true
check "after a clean stop" || exit 1
acked=$(sort -u "$ACKED" | wc -l)
records=$(wc -l <"$TMP/recorded.txt")
echo "crash: PASS $done_loops kill -9 loop(s) (+$early_kills during start-up) in $((SECONDS - started)) s: $acked acknowledged exchange(s), all recorded ($records exchange record(s)); verify ok after every restart"
