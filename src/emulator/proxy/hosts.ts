/**
 * The real service's host names the proxy serves (PROTOCOL.md §1.1, §1.3), and the "public host"
 * a request stands for: its host family's main host, which the emulator then speaks as.
 */

import { FILEHELPER_HOST_FAMILIES } from '../../protocol/web-app.js';

/** Main hosts of the five families (§1.1). */
const FAMILIES: readonly { main: string; cookieDomain: string }[] = [
  { main: 'wx.qq.com', cookieDomain: '.qq.com' },
  { main: 'wx2.qq.com', cookieDomain: '.qq.com' },
  { main: 'wx8.qq.com', cookieDomain: '.qq.com' },
  { main: 'web.wechat.com', cookieDomain: '.wechat.com' },
  { main: 'web2.wechat.com', cookieDomain: '.wechat.com' },
];

/** Hosts outside the §1.1 table that clients use: §1.1 "also in use" and the §1.3 push fallbacks. */
const EXTRA_HOSTS: readonly string[] = [
  'login.weixin.qq.com',
  'webpush.weixin.qq.com',
  'file2.wx.qq.com',
  'webpush2.wx.qq.com',
  'webpush2.wx2.qq.com',
  'webpush.weixin2.qq.com',
  'webpush2.weixin.qq.com',
  'webpush2.weixin2.qq.com',
  'webpush.wechat.com',
  'webpush1.wechat.com',
  'webpush2.wechat.com',
  'qq.com',
  'wechat.com',
];

/**
 * The File Transfer web's entry hosts (§14) and the family each belongs to (its login and file hosts).
 * A request to one is served as that entry host: its origin and its cookies' Domain.
 */
const FILEHELPER_ENTRY_HOSTS: readonly { entry: string; main: string }[] = FILEHELPER_HOST_FAMILIES.map(
  (f) => ({ entry: f.entry, main: f.login.replace(/^login\./, '') }),
);

/** Is `host` one of the File Transfer web's entry hosts? */
export function isFileHelperEntryHost(host: string): boolean {
  return FILEHELPER_ENTRY_HOSTS.some((f) => f.entry === host);
}

/** The File Transfer entry host of a family (by its main host); filehelper.weixin.qq.com for the others. */
export function fileHelperEntryHostFor(mainHost: string): string {
  return (FILEHELPER_ENTRY_HOSTS.find((f) => f.main === mainHost) ?? FILEHELPER_ENTRY_HOSTS[0]!).entry;
}

function buildServedHosts(): ReadonlySet<string> {
  const out = new Set<string>(EXTRA_HOSTS);
  for (const f of FILEHELPER_ENTRY_HOSTS) out.add(f.entry);
  for (const f of FAMILIES) {
    out.add(f.main);
    for (const prefix of ['login', 'file', 'webpush']) out.add(`${prefix}.${f.main}`);
  }
  return out;
}

/** Every host name the proxy answers for; any other is refused. */
export const SERVED_HOSTS: ReadonlySet<string> = buildServedHosts();

/** Lower-cased host without a trailing dot or port ("LOGIN.wx.qq.com.:443" → "login.wx.qq.com"). */
export function normalizeHost(hostPort: string): string {
  let host = hostPort.trim().toLowerCase();
  if (host.startsWith('[')) host = host.slice(0, host.indexOf(']') + 1);
  else if (host.includes(':')) host = host.slice(0, host.lastIndexOf(':'));
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

export function isServedHost(host: string): boolean {
  return SERVED_HOSTS.has(normalizeHost(host));
}

export interface PublicHost {
  /** The host the client addressed: 'login.wx.qq.com'. */
  host: string;
  /** The main host of its family: 'wx.qq.com' (§1.2). */
  mainHost: string;
  /** Where the family's shared cookie (webwx_data_ticket) lives: '.qq.com' (§11). */
  cookieDomain: string;
  /**
   * A File Transfer entry host (§14), served as itself: the origin the emulator speaks as and the
   * Domain of its session cookies. Absent for every other host.
   */
  entryHost?: string;
}

/**
 * The family a served host belongs to, by the official client's substring order (§1.2): wx2, wx8,
 * other qq.com (→ wx), web2.wechat.com, other wechat.com (→ web).
 */
export function publicHostFor(hostPort: string): PublicHost {
  const host = normalizeHost(hostPort);
  const pick = (main: string) => FAMILIES.find((f) => f.main === main)!;
  const entry = FILEHELPER_ENTRY_HOSTS.find((f) => f.entry === host);
  if (entry !== undefined) {
    const family = pick(entry.main);
    return { host, mainHost: family.main, cookieDomain: family.cookieDomain, entryHost: host };
  }
  let family = pick('wx.qq.com');
  if (host.endsWith('wechat.com'))
    family = pick(/(^|\.)web2\.wechat\.com$/.test(host) ? 'web2.wechat.com' : 'web.wechat.com');
  else if (/(^|\.)wx2\.qq\.com$/.test(host)) family = pick('wx2.qq.com');
  else if (/(^|\.)wx8\.qq\.com$/.test(host)) family = pick('wx8.qq.com');
  return { host, mainHost: family.main, cookieDomain: family.cookieDomain };
}
