// Chat: payload schemas, the model catalog, the upstream client, the SSE relay and the demo model.
export { costOf, estimatePromptTokens, estimateTokens, findModel, providerOf } from "./catalog.ts";
export { demoReply, demoResponse } from "./demo.ts";
export { chatCompletionBody, chatCompletionSchema, parseCompletionRequest, parseSeedChat, seedChatBody, seedChatResponseSchema } from "./model.ts";
export type { ChatCompletionBody, ChatMessage, CompletionRequest, SeedChatBody, SeedChatRequest } from "./model.ts";
export { relaySse } from "./relay.ts";
export type { StreamObservation } from "./relay.ts";
export { callUpstream } from "./upstream.ts";
export type { UpstreamCall, UpstreamFailure, UpstreamResult } from "./upstream.ts";
