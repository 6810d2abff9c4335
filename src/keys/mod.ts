// API keys: secrets, the store, verification and routes.
export { generateApiKey, hashApiKey, keyPrefixOf, looksLikeApiKey } from "./api_key.ts";
export { keyRefusal, keysRoutes } from "./routes.ts";
export { createKeyBody } from "./model.ts";
export type { ApiKeyView } from "./model.ts";
export type { KeysDeps } from "./routes.ts";
export { createApiKey, isExpired, keyView, listApiKeys, revokeApiKey } from "./store.ts";
export type { ApiKey, CreateKeyRefusal } from "./store.ts";
export { checkKey, createKeyVerifier, verifyOwnedKey } from "./verify.ts";
export type { KeyVerifier, VerifiedKey, VerifyResult } from "./verify.ts";
