// The model catalog: which models the hub offers, where each is served, and its price.
import type { ModelConfig } from "../config.ts";

export interface ModelPrice {
  inputPrice: number;
  outputPrice: number;
}

/** The model with this id or alias, or null. */
export function findModel(models: readonly ModelConfig[], id: string): ModelConfig | null {
  return models.find((m) => m.id === id) ?? models.find((m) => m.aliases?.includes(id)) ?? null;
}

/** Cost in USD of a call: prices are per million tokens. */
export function costOf(model: ModelPrice, promptTokens: number, completionTokens: number): number {
  return Math.round((promptTokens * model.inputPrice + completionTokens * model.outputPrice) * 1e3) / 1e9;
}

/** A rough token count (~4 characters a token) for when nobody reported one. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

/** Estimated prompt tokens of a messages array (content text plus a few tokens per message). */
export function estimatePromptTokens(messages: ReadonlyArray<{ content?: unknown }>): number {
  let total = 0;
  for (const m of messages) {
    const content = typeof m.content === "string" ? m.content : JSON.stringify(m.content ?? "");
    total += estimateTokens(content) + 4;
  }
  return total;
}

/** The provider shown for a model id ("openai/gpt-4o" → "openai"). */
export function providerOf(model: ModelConfig): string {
  if (model.upstream === "demo") return "AI Hub";
  return model.id.includes("/") ? model.id.split("/")[0]! : model.upstream;
}
