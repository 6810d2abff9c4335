// Chat: the model catalog, upstream client, SSE relay, demo model and the developer-API routes.
export { chatRoutes } from "./routes.ts";
export { costOf, estimateTokens, findModel, providerOf } from "./catalog.ts";
export { runChat } from "./gateway.ts";
export { demoReply } from "./demo.ts";
