// The chat payload schemas: what they accept, and the field each refusal names.
import { describe, expect, test } from "bun:test";
import { HttpError } from "../http/mod.ts";
import { parseCompletionRequest, parseSeedChat } from "./model.ts";

function refusal(run: () => unknown): { message: string; param: string | null; status: number } {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpError) return { message: error.message, param: error.param, status: error.status };
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("parseCompletionRequest()", () => {
  test("keeps unknown fields, defaults the model and reads stream_options", () => {
    const body = { messages: [{ role: "user", content: "hi", name: "x" }], temperature: 0.2, stream: true, stream_options: { include_usage: true } };
    const parsed = parseCompletionRequest(body, "demo");
    expect(parsed).toMatchObject({ model: "demo", stream: true, wantsUsage: true });
    expect(parsed.body).toBe(body);
  });

  test("accepts null stream, content and stream_options", () => {
    expect(parseCompletionRequest({ messages: [{ role: "assistant", content: null }], stream: null, stream_options: null }, "m").stream).toBe(false);
  });

  const cases: Array<[string, unknown, number, string | null, string]> = [
    ["an array body", [], 400, null, "Request body must be a JSON object"],
    ["no messages", {}, 422, "messages", "Missing field 'messages'"],
    ["empty messages", { messages: [] }, 422, "messages", "Invalid field 'messages': must be a non-empty array"],
    ["a wrong role", { messages: [{ role: "wizard" }] }, 422, "messages[0].role", "Invalid field 'messages[0].role': must be one of system, user, assistant, tool, function, developer"],
    ["a numeric content", { messages: [{ role: "user", content: 5 }] }, 422, "messages[0].content", "Invalid field 'messages[0].content': must be a string or an array of parts"],
    ["a string stream", { messages: [{ role: "user" }], stream: "yes" }, 422, "stream", "Invalid field 'stream': must be a boolean"],
    ["an empty model", { model: "", messages: [{ role: "user" }] }, 422, "model", "Invalid field 'model': must be a model id string"],
    ["a string stream_options", { messages: [{ role: "user" }], stream_options: "x" }, 422, "stream_options", "Invalid field 'stream_options': must be an object"],
    ["a numeric-string temperature", { messages: [{ role: "user" }], temperature: "1" }, 422, "temperature", "Invalid field 'temperature': must be a number from 0 to 2"],
    ["a numeric-string max_tokens", { messages: [{ role: "user" }], max_tokens: "5" }, 422, "max_tokens", "Invalid field 'max_tokens': must be an integer from 1 to 1,000,000"],
  ];
  for (const [label, body, status, param, message] of cases) {
    test(`refuses ${label} with ${status} naming ${param ?? "no field"}`, () => {
      expect(refusal(() => parseCompletionRequest(body, "m"))).toEqual({ status, param, message });
    });
  }
});

describe("parseSeedChat()", () => {
  test("streams by default", () => {
    expect(parseSeedChat({ message: "hi" })).toEqual({ message: "hi", model: undefined, stream: true });
  });

  const cases: Array<[unknown, string, string]> = [
    [{}, "message", "Missing field 'message'"],
    [{ message: "" }, "message", "Invalid field 'message': must be a string of 1–200,000 characters"],
    [{ message: "x".repeat(200_001) }, "message", "Invalid field 'message': must be a string of 1–200,000 characters"],
    [{ message: "x", stream: "no" }, "stream", "Invalid field 'stream': must be a boolean"],
    [{ message: "x", extra: 1 }, "extra", "Unknown field 'extra'"],
  ];
  for (const [body, param, message] of cases) {
    test(`refuses ${JSON.stringify(body).slice(0, 40)} naming '${param}'`, () => {
      expect(refusal(() => parseSeedChat(body))).toEqual({ status: 422, param, message });
    });
  }
});
