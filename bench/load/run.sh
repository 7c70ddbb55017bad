#!/usr/bin/env bash
# Load benchmark: Concord against nginx proxy_pass, with the method of
# shared/reference/performance-baseline.md. Usage: bench/load/run.sh path/to/concord
#
# Starts, on 127.0.0.1 only: a fake upstream (nginx, upstream.conf.in: a 643-byte chat.completion
# and a chunked 21-event SSE stream), an nginx reverse proxy (proxy.conf.in) and `concord serve`
# (workers: 1, audit on, a key created beforehand, detectors off as in the issue's "pass-through
# steps" target; BENCH_DETECT=true turns them on, BENCH_PROVENANCE=true the signed provenance). The upstream and the system under test are
# pinned to CPU 1, wrk to CPU 0, so CPU 1 is the bottleneck and 1e6/RPS is the CPU-µs per request
# on CPU 1; (that − direct's) is the proxy's own cost. Also samples the CPU time of each process
# (/proc/<pid>/task/*/schedstat), which stays meaningful when other work shares the machine.
# For each of {non-streaming, SSE} × {direct, nginx, concord}: 1 s warm-up, wrk -t1 -c16 for
# BENCH_SECONDS (10), wrk -t1 -c1 for BENCH_SECONDS_C1 (5). About 100 s in all.
# Appends a dated section to bench/RESULTS.md (BENCH_RESULTS overrides; BENCH_RESULTS=- prints only).
# BENCH_PROFILE=1 prints context switches, syscalls (strace -c) and a perf profile instead.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 path/to/concord" >&2
  exit 2
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CONCORD="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
[[ -x "$CONCORD" ]] || { echo "bench: $CONCORD is not an executable" >&2; exit 2; }
for tool in nginx wrk taskset node curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found (CONCORD_DEPS=test scripts/install-deps)" >&2; exit 2; }
done
[[ $(nproc) -ge 2 ]] || { echo "bench: needs 2 CPUs (wrk on CPU 0, servers on CPU 1)" >&2; exit 2; }
SECONDS_C16="${BENCH_SECONDS:-10}"
SECONDS_C1="${BENCH_SECONDS_C1:-5}"
RESULTS="${BENCH_RESULTS:-$ROOT/bench/RESULTS.md}"
# On a shared box, a higher priority lets the measured processes run before niced builds (root
# only). It does not make the box idle: report.mjs shows how much of CPU 1 other work still took.
NICE="${BENCH_NICE:-$([[ $(id -u) -eq 0 ]] && echo -10 || echo 0)}"

TMP="$(mktemp -d -t concord-bench.XXXXXX)"
chmod 755 "$TMP"  # nginx workers may run as an unprivileged user and must read www/
PIDS=()
cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    local st=0
    wait "$pid" 2>/dev/null || st=$?
    if [[ $pid == "${CONCORD_PID:-}" && $st -ne 0 ]]; then
      echo "bench: WARNING concord serve exited with status $st after SIGTERM (expected 0); its log:" >&2
      tail -n 20 "$TMP/concord.log" >&2
    fi
  done
  if [[ $rc -ne 0 ]]; then
    for log in "$TMP"/*.log; do
      [[ -s "$log" ]] || continue
      echo "---- $(basename "$log") (last 20 lines) ----" >&2
      tail -n 20 "$log" >&2
    done
  fi
  rm -rf "$TMP"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Four free ports on 127.0.0.1, asked from the kernel (held together so they differ).
read -r JSON_PORT SSE_PORT PROXY_JSON_PORT PROXY_SSE_PORT < <(node -e '
  const net = require("net"); const servers = [];
  const next = () => { if (servers.length === 4) { console.log(servers.map(s => s.address().port).join(" "));
    servers.forEach(s => s.close()); return; }
    const s = net.createServer().listen(0, "127.0.0.1", next); servers.push(s); };
  next();')

shopt -u patsub_replacement 2>/dev/null || true  # bash 5.2: keep '&' literal in ${x//a/b}
render() {  # template output
  local text
  text="$(<"$1")"
  text="${text//@PREFIX@/$TMP}"
  text="${text//@JSON_PORT@/$JSON_PORT}"
  text="${text//@SSE_PORT@/$SSE_PORT}"
  text="${text//@PROXY_JSON_PORT@/$PROXY_JSON_PORT}"
  text="${text//@PROXY_SSE_PORT@/$PROXY_SSE_PORT}"
  text="${text//@ANSWER@/$(<"$HERE/answer.json")}"
  printf '%s\n' "$text" >"$2"
}
mkdir -p "$TMP/tmp" "$TMP/www" "$TMP/data"
# A private copy, so a rebuild of the build tree during the run cannot change what is measured.
cp "$CONCORD" "$TMP/concord"
CONCORD_BIN="$TMP/concord"
cp "$HERE/stream.sse" "$TMP/www/stream.sse"
chmod 755 "$TMP/www" && chmod 644 "$TMP/www/stream.sse"
render "$HERE/upstream.conf.in" "$TMP/upstream.conf"
render "$HERE/proxy.conf.in" "$TMP/proxy.conf"

wait_http() {  # port what: bounded wait until something answers HTTP on the port
  for _ in $(seq 100); do
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/" && return 0
    sleep 0.1
  done
  echo "bench: $2 did not start on port $1" >&2
  return 1
}

nice -n "$NICE" taskset -c 1 nginx -p "$TMP" -c "$TMP/upstream.conf" -e "$TMP/upstream-error.log" 2>"$TMP/upstream-start.log" &
UPSTREAM_PID=$!
PIDS+=("$UPSTREAM_PID")
nice -n "$NICE" taskset -c 1 nginx -p "$TMP" -c "$TMP/proxy.conf" -e "$TMP/proxy-error.log" 2>"$TMP/proxy-start.log" &
PROXY_PID=$!
PIDS+=("$PROXY_PID")
wait_http "$JSON_PORT" "fake upstream"
wait_http "$PROXY_JSON_PORT" "nginx proxy"

KEY="$("$CONCORD_BIN" keys create --tenant bench --db "$TMP/data/concord.db" 2>>"$TMP/keys.log")"
cat >"$TMP/concord.yaml" <<EOF
gateway:
  id: concord-bench
  operator: "Concord load benchmark"
listen:
  address: 127.0.0.1
  port: 0
  workers: 1
upstreams:
  - name: bench-json
    base_url: http://127.0.0.1:${JSON_PORT}/v1
    region: LOCAL
    model_origin: US
    models: [bench-json]
  - name: bench-sse
    base_url: http://127.0.0.1:${SSE_PORT}/v1
    region: LOCAL
    model_origin: US
    models: [bench-sse]
detect:
  enabled: ${BENCH_DETECT:-false}
provenance:
  enabled: ${BENCH_PROVENANCE:-false}
storage:
  data_dir: ${TMP}/data
audit:
  dir: ${TMP}/data/audit
  durability: batched
EOF
nice -n "$NICE" taskset -c 1 "$CONCORD_BIN" serve -c "$TMP/concord.yaml" --port 0 >"$TMP/concord.out" 2>"$TMP/concord.log" &
CONCORD_PID=$!
PIDS+=("$CONCORD_PID")
CONCORD_PORT=""
for _ in $(seq 600); do
  CONCORD_PORT="$(awk '/^listening [0-9]/ { print $2; exit }' "$TMP/concord.out")"
  [[ -n "$CONCORD_PORT" ]] && break
  kill -0 "$CONCORD_PID" 2>/dev/null || { echo "bench: concord serve exited" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$CONCORD_PORT" ]] || { echo "bench: concord serve did not report its port" >&2; exit 1; }

url() {  # target shape
  case "$1/$2" in
    direct/json) echo "http://127.0.0.1:$JSON_PORT/v1/chat/completions" ;;
    direct/sse) echo "http://127.0.0.1:$SSE_PORT/v1/chat/completions" ;;
    nginx/json) echo "http://127.0.0.1:$PROXY_JSON_PORT/v1/chat/completions" ;;
    nginx/sse) echo "http://127.0.0.1:$PROXY_SSE_PORT/v1/chat/completions" ;;
    concord/*) echo "http://127.0.0.1:$CONCORD_PORT/v1/chat/completions" ;;
  esac
}
body() { [[ $1 == json ]] && echo "$HERE/chat.json" || echo "$HERE/chat_stream.json"; }

# Every target must relay the answer before it is measured: byte for byte, or (if a governance step
# such as labelling changed it) still a complete chat.completion / SSE stream, which is noted.
for target in direct nginx concord; do
  for shape in json sse; do
    out="$TMP/check-$target-$shape"
    code=$(curl -s -o "$out" -w '%{http_code}' --max-time 5 -H 'Content-Type: application/json' \
      -H "Authorization: Bearer $KEY" --data-binary @"$(body "$shape")" "$(url "$target" "$shape")")
    expected="$HERE/answer.json"; [[ $shape == sse ]] && expected="$HERE/stream.sse"
    if [[ $code != 200 ]]; then
      echo "bench: $target/$shape answered $code: $(head -c 300 "$out")" >&2; exit 1
    elif ! cmp -s "$out" "$expected"; then
      if [[ $shape == json ]] && grep -q '"object":"chat.completion"' "$out"; then
        echo "bench: note: $target/json changed the answer ($(wc -c <"$out") bytes, upstream sent 643)"
      elif [[ $shape == sse ]] && [[ $(tail -c 14 "$out") == "data: [DONE]" ]] && (($(grep -c '^data:' "$out") >= 21)); then
        echo "bench: note: $target/sse changed the stream ($(wc -c <"$out") bytes, upstream sent $(wc -c <"$expected"))"
      else
        echo "bench: $target/$shape did not relay the answer: $(head -c 300 "$out")" >&2; exit 1
      fi
    fi
  done
done

# CPU time in µs (scheduler runtime of every thread) of a process and its children (nginx workers).
cpu_us() {
  local pid files=()
  for pid in "$@" $(pgrep -P "$1" 2>/dev/null || true); do files+=(/proc/"$pid"/task/*/schedstat); done
  cat "${files[@]}" 2>/dev/null | awk '{ ns += $1 } END { printf "%d\n", ns / 1000 }'
}
cpu1() { awk '$1 == "cpu1" { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6 }' /proc/stat; }

TSV="$TMP/results.tsv"
printf 'target\tshape\tconns\trequests\tduration_us\tp50_us\tp99_us\terrors\tsut_cpu_us\tup_cpu_us\tcpu1_busy\tcpu1_total\n' >"$TSV"
measure() {  # target shape conns seconds [record]
  local target=$1 shape=$2 conns=$3 secs=$4 sut_pid=""
  [[ $target == nginx ]] && sut_pid=$PROXY_PID
  [[ $target == concord ]] && sut_pid=$CONCORD_PID
  local up0 sut0=0 c0 up1 sut1=0 c1 line
  up0=$(cpu_us "$UPSTREAM_PID"); [[ -n $sut_pid ]] && sut0=$(cpu_us "$sut_pid"); c0=$(cpu1)
  line=$(BENCH_BODY="$(body "$shape")" BENCH_KEY="$KEY" timeout $((secs + 30)) \
    nice -n "$NICE" taskset -c 0 wrk -t1 "-c$conns" "-d${secs}s" --latency -s "$HERE/post.lua" "$(url "$target" "$shape")" |
    grep '^RESULT') || { echo "bench: wrk failed on $target/$shape" >&2; return 1; }
  up1=$(cpu_us "$UPSTREAM_PID"); [[ -n $sut_pid ]] && sut1=$(cpu_us "$sut_pid"); c1=$(cpu1)
  [[ ${5:-record} == record ]] || return 0
  # shellcheck disable=SC2086
  set -- $line
  local -A r=()
  for kv in "${@:2}"; do r[${kv%%=*}]=${kv#*=}; done
  local errors=$((r[connect_err] + r[read_err] + r[write_err] + r[status_err] + r[timeout_err]))
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$shape" "$conns" "${r[requests]}" \
    "${r[duration_us]}" "${r[p50_us]}" "${r[p99_us]}" "$errors" $((sut1 - sut0)) $((up1 - up0)) \
    $(( ${c1% *} - ${c0% *} )) $(( ${c1#* } - ${c0#* } )) >>"$TSV"
  printf 'bench: %-7s %-4s c%-2s %8.0f req/s  p50 %6s us  p99 %6s us  errors %s\n' "$target" "$shape" "$conns" \
    "$(awk -v n="${r[requests]}" -v d="${r[duration_us]}" 'BEGIN { print n * 1e6 / d }')" "${r[p50_us]}" "${r[p99_us]}" "$errors"
}

# BENCH_PROFILE=1: instead of the table, profile both proxies under the c16 load and exit:
# syscalls per request (strace -c) and, for Concord, the top symbols (perf record).
ctx_switches() {  # voluntary + involuntary context switches of every thread of a process and its children
  local pid files=()
  for pid in "$@" $(pgrep -P "$1" 2>/dev/null || true); do files+=(/proc/"$pid"/task/*/status); done
  cat "${files[@]}" 2>/dev/null | awk '/ctxt_switches/ { n += $2 } END { print n + 0 }'
}
if [[ -n ${BENCH_PROFILE:-} ]]; then
  for shape in json sse; do
    for target in nginx concord; do
      pid=$PROXY_PID; [[ $target == concord ]] && pid=$CONCORD_PID
      # shellcheck disable=SC2046
      pids=$(echo "$pid" $(pgrep -P "$pid" || true) | tr ' ' ',')
      csw0=$(ctx_switches "$pid")
      line=$(BENCH_BODY="$(body "$shape")" BENCH_KEY="$KEY" taskset -c 0 wrk -t1 -c16 -d3s -s "$HERE/post.lua" \
        "$(url "$target" "$shape")" | grep '^RESULT')
      csw1=$(ctx_switches "$pid")
      requests=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$line")
      echo "== $target $shape: context switches per request, all threads: $(awk -v a="$csw0" -v b="$csw1" -v n="$requests" 'BEGIN { printf "%.2f", (b - a) / n }')"
      timeout 60 strace -c -f -o "$TMP/strace-$target-$shape.txt" -p "$pids" &
      strace_pid=$!
      sleep 1
      line=$(BENCH_BODY="$(body "$shape")" BENCH_KEY="$KEY" taskset -c 0 wrk -t1 -c16 -d3s -s "$HERE/post.lua" \
        "$(url "$target" "$shape")" | grep '^RESULT')
      kill -INT "$strace_pid"; wait "$strace_pid" || true
      requests=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$line")
      echo "== $target $shape: syscalls per request under strace ($requests requests)"
      awk -v n="$requests" '$1 ~ /^[0-9.]+$/ && NF >= 5 { name = $NF; calls = $4; printf "  %-16s %7.2f\n", name, calls / n }
        $NF == "total" { printf "  %-16s %7.2f\n", "TOTAL", $3 / n }' "$TMP/strace-$target-$shape.txt" | sort -k2 -rn | head -12
    done
    perf record -q -F 2999 -g -o "$TMP/perf-$shape.data" -p "$CONCORD_PID" -- sleep 4 2>/dev/null &
    perf_pid=$!
    BENCH_BODY="$(body "$shape")" BENCH_KEY="$KEY" taskset -c 0 wrk -t1 -c16 -d5s -s "$HERE/post.lua" \
      "$(url concord "$shape")" >/dev/null
    wait "$perf_pid" || true
    for sort in pid dso pid,dso,symbol; do
      echo "== concord $shape: perf self time by $sort"
      { perf report -i "$TMP/perf-$shape.data" --no-children --sort "$sort" -g none --stdio 2>/dev/null || true; } |
        grep -E '^ +[0-9]' | sed 's/ \{3,\}-  .*$//; s/ *$//' | cut -c1-150 | head -45 || true
    done
  done
  exit 0
fi

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: upstream :$JSON_PORT/:$SSE_PORT, nginx proxy :$PROXY_JSON_PORT/:$PROXY_SSE_PORT, concord :$CONCORD_PORT; load $LOAD_BEFORE"
for shape in json sse; do
  for target in direct nginx concord; do
    measure "$target" "$shape" 16 1 warmup
    measure "$target" "$shape" 16 "$SECONDS_C16"
    measure "$target" "$shape" 1 "$SECONDS_C1"
  done
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

audit_bytes=$(du -sb "$TMP/data/audit" 2>/dev/null | cut -f1 || echo 0)
section="$TMP/section.md"
BENCH_DETECT="$([[ ${BENCH_DETECT:-false} == true ]] && echo on || echo off)" BENCH_PROVENANCE="${BENCH_PROVENANCE:-false}" BENCH_TSV="$TSV" BENCH_LOAD="$LOAD_BEFORE → $LOAD_AFTER" BENCH_AUDIT_BYTES="$audit_bytes" \
  BENCH_COMMAND="bench/load/run.sh ${1} (nice ${NICE}; wrk -t1 -c16 -d${SECONDS_C16}s and -c1 -d${SECONDS_C1}s --latency -s bench/load/post.lua)" \
  BENCH_CONCORD_COMMIT="HEAD $(git -C "$ROOT" log -1 --format='%h' 2>/dev/null || echo '?'), binary built $(date -u -r "$CONCORD" '+%Y-%m-%d %H:%M UTC')" \
  BENCH_CLK_TCK="$(getconf CLK_TCK)" node "$HERE/report.mjs" >"$section"
cat "$section"
if [[ $RESULTS != - ]]; then
  [[ -f $RESULTS ]] || printf '# Load benchmark results\n\nAppended by `make bench` (bench/load/run.sh). Method: shared/reference/performance-baseline.md.\n' >"$RESULTS"
  { echo; cat "$section"; } >>"$RESULTS"
  echo "bench: appended to $RESULTS"
fi
