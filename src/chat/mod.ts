// Chat: payload schemas, the model catalog, the upstream client, the SSE relay and the demo model.
export { costOf, estimatePromptTokens, estimateTokens, findModel, providerOf } from "./catalog.ts";
export { demoReply, demoResponse } from "./demo.ts";
export { parseCompletionRequest, parseSeedChat } from "./model.ts";
export type { ChatMessage, CompletionRequest, SeedChatRequest } from "./model.ts";
export { relaySse } from "./relay.ts";
export type { StreamObservation } from "./relay.ts";
export { callUpstream } from "./upstream.ts";
export { createHealthTracker, createMemoryHealthStore } from "./health.ts";
export type { HealthStore, HealthTracker } from "./health.ts";
export { createRedisHealthStore } from "./health_redis.ts";
export { createKeyPool } from "./key_pool.ts";
export { createRouter } from "./routing.ts";
export type { Attempt, DeploymentStatus, RouteResult, Router } from "./routing.ts";
export type { UpstreamCall, UpstreamFailure, UpstreamResult } from "./upstream.ts";
