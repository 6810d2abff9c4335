// contentLength() counts a delta's characters without parsing the event.
import { describe, expect, test } from "bun:test";
import { contentLength } from "./relay.ts";

describe("contentLength()", () => {
  test("matches the parsed content's length, escapes included", () => {
    for (const content of ["Hello", "", "a \"quoted\" word", "line\nbreak", "中文", "back\\slash"]) {
      const payload = JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] });
      expect(contentLength(payload)).toBe(content.length);
    }
  });
  test("is 0 for events without content", () => {
    expect(contentLength(JSON.stringify({ choices: [{ delta: { role: "assistant" } }] }))).toBe(0);
  });
});
