/**
 * Request conventions (PROTOCOL.md §3): DeviceID, ClientMsgId/LocalID, the `r`/`rr` parameters,
 * BaseRequest, SyncKey formatting, and the small query/URL helpers every builder shares.
 */
import { ParseError } from '../errors.js';
import type { Credentials } from './session-context.js';
import { MMWEBWX } from './session-context.js';
import type { BaseRequest, SyncKey } from './wire-types.js';

/** One decimal digit from a [0, 1) random source, robust to sources that return 1 or junk. */
function randomDigit(random: () => number): string {
  const r = random();
  const d = Number.isFinite(r) ? Math.floor(Math.abs(r) * 10) : 0;
  return String(Math.min(9, Math.max(0, d)));
}

function randomDigits(count: number, random: () => number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += randomDigit(random);
  return out;
}

/** `"e"` + 15 random decimal digits (§3.2). The official client makes one per request. */
export function newDeviceId(random: () => number = Math.random): string {
  return `e${randomDigits(15, random)}`;
}

/**
 * ClientMsgId / LocalID as the official client makes it (§3.3): the millisecond timestamp, a `0`,
 * and three random digits — a 17-digit decimal string for any date between 2001 and 2286.
 */
export function newClientMsgId(nowMs: number, random: () => number = Math.random): string {
  const ms = Math.max(0, Math.floor(nowMs));
  return `${ms}0${randomDigits(3, random)}`;
}

/**
 * `~new Date()`: the bitwise NOT of the low 32 bits of the millisecond timestamp (§3.4).
 * Used as `r` on webwxinit and the login poll, and as `rr` in the webwxsync body.
 */
export function rParam(nowMs: number): number {
  return ~Math.floor(nowMs);
}

/** `Key_Val` pairs joined by `|` (§4.5), e.g. `1_698325105|2_698325111`. Not URL-encoded. */
export function formatSyncKey(key: SyncKey): string {
  return key.List.map((item) => `${item.Key}_${item.Val}`).join('|');
}

const ALL_DIGITS = /^\d+$/;

/**
 * The BaseRequest of every JSON POST (§3.1). `Uin` is a number when the wxuin is all digits and
 * fits a safe integer (as the official client sends it), else the string as received.
 * `DeviceID` is omitted when not given (as itchat-uos does).
 */
export function buildBaseRequest(c: Credentials, deviceId?: string): BaseRequest {
  const asNumber = Number(c.uin);
  const uin = ALL_DIGITS.test(c.uin) && Number.isSafeInteger(asNumber) ? asNumber : c.uin;
  const base: BaseRequest = { Uin: uin, Sid: c.sid, Skey: c.skey };
  if (deviceId !== undefined) base.DeviceID = deviceId;
  return base;
}

// ---------------------------------------------------------------------------------------------
// Query and URL helpers
// ---------------------------------------------------------------------------------------------

/** A query value that is already percent-encoded (pass_ticket) and must not be encoded again. */
export interface PreEncoded {
  readonly preEncoded: string;
}

/** A value of a query pair: encoded with encodeURIComponent, unless marked {@link PreEncoded}. */
export type QueryValue = string | number | boolean | PreEncoded;

/** Marks a value as already percent-encoded. */
export function preEncoded(value: string): PreEncoded {
  return { preEncoded: value };
}

const SAFE_PRE_ENCODED = /^(?:[A-Za-z0-9\-._~!$'()*,;:@/?]|%[0-9A-Fa-f]{2})*$/;

/**
 * Make an already-encoded value safe for a query without double-encoding it: valid `%XX` escapes
 * and characters legal in a query value stay as they are, anything else (a raw `+`, `&`, `=`, `#`,
 * space, a stray `%`, non-ASCII) is percent-encoded. A correctly encoded value is returned unchanged.
 */
export function encodePreEncoded(value: string): string {
  if (SAFE_PRE_ENCODED.test(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '%' && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) {
      out += value.slice(i, i + 3);
      i += 2;
    } else if (/[A-Za-z0-9\-._~!$'()*,;:@/?]/.test(ch)) {
      out += ch;
    } else {
      const full = String.fromCodePoint(value.codePointAt(i)!);
      out += encodeURIComponent(wellFormed(full));
      i += full.length - 1;
    }
  }
  return out;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replace lone surrogates (which encodeURIComponent rejects) with U+FFFD. */
function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

function encodeQueryValue(value: QueryValue): string {
  if (typeof value === 'object') return encodePreEncoded(value.preEncoded);
  return encodeURIComponent(wellFormed(String(value)));
}

/** `a=1&b=x%40y` from ordered pairs; values are encoded with encodeURIComponent unless pre-encoded. */
export function buildQuery(pairs: ReadonlyArray<readonly [string, QueryValue]>): string {
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeQueryValue(v)}`).join('&');
}

/** `${base}/cgi-bin/mmwebwx-bin/${endpoint}?${query}` (the query part only when pairs are given). */
export function mmwebwxUrl(
  base: string,
  endpoint: string,
  pairs: ReadonlyArray<readonly [string, QueryValue]> = [],
): string {
  const query = buildQuery(pairs);
  return `${stripTrailingSlash(base)}${MMWEBWX}/${endpoint}${query ? `?${query}` : ''}`;
}

/** Percent-encode a path segment, keeping the `=`, `+` and `@` a base64 uuid carries readable. */
export function encodePathSegment(segment: string): string {
  return encodeURIComponent(wellFormed(segment))
    .replace(/%3D/g, '=')
    .replace(/%2B/g, '+')
    .replace(/%40/g, '@');
}

/** The login poll's redirect_uri as a URL: ParseError('login') unless it is an http(s) URL with a host. */
export function parseRedirectUri(redirectUri: string): URL {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch (cause) {
    throw new ParseError('login', 'redirect_uri is not a URL', redirectUri, { cause });
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '') {
    throw new ParseError('login', 'redirect_uri is not an http(s) URL', redirectUri);
  }
  return url;
}

export function stripTrailingSlash(base: string): string {
  return base.endsWith('/') ? base.slice(0, -1) : base;
}

/**
 * ClientMsgIds that never repeat within one client. newClientMsgId() alone gives two sends in the
 * same millisecond a one-in-a-thousand chance of the same id, and a server (or the emulator) that
 * dedupes retries by ClientMsgId would then drop the second message. This keeps the official
 * 17-digit shape and bumps past the last id issued.
 */
export class ClientMsgIdSequence {
  #last = 0n;

  /**
   * The next id for a send at `nowMs` (epoch milliseconds): {@link newClientMsgId}'s value, or one more
   * than the last id issued when that is not greater.
   */
  next(nowMs: number, random: () => number = Math.random): string {
    let id = BigInt(newClientMsgId(nowMs, random));
    if (id <= this.#last) id = this.#last + 1n;
    this.#last = id;
    return id.toString();
  }
}
