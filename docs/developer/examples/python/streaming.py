#!/usr/bin/env python3
"""A streamed chat completion through AI Hub, printed as the deltas arrive (standard library only).

    AIHUB_API_KEY=ai-hub-... python3 streaming.py ["your prompt"]

Reads AIHUB_BASE_URL (default http://localhost:3000), AIHUB_API_KEY and,
optionally, AIHUB_MODEL (default: the hub's default model). Exits 1 on any error.
"""
import json
import os
import sys
import urllib.error
import urllib.request

BASE_URL = os.environ.get("AIHUB_BASE_URL", "http://localhost:3000").rstrip("/")
API_KEY = os.environ.get("AIHUB_API_KEY", "")


def sse_events(response):
    """Yields the JSON payload of each `data:` line of a server-sent event stream, until [DONE]."""
    for raw in response:  # the response is read line by line as the bytes arrive
        line = raw.decode("utf-8").strip()
        if not line.startswith("data:"):
            continue  # blank separators and `:` comments
        data = line[len("data:"):].strip()
        if data == "[DONE]":
            return
        yield json.loads(data)
    raise SystemExit("\nstream ended before [DONE]")


def main():
    if not API_KEY:
        raise SystemExit("Set AIHUB_API_KEY to an AI Hub API key (ai-hub-...).")
    prompt = sys.argv[1] if len(sys.argv) > 1 else "Tell me a short story."
    body = {
        "messages": [{"role": "user", "content": prompt}],
        "stream": True,
        # Ask for a final chunk with the token counts, as with the OpenAI API.
        "stream_options": {"include_usage": True},
    }
    if os.environ.get("AIHUB_MODEL"):
        body["model"] = os.environ["AIHUB_MODEL"]
    request = urllib.request.Request(
        BASE_URL + "/v1/chat/completions",
        data=json.dumps(body).encode("utf-8"),
        headers={
            "Authorization": "Bearer " + API_KEY,
            "Content-Type": "application/json",
            "Accept": "text/event-stream",
        },
        method="POST",
    )
    usage = None
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            for chunk in sse_events(response):
                if "error" in chunk:  # an upstream failure after the stream started
                    raise SystemExit(f"\nstream failed: {chunk['error'].get('message')}")
                for choice in chunk.get("choices", []):
                    text = choice.get("delta", {}).get("content")
                    if text:
                        print(text, end="", flush=True)
                usage = chunk.get("usage") or usage
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", "replace")
        try:
            message = json.loads(body)["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = body
        raise SystemExit(f"HTTP {error.code}: {message}")
    except urllib.error.URLError as error:
        raise SystemExit(f"Cannot reach AI Hub at {BASE_URL}: {error.reason}")
    print()
    if usage:
        print(f"tokens: prompt={usage['prompt_tokens']} completion={usage['completion_tokens']} total={usage['total_tokens']}")


if __name__ == "__main__":
    main()
