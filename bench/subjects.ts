/**
 * The three clients under test, behind one small interface: webwx (createClient), wechat4u (its
 * public API, its CONF pointed at the emulator) and the raw limit loop.
 * Each session logs in through a QR that the driver's phone confirms.
 */
import { createRequire } from 'node:module';
import type { WebWxClient } from '../src/index.js';
import { inBatches } from './batches.js';
import { loadWebwx } from './package-entry.js';

export type Impl = 'webwx' | 'wechat4u' | 'limit';
export const IMPLS: readonly Impl[] = ['webwx', 'wechat4u', 'limit'];
/** The bot echo's pacing: off, or the client's default (DEFAULT_PACING). */
export type BotPacing = 'off' | 'default';

export interface SessionCounts {
  contacts: number;
  rooms: number;
  members: number;
}

export interface OpenOptions {
  baseUrl: string;
  /** Echo every incoming text back to its sender. */
  echo: boolean;
  /** Contacts + rooms the account has: wechat4u has no "loaded" event, so its list is complete at this count. */
  expectContacts: number;
  /** webwx only: echo through a `Bot` (`ctx.reply`) with this pacing instead of a `message` listener. */
  bot?: BotPacing;
  /** Called when the QR login is confirmed (the login page answered), before init. */
  onLoggedIn?: () => void;
}

export interface OpenSession {
  counts: SessionCounts;
  /** When the contact list (every getcontact page) was in hand, before the rooms' members (ms since the epoch). */
  listedAt?: number;
  /** The limit only: its UTF-8 decoding and JSON.parse of the contact and member replies, ms. */
  decodeParseMs?: number;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 120_000;

/**
 * webwx's bot echo: `new Bot(client)` with `bot.on('text', ctx => ctx.reply(ctx.text))`, the replies
 * going through the client's outbox, paced or not.
 */
async function openWebwxBot(o: OpenOptions, pacing: BotPacing): Promise<OpenSession> {
  const { createClient, Bot } = await loadWebwx();
  const client: WebWxClient = createClient({
    server: o.baseUrl,
    ...(pacing === 'off' ? { pacing: false as const } : {}),
  });
  let counts: SessionCounts = { contacts: 0, rooms: 0, members: 0 };
  client.on('contacts', (c) => {
    counts = c;
  });
  client.on('login', () => o.onLoggedIn?.());
  const bot = new Bot(client);
  bot.catch(() => {});
  if (o.echo) bot.on('text', (ctx) => ctx.reply(ctx.text));
  await bot.start();
  return {
    counts,
    close: async () => {
      // The client first: its stop() settles the paced replies still queued, which the bot waits for.
      await client.stop();
      await bot.stop();
    },
  };
}

async function openWebwx(o: OpenOptions): Promise<OpenSession> {
  if (o.bot) return openWebwxBot(o, o.bot);
  // Imported here, so that the wechat4u and limit subjects load nothing of webwx's client.
  const { createClient } = await loadWebwx();
  // pacing off: the bench measures the client's own speed (the default pacing is 1 send a second).
  const client: WebWxClient = createClient({ server: o.baseUrl, pacing: false });
  let counts: SessionCounts = { contacts: 0, rooms: 0, members: 0 };
  client.on('contacts', (c) => {
    counts = c;
  });
  client.on('login', () => o.onLoggedIn?.());
  if (o.echo) {
    client.on('message', (m) => {
      if (m.kind === 'text' && !m.isSelf) client.sendText(m.chat.userName, m.text).catch(() => {});
    });
  }
  await client.start();
  return { counts, close: () => client.stop() };
}

export interface Wechat4uContact {
  UserName: string;
  MemberList?: unknown[];
}
export interface Wechat4uBot {
  CONF: Record<string, unknown>;
  PROP: { sid: string; skey: string };
  botData: { CONF?: Record<string, unknown> };
  contacts: Record<string, Wechat4uContact>;
  user: { UserName?: string };
  on(event: string, listener: (...args: never[]) => void): void;
  removeAllListeners(): void;
  getUUID(): Promise<string>;
  checkLogin(): Promise<{ code: number }>;
  login(): Promise<void>;
  restart(): Promise<void>;
  batchGetContact(list: { UserName: string; EncryChatRoomId: string }[]): Promise<Wechat4uContact[]>;
  updateContacts(list: Wechat4uContact[]): void;
  sendMsg(text: string, to: string): Promise<unknown>;
  state: string;
  stop(): void;
}
export type Wechat4uCtor = new (botData?: unknown) => Wechat4uBot;

let wechat4uCtor: Wechat4uCtor | undefined;
/** wechat4u's class (loaded once, on first use). */
export function loadWechat4u(): Wechat4uCtor {
  if (!wechat4uCtor) {
    const require = createRequire(import.meta.url);
    const mod = require('wechat4u') as Wechat4uCtor | { default: Wechat4uCtor };
    wechat4uCtor = typeof mod === 'function' ? mod : mod.default;
  }
  return wechat4uCtor;
}

/** Every absolute http(s) URL of wechat4u's CONF, re-pointed at the emulator's origin. */
export function pointConfAt(conf: Record<string, unknown>, baseUrl: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(conf)) {
    if (typeof v === 'string' && /^https?:\/\//.test(v)) out[k] = v.replace(/^https?:\/\/[^/]+/, baseUrl);
  }
  return out;
}

/**
 * wechat4u's QR login through its public API (`getUUID()`, `checkLogin()` until 200, `login()`), its
 * CONF pointed at the emulator before the first and the last step (see openWechat4u).
 */
export async function loginWechat4u(bot: Wechat4uBot, baseUrl: string): Promise<void> {
  const repoint = () => {
    bot.botData = { CONF: pointConfAt(bot.CONF, baseUrl) };
  };
  repoint();
  await bot.getUUID();
  let confirmed = false;
  for (let i = 0; i < 30 && !confirmed; i++) {
    const poll = await bot.checkLogin();
    if (poll.code === 200) confirmed = true;
    else if (poll.code !== 201 && poll.code !== 408)
      throw new Error(`wechat4u: login poll answered ${poll.code}`);
  }
  if (!confirmed) throw new Error('wechat4u: the QR was never confirmed');
  repoint();
  await bot.login();
  if (!bot.PROP.sid) throw new Error('wechat4u: login() found no credentials in the login page');
}

/**
 * wechat4u through its public API only. Its `start()` is `getUUID()` → `checkLogin()` until 200 →
 * `login()` → init; the same steps are called here one by one, because `checkLogin()` replaces CONF
 * with `https://<host>` URLs taken from the redirect_uri (no port, no http: PROTOCOL.md §12), so CONF
 * is pointed back at the emulator before `login()` (which itself fetches the redirect_uri as given).
 * Then `restart()` (= its init: webwxinit, every getcontact page). Its own room lookup asks for all
 * 200 rooms in one batchgetcontact, which the server refuses above 50 (Ret 1); so once its contact map
 * is complete, the rooms still without members are asked for through its public `batchGetContact`,
 * 50 a call, 4 in flight (as the limit; webwx sizes its own calls), and put in its map with `updateContacts`, as its
 * own code does with a batch reply. Ready: every room has its MemberList.
 */
async function openWechat4u(o: OpenOptions): Promise<OpenSession> {
  const Wechat = loadWechat4u();
  const bot = new Wechat();
  bot.on('error', () => {});
  await loginWechat4u(bot, o.baseUrl);
  o.onLoggedIn?.();

  const deadline = Date.now() + READY_TIMEOUT_MS;
  const listed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('wechat4u: contacts never loaded')), READY_TIMEOUT_MS);
    const check = () => {
      if (Object.keys(bot.contacts).length >= o.expectContacts) {
        clearTimeout(timer);
        resolve();
      }
    };
    bot.on('contacts-updated', check);
  });
  if (o.echo) {
    bot.on('message', ((msg: { MsgType: number; FromUserName: string; Content: string }) => {
      if (msg.MsgType === 1 && msg.FromUserName !== bot.user.UserName)
        bot.sendMsg(msg.Content, msg.FromUserName).catch(() => {});
    }) as never);
  }
  await bot.restart();
  await listed;
  const listedAt = Date.now();
  const withoutMembers = Object.values(bot.contacts)
    .filter((c) => c.UserName.startsWith('@@') && !c.MemberList?.length)
    .map((c) => c.UserName);
  await inBatches(withoutMembers, async (b) => {
    if (Date.now() > deadline) throw new Error('wechat4u: room members never loaded');
    const list = await bot.batchGetContact(b.map((u) => ({ UserName: u, EncryChatRoomId: '' })));
    if (list.length < b.length)
      throw new Error(`wechat4u: batchGetContact returned ${list.length} of ${b.length} rooms`);
    bot.updateContacts(list);
  });
  let contacts = 0;
  let rooms = 0;
  let members = 0;
  for (const c of Object.values(bot.contacts)) {
    if (c.UserName.startsWith('@@')) {
      rooms++;
      members += c.MemberList?.length ?? 0;
    } else contacts++;
  }
  return {
    counts: { contacts, rooms, members },
    listedAt,
    close: async () => {
      // wechat4u's stop() posts webwxlogout and has no way to wait for its pending long-poll.
      bot.stop();
      bot.removeAllListeners();
    },
  };
}

async function openLimit(o: OpenOptions): Promise<OpenSession> {
  // Imported here: the limit's undici parts, which the other subjects must not carry.
  const { RawClient } = await import('./raw-session.js');
  const { undiciHttp } = await import('./raw-http.js');
  const raw = new RawClient(o.baseUrl, await undiciHttp());
  await raw.login();
  o.onLoggedIn?.();
  await raw.init();
  let listedAt: number | undefined;
  const counts = await raw.loadContacts(() => {
    listedAt = Date.now();
  });
  raw.start(o.echo);
  return {
    counts,
    ...(listedAt === undefined ? {} : { listedAt }),
    decodeParseMs: raw.decodeParseMs,
    close: () => raw.stop(),
  };
}

/**
 * Loads an implementation's code (and only its own), so that the baseline RSS includes it and
 * nothing of the others'.
 */
export async function preload(impl: Impl): Promise<void> {
  if (impl === 'webwx') await loadWebwx();
  if (impl === 'wechat4u') loadWechat4u();
  if (impl === 'limit') {
    await import('./raw-session.js');
    await import('../src/transport/undici-parts.js'); // what raw-http.ts's undiciHttp() loads
  }
}

export function openSession(impl: Impl, o: OpenOptions): Promise<OpenSession> {
  switch (impl) {
    case 'webwx':
      return openWebwx(o);
    case 'wechat4u':
      return openWechat4u(o);
    case 'limit':
      return openLimit(o);
  }
}
