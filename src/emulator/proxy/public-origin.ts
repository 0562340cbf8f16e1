/**
 * Speaking as the host a request was addressed to. Through the proxy the emulator is the real
 * service: `redirect_uri` names the family's main host over https (§1.2, §2.3), the QR encodes
 * `https://login.weixin.qq.com/l/<uuid>` (§2.2), and cookies carry the real Domain and Secure (§11).
 * Sent directly, it is one plain-HTTP origin with host-only cookies (what a jar on 127.0.0.1 keeps).
 */
import type { EmulatorContext } from '../route-context.js';
import type { EmuRequest } from '../served-request.js';

const HOST_HEADER = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The origin of the main host this request stands for: 'https://wx.qq.com' (a File Transfer entry
 * host stands for itself: 'https://filehelper.weixin.qq.com') or 'http://127.0.0.1:PORT'.
 */
export function publicOrigin(ctx: EmulatorContext, req: EmuRequest): string {
  const ph = req.publicHost;
  if (ph !== undefined) return `https://${ph.entryHost ?? ph.mainHost}`;
  const host = req.headers.host;
  return host !== undefined && HOST_HEADER.test(host) ? `http://${host}` : ctx.baseUrl;
}

/** The origin a QR code's content names: login.weixin.qq.com through the proxy (§2.2). */
export function qrLinkOrigin(ctx: EmulatorContext, req: EmuRequest): string {
  return req.publicHost !== undefined ? 'https://login.weixin.qq.com' : publicOrigin(ctx, req);
}

/**
 * Scope a Set-Cookie value as the real server does (§11): `Domain=<main host>; Secure` (the entry
 * host itself for a File Transfer entry host, §14), and
 * `Domain=.qq.com` (`.wechat.com`) for webwx_data_ticket. Direct requests keep host-only cookies.
 */
export function scopeCookie(req: EmuRequest, setCookie: string): string {
  const ph = req.publicHost;
  if (ph === undefined) return setCookie;
  const name = setCookie.slice(0, setCookie.indexOf('='));
  const domain = name === 'webwx_data_ticket' ? ph.cookieDomain : (ph.entryHost ?? ph.mainHost);
  return `${setCookie}; Domain=${domain}; Secure`;
}
