/** Test helpers: a minimal cookie-keeping fetch client and a full login against the emulator. */
import { afterEach } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';

export const API = '/cgi-bin/mmwebwx-bin';

export interface Raw {
  status: number;
  headers: Headers;
  text: string;
}

export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(path: string, init: RequestInit & { noCookies?: boolean } = {}): Promise<Raw> {
    const headers = new Headers(init.headers);
    if (!init.noCookies && this.cookies.size > 0) headers.set('cookie', this.cookieHeader());
    const res = await fetch(path.startsWith('http') ? path : this.base + path, {
      ...init,
      headers,
      redirect: 'manual',
    });
    for (const sc of res.headers.getSetCookie()) {
      const [pair] = sc.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  get(path: string, init: RequestInit & { noCookies?: boolean } = {}): Promise<Raw> {
    return this.request(path, init);
  }

  post(path: string, body: unknown, init: RequestInit = {}): Promise<Raw> {
    return this.request(path, {
      ...init,
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }
}

export interface LoggedIn {
  browser: Browser;
  uuid: string;
  skey: string;
  sid: string;
  uin: string;
  passTicket: string;
  baseRequest: { Uin: number; Sid: string; Skey: string; DeviceID: string };
  loginPage: Raw;
  redirectUri: string;
}

function xmlTag(xml: string, tag: string): string {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  if (!m) throw new Error(`no <${tag}> in ${xml}`);
  return m[1]!;
}

export async function jslogin(
  browser: Browser,
  redirect = 'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage',
): Promise<string> {
  const r = await browser.get(
    `/jslogin?appid=wx782c26e4c19acffb&redirect_uri=${encodeURIComponent(redirect)}&fun=new&lang=zh_CN&_=${Date.now()}`,
  );
  const m = /window\.QRLogin\.uuid = "([^"]+)";/.exec(r.text);
  if (!m) throw new Error(`bad jslogin reply ${r.text}`);
  return m[1]!;
}

/** The whole QR login: jslogin, scan, confirm, poll to 200, webwxnewloginpage. */
export async function login(emu: Emulator, options: { uos?: boolean } = {}): Promise<LoggedIn> {
  const browser = new Browser(emu.baseUrl);
  const uuid = await jslogin(browser);
  emu.phone.scan(uuid);
  emu.phone.confirm(uuid);
  const poll = await browser.get(`${API}/login?loginicon=true&uuid=${uuid}&tip=0&r=-1&_=1`);
  const m = /window\.redirect_uri="([^"]+)";/.exec(poll.text);
  if (!m) throw new Error(`bad poll reply ${poll.text}`);
  const headers: Record<string, string> = options.uos
    ? {
        extspam: 'Go8FCIkFEokFCggwMDAwMDAwMRAGGvAESySibk50w5Wb3uTl2c2h64jVVrV7gNs06GFlWplHQbY',
        'client-version': '2.0.0',
      }
    : {};
  const page = await browser.get(`${m[1]}&fun=new&version=v2`, { headers });
  return loggedIn(browser, uuid, page, m[1]!);
}

/** The session a login page's XML names (throws when it names none). */
export function loggedIn(browser: Browser, uuid: string, page: Raw, redirectUri: string): LoggedIn {
  const skey = xmlTag(page.text, 'skey');
  const sid = xmlTag(page.text, 'wxsid');
  const uin = xmlTag(page.text, 'wxuin');
  const passTicket = xmlTag(page.text, 'pass_ticket');
  return {
    browser,
    uuid,
    skey,
    sid,
    uin,
    passTicket,
    baseRequest: { Uin: Number(uin), Sid: sid, Skey: skey, DeviceID: 'e123456789012345' },
    loginPage: page,
    redirectUri,
  };
}

export function q(li: LoggedIn): string {
  return `lang=zh_CN&pass_ticket=${li.passTicket}`;
}

export async function init(li: LoggedIn): Promise<Record<string, unknown>> {
  const r = await li.browser.post(`${API}/webwxinit?r=-1&${q(li)}`, { BaseRequest: li.baseRequest });
  return JSON.parse(r.text) as Record<string, unknown>;
}

export interface SyncKeyObj {
  Count: number;
  List: { Key: number; Val: number }[];
}

export function formatKey(k: SyncKeyObj): string {
  return k.List.map((i) => `${i.Key}_${i.Val}`).join('|');
}

export async function sync(
  li: LoggedIn,
  key: SyncKeyObj,
): Promise<Record<string, unknown> & { SyncKey: SyncKeyObj; AddMsgList: Record<string, unknown>[] }> {
  const r = await li.browser.post(`${API}/webwxsync?sid=${li.sid}&skey=${li.skey}&${q(li)}`, {
    BaseRequest: li.baseRequest,
    SyncKey: key,
    rr: -1,
  });
  return JSON.parse(r.text);
}

export function syncCheck(li: LoggedIn, key: SyncKeyObj, init: { noCookies?: boolean } = {}): Promise<Raw> {
  return li.browser.get(
    `${API}/synccheck?r=${Date.now()}&skey=${encodeURIComponent(li.skey)}&sid=${li.sid}&uin=${li.uin}&deviceid=e1&synckey=${encodeURIComponent(formatKey(key))}&_=1`,
    init,
  );
}

/** The `uploadmediarequest` field of a webwxuploadmedia (§6.1), as wechat4u writes it, plus `extra`. */
export function uploadMediaRequest(li: LoggedIn, size: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    UploadType: 2,
    BaseRequest: li.baseRequest,
    ClientMediaId: Date.now(),
    TotalLen: size,
    StartPos: 0,
    DataLen: size,
    MediaType: 4,
    ...extra,
  });
}

/**
 * A test file's `start(options)`: an emulator on port 0 with 2 s long-poll holds (`options` on top),
 * closed after each test. Call it once at the top of the file.
 */
export function emulatorPerTest(): (options?: Parameters<typeof startEmulator>[0]) => Promise<Emulator> {
  let emu: Emulator | undefined;
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
  });
  return async (options = {}) => {
    emu = await startEmulator({ timing: { loginPollHoldMs: 2000, syncCheckHoldMs: 2000 }, ...options });
    return emu;
  };
}
