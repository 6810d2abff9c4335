// URLs as the hub may print them: where a service is, never its credentials.

/** `url` without its user and password; `fallback` when it does not parse. */
export function withoutCredentials(url: string, fallback: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return fallback;
  }
}
