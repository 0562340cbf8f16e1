/**
 * webwxnewloginpage (PROTOCOL.md §2.4, §2.5): the request that opens a confirmed login's redirect_uri
 * (with the UOS/desktop headers when asked) and its `<error>` XML reply, which carries the session's
 * credentials; the Set-Cookie reading it may need for wxsid and wxuin.
 */

import { LoginRefusedError, ParseError } from '../errors.js';
import { validateXml, xmlParser } from './fast-xml-parser.js';
import type { HttpReply, HttpRequestSpec } from './http-request.js';
import { isHttpUrl } from './login.js';
import type { Credentials, WebApp } from './session-context.js';
import { appMarkerHeaders } from './web-app.js';

/** The fixed `extspam` header of the UOS/desktop login (§2.5), byte for byte as every client sends it. */
export const UOS_EXTSPAM =
  'Go8FCIkFEokFCggwMDAwMDAwMRAGGvAESySibk50w5Wb3uTl2c2h64jVVrV7gNs06GFlWplHQbY/5FfiO++1yH4ykCyNPWKXmco+wfQzK5R98D3so7rJ5LmGFvBLjGceleySrc3SOf2Pc1gVehzJgODeS0lDL3/I/0S2SSE98YgKleq6Uqx6ndTy9yaL9qFxJL7eiA/R3SEfTaW1SBoSITIu+EEkXff+Pv8NHOk7N57rcGk1w0ZzRrQDkXTOXFN2iHYIzAAZPIOY45Lsh+A4slpgnDiaOvRtlQYCt97nmPLuTipOJ8Qc5pM7ZsOsAPPrCQL7nK0I7aPrFDF0q4ziUUKettzW8MrAaiVfmbD1/VkmLNVqqZVvBCtRblXb5FHmtS8FxnqCzYP4WFvz3T0TcrOqwLX1M/DQvcHaGGw0B0y4bZMs7lVScGBFxMj3vbFi2SRKbKhaitxHfYHAOAa0X7/MSS0RNAjdwoyGHeOepXOKY+h3iHeqCvgOH6LOifdHf/1aaZNwSkGotYnYScW8Yx63LnSwba7+hESrtPa/huRmB9KWvMCKbDThL/nne14hnL277EDCSocPu3rOSYjuB9gKSOdVmWsj9Dxb/iZIe+S6AiG29Esm+/eUacSba0k8wn5HhHg9d4tIcixrxveflc8vi2/wNQGVFNsGO6tB5WF0xf/plngOvQ1/ivGV/C1Qpdhzznh0ExAVJ6dwzNg7qIEBaw+BzTJTUuRcPk92Sn6QDn2Pu3mpONaEumacjW4w6ipPnPw+g2TfywJjeEcpSZaP4Q3YV5HG8D6UjWA4GSkBKculWpdCMadx0usMomsSS/74QgpYqcPkmamB4nVv1JxczYITIqItIKjD35IGKAUwAA==';

/** The `client-version` header of the UOS/desktop login (§2.5). */
export const UOS_CLIENT_VERSION = '2.0.0';

/** The `referer` header of the UOS/desktop login (§2.5). */
export const UOS_REFERER = 'https://wx.qq.com/?&lang=zh_CN&target=t';

/** What {@link buildNewLoginPageRequest} needs to open the confirmed login's redirect_uri (§2.4). */
export interface NewLoginPageOptions {
  redirectUri: string;
  desktop: boolean;
  /** UOS/desktop login: adds the client-version, extspam and referer headers (§2.5). */
  uos?: { extspam: string };
  /**
   * 'filehelper': the header `mmweb_appid: wx_webfilehelper`, and neither mod=desktop nor the UOS
   * headers (the File Transfer web is a web page, not the desktop client; §14). Default 'web'.
   */
  app?: WebApp;
}

function queryNames(uri: string): Set<string> {
  const q = uri.indexOf('?');
  const names = new Set<string>();
  if (q < 0) return names;
  const hash = uri.indexOf('#', q);
  for (const part of uri.slice(q + 1, hash < 0 ? undefined : hash).split('&')) {
    const eq = part.indexOf('=');
    names.add(eq < 0 ? part : part.slice(0, eq));
  }
  return names;
}

/**
 * GET the redirect_uri (§2.4) plus `fun=new&version=v2` (and `mod=desktop` in desktop mode), each
 * only when not already present. Redirects are not followed: the UOS variant answers 301 with the body.
 * For the File Transfer web: `fun=new&version=v2` and the `mmweb_appid` header only (§14).
 */
export function buildNewLoginPageRequest(o: NewLoginPageOptions): HttpRequestSpec {
  if (!isHttpUrl(o.redirectUri)) {
    throw new ParseError('webwxnewloginpage', 'redirect_uri is not an http(s) URL', o.redirectUri);
  }
  const hashAt = o.redirectUri.indexOf('#');
  const uri = hashAt < 0 ? o.redirectUri : o.redirectUri.slice(0, hashAt);
  const present = queryNames(uri);
  const fileHelper = o.app === 'filehelper';
  const extra: string[] = [];
  if (!present.has('fun')) extra.push('fun=new');
  if (!present.has('version')) extra.push('version=v2');
  if (o.desktop && !fileHelper && !present.has('mod')) extra.push('mod=desktop');
  let url = uri;
  if (extra.length > 0) {
    const sep = !uri.includes('?') ? '?' : uri.endsWith('?') || uri.endsWith('&') ? '' : '&';
    url = `${uri}${sep}${extra.join('&')}`;
  }
  const spec: HttpRequestSpec = { endpoint: 'webwxnewloginpage', method: 'GET', url, followRedirects: false };
  const marker = appMarkerHeaders(o);
  if (marker) spec.headers = { ...marker };
  else if (o.uos) {
    spec.headers = { 'client-version': UOS_CLIENT_VERSION, extspam: o.uos.extspam, referer: UOS_REFERER };
  }
  return spec;
}

/** The login page XML is a few hundred bytes; anything far bigger is not it. */
export const MAX_LOGIN_PAGE_LENGTH = 64 * 1024;

/** The login page parser's options (a parser is made per page: one per login). */
const LOGIN_PAGE_XML = {
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
  maxNestedTags: 16,
};

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five predefined XML entities and numeric references (no DTD entities, no expansion). */
function decodeXmlText(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9A-Fa-f]{1,6});/g, (whole, name: string) => {
    if (name[0] !== '#') return XML_ENTITIES[name] ?? whole;
    const cp = name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
  });
}

function headerValues(headers: HttpReply['headers'], name: string): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() !== name) continue;
    if (Array.isArray(v)) out.push(...v.filter((s): s is string => typeof s === 'string'));
    else if (typeof v === 'string') out.push(v);
  }
  return out;
}

/** Cookie name → value from Set-Cookie headers (a combined header is split at `, name=`). */
export function cookiesFromSetCookie(headers: HttpReply['headers']): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const header of headerValues(headers, 'set-cookie')) {
    for (const cookie of header.split(/,(?=\s*[A-Za-z0-9_.-]+=)/)) {
      const pair = cookie.split(';', 1)[0]!;
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
  return cookies;
}

function xmlField(error: Record<string, unknown>, name: string, text: string): string | undefined {
  const v = error[name];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  throw new ParseError('webwxnewloginpage', `<${name}> is repeated or not text`, text);
}

/**
 * The webwxnewloginpage reply (§2.4): status 200 or 301 with `<error>` XML. `ret` ≠ 0 is a
 * LoginRefusedError quoting the server's message; `ret` 0 without skey, wxsid, wxuin and pass_ticket
 * (wxsid and wxuin may come from the Set-Cookie headers instead) is a LoginRefusedError too.
 * pass_ticket and skey are kept exactly as received (pass_ticket stays percent-encoded).
 */
export function parseNewLoginPageReply(reply: HttpReply): { credentials: Credentials; isGrayscale: boolean } {
  const endpoint = 'webwxnewloginpage';
  if (reply.status !== 200 && reply.status !== 301) {
    throw new ParseError(endpoint, `unexpected HTTP status ${reply.status}`, reply.text);
  }
  const text = typeof reply.text === 'string' ? reply.text.trim() : '';
  if (text.length > MAX_LOGIN_PAGE_LENGTH) {
    throw new ParseError(endpoint, `reply too large (${text.length} characters)`, text.slice(0, 200));
  }
  if (!text.startsWith('<')) throw new ParseError(endpoint, 'reply is not XML', text);
  const valid = validateXml(text);
  if (valid !== true) throw new ParseError(endpoint, `reply is not well-formed XML: ${valid.err.msg}`, text);
  let doc: unknown;
  try {
    doc = xmlParser(LOGIN_PAGE_XML).parse(text);
  } catch (cause) {
    throw new ParseError(endpoint, 'reply is not well-formed XML', text, { cause });
  }
  const root = (doc as Record<string, unknown> | undefined)?.error;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new ParseError(endpoint, 'reply has no <error> root with fields', text);
  }
  const error = root as Record<string, unknown>;
  const retText = xmlField(error, 'ret', text);
  if (retText === undefined || !/^-?\d{1,10}$/.test(retText))
    throw new ParseError(endpoint, '<ret> is missing or not a number', text);
  const ret = Number(retText);
  const message = decodeXmlText(xmlField(error, 'message', text) ?? '');
  if (ret !== 0) throw new LoginRefusedError(ret, message);

  const cookies = cookiesFromSetCookie(reply.headers);
  const skey = xmlField(error, 'skey', text) ?? '';
  const sid = xmlField(error, 'wxsid', text) || cookies.get('wxsid') || '';
  const uin = xmlField(error, 'wxuin', text) || cookies.get('wxuin') || '';
  const passTicket = xmlField(error, 'pass_ticket', text) ?? '';
  if (!skey || !sid || !uin || !passTicket) {
    const missing = Object.entries({ skey, wxsid: sid, wxuin: uin, pass_ticket: passTicket })
      .filter(([, v]) => !v)
      .map(([k]) => k);
    throw new LoginRefusedError(
      0,
      `no credentials (missing ${missing.join(', ')})${message ? `: ${message}` : ''}`,
    );
  }
  const grayscale = xmlField(error, 'isgrayscale', text);
  return { credentials: { skey, sid, uin, passTicket }, isGrayscale: grayscale === '1' };
}
