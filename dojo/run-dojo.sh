#!/usr/bin/env bash
# Runs the AG-UI dojo's Playwright specs (unchanged) against agent-runtime, with the dojo's own
# aimock fixtures as the scripted model, and prints a per-spec results table.
# Not part of .ci/run: installing and compiling the dojo (Next.js, CopilotKit) takes longer
# than CI allows on a 2-core machine. See docs/runtime/compatibility.md ("The AG-UI dojo").
#
#   dojo/run-dojo.sh <ag-ui checkout or git dir> [spec paths under apps/dojo/e2e/tests …]
#
# Needs: Node 20, Postgres and Redis as for `npm test`, Debian's Chromium (/usr/bin/chromium;
# `apt-get install -y chromium`), the npm registry. Ports: 8788 (agent-runtime), 8790 (proxy),
# 3010 (dojo), 5555 (aimock). Work dir: $DOJO_WORK (default /tmp/agent-runtime-dojo).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
source_dir=${1:?usage: dojo/run-dojo.sh <ag-ui checkout or git dir> [specs…]}
shift
specs=("$@")
if [ ${#specs[@]} -eq 0 ]; then
  specs=(serverStarterAllFeaturesTests serverStarterTests agUiDotnetTests
    claudeAgentSdkPythonTests claudeAgentSdkTypescriptTests mastraTests/interruptPage.spec.ts)
fi
work=${DOJO_WORK:-/tmp/agent-runtime-dojo}
dojo="$work/dojo"
results="$work/dojo-results.json"
mkdir -p "$work"

if [ ! -x /usr/bin/chromium ]; then
  echo "Debian's Chromium is missing: apt-get install -y chromium" >&2
  exit 1
fi
if [ "${DOJO_SKIP_PREPARE:-0}" != 1 ] || [ ! -d "$dojo/node_modules" ]; then
  node "$repo/dojo/prepare-dojo.mjs" "$source_dir" "$work"
  (cd "$dojo" && npm install --no-audit --no-fund --loglevel=error)
fi

# Each service runs in its own process group (setsid), so stopping it stops its children too
# (`npm run dev` starts next, which starts its server).
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

wait_for() { # url, what
  for _ in $(seq 1 600); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 1
  done
  echo "timed out waiting for $2 ($1)" >&2
  exit 1
}

secret=$(node -e 'console.log(require("node:crypto").randomBytes(32).toString("hex"))')
token=$(cd "$repo/backend" && SECRET="$secret" node --input-type=module -e '
  import { SignJWT } from "jose";
  const key = new TextEncoder().encode(process.env.SECRET);
  console.log(await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("dojo-user")
    .setIssuedAt().setExpirationTime("12h").sign(key));')

export SOCIAL_ENV=development
export SOCIAL_DATABASE__URL=${DOJO_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/agent_runtime_dojo}
export SOCIAL_REDIS__KEY_PREFIX="dojo-$(date +%s)"
export SOCIAL_HTTP__PORT=8788
export SOCIAL_WORKER__METRICS_PORT=0
export SOCIAL_AUTH__JWT_SECRET="$secret"
export SOCIAL_RUNTIME__CONFIG_DIR="$repo/dojo/config"
export SOCIAL_LLM__PROVIDER_KEYS__OPENAI=aimock
export SOCIAL_LLM__PROVIDER_BASE_URLS__OPENAI=http://127.0.0.1:5555/v1
export SOCIAL_LLM__DEFAULT_MODEL_CODE=gpt-4o-mini
export SOCIAL_LLM__MAX_RETRIES=0
# CopilotKit before 1.61.2 reads interrupts only from CUSTOM on_interrupt.
export SOCIAL_RUNTIME__LEGACY_INTERRUPT_EVENT=${DOJO_LEGACY_INTERRUPT_EVENT:-false}
export SOCIAL_LOG__LEVEL=${DOJO_LOG_LEVEL:-warn}
(cd "$repo/backend" && node --import tsx src/main.ts migrate >/dev/null)
(cd "$repo/backend" && exec setsid node --import tsx src/main.ts all) >"$work/agent-runtime.log" 2>&1 &
pids+=($!)
AGENT_RUNTIME_URL=http://127.0.0.1:8788 AGENT_RUNTIME_TOKEN="$token" PORT=8790 \
  setsid node "$repo/dojo/agui-proxy.mjs" >"$work/proxy.log" 2>&1 &
pids+=($!)
(cd "$dojo" && AGENT_RUNTIME_PROXY_URL=http://127.0.0.1:8790 PORT=3010 NEXT_TELEMETRY_DISABLED=1 \
  exec setsid npm run dev -- --port 3010 --hostname 127.0.0.1) >"$work/dojo.log" 2>&1 &
pids+=($!)
wait_for http://127.0.0.1:8788/healthz agent-runtime
wait_for http://127.0.0.1:8790/ proxy
wait_for http://127.0.0.1:3010/ "the dojo (Next.js dev server)"
# `next dev` compiles a route on its first request, which on a 2-core machine takes longer than
# a spec's navigation timeout: compile every feature page and the runtime route first.
for feature in agentic_chat backend_tool_rendering human_in_the_loop agentic_generative_ui \
  tool_based_generative_ui shared_state predictive_state_updates interrupt v1_agentic_chat; do
  curl -s -o /dev/null -m 900 "http://127.0.0.1:3010/server-starter-all-features/feature/$feature" || true
done
curl -s -o /dev/null -m 900 -X POST -H 'content-type: application/json' -d '{}' \
  http://127.0.0.1:3010/api/copilotkit/server-starter-all-features || true

status=0
(cd "$dojo/e2e" && BASE_URL=http://127.0.0.1:3010 DOJO_RESULTS="$results" \
  npx playwright test -c playwright.agent-runtime.config.ts "${specs[@]/#/tests/}") || status=$?
node "$repo/dojo/results-table.mjs" "$results" | tee "$work/dojo-results.md"
exit $status
