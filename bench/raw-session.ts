/**
 * "The limit": the least a client can do over the wire. A raw login (jslogin → poll →
 * webwxnewloginpage, credentials by regex, cookies kept by hand), then a loop of synccheck, webwxsync
 * and webwxsendmsg over one keep-alive pool (raw-http.ts: undici's, or node:http's for one restart row):
 * no decoding beyond JSON.parse of the sync reply,
 * no store, no events, no retries.
 */
import { performance } from 'node:perf_hooks';
import { inBatches } from './batches.js';
import type { RawHttp } from './raw-http.js';

const MM = '/cgi-bin/mmwebwx-bin';

export interface RawCredentials {
  skey: string;
  sid: string;
  uin: string;
  passTicket: string;
  dataTicket: string;
  /** Every cookie webwxnewloginpage set, name → value. */
  cookies: Record<string, string>;
}

export interface SyncKey {
  Count: number;
  List: { Key: number; Val: number }[];
}

function tag(xml: string, name: string): string {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  if (!m) throw new Error(`raw login: <${name}> missing in the login page`);
  return m[1] as string;
}

/** What the limit keeps to restart without a QR (restart-subject.ts): credentials, cookies, DeviceID. */
export interface RawSaved {
  creds: RawCredentials;
  deviceId: string;
}

export class RawClient {
  #cookieHeader = '';
  creds: RawCredentials | undefined;
  #syncKey: SyncKey = { Count: 0, List: [] };
  self = '';
  #running = false;
  #loop: Promise<void> | undefined;
  #deviceId = `e${String(Math.random()).slice(2, 17).padEnd(15, '0')}`;
  /** Messages echoed so far. */
  echoed = 0;
  /**
   * Called with each webwxsync reply's text messages to echo and the new SyncKey, before the echoes
   * go out (restart-subject.ts's durable limit records them in its store there).
   */
  beforeEcho: ((msgIds: string[], syncKey: SyncKey) => void) | undefined;
  /**
   * Time spent in UTF-8 decoding and JSON.parse of the getcontact and batchgetcontact replies
   * (loadContacts), ms: the least any client must spend on them.
   */
  decodeParseMs = 0;

  /** `http`: undiciHttp() as webwx loads undici, or nodeHttp() (raw-http.ts). */
  constructor(
    readonly baseUrl: string,
    readonly http: RawHttp,
  ) {}

  /** A client on a saved login (restart: `init()` then `start()`, no QR). */
  static fromSaved(baseUrl: string, http: RawHttp, saved: RawSaved): RawClient {
    const raw = new RawClient(baseUrl, http);
    raw.creds = saved.creds;
    raw.#deviceId = saved.deviceId;
    raw.#cookieHeader = Object.entries(saved.creds.cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    return raw;
  }

  /** What fromSaved() needs (after login()). */
  saved(): RawSaved {
    if (!this.creds) throw new Error('raw client: not logged in');
    return { creds: this.creds, deviceId: this.#deviceId };
  }

  #getRequest(url: string, signal?: AbortSignal) {
    return this.http.request(url, {
      method: 'GET',
      headers: this.#cookieHeader ? { cookie: this.#cookieHeader } : {},
      ...(signal ? { signal } : {}),
    });
  }

  async #get(
    url: string,
    signal?: AbortSignal,
  ): Promise<{ status: number; text: string; setCookie: string[] }> {
    const res = await this.#getRequest(url, signal);
    const text = await res.body.text();
    const sc = res.headers['set-cookie'];
    return { status: res.statusCode, text, setCookie: sc === undefined ? [] : Array.isArray(sc) ? sc : [sc] };
  }

  /** A reply's bytes decoded and parsed, the time counted in decodeParseMs. */
  #parseTimed<T>(bytes: Buffer): T {
    const start = performance.now();
    const value = JSON.parse(bytes.toString('utf8')) as T;
    this.decodeParseMs += performance.now() - start;
    return value;
  }

  #postRequest(url: string, body: unknown) {
    return this.http.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json;charset=UTF-8', cookie: this.#cookieHeader },
      body: JSON.stringify(body),
    });
  }

  async #postBytes(url: string, body: unknown): Promise<Buffer> {
    return Buffer.from(await (await this.#postRequest(url, body)).body.arrayBuffer());
  }

  async #post(url: string, body: unknown): Promise<string> {
    return (await this.#postRequest(url, body)).body.text();
  }

  #baseRequest(): Record<string, string> {
    const c = this.creds!;
    return { Uin: c.uin, Sid: c.sid, Skey: c.skey, DeviceID: this.#deviceId };
  }

  /**
   * QR login; the phone side confirms (`onUuid` gets the QR's uuid first, for a driver that confirms
   * it on a given account's phone). Resolves with the credentials once webwxnewloginpage answered.
   */
  async login(onUuid?: (uuid: string) => void): Promise<RawCredentials> {
    const redirect = encodeURIComponent(`${this.baseUrl}${MM}/webwxnewloginpage`);
    const js = await this.#get(
      `${this.baseUrl}/jslogin?appid=wx782c26e4c19acffb&redirect_uri=${redirect}&fun=new&lang=zh_CN&_=${Date.now()}`,
    );
    const uuid = /uuid = "([^"]+)"/.exec(js.text)?.[1];
    if (!uuid) throw new Error(`raw login: no uuid in ${js.text.slice(0, 80)}`);
    onUuid?.(uuid);
    let redirectUri: string | undefined;
    for (let i = 0; i < 30 && !redirectUri; i++) {
      const poll = await this.#get(
        `${this.baseUrl}${MM}/login?loginicon=true&uuid=${encodeURIComponent(uuid)}&tip=0&_=${Date.now()}`,
      );
      const code = /window\.code=(\d+)/.exec(poll.text)?.[1];
      if (code === '200') redirectUri = /redirect_uri="([^"]+)"/.exec(poll.text)?.[1];
      else if (code !== '408' && code !== '201') throw new Error(`raw login: poll answered ${code}`);
    }
    if (!redirectUri) throw new Error('raw login: never confirmed');
    const page = await this.#get(`${redirectUri}&fun=new&version=v2`);
    const cookies: Record<string, string> = {};
    for (const c of page.setCookie) {
      const m = /^([^=]+)=([^;]*)/.exec(c);
      if (m) cookies[m[1] as string] = m[2] as string;
    }
    this.#cookieHeader = Object.entries(cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    this.creds = {
      skey: tag(page.text, 'skey'),
      sid: tag(page.text, 'wxsid'),
      uin: tag(page.text, 'wxuin'),
      passTicket: tag(page.text, 'pass_ticket'),
      dataTicket: cookies.webwx_data_ticket ?? '',
      cookies,
    };
    return this.creds;
  }

  /** webwxinit: the SyncKey and the own UserName. */
  async init(): Promise<void> {
    const c = this.creds!;
    const text = await this.#post(
      `${this.baseUrl}${MM}/webwxinit?r=${Math.floor(Date.now() / -1579)}&pass_ticket=${c.passTicket}`,
      { BaseRequest: this.#baseRequest() },
    );
    const init = JSON.parse(text) as { SyncKey: SyncKey; User: { UserName: string }; SKey?: string };
    this.#syncKey = init.SyncKey;
    this.self = init.User.UserName;
    if (init.SKey) c.skey = init.SKey;
  }

  /** Every webwxgetcontact page (then `onListed`), then every room's members (batches of 50, four in flight). */
  async loadContacts(onListed?: () => void): Promise<{ contacts: number; rooms: number; members: number }> {
    const c = this.creds!;
    const rooms: string[] = [];
    let contacts = 0;
    let seq = 0;
    for (let page = 0; page < 1000; page++) {
      const res = await this.#getRequest(
        `${this.baseUrl}${MM}/webwxgetcontact?pass_ticket=${c.passTicket}&r=${Date.now()}&seq=${seq}&skey=${c.skey}`,
      );
      const reply = this.#parseTimed<{ MemberList: { UserName: string }[]; Seq: number }>(
        Buffer.from(await res.body.arrayBuffer()),
      );
      for (const m of reply.MemberList) {
        if (m.UserName.startsWith('@@')) rooms.push(m.UserName);
        else contacts++;
      }
      seq = reply.Seq;
      if (!seq) break;
    }
    onListed?.();
    let members = 0;
    await inBatches(rooms, async (b) => {
      const bytes = await this.#postBytes(
        `${this.baseUrl}${MM}/webwxbatchgetcontact?type=ex&r=${Date.now()}&pass_ticket=${c.passTicket}`,
        {
          BaseRequest: this.#baseRequest(),
          Count: b.length,
          List: b.map((u) => ({ UserName: u, EncryChatRoomId: '' })),
        },
      );
      const reply = this.#parseTimed<{ ContactList: { MemberList: unknown[] }[] }>(bytes);
      for (const room of reply.ContactList) members += room.MemberList.length;
    });
    return { contacts, rooms: rooms.length, members };
  }

  /** The raw loop: synccheck → webwxsync → (echo) webwxsendmsg, until stop(). */
  start(echo: boolean): void {
    this.#running = true;
    this.#loop = this.#run(echo);
  }

  async #run(echo: boolean): Promise<void> {
    const c = this.creds!;
    const abort = new AbortController();
    this.#abort = abort;
    while (this.#running) {
      const key = this.#syncKey.List.map((k) => `${k.Key}_${k.Val}`).join('|');
      let check: string;
      try {
        check = (
          await this.#get(
            `${this.baseUrl}${MM}/synccheck?r=${Date.now()}&skey=${encodeURIComponent(c.skey)}&sid=${encodeURIComponent(c.sid)}&uin=${c.uin}&deviceid=${this.#deviceId}&synckey=${encodeURIComponent(key)}&_=${Date.now()}`,
            abort.signal,
          )
        ).text;
      } catch {
        return;
      }
      if (!this.#running) return;
      const selector = /selector:"(\d+)"/.exec(check)?.[1];
      if (/retcode:"(\d+)"/.exec(check)?.[1] !== '0') return;
      if (selector === '0') continue;
      const text = await this.#post(
        `${this.baseUrl}${MM}/webwxsync?sid=${encodeURIComponent(c.sid)}&skey=${encodeURIComponent(c.skey)}&pass_ticket=${c.passTicket}`,
        { BaseRequest: this.#baseRequest(), SyncKey: this.#syncKey, rr: ~Date.now() },
      );
      const sync = JSON.parse(text) as {
        SyncKey: SyncKey;
        SyncCheckKey?: SyncKey;
        AddMsgList: { MsgId: string; MsgType: number; FromUserName: string; Content: string }[];
      };
      if (sync.SyncKey.Count > 0) this.#syncKey = sync.SyncKey;
      if (!echo) continue;
      const texts = sync.AddMsgList.filter((m) => m.MsgType === 1 && m.FromUserName !== this.self);
      this.beforeEcho?.(
        texts.map((m) => String(m.MsgId)),
        this.#syncKey,
      );
      for (const m of texts) {
        // Unique per session: the server takes a repeated ClientMsgId for a retry and records nothing.
        this.echoed++;
        const id = `${Date.now()}${String(this.echoed % 10_000).padStart(4, '0')}`;
        void this.#post(`${this.baseUrl}${MM}/webwxsendmsg?pass_ticket=${c.passTicket}`, {
          BaseRequest: this.#baseRequest(),
          Msg: {
            Type: 1,
            Content: m.Content,
            FromUserName: this.self,
            ToUserName: m.FromUserName,
            LocalID: id,
            ClientMsgId: id,
          },
          Scene: 0,
        }).catch(() => {});
      }
    }
  }

  #abort: AbortController | undefined;

  async stop(): Promise<void> {
    this.#running = false;
    this.#abort?.abort();
    await this.#loop?.catch(() => {});
    await this.http.close().catch(() => {});
  }
}
