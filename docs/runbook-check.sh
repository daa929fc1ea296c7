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

"$compactor" demo --bucket "$work/bucket" --api.port "$api_port" --rest.port "$rest_port" \
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
