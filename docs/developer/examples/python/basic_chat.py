#!/usr/bin/env python3
"""One chat completion through AI Hub, with the Python standard library only.

    AIHUB_API_KEY=ai-hub-... python3 basic_chat.py ["your prompt"]

Reads AIHUB_BASE_URL (default http://localhost:3000), AIHUB_API_KEY and,
optionally, AIHUB_MODEL (default: the hub's default model).
Waits and retries on 429 (Retry-After); exits 1 on any other error.
"""
import json
import os
import sys
import time
import urllib.error
import urllib.request

BASE_URL = os.environ.get("AIHUB_BASE_URL", "http://localhost:3000").rstrip("/")
API_KEY = os.environ.get("AIHUB_API_KEY", "")


def post_json(path, payload, max_attempts=3):
    """POSTs JSON to the hub; returns (parsed body, response headers)."""
    request = urllib.request.Request(
        BASE_URL + path,
        data=json.dumps(payload).encode("utf-8"),
        headers={"Authorization": "Bearer " + API_KEY, "Content-Type": "application/json"},
        method="POST",
    )
    for attempt in range(1, max_attempts + 1):
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.load(response), response.headers
        except urllib.error.HTTPError as error:
            body = error.read().decode("utf-8", "replace")
            if error.code == 429 and attempt < max_attempts:
                wait = int(error.headers.get("Retry-After", "1"))
                print(f"rate limited, retrying in {wait} s", file=sys.stderr)
                time.sleep(wait)
                continue
            try:
                message = json.loads(body)["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = body
            raise SystemExit(f"HTTP {error.code}: {message}")
    raise SystemExit("gave up after repeated 429 responses")


def request_body(prompt):
    """An OpenAI chat request; without AIHUB_MODEL the hub picks its default model."""
    body = {"messages": [{"role": "user", "content": prompt}]}
    if os.environ.get("AIHUB_MODEL"):
        body["model"] = os.environ["AIHUB_MODEL"]
    return body


def main():
    if not API_KEY:
        raise SystemExit("Set AIHUB_API_KEY to an AI Hub API key (ai-hub-...).")
    prompt = sys.argv[1] if len(sys.argv) > 1 else "Say hello in one sentence."
    try:
        completion, headers = post_json("/v1/chat/completions", request_body(prompt))
    except urllib.error.URLError as error:
        raise SystemExit(f"Cannot reach AI Hub at {BASE_URL}: {error.reason}")

    print(completion["choices"][0]["message"]["content"])
    usage = completion.get("usage") or {}
    print(f"\nmodel={completion['model']} tokens={usage.get('total_tokens')}")
    print(
        f"rate limit: {headers['X-RateLimit-Remaining']}/{headers['X-RateLimit-Limit']} left this minute; "
        f"quota: {headers['X-Quota-Remaining']}/{headers['X-Quota-Limit']} left this month"
    )


if __name__ == "__main__":
    main()
