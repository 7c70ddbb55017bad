#!/usr/bin/env bash
# Browser test: playwright-core + Debian's chromium against a running `concord serve` with its
# admin listener and web console (see console.test.mjs for what is checked).
# Usage: tests/browser/run.sh path/to/concord
# Installs chromium if it is missing (apt, as root), the test's npm packages (npm ci from the
# committed lock) and builds the console (console/: npm ci && npm run build); starts the e2e fake
# upstream and `concord serve` on ephemeral 127.0.0.1 ports with a temp config that loads packs/
# plus hold-pack.yaml (every request of tenant `held` waits for a person); creates an API key
# for that tenant and an approver admin token; runs `node --test` (TAP: `# pass N`/`# fail N`).
# Screenshots land in tests/browser/artifacts/. Exit status is the test runner's.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 path/to/concord" >&2
  exit 2
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CONCORD="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
[[ -x "$CONCORD" ]] || { echo "browser: $CONCORD is not an executable" >&2; exit 2; }

if ! command -v chromium >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]]; then
    echo "browser: installing Debian's chromium"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
  else
    echo "browser: chromium is not installed (apt-get install chromium)" >&2
    exit 2
  fi
fi

TMP="$(mktemp -d -t concord-browser.XXXXXX)"
PIDS=()
# shellcheck source=../lib/processes.sh
source "$HERE/../lib/processes.sh"
cleanup() {
  local rc=$?
  stop_pids
  [[ $rc -eq 0 ]] || dump_logs 40
  rm -rf "$TMP"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM


echo "browser: npm ci (playwright-core, openai; pinned in tests/browser/package-lock.json)"
(cd "$HERE" && timeout 300 npm ci --no-audit --no-fund --loglevel=error)
echo "browser: building the console (console/: npm ci && npm run build)"
(cd "$ROOT/console" && timeout 300 npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)

export FAKE_CHUNK_DELAY_MS=20
node "$ROOT/tests/e2e/fake_upstream.mjs" 0 >"$TMP/fake.out" 2>"$TMP/fake.log" &
PIDS+=($!)
FAKE_PORT="$(wait_port "$TMP/fake.out" "${PIDS[-1]}" "fake upstream")"

# A free loopback port for the admin listener (the config needs a number).
ADMIN_PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})')"

UPSTREAM_KEY="sk-browser-upstream-$RANDOM$RANDOM"
mkdir -p "$TMP/data"
cat >"$TMP/concord.yaml" <<YAML
gateway:
  id: concord-browser
  operator: "Concord browser test"
listen:
  address: 127.0.0.1
  port: 0
  workers: 1
upstreams:
  - name: fake
    base_url: http://127.0.0.1:${FAKE_PORT}/v1
    api_key_env: CONCORD_BROWSER_UPSTREAM_KEY
    region: LOCAL
    model_origin: US
    models: [fake-chat, fake-embed, fake-instruct]
storage:
  data_dir: ${TMP}/data
audit:
  dir: ${TMP}/data/audit
  durability: batched
policy:
  vocabulary: ${ROOT}/packs/vocabulary.yaml
  packs: [${ROOT}/packs, ${HERE}/hold-pack.yaml]
admin:
  address: 127.0.0.1
  port: ${ADMIN_PORT}
  console_dir: ${ROOT}/console/dist
oversight:
  hold_max_wait_ms: 60000
YAML

CONCORD_KEY="$("$CONCORD" keys create --tenant held --db "$TMP/data/concord.db" 2>>"$TMP/keys.log")"
[[ -n "$CONCORD_KEY" ]] || { echo "browser: concord keys create printed no key" >&2; exit 1; }
ADMIN_TOKEN="$("$CONCORD" admin token create --role approver --label browser-test --db "$TMP/data/concord.db" 2>>"$TMP/keys.log")"
[[ -n "$ADMIN_TOKEN" ]] || { echo "browser: concord admin token create printed no token" >&2; exit 1; }

# From the repository root, so that the console's default directory (console/dist) resolves.
(cd "$ROOT" && exec env CONCORD_BROWSER_UPSTREAM_KEY="$UPSTREAM_KEY" "$CONCORD" serve -c "$TMP/concord.yaml" --port 0 \
  >"$TMP/concord.out" 2>"$TMP/concord.log") &
PIDS+=($!)
CONCORD_PORT="$(wait_port "$TMP/concord.out" "${PIDS[-1]}" "concord serve")"
ADMIN_URL="http://127.0.0.1:$ADMIN_PORT"
for i in $(seq 100); do  # 10 s after the gateway listens
  code="$(node -e "fetch('$ADMIN_URL/admin/whoami').then(r=>console.log(r.status),()=>console.log(0))")"
  [[ "$code" == "401" || "$code" == "200" ]] && break
  if [[ $i -eq 100 ]]; then
    echo "browser: no admin listener on $ADMIN_URL (is admin.port wired into concord serve?)" >&2
    exit 1
  fi
  sleep 0.1
done
echo "browser: fake upstream on 127.0.0.1:$FAKE_PORT, concord on 127.0.0.1:$CONCORD_PORT, admin on $ADMIN_URL"

cd "$HERE"
CONCORD_URL="http://127.0.0.1:$CONCORD_PORT" CONCORD_KEY="$CONCORD_KEY" ADMIN_URL="$ADMIN_URL" \
  ADMIN_TOKEN="$ADMIN_TOKEN" timeout 300 node --test --test-reporter=tap --test-timeout=90000 \
  --test-concurrency=1 console.test.mjs
