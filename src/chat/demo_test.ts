// The offline demo model's reply: in the prompt's language, streamed in pieces that add up to it.
import { describe, expect, test } from "bun:test";
import { demoChunks, demoReply } from "./demo.ts";

describe("demoReply()", () => {
  test("a prompt with Chinese characters is answered in Chinese, echoing it", () => {
    const reply = demoReply("你好，请介绍一下自己");
    expect(reply).toStartWith("这是 AI Hub 的离线演示模型");
    expect(reply).toContain("你说的是：“你好，请介绍一下自己”");
    expect(reply).toContain("OPENROUTER_API_KEY");
  });

  test("any other prompt is answered in English", () => {
    expect(demoReply("Hello!")).toStartWith("This is AI Hub's offline demo model");
    expect(demoReply("Bonjour")).toContain('You said: "Bonjour"');
  });
});

describe("demoChunks()", () => {
  test("pieces join back into the text, in many pieces for Chinese as for English", () => {
    for (const text of [demoReply("你好！"), demoReply("Hello!")]) {
      const pieces = demoChunks(text);
      expect(pieces.join("")).toBe(text);
      expect(pieces.length).toBeGreaterThan(20);
    }
  });
});
