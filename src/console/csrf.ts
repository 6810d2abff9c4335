// CSRF protection for console forms: a random token in a SameSite cookie, echoed in every form (double submit).
import { timingSafeEqual } from "node:crypto";

export const CSRF_COOKIE = "aihub_csrf";
export const CSRF_FIELD = "_csrf";

/** A fresh random token. */
export function newCsrfToken(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString("base64url");
}

/** True when the submitted token matches the cookie's, compared in constant time. */
export function csrfValid(cookieToken: string | undefined, submitted: unknown): boolean {
  if (!cookieToken || typeof submitted !== "string" || submitted.length !== cookieToken.length) return false;
  return timingSafeEqual(Buffer.from(cookieToken), Buffer.from(submitted));
}
