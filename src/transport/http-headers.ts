/** The headers of a request as the transport sends them, its body encoded, and a reply's headers read. */
import type { RequestBody } from '../protocol/http-request.js';

/** The default headers of a browser, then the spec's (lower-cased), with the jar's cookies first. */
export function buildHeaders(
  specHeaders: Record<string, string> | undefined,
  userAgent: string,
  jarCookies: string,
): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': userAgent,
    accept: '*/*',
    'accept-encoding': 'gzip, deflate, br',
    'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8',
  };
  for (const [name, value] of Object.entries(specHeaders ?? {})) headers[name.toLowerCase()] = value;
  const cookie = [jarCookies, headers.cookie].filter((c) => c).join('; ');
  if (cookie) headers.cookie = cookie;
  else delete headers.cookie;
  return headers;
}

/** The body as text; sets its Content-Type unless the spec gave one. undefined for no body. */
export function encodeBody(
  body: RequestBody | undefined,
  headers: Record<string, string>,
): string | undefined {
  if (!body || body.kind === 'empty') return undefined;
  if (body.kind === 'json') {
    headers['content-type'] ??= 'application/json;charset=UTF-8';
    return JSON.stringify(body.value);
  }
  headers['content-type'] ??= 'application/x-www-form-urlencoded';
  return new URLSearchParams(body.value).toString();
}

/** A reply's headers with lower-case names and no undefined values. */
export function normaliseHeaders(
  raw: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) out[name.toLowerCase()] = value;
  }
  return out;
}

/** A header's value, the first one when it was sent several times. */
export function firstHeader(headers: Record<string, string | string[]>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The Content-Length of a reply (NaN when absent or not a plain decimal). */
export function declaredLength(headers: Record<string, string | string[]>): number {
  const value = firstHeader(headers, 'content-length');
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
}
