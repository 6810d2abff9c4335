// Request payloads of the accounts API.
import { t } from "elysia";
import { singleLineText } from "../http/text.ts";

export const registerBody = t.Object({
  email: singleLineText({ maxLength: 255 }),
  password: t.String({ minLength: 8, maxLength: 1024 }),
  full_name: t.Optional(t.Union([singleLineText({ minLength: 1, maxLength: 100 }), t.Null()])),
}, { additionalProperties: false });
export type RegisterBody = typeof registerBody.static;

export const loginBody = t.Object({
  email: singleLineText({ maxLength: 255 }),
  password: t.String({ maxLength: 1024 }),
}, { additionalProperties: false });
export type LoginBody = typeof loginBody.static;
