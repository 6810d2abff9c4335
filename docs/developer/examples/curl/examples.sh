#!/usr/bin/env bash
# AI Hub with curl: list models, one chat call, one streamed chat call, the key's limits.
#
#   AIHUB_API_KEY=ai-hub-... bash examples.sh
#
# Reads AIHUB_BASE_URL (default http://localhost:3000), AIHUB_API_KEY and, optionally, AIHUB_MODEL
# (default: the first model GET /v1/models lists). Needs curl and python3 (for JSON).
# Exits non-zero on the first failure.
set -euo pipefail

BASE="${AIHUB_BASE_URL:-http://localhost:3000}"
BASE="${BASE%/}"
: "${AIHUB_API_KEY:?Set AIHUB_API_KEY to an AI Hub API key (ai-hub-...)}"
AUTH="Authorization: Bearer ${AIHUB_API_KEY}"
JSON="Content-Type: application/json"

# curl with the API key. --fail-with-body makes an HTTP error fail (exit 22) while keeping the
# hub's error body, which is printed to stderr.
api() {
  local body
  if ! body=$(curl -sS --fail-with-body -H "$AUTH" "$@"); then
    echo "request failed: ${body:-no response}" >&2
    return 1
  fi
  printf '%s\n' "$body"
}

echo "== GET /v1/models"
models=$(api "$BASE/v1/models")
echo "$models" | python3 -c 'import json, sys; [print(" -", m["id"]) for m in json.load(sys.stdin)["data"]]'
MODEL="${AIHUB_MODEL:-$(echo "$models" | python3 -c 'import json, sys; print(json.load(sys.stdin)["data"][0]["id"])')}"

echo "== POST /v1/chat/completions (model $MODEL)"
reply=$(api "$BASE/v1/chat/completions" -H "$JSON" \
  -d "{\"model\": \"$MODEL\", \"messages\": [{\"role\": \"user\", \"content\": \"Say hello in one sentence.\"}]}")
echo "$reply" | python3 -c 'import json, sys; r = json.load(sys.stdin); print(r["choices"][0]["message"]["content"]); print("tokens:", r["usage"]["total_tokens"])'

echo "== POST /v1/chat/completions, stream: true (server-sent events; -N prints them as they arrive)"
curl -sS -N "$BASE/v1/chat/completions" -H "$AUTH" -H "$JSON" \
  -d "{\"model\": \"$MODEL\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"Tell me a short story.\"}]}" \
  | python3 -c '
import json, sys
for line in sys.stdin:  # one line at a time, as it arrives
    if line.startswith("{"):  # an error answer is plain JSON, not an event stream
        sys.exit("request failed: " + line.strip())
    if not line.startswith("data:"):
        continue
    data = line[5:].strip()
    if data == "[DONE]":
        print()
        sys.exit(0)
    event = json.loads(data)
    if "error" in event:  # an upstream failure after the stream started
        sys.exit("\nstream failed: " + event["error"]["message"])
    for choice in event["choices"]:
        print(choice["delta"].get("content") or "", end="", flush=True)
sys.exit("\nstream ended before [DONE]")
'

echo "== POST /api/v1/developer/chat, stream: false (the simple shape)"
api "$BASE/api/v1/developer/chat" -H "$JSON" \
  -d "{\"message\": \"Hello again\", \"model\": \"$MODEL\", \"stream\": false}"

echo "== GET /v1/key (this key's limits) with its rate-limit and quota headers"
api -D - "$BASE/v1/key" | grep -iE '^(x-ratelimit|x-quota)|^\{'
