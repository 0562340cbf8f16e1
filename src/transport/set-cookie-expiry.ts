/**
 * Reading Set-Cookie headers and request URLs without a cookie library: the request target a Cookie
 * header is cached for and its origin, and a Set-Cookie header split into its expiry and the rest. The cookie store
 * (cookie-store.ts) uses them to tell a Set-Cookie that only refreshes an expiry from a real change;
 * tough-cookie still parses every header that reaches the jar.
 */

/** Scheme, host and path of a URL: the query and fragment are cut off, nothing is parsed. */
export function targetOf(url: string): string {
  let end = url.length;
  const query = url.indexOf('?');
  if (query >= 0) end = query;
  const hash = url.indexOf('#');
  if (hash >= 0 && hash < end) end = hash;
  return end === url.length ? url : url.slice(0, end);
}

/** `scheme://host[:port]` of a request target (targetOf's answer). */
export function originOf(target: string): string {
  const slash = target.indexOf('/', target.indexOf('://') + 3);
  return slash < 0 ? target : target.slice(0, slash);
}

const EXPIRY_ATTRIBUTE = /^\s*(expires|max-age)\s*=/i;

interface ParsedExpiry {
  /** The header without its Expires and Max-Age attributes. */
  rest: string;
  /** Max-Age in ms (NaN when unreadable), when the header has one: it wins over Expires. */
  maxAgeMs: number | undefined;
  /** Expires as epoch ms; Infinity without it, NaN when unreadable. */
  expires: number;
}

/** webwxsync repeats the same headers within a second (Expires has second resolution). */
const parsedHeaders = new Map<string, ParsedExpiry>();
const MAX_PARSED_HEADERS = 64;

/**
 * A Set-Cookie header without its Expires and Max-Age attributes, and the absolute expiry those give
 * (Max-Age wins, as in RFC 6265). Infinity without either; NaN when they cannot be read, so that the
 * header is never skipped. A cheap pre-check only: tough-cookie still parses every header it stores.
 */
export function withoutExpiry(header: string, now: number): { rest: string; expiresAt: number } {
  let parsed = parsedHeaders.get(header);
  if (parsed === undefined) {
    parsed = parseExpiry(header);
    if (parsedHeaders.size >= MAX_PARSED_HEADERS) parsedHeaders.clear();
    parsedHeaders.set(header, parsed);
  }
  return {
    rest: parsed.rest,
    expiresAt: parsed.maxAgeMs === undefined ? parsed.expires : now + parsed.maxAgeMs,
  };
}

function parseExpiry(header: string): ParsedExpiry {
  const parts = header.split(';');
  const kept: string[] = [];
  let maxAge: string | undefined;
  let expires: string | undefined;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const match = i > 0 ? EXPIRY_ATTRIBUTE.exec(part) : null;
    if (match === null) {
      kept.push(part.trim());
      continue;
    }
    const value = part.slice(part.indexOf('=') + 1).trim();
    if (match[1]?.toLowerCase() === 'max-age') maxAge = value;
    else expires = value;
  }
  return {
    rest: kept.join(';'),
    maxAgeMs: maxAge === undefined ? undefined : /^-?\d+$/.test(maxAge) ? Number(maxAge) * 1000 : Number.NaN,
    expires: expires === undefined ? Number.POSITIVE_INFINITY : Date.parse(expires),
  };
}
