// Payloads of the accounts API as `t` schemas: requests (validated by the routes and the console forms) and responses.
import { t } from "elysia";
import { singleLineText } from "../http/text.ts";

// An address: something@domain.tld, no spaces or brackets; surrounding blanks are trimmed before it is stored.
// Control characters are refused like in every text field (http/text.ts).
const EMAIL_PART = String.raw`[^\s@<>()[\],;:"\u0000-\u001F\u007F]`;
const EMAIL_PATTERN = String.raw`^\s*${EMAIL_PART}+@${EMAIL_PART}+\.${EMAIL_PART}{2,}\s*$`;

export const registerBody = t.Object({
  email: t.String({ maxLength: 255, pattern: EMAIL_PATTERN, error: "not a valid email address" }),
  password: t.String({ minLength: 8, maxLength: 1024, error: "must be 8–1,024 characters" }),
  full_name: t.Optional(t.Union([singleLineText({ minLength: 1, maxLength: 100 }), t.Null()], { error: "must be 1–100 characters" })),
}, { additionalProperties: false });
export type RegisterBody = typeof registerBody.static;

export const loginBody = t.Object({
  email: singleLineText({ maxLength: 255 }),
  password: t.String({ maxLength: 1024 }),
}, { additionalProperties: false });
export type LoginBody = typeof loginBody.static;

export const userSchema = t.Object({
  id: t.Integer(),
  email: t.String(),
  full_name: t.Union([t.String(), t.Null()]),
  plan: t.String({ description: "free, pro or enterprise" }),
  monthly_quota: t.Integer(),
  quota_used: t.Integer(),
  quota_remaining: t.Integer(),
  is_active: t.Boolean(),
  email_verified: t.Boolean(),
  created_at: t.String({ format: "date-time" }),
}, { $id: "User" });
export type UserView = typeof userSchema.static;

export const authResponse = t.Object({
  access_token: t.String(),
  token_type: t.Literal("bearer"),
  user: userSchema,
}, { $id: "AuthResponse" });

export const logoutResponse = t.Object({ message: t.Literal("Successfully logged out") });

const password = t.String({ minLength: 8, maxLength: 1024, error: "must be 8–1,024 characters" });
const token = t.String({ minLength: 1, maxLength: 200, error: "must be the token from the mail's link" });

export const forgotBody = t.Object({ email: singleLineText({ maxLength: 255 }) }, { additionalProperties: false });
export const resetBody = t.Object({ token, password }, { additionalProperties: false });
export const verifyEmailBody = t.Object({ token }, { additionalProperties: false });
export const changePasswordBody = t.Object({ current_password: t.String({ maxLength: 1024 }), new_password: password }, { additionalProperties: false });
export const deleteAccountBody = t.Object({ password: t.String({ maxLength: 1024 }) }, { additionalProperties: false });
export const messageResponse = t.Object({ message: t.String() });

export const sessionSchema = t.Object({
  id: t.String(),
  created_at: t.String({ format: "date-time" }),
  last_seen_at: t.String({ format: "date-time" }),
  user_agent: t.Union([t.String(), t.Null()]),
  ip: t.Union([t.String(), t.Null()]),
  current: t.Boolean(),
}, { $id: "Session" });
export const sessionListSchema = t.Object({ sessions: t.Array(sessionSchema) });
export const sessionIdParams = t.Object({ id: t.String({ maxLength: 64 }) });
