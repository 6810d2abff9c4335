# Sourced by the image tests: the newcomer journey against a hub at $base_url, with curl from the host.
now_ms() { echo $(($(date +%s%N) / 1000000)); }
fail() { echo "image test FAILED: $*" >&2; exit 1; }
api() { curl -sS --fail-with-body "$@"; }
# json FIELD.PATH < body: prints one value of a JSON document (Node.js is on the host; jq may not be).
json() { node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>{let v=JSON.parse(s);for(const k of process.argv[1].split("."))v=v?.[k];console.log(typeof v==="object"?JSON.stringify(v):v)})' "$1"; }

# journey_first_call: register → create an API key → one chat call with the demo model → usage shows it.
# Sets email, password and key for journey_data_kept.
journey_first_call() {
  email="image-$$-$RANDOM@example.com"
  password="correct horse battery staple"
  local token reply requests=0
  token=$(api "$base_url/api/v1/auth/register" -H 'content-type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" | json access_token)
  key=$(api "$base_url/api/v1/developer/api-keys" -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d '{"name":"image test"}' | json key)
  [[ "$key" == ai-hub-* ]] || fail "no API key created (got: $key)"
  reply=$(api "$base_url/v1/chat/completions" -H "authorization: Bearer $key" -H 'content-type: application/json' \
    -d '{"model":"demo","messages":[{"role":"user","content":"Hello from the image test"}]}')
  [ -n "$(echo "$reply" | json choices.0.message.content)" ] || fail "the demo model gave no answer: $reply"
  # Usage records are written in batches: give the writer a moment.
  for _ in $(seq 1 100); do
    requests=$(api "$base_url/api/v1/developer/usage/history?days=1" -H "authorization: Bearer $token" | json total_requests)
    [ "$requests" -ge 1 ] && break
    sleep 0.1
  done
  [ "$requests" = 1 ] || fail "usage shows $requests requests after one chat call"
  # The console's pages and the static files it serves from node_modules.
  [ "$(curl -s -L -o /dev/null -w '%{http_code}' "$base_url/")" = 200 ] || fail "the console's first page does not answer 200"
  api -o /dev/null "$base_url/static/htmx.min.js" || fail "htmx is not served"
  # The developer docs, rendered from the Markdown the image carries, in Chinese by default.
  api "$base_url/docs/quickstart" -H 'accept-language: zh-CN' | grep -q '快速开始' || fail "the docs pages are not served in Chinese"
  echo "journey: registered, created a key, the demo model answered ($(echo "$reply" | json usage.total_tokens) tokens), usage shows 1 request"
}

# journey_data_kept: after a restart the account logs in, its key works and usage still shows the call.
journey_data_kept() {
  local token requests
  token=$(api "$base_url/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" | json access_token)
  requests=$(api "$base_url/api/v1/developer/usage/history?days=1" -H "authorization: Bearer $token" | json total_requests)
  [ "$requests" = 1 ] || fail "after a restart usage shows $requests requests, not 1"
  api -o /dev/null "$base_url/v1/models" -H "authorization: Bearer $key" || fail "the API key no longer works after a restart"
  echo "after a restart: the account logs in, the key works, usage still shows 1 request"
}
