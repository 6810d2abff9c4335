// API keys: secrets, the store, verification and routes.
export { generateApiKey, hashApiKey, keyPrefixOf, looksLikeApiKey } from "./api_key.ts";
export { keyRefusal, keysRoutes } from "./routes.ts";
export { createKeyBody, updateKeyBody } from "./model.ts";
export type { ApiKeyView } from "./model.ts";
export type { KeysDeps } from "./routes.ts";
export { createApiKey, expiryDate, getApiKey, isExpired, keyView, listApiKeys, revokeApiKey, updateApiKey } from "./store.ts";
export type { ApiKey, CreateKeyRefusal, UpdateKeyInput, UpdateKeyRefusal } from "./store.ts";
export { checkKey, createKeyVerifier, verifyOwnedKey } from "./verify.ts";
export type { KeyVerifier, VerifiedKey, VerifyResult } from "./verify.ts";
