// API keys: secrets, the store, verification and routes.
export { generateApiKey, hashApiKey, keyPrefixOf, looksLikeApiKey } from "./api_key.ts";
export { keysRoutes } from "./routes.ts";
export type { KeysDeps } from "./routes.ts";
export { createApiKey, isExpired, keyView, listApiKeys, revokeApiKey } from "./store.ts";
export type { ApiKey, ApiKeyView } from "./store.ts";
export { checkKey, createKeyVerifier, verifyOwnedKey } from "./verify.ts";
export type { KeyVerifier, VerifiedKey, VerifyResult } from "./verify.ts";
