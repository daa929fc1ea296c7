#!/usr/bin/env bash
# Runs every command of docs/runbook.md against a local demo job (simulated writers, short windows) and checks
# each answer. Usage: docs/runbook-check.sh   (builds the job first when needed; takes a minute or two)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
api_port="${API_PORT:-18080}"
rest_port="${REST_PORT:-18081}"
export COMPACTOR_API_URL="http://localhost:$api_port"
export COMPACTOR_API_TOKEN="runbook-check-$$"
NS=users
compactor="$root/bin/compactor"

"$compactor" demo --bucket "$work/bucket" --api.port "$api_port" --rest.port "$rest_port" --compaction.source-retention 1h \
  --queryable-state.proxy.ports 19069 --queryable-state.server.ports 19067 >"$work/demo.out" 2>&1 &
demo=$!
trap 'kill $demo 2>/dev/null || true; wait $demo 2>/dev/null || true; rm -rf "$work"' EXIT

step() { echo "== $*"; }
fail() { echo "FAILED: $*" >&2; cat "$work/demo.out" >&2; exit 1; }
status() { curl -s "$COMPACTOR_API_URL/compaction/status?namespace=$NS"; }

step "waiting for the job and the namespace $NS"
for _ in $(seq 1 300); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "$COMPACTOR_API_URL/compaction/status?namespace=$NS")" == 200 ]] && break
  kill -0 $demo 2>/dev/null || fail "the demo stopped"
  sleep 1
done
[[ "$(status | jq -r .namespace)" == "$NS" ]] || fail "no status for $NS"

step "check health"
"$compactor" health
code=$(curl -s -o /dev/null -w '%{http_code}' "$COMPACTOR_API_URL/compaction/health")
[[ "$code" == 200 || "$code" == 503 ]] || fail "health answered $code"
"$compactor" status --namespace $NS
status | jq -e '{activeWindows, totalPendingFiles, oldestWindowAge, windowsStuckInProcessing, health}' >/dev/null

step "find stuck windows, trigger a check"
status | jq '.windows[] | select(.processingStatus.state == "processing")'
"$compactor" trigger-check --namespace $NS

step "rollback: 202 for a processing/dispatched/failed window, else 409 with its state"
KEY=$(status | jq -r '.windows[0].key')
set +e
"$compactor" rollback --namespace $NS --window "$KEY"; cli=$?
code=$(curl -s -o "$work/rollback.json" -w '%{http_code}' -X POST "$COMPACTOR_API_URL/compaction/internal/rollback-processing" \
  -H "Authorization: Bearer $COMPACTOR_API_TOKEN" -H 'Content-Type: application/json' \
  -d "{\"namespace\": \"$NS\", \"windowKey\": \"$KEY\"}")
set -e
[[ "$cli" == 0 || "$cli" == 1 ]] || fail "rollback exit $cli"
[[ "$code" == 202 || "$code" == 409 || "$code" == 404 ]] || fail "rollback answered $code: $(cat "$work/rollback.json")"
status | jq --arg k "$KEY" '{lastCommand, windows: [.windows[] | select(.key == $k) | .processingStatus]}'

step "manual trigger: 404 for an unknown window"
code=$(curl -s -o "$work/trigger.json" -w '%{http_code}' -X POST "$COMPACTOR_API_URL/compaction/trigger?namespace=$NS" \
  -H "Authorization: Bearer $COMPACTOR_API_TOKEN" -d '{"windowKey": "123"}')
[[ "$code" == 404 ]] || fail "trigger of an unknown window answered $code: $(cat "$work/trigger.json")"

step "retry with different parameters: a pending window takes them, the status and the manifest show them"
manifest() { echo "$work/bucket/_manifests/$NS/$1-g$2.json"; }
KEY=""
for _ in $(seq 1 5); do
  candidate=$(status | jq -r '[.windows[] | select(.processingStatus.state == "pending")][-1].key // empty')
  if [[ -n "$candidate" ]] && "$compactor" retry --namespace $NS --window "$candidate" --merge-memory 64mb \
      --target-file-size 32mb --sort off --engine reference; then
    KEY=$candidate
    break
  fi
  sleep 1
done
[[ -n "$KEY" ]] || fail "no pending window took the retry"
for _ in $(seq 1 60); do
  [[ "$(status | jq --arg k "$KEY" '[.windows[] | select(.key == $k) | .overrides.mergeMemoryBytes] | any(. == 67108864)')" == true ]] && break
  [[ -f "$(manifest "$KEY" 0)" ]] && break
  sleep 1
done
status | jq --arg k "$KEY" '.windows[] | select(.key == $k) | {key, overrides, processingStatus}'

step "manually trigger the window: it compacts now, whatever its readiness"
set +e
"$compactor" trigger --namespace $NS --window "$KEY"; cli=$?
set -e
[[ "$cli" == 0 || "$cli" == 1 ]] || fail "trigger exit $cli"
for _ in $(seq 1 120); do [[ -f "$(manifest "$KEY" 0)" ]] && break; sleep 1; done
[[ -f "$(manifest "$KEY" 0)" ]] || fail "window $KEY was not compacted after its trigger"
jq -e '.overrides.engine == "REFERENCE" and .overrides.mergeMemoryBytes == 67108864 and .sourcesRetainedUntil != null' \
  "$(manifest "$KEY" 0)" >/dev/null || fail "the manifest lacks the retry's parameters: $(cat "$(manifest "$KEY" 0)")"
for _ in $(seq 1 30); do (( $(status | jq .retainedSourceBytes) > 0 )) && break; sleep 1; done
(( $(status | jq .retainedSourceBytes) > 0 )) || fail "no retained source bytes in the status"
status | jq '{retainedSourceBytes, lastCommand}'

step "un-compact the window: sources back, outputs gone, manifest rolled back, window held"
"$compactor" uncompact --namespace $NS --window "$KEY" --generation 0
jq -e '.rolledBackAt != null' "$(manifest "$KEY" 0)" >/dev/null || fail "manifest not marked rolled back"
for source in $(jq -r '.inputs[].key' "$(manifest "$KEY" 0)"); do
  [[ -f "$work/bucket/$source" ]] || fail "source $source was not put back"
done
for output in $(jq -r '.outputs[].key' "$(manifest "$KEY" 0)"); do
  [[ ! -e "$work/bucket/$output" ]] || fail "output $output was not removed"
done
status | jq -e --arg k "$KEY" '.heldWindows | index($k) != null' >/dev/null || fail "window $KEY is not held"
"$compactor" uncompact --namespace $NS --window "$KEY" --generation 0 >/dev/null   # running it again is harmless
status | jq --arg k "$KEY" '{heldWindows, windows: [.windows[] | select(.key == $k) | {held, fileCount, processingStatus}]}'

step "trigger the held window: it compacts again, in a new generation"
"$compactor" trigger --namespace $NS --window "$KEY"
for _ in $(seq 1 120); do
  left=0
  for source in $(jq -r '.inputs[].key' "$(manifest "$KEY" 0)"); do [[ -f "$work/bucket/$source" ]] && left=1; done
  [[ "$left" == 0 && "$(status | jq -r --arg k "$KEY" '.heldWindows | index($k) == null')" == true ]] && break
  sleep 1
done
[[ "$left" == 0 ]] || fail "the put-back sources of $KEY were not compacted again after the trigger"

step "change priority"
"$compactor" set-priority --namespace $NS --priority 0
curl -s -X POST "$COMPACTOR_API_URL/compaction/config?namespace=$NS" \
  -H "Authorization: Bearer $COMPACTOR_API_TOKEN" -d '{"priority": 0}' | jq -e .accepted >/dev/null
for _ in $(seq 1 60); do [[ "$(status | jq .priority)" == 0 ]] && break; sleep 1; done
[[ "$(status | jq .priority)" == 0 ]] || fail "priority 0 never showed in the status"
status | jq '{priority, effectiveMaxWaitTimeMs, lastCommand}'

step "cleanup and reset"
"$compactor" cleanup --namespace $NS
"$compactor" reset --namespace $NS
curl -s -X DELETE "$COMPACTOR_API_URL/compaction/reset?namespace=$NS" \
  -H "Authorization: Bearer $COMPACTOR_API_TOKEN" | jq -e .accepted >/dev/null

step "daily health check"
"$compactor" health --json | jq -r '.namespaces[] | select(.status != "healthy") | "\(.namespace): \(.status) \(.issues | join("; "))"'

step "emergency stop with a savepoint"
JOB_ID=$(curl -s "http://localhost:$rest_port/jobs/overview" | jq -r '.jobs[] | select(.state == "RUNNING") | .jid')
curl -s -X POST "http://localhost:$rest_port/jobs/$JOB_ID/stop" -H 'Content-Type: application/json' \
  -d '{"drain": false}' | jq -e '."request-id"' >/dev/null
# a local run ends with its job: the process exits once the savepoint is written
for _ in $(seq 1 60); do kill -0 $demo 2>/dev/null || break; sleep 1; done
kill -0 $demo 2>/dev/null && fail "the job did not stop"
grep -q "Job finished." "$work/demo.out" || fail "the job did not finish with its savepoint"
ls "$work/bucket/_state/savepoints/"savepoint-* >/dev/null || fail "no savepoint written"
echo "runbook check passed"
