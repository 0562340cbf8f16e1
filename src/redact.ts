/**
 * Secret redaction. skey, sid, pass_ticket, uin, tickets and cookies are replaced by a marker
 * wherever they appear in text that may reach a log, an error or a snapshot.
 */

const KEY_NAMES = [
  'skey',
  'sid',
  'wxsid',
  'pass_ticket',
  'passticket',
  'wxuin',
  'uin',
  'ticket',
  'webwx_data_ticket',
  'webwx_auth_ticket',
  'webwxuvid',
  'deviceid',
  'cookie',
  'set-cookie',
  'authorization',
  'token',
  'aeskey',
  'signature',
];

const MARK = '[redacted]';
const keyAlternation = KEY_NAMES.map((k) => k.replace(/[-_]/g, '[-_]?')).join('|');

// key=value in query strings, cookies and form bodies.
const QUERY_PAIR = new RegExp(`((?:^|[?&;,\\s"'])(?:${keyAlternation})=)([^&;,\\s"']+)`, 'gi');
// "Key": "value" / "Key":123 in JSON.
const JSON_PAIR = new RegExp(`("(?:${keyAlternation})"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|-?\\d+)`, 'gi');
// <skey>…</skey> and friends in XML.
const XML_PAIR = new RegExp(`(<(${keyAlternation})>)([^<]*)(</\\2>)`, 'gi');
// The @crypt_… token shape of skeys and media ids, wherever it stands.
const CRYPT_TOKEN = /@crypt_[0-9a-f]{8}_[0-9a-f]+/gi;
// Bearer tokens.
const BEARER = /(bearer\s+)[A-Za-z0-9._~+/=-]+/gi;

export function redact(text: string): string {
  if (!text) return text;
  return text
    .replace(QUERY_PAIR, `$1${MARK}`)
    .replace(JSON_PAIR, `$1"${MARK}"`)
    .replace(XML_PAIR, `$1${MARK}$4`)
    .replace(CRYPT_TOKEN, MARK)
    .replace(BEARER, `$1${MARK}`);
}

/** Redact the string values of an object's secret-named keys, recursively (for structured logs). */
export function redactObject<T>(value: T, depth = 0): T {
  if (depth > 8 || value === null || typeof value !== 'object') {
    return (typeof value === 'string' ? redact(value) : value) as T;
  }
  if (Array.isArray(value)) return value.map((v) => redactObject(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const isSecret =
      KEY_NAMES.includes(k.toLowerCase().replace(/-/g, '_')) || KEY_NAMES.includes(k.toLowerCase());
    out[k] = isSecret ? MARK : redactObject(v, depth + 1);
  }
  return out as T;
}
