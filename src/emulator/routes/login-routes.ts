/**
 * Login family (§2): GET /, jslogin, /qrcode/<uuid>, /l/<uuid>, the login poll, webwxnewloginpage,
 * webwxpushloginurl, webwxlogout.
 */
import QRCode from 'qrcode';
import { MMWEBWX } from '../../protocol/session-context.js';
import {
  appOfAppId,
  hasMarkerHeader,
  MARKER_MISSING_MESSAGE,
  MARKER_MISSING_RET,
} from '../filehelper-app.js';
import type { Session } from '../login-session.js';
import { fileHelperEntryHostFor, isFileHelperEntryHost, normalizeHost } from '../proxy/hosts.js';
import { publicOrigin, qrLinkOrigin, scopeCookie } from '../proxy/public-origin.js';
import { info, type QrEntry } from '../qr-store.js';
import { authenticate, type EmulatorContext, endSession } from '../route-context.js';
import {
  type EmuRequest,
  jsonReply,
  notFound,
  type Reply,
  type Router,
  textReply,
} from '../served-request.js';
import {
  jsLoginReply,
  loginErrorXml,
  loginPageXml,
  loginPollCode,
  loginPollConfirmed,
  loginPollScanned,
  setCookie,
  syncConvContent,
  TINY_JPEG_BASE64,
} from '../wire-format.js';
import { wireMessage } from '../wire-objects.js';

const JS = 'text/javascript';
const XML_TYPE = 'text/plain;charset=utf-8';
const HOUR = 3600_000;

function js(body: string, extra: Record<string, string> = {}): Reply {
  return textReply(200, JS, body, { 'Cache-Control': 'no-cache, must-revalidate', ...extra });
}

function isDesktop(req: EmuRequest): boolean {
  return (req.param('redirect_uri') ?? '').includes('mod=desktop') || req.param('mod') === 'desktop';
}

function hasUosHeaders(req: EmuRequest): boolean {
  return req.headers.extspam !== undefined || req.headers['client-version'] !== undefined;
}

/** Both headers of the UOS/desktop login (§2.5): what the 2025 server lets through. */
function hasUosLoginHeaders(req: EmuRequest): boolean {
  return req.headers.extspam !== undefined && req.headers['client-version'] !== undefined;
}

/**
 * The refusal of this login (`refuseLogin`), if refused: every login, or with 'non-uos' the main
 * web's logins without the UOS headers (the File Transfer web, §14, stays open).
 */
function refusalFor(
  ctx: EmulatorContext,
  req: EmuRequest,
  e: QrEntry,
): { ret: number; message: string } | undefined {
  const r = ctx.refuseLogin;
  if (!r || (r.unlessUos && (e.app !== 'web' || hasUosLoginHeaders(req)))) return undefined;
  return r;
}

/**
 * Where the confirmed login goes on: the request's origin (plain mode), or through the proxy the
 * family's main host, and for a File Transfer QR its entry host (the one jslogin's redirect_uri
 * named, else the login host family's, §14).
 */
function loginPageOrigin(ctx: EmulatorContext, req: EmuRequest, e: QrEntry): string {
  const ph = req.publicHost;
  if (ph === undefined || e.app !== 'filehelper') return publicOrigin(ctx, req);
  return `https://${e.entryHost ?? fileHelperEntryHostFor(ph.mainHost)}`;
}

/** jslogin's redirect_uri host when it is a File Transfer entry host. */
function entryHostOf(req: EmuRequest): string | undefined {
  const uri = req.param('redirect_uri');
  if (uri === undefined) return undefined;
  try {
    const host = normalizeHost(new URL(uri).host);
    return isFileHelperEntryHost(host) ? host : undefined;
  } catch {
    return undefined;
  }
}

function redirectUri(origin: string, e: QrEntry): string {
  return `${origin}${MMWEBWX}/webwxnewloginpage?ticket=${e.ticket}@qrticket_0&uuid=${e.uuid}&lang=zh_CN&scan=${e.scanTime}`;
}

/** What a poll answers now for this QR, or undefined to keep holding. */
function pollAnswer(origin: string, e: QrEntry, loginIcon: boolean): string | undefined {
  switch (e.state) {
    case 'waiting':
      return undefined;
    case 'scanned':
      if (e.reported === 'scanned') return undefined;
      e.reported = 'scanned';
      return loginPollScanned(loginIcon ? TINY_JPEG_BASE64 : undefined);
    case 'confirmed':
      e.reported = 'confirmed';
      return loginPollConfirmed(redirectUri(origin, e));
    case 'cancelled':
      e.reported = 'cancelled';
      return loginPollCode(202);
    case 'expired':
      return loginPollCode(400);
  }
}

/** The first sync's MsgType 51 / StatusNotifyCode 4 message (§9.4). */
function queueSyncConv(ctx: EmulatorContext, s: Session): void {
  const ids = ctx.world.recent.filter(
    (id) => ctx.world.person(id) !== undefined || ctx.world.room(id) !== undefined,
  );
  const now = Math.floor(Date.now() / 1000);
  const self = s.selfUserName;
  s.enqueue(
    wireMessage({
      msgId: ctx.msgIds.take(),
      from: self,
      to: self,
      type: 51,
      content: syncConvContent(
        ids,
        ids.slice(1, 3).map((id, i) => ({ id, lastReadTime: now - 3600 * (i + 1) })),
      ),
      createTime: now,
      statusNotifyCode: 4,
      statusNotifyUserName: ids.map((id) => s.names.userName(id)).join(','),
    }),
  );
}

function loginCookies(s: Session): string[] {
  const now = Date.now();
  const day = now + 12 * HOUR;
  const decade = now + 3650 * 24 * HOUR;
  return [
    setCookie('wxuin', String(s.uin), day),
    setCookie('wxsid', s.sid, day),
    setCookie('wxloadtime', String(s.loadTime), day),
    setCookie('mm_lang', 'zh_CN', day),
    setCookie('webwx_data_ticket', s.dataTicket, day),
    setCookie('webwxuvid', s.uvid, decade),
    setCookie('webwx_auth_ticket', s.authTicket, decade),
  ];
}

function newLoginPage(ctx: EmulatorContext, req: EmuRequest): Reply {
  const status = hasUosHeaders(req) ? 301 : 200;
  const xml = (body: string, cookies?: string[]) =>
    textReply(status, XML_TYPE, body, cookies ? { 'Set-Cookie': cookies } : {});
  const ticket = (req.param('ticket') ?? '').replace(/@qrticket_0$/, '');
  const e = ticket ? ctx.qrs.byTicket(ticket) : undefined;
  if (e === undefined || e.ticketUsed || (req.param('uuid') !== undefined && req.param('uuid') !== e.uuid)) {
    return xml(loginErrorXml(-14, 'ticket error'));
  }
  // The File Transfer web's login page needs its marker; the main web's must not carry it. The ticket
  // stays valid, so the request can be repeated right.
  if ((e.app === 'filehelper') !== hasMarkerHeader(req)) {
    return xml(loginErrorXml(MARKER_MISSING_RET, MARKER_MISSING_MESSAGE));
  }
  e.ticketUsed = true;
  // The account whose phone confirmed the QR (the first account when none claimed it).
  const account = (e.account === undefined ? undefined : ctx.accounts.byId(e.account)) ?? ctx;
  return loginAs(account, req, e, xml);
}

function loginAs(
  ctx: EmulatorContext,
  req: EmuRequest,
  e: QrEntry,
  xml: (body: string, cookies?: string[]) => Reply,
): Reply {
  const refusal = refusalFor(ctx, req, e);
  if (refusal !== undefined) {
    ctx.logger.info({ app: e.app, uos: hasUosLoginHeaders(req) }, 'emulator login refused');
    return xml(loginErrorXml(refusal.ret, refusal.message));
  }
  const desktop = e.desktop || req.param('mod') === 'desktop' || hasUosHeaders(req);
  if (ctx.kickPreviousSession) {
    // A login ends the earlier sessions of its own app: the main web and the File Transfer web coexist.
    for (const old of ctx.sessions.active()) if (old.app === e.app) endSession(ctx, old, 1101, 'kicked');
  }
  const s = ctx.sessions.create(ctx.world.self.uin, desktop, ctx.world, e.app);
  // A File Transfer session has one chat and no 51/4 list of recent chats.
  if (e.app === 'web') queueSyncConv(ctx, s);
  ctx.logger.info({ session: s.id, desktop, app: e.app, account: ctx.accountId }, 'emulator login');
  ctx.events.emit('login', s.info());
  return xml(
    loginPageXml({ skey: s.skey, sid: s.sid, uin: s.uin, passTicketEncoded: s.passTicketEncoded }),
    loginCookies(s).map((c) => scopeCookie(req, c)),
  );
}

async function loginPoll(ctx: EmulatorContext, req: EmuRequest): Promise<Reply> {
  const e = ctx.qrs.get(req.param('uuid'));
  // A poll for another app than its QR's (appid, §14) is answered as for an expired QR.
  if (e === undefined || appOfAppId(req.param('appid')) !== e.app) return js(loginPollCode(400));
  const loginIcon = req.param('loginicon') === 'true';
  const origin = loginPageOrigin(ctx, req, e);
  const body = await ctx.holds.hold({
    ms: ctx.timing.loginPollHoldMs,
    check: () => pollAnswer(origin, e, loginIcon),
    subscribe: (wake) => {
      e.waiters.add(wake);
      return () => e.waiters.delete(wake);
    },
    onTimeout: () => (e.state === 'expired' ? loginPollCode(400) : loginPollCode(408)),
    signal: req,
  });
  return js(body);
}

function pushLogin(ctx: EmulatorContext, req: EmuRequest): Reply {
  const uin = Number(req.param('uin'));
  const account = ctx.accounts.all.find((a) => a.world.self.uin === uin);
  if (!Number.isInteger(uin) || !ctx.sessions.knownUins.has(uin) || account === undefined) {
    return jsonReply('{"ret":"1","msg":"param error"}');
  }
  const e = ctx.qrs.create({ push: true, desktop: isDesktop(req), account: account.accountId });
  return jsonReply(`{"ret":"0","msg":"all ok","uuid":"${e.uuid}"}`);
}

function logout(ctx: EmulatorContext, req: EmuRequest): Reply {
  const auth = authenticate(ctx, req);
  if (auth.ok) endSession(auth.ctx, auth.session, 1101, 'client-logout');
  return textReply(200, 'text/html; charset=utf-8', '<html><body>logout</body></html>');
}

export function registerLoginRoutes(router: Router, ctx: EmulatorContext): void {
  router.path('/', {
    methods: ['GET', 'POST'],
    handler: () =>
      textReply(
        200,
        'text/html; charset=utf-8',
        '<!DOCTYPE html><html><head><title>Web WeChat (webwx emulator)</title></head><body>webwx emulator</body></html>',
      ),
  });
  const jslogin = {
    methods: ['GET', 'POST'] as const,
    handler: (req: EmuRequest) => {
      const app = appOfAppId(req.param('appid'));
      // An appid of neither app: no QR (the code of the real server is not established).
      if (app === undefined) return js(jsLoginReply('', 400));
      const entryHost = app === 'filehelper' ? entryHostOf(req) : undefined;
      const e = ctx.qrs.create({
        push: false,
        desktop: app === 'web' && isDesktop(req),
        app,
        ...(entryHost === undefined ? {} : { entryHost }),
      });
      ctx.logger.debug({ uuid: e.uuid, desktop: e.desktop, app }, 'emulator jslogin');
      return js(jsLoginReply(e.uuid));
    },
    retReply: (ret: number) => js(`window.QRLogin.code = ${ret}; window.QRLogin.uuid = "";`),
  };
  router.path('/jslogin', jslogin);
  router.api('jslogin', jslogin);
  router.prefix('/qrcode/', {
    methods: ['GET'],
    handler: async (req) => {
      const uuid = decodeURIComponent(req.path.slice('/qrcode/'.length));
      if (ctx.qrs.get(uuid) === undefined) return notFound('unknown uuid');
      const link = `${qrLinkOrigin(ctx, req)}/l/${uuid}`;
      const png = await QRCode.toBuffer(link, { type: 'png', margin: 2, width: 256 });
      return textReply(200, 'image/png', png);
    },
  });
  router.prefix('/l/', {
    methods: ['GET'],
    handler: (req) => {
      const uuid = decodeURIComponent(req.path.slice('/l/'.length));
      const e = ctx.qrs.get(uuid);
      if (e === undefined) return notFound('unknown uuid');
      const state = info(e).state;
      return textReply(
        200,
        'text/html; charset=utf-8',
        `<!DOCTYPE html><html><body><p>webwx emulator login ${uuid}: ${state}</p><p>Scan with the phone API: POST /__phone/qr/${encodeURIComponent(uuid)}/scan, then /confirm.</p></body></html>`,
      );
    },
  });
  router.api('login', {
    methods: ['GET'],
    handler: (req) => loginPoll(ctx, req),
    retReply: (ret) => js(loginPollCode(ret)),
  });
  router.api('webwxnewloginpage', {
    methods: ['GET', 'POST'],
    handler: (req) => newLoginPage(ctx, req),
    retReply: (ret) => textReply(200, XML_TYPE, loginErrorXml(ret, '')),
  });
  router.api('webwxpushloginurl', {
    methods: ['GET', 'POST'],
    handler: (req) => pushLogin(ctx, req),
    retReply: (ret) => jsonReply(`{"ret":"${ret}","msg":""}`),
  });
  router.api('webwxlogout', { methods: ['GET', 'POST'], handler: (req) => logout(ctx, req) });
}
