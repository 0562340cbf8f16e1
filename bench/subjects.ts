/**
 * The three clients under test, behind one small interface: webwx (createClient), wechat4u (its
 * public API, from a saved session whose CONF points at the emulator) and the raw limit loop.
 * Each session logs in through a QR that the driver's phone confirms.
 */
import { createRequire } from 'node:module';
import type { WebWxClient } from '../src/index.js';
import { RawClient } from './raw-session.js';

export type Impl = 'webwx' | 'wechat4u' | 'limit';
export const IMPLS: readonly Impl[] = ['webwx', 'wechat4u', 'limit'];

export interface SessionCounts {
  contacts: number;
  rooms: number;
  members: number;
}

export interface OpenOptions {
  baseUrl: string;
  /** Echo every incoming text back to its sender. */
  echo: boolean;
  /** Contacts + rooms the account has: wechat4u has no "loaded" event, so it is ready at this count. */
  expectContacts: number;
  /** Called when the QR login is confirmed (the login page answered), before init. */
  onLoggedIn?: () => void;
}

export interface OpenSession {
  counts: SessionCounts;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 120_000;

async function openWebwx(o: OpenOptions): Promise<OpenSession> {
  // Imported here, so that the wechat4u and limit subjects load nothing of webwx's client.
  const { createClient } = await import('../src/index.js');
  const client: WebWxClient = createClient({ server: o.baseUrl });
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

interface Wechat4uBot {
  CONF: Record<string, unknown>;
  contacts: Record<string, { UserName: string; MemberList?: unknown[] }>;
  user: { UserName?: string };
  on(event: string, listener: (...args: never[]) => void): void;
  removeAllListeners(): void;
  restart(): Promise<void>;
  sendMsg(text: string, to: string): Promise<unknown>;
  state: string;
  stop(): void;
}
type Wechat4uCtor = new (botData?: unknown) => Wechat4uBot;

let wechat4uCtor: Wechat4uCtor | undefined;
function loadWechat4u(): Wechat4uCtor {
  if (!wechat4uCtor) {
    const require = createRequire(import.meta.url);
    const mod = require('wechat4u') as Wechat4uCtor | { default: Wechat4uCtor };
    wechat4uCtor = typeof mod === 'function' ? mod : mod.default;
  }
  return wechat4uCtor;
}

/** Every absolute http(s) URL of wechat4u's CONF, re-pointed at the emulator's origin. */
function pointConfAt(conf: Record<string, unknown>, baseUrl: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(conf)) {
    if (typeof v === 'string' && /^https?:\/\//.test(v)) out[k] = v.replace(/^https?:\/\/[^/]+/, baseUrl);
  }
  return out;
}

async function openWechat4u(o: OpenOptions): Promise<OpenSession> {
  const raw = new RawClient(o.baseUrl);
  const creds = await raw.login();
  await raw.stop();
  o.onLoggedIn?.();
  const Wechat = loadWechat4u();
  const probe = new Wechat();
  const conf = pointConfAt(probe.CONF, o.baseUrl);
  const bot = new Wechat({
    PROP: {
      uin: creds.uin,
      sid: creds.sid,
      skey: creds.skey,
      passTicket: creds.passTicket,
      webwxDataTicket: creds.dataTicket,
    },
    CONF: conf,
    COOKIE: { ...creds.cookies },
  });
  bot.on('error', () => {});
  const ready = new Promise<void>((resolve, reject) => {
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
  await ready;
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
    close: async () => {
      // wechat4u's stop() posts webwxlogout and has no way to wait for its pending long-poll.
      bot.stop();
      bot.removeAllListeners();
    },
  };
}

async function openLimit(o: OpenOptions): Promise<OpenSession> {
  const raw = new RawClient(o.baseUrl);
  await raw.login();
  o.onLoggedIn?.();
  await raw.init();
  const counts = await raw.loadContacts();
  raw.start(o.echo);
  return { counts, close: () => raw.stop() };
}

/** Loads an implementation's code, so that the baseline RSS includes it. */
export async function preload(impl: Impl): Promise<void> {
  if (impl === 'webwx') await import('../src/index.js');
  if (impl === 'wechat4u') loadWechat4u();
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
