// HTTP plumbing shared by every feature.
export { checkJsonShape, MAX_BODY_BYTES, MAX_JSON_DEPTH, MAX_JSON_ELEMENTS, readBodyText, readFormBody, readJsonBody } from "./body.ts";
export { errorBody, errorResponse, HttpError, usesOpenAiShape } from "./errors.ts";
export type { ErrorCode } from "./errors.ts";
export { healthRoutes } from "./health.ts";
export { httpPlugin, lastResortResponse, PAGE_SECURITY_HEADERS, validationError } from "./plugins.ts";
export { plainHost, requestPath } from "./request_path.ts";
