// HTTP plumbing shared by every feature.
export { checkJsonShape, MAX_BODY_BYTES, MAX_JSON_DEPTH, MAX_JSON_ELEMENTS, readBodyText, readFormBody, readJsonBody } from "./body.ts";
export { detailErrorSchema, errorBody, errorResponse, HttpError, isApiPath, openAiErrorSchema, usesOpenAiShape } from "./errors.ts";
export type { ErrorCode, ErrorReason } from "./errors.ts";
export { healthRoutes } from "./health.ts";
export { jsonInteger } from "./numbers.ts";
export { apiError, httpPlugin, lastResortResponse, PAGE_SECURITY_HEADERS } from "./plugins.ts";
export { plainHost, requestPath, requestTarget } from "./request_path.ts";
export { CONTROL_CHARACTER_PROBLEM } from "./text.ts";
export { parsePayload, validationError } from "./validate.ts";
export type { SchemaIssue } from "./validate.ts";
export { ACCOUNT_ERRORS, operation, SECURITY_SCHEMES } from "./operation.ts";
export type { Access, OperationDoc } from "./operation.ts";
