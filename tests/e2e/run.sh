#!/usr/bin/env bash
# End-to-end test: the official `openai` npm client against a running `concord serve`.
# Usage: tests/e2e/run.sh path/to/concord
# Installs the pinned client (npm ci from the committed lock), starts fake_upstream.mjs and
# `concord serve` on ephemeral 127.0.0.1 ports with a temp config and data dir, creates a key,
# runs `node --test` (TAP output: CI reads the `# pass N` / `# fail N` lines) and stops everything.
# Exit status is the test runner's, or 1 if concord wrote no audit record or did not exit 0 on SIGTERM.
# The detectors are off by default (CONCORD_E2E_DETECT=true turns them on): these tests are about
# relaying the OpenAI API faithfully; detection has its own tests.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 path/to/concord" >&2
  exit 2
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CONCORD="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
[[ -x "$CONCORD" ]] || { echo "e2e: $CONCORD is not an executable" >&2; exit 2; }

TMP="$(mktemp -d -t concord-e2e.XXXXXX)"
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


echo "e2e: npm ci (openai client, pinned in tests/e2e/package-lock.json)"
(cd "$HERE" && timeout 300 npm ci --no-audit --no-fund --loglevel=error)

export FAKE_CHUNK_DELAY_MS=60
node "$HERE/fake_upstream.mjs" 0 >"$TMP/fake.out" 2>"$TMP/fake.log" &
PIDS+=($!)
FAKE_PORT="$(wait_port "$TMP/fake.out" "${PIDS[-1]}" "fake upstream")"

UPSTREAM_KEY="sk-e2e-upstream-$RANDOM$RANDOM"
mkdir -p "$TMP/data"
cat >"$TMP/concord.yaml" <<EOF
gateway:
  id: concord-e2e
  operator: "Concord e2e test"
listen:
  address: 127.0.0.1
  port: 0
  workers: 1
upstreams:
  - name: fake
    base_url: http://127.0.0.1:${FAKE_PORT}/v1
    api_key_env: CONCORD_E2E_UPSTREAM_KEY
    region: LOCAL
    model_origin: US
    models: [fake-chat, fake-embed, fake-instruct]
    aliases: { fast: fake-chat }
detect:
  enabled: ${CONCORD_E2E_DETECT:-false}
storage:
  data_dir: ${TMP}/data
audit:
  dir: ${TMP}/data/audit
  durability: batched
EOF

CONCORD_KEY="$("$CONCORD" keys create --tenant e2e --db "$TMP/data/concord.db" 2>>"$TMP/keys.log")"
[[ -n "$CONCORD_KEY" ]] || { echo "e2e: concord keys create printed no key" >&2; exit 1; }

CONCORD_E2E_UPSTREAM_KEY="$UPSTREAM_KEY" "$CONCORD" serve -c "$TMP/concord.yaml" --port 0 \
  >"$TMP/concord.out" 2>"$TMP/concord.log" &
PIDS+=($!)
CONCORD_PID=${PIDS[-1]}
CONCORD_PORT="$(wait_port "$TMP/concord.out" "$CONCORD_PID" "concord serve")"
echo "e2e: fake upstream on 127.0.0.1:$FAKE_PORT, concord on 127.0.0.1:$CONCORD_PORT"

# A second gateway with every pack, the org policy and the detectors on, for the governance tests.
REPO="$(cd "$HERE/../.." && pwd)"
mkdir -p "$TMP/gov"
cat >"$TMP/gov.yaml" <<GOVEOF
gateway: { id: concord-e2e-gov, operator: "Concord e2e governance test" }
listen: { address: 127.0.0.1, port: 0, workers: 1 }
upstreams:
  - { name: fake-eu, base_url: "http://127.0.0.1:${FAKE_PORT}/v1", region: EU, model_origin: US, models: [fake-echo] }
  - { name: fake-cn, base_url: "http://127.0.0.1:${FAKE_PORT}/v1", region: CN, model_origin: CN, models: [fake-echo] }
storage: { data_dir: ${TMP}/gov }
policy: { vocabulary: ${REPO}/packs/vocabulary.yaml, packs: [${REPO}/packs, ${REPO}/examples/org-policy.yaml] }
detect: { enabled: true }
deployment: { use_case: [customer_service], user_facing: true }
GOVEOF
gov_key() { "$CONCORD" keys create --db "$TMP/gov/concord.db" "$@" 2>>"$TMP/keys.log"; }
GOV_KEY_CN="$(gov_key --tenant cn-shop --jurisdictions CN --locale zh --roles global_processing_approved)"
GOV_KEY_CN_STRICT="$(gov_key --tenant cn-strict --jurisdictions CN)"
GOV_KEY_EU="$(gov_key --tenant eu-shop --jurisdictions EU)"
GOV_KEY_SUSPENDED="$(gov_key --tenant cn-suspended --jurisdictions CN --roles suspended)"
GOV_KEY_KR="$(gov_key --tenant kr-shop --jurisdictions KR --locale ko)"
"$CONCORD" serve -c "$TMP/gov.yaml" --port 0 >"$TMP/gov.out" 2>"$TMP/gov.log" &
PIDS+=($!)
GOV_PORT="$(wait_port "$TMP/gov.out" "${PIDS[-1]}" "concord serve (governed)")"
echo "e2e: governed concord (all packs, detectors on) on 127.0.0.1:$GOV_PORT"

set +e
(cd "$HERE" && CONCORD_URL="http://127.0.0.1:$CONCORD_PORT" CONCORD_KEY="$CONCORD_KEY" \
  FAKE_URL="http://127.0.0.1:$FAKE_PORT" UPSTREAM_KEY="$UPSTREAM_KEY" \
  GOV_URL="http://127.0.0.1:$GOV_PORT" GOV_KEY_CN="$GOV_KEY_CN" GOV_KEY_CN_STRICT="$GOV_KEY_CN_STRICT" \
  GOV_KEY_EU="$GOV_KEY_EU" GOV_KEY_SUSPENDED="$GOV_KEY_SUSPENDED" GOV_KEY_KR="$GOV_KEY_KR" \
  timeout 180 node --test --test-concurrency=1 --test-reporter=tap concord.test.mjs governance.test.mjs)
status=$?
set -e
# The audit directory must not be empty after the exchanges above: a cheap cross-check that the
# audit step ran (its format is tested by the unit tests).
if [[ $status -eq 0 ]]; then
  concord_status=0
  kill -TERM "$CONCORD_PID" && wait "$CONCORD_PID" 2>/dev/null || concord_status=$?
  if [[ $concord_status -ne 0 ]]; then
    echo "e2e: FAIL concord serve exited with status $concord_status on SIGTERM (graceful drain expects 0)" >&2
    status=1
  fi
  files=$(find "$TMP/data/audit" -type f -size +0 2>/dev/null | wc -l)
  echo "e2e: non-empty audit files: $files"
  if [[ $files -lt 1 ]]; then
    echo "e2e: FAIL no audit records in $TMP/data/audit" >&2
    status=1
  fi
fi
exit $status
