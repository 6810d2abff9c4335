// CSRF protection for console forms: a token bound to the session (or, before sign-in, to a pre-session cookie),
// plus a same-origin check on every state-changing request.
import { createHmac, timingSafeEqual } from "node:crypto";

/** The pre-session cookie: a random value that anonymous forms (login, register) are bound to. */
export const CSRF_COOKIE = "aihub_csrf";
export const CSRF_FIELD = "_csrf";

/** A fresh random pre-session value. */
export function newPreSession(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString("base64url");
}

/**
 * The form token for a session id, or for a pre-session value when signed out. Only the hub can compute it, so a
 * cookie and token pair planted from another session does not match the victim's session.
 */
export function csrfToken(secret: string, binding: { sessionId: string | null; preSession: string }): string {
  const subject = binding.sessionId === null ? `pre:${binding.preSession}` : `session:${binding.sessionId}`;
  return createHmac("sha256", secret).update(`aihub-csrf:${subject}`).digest("base64url");
}

/** True when the submitted token is the expected one, compared in constant time. */
export function csrfValid(expected: string, submitted: unknown): boolean {
  if (typeof submitted !== "string" || submitted.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(submitted));
}

/**
 * True unless the browser says the request comes from another site: `Sec-Fetch-Site: cross-site`, or an `Origin`
 * that is not the hub's own (PUBLIC_URL's origin when configured, else the scheme-less Host header). No URL is built
 * from the Host header; requests without either header rely on the token alone.
 */
export function sameOrigin(headers: Headers, publicOrigin: string | null): boolean {
  if (headers.get("sec-fetch-site") === "cross-site") return false;
  const origin = headers.get("origin");
  if (origin === null) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  if (publicOrigin !== null) return url.origin === publicOrigin;
  const host = headers.get("host")?.toLowerCase();
  if (!host) return false;
  const defaultPort = url.protocol === "https:" ? ":443" : ":80";
  return url.host === (host.endsWith(defaultPort) ? host.slice(0, -defaultPort.length) : host);
}
