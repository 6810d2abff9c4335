// The request's path, read from the raw URL string: never parsed with the Host header, which a client may make unparsable.

/**
 * The path of `request` without its query: what follows the scheme and authority in the raw URL (Bun gives a bare
 * "/path" when the Host is missing or malformed). Never throws.
 */
export function requestPath(request: Request): string {
  return rawTarget(request.url, true);
}

/** The path and query of `request` ("/path?a=1"), without a fragment, read from the raw URL like requestPath(). Never throws. */
export function requestTarget(request: Request): string {
  return rawTarget(request.url, false);
}

function rawTarget(url: string, pathOnly: boolean): string {
  let start = 0;
  if (!url.startsWith("/")) {
    const scheme = url.indexOf("://");
    start = scheme === -1 ? url.length : url.indexOf("/", scheme + 3);
    if (start === -1) return "/";
  }
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if ((pathOnly && c === 63) /* ? */ || c === 35 /* # */) {
      end = i;
      break;
    }
  }
  return url.slice(start, end) || "/";
}

const PLAIN_HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$/;

/** The Host header when it is a plain host name or address (with an optional port), else null. */
export function plainHost(request: Request): string | null {
  const host = request.headers.get("host");
  return host && PLAIN_HOST.test(host) ? host : null;
}
