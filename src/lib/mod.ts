// Small shared pieces with no feature knowledge.
export { createBatcher } from "./batcher.ts";
