// Small shared pieces with no feature knowledge.
export { type BatcherOptions, createBatcher, nextTurn } from "./batcher.ts";
export { withoutCredentials } from "./redact.ts";
