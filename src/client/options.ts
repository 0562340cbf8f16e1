/**
 * Client options: the public `ClientOptions` and their one-time resolution, with every default in
 * this file. Nothing else in the client reads a raw option.
 */

import type { Dispatcher } from 'undici';
import { InvalidArgumentError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import {
  DEFAULT_HOSTS,
  DEFAULT_SYNCCHECK_FALLBACKS,
  FILEHELPER_HOSTS,
  isWebApp,
  UOS_EXTSPAM,
  WEB_APPS,
} from '../protocol/index.js';
import type { Hosts, WebApp } from '../protocol/session-context.js';
import { isMessageStore, type MessageStore, type SessionStore } from '../store/index.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../transport/index.js';
import { MemoryStableIdStore, type StableIdStore } from './contacts/stable-ids.js';
import type { ResolvedPacing } from './send/pacing.js';
import type { PacingOptions } from './send/send-types.js';
import { resolveRateLimit, storeStableIds } from './store-options.js';

/** Options of {@link createClient}: all optional, resolved once with defaults; a bad value is an InvalidArgumentError. */
export interface ClientOptions {
  /**
   * Which web app to log in to (docs/filehelper.md): 'web', the main Web WeChat page (wx.qq.com), or
   * 'filehelper', the File Transfer web (filehelper.weixin.qq.com, appid `wx_webfilehelper`): one
   * chat, `filehelper`, with texts, images and files both ways, open to accounts the main web login
   * refuses. In 'filehelper' mode `uos` is ignored, there is no push login and no synccheck fallback
   * host, and calls the app does not offer (other chats, rooms, contact management, videos,
   * emoticons, revoke, forward) throw NotAvailableError before any request. Default 'web'.
   */
  app?: WebApp;
  /**
   * One base URL for every host, e.g. an emulator's 'http://127.0.0.1:1234'. After login the hosts
   * are derived from the login's redirect_uri anyway (unless `hosts` is given).
   */
  server?: string;
  /** Each host separately (base URLs, no trailing slash). Defaults: the real service (FILEHELPER_HOSTS for app 'filehelper'). */
  hosts?: Partial<Hosts>;
  /**
   * Push hosts tried in order when the session's push host keeps failing (host names or base URLs).
   * Default: DEFAULT_SYNCCHECK_FALLBACKS for the real main web, none when `server` is set or for
   * app 'filehelper' (its synccheck runs on the entry host itself).
   */
  syncCheckFallbackHosts?: string[];
  /** Default 'zh_CN'. */
  lang?: string;
  /** UOS/desktop login headers: on by default for app 'web' (never sent for 'filehelper'); `extspam` defaults to UOS_EXTSPAM. */
  uos?: { enabled?: boolean; extspam?: string };
  /** pino-compatible; default: silentLogger. */
  logger?: Logger;
  /** Defaults: requestMs 30000, syncCheckMs 35000, loginPollMs 35000. */
  timeouts?: { requestMs?: number; syncCheckMs?: number; loginPollMs?: number };
  /** Retry policy for requests that are safe to repeat; merged over DEFAULT_RETRY_POLICY. */
  retry?: Partial<RetryPolicy>;
  /** Clock in ms (tests inject it). Default Date.now. */
  now?: () => number;
  /** Random number in [0, 1) (tests inject it). Default Math.random. */
  random?: () => number;
  /** Media limits and where downloads go (docs/media.md). */
  media?: { maxDownloadBytes?: number; maxUploadBytes?: number; downloadDir?: string };
  /** Where stable contact ids are kept across logins (docs/contacts.md). Default: in memory. */
  stableIds?: StableIdStore;
  /**
   * Where the session survives a restart (docs/sessions.md): any SessionStore (MemoryStore,
   * FileSessionStore, SqliteStore). A store that is also a MessageStore (MemoryStore, SqliteStore)
   * logs every message and makes delivery exactly-once across restarts. Default: none.
   */
  store?: SessionStore;
  /** After a logout by the server (1100/1101/1102), log in again: push login, then QR. Default false. */
  autoRelogin?: boolean;
  /** Ret 1205 (rate limited) on a send: retry with the same ClientMsgId after a growing delay. */
  rateLimit?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /**
   * Texts to one chat in flight at once when several are waiting (docs/sessions.md): they go out in
   * queue order, pipelined on one connection. 1: one at a time. Default 16.
   */
  sendPipelining?: number;
  /**
   * Pacing of every send, per account (docs/sessions.md "Pacing"): a token bucket of `burst` sends
   * refilled at `perSecond`, and optionally `perChatMs` between two sends to one chat. Default
   * DEFAULT_PACING (1 a second, bursts of 5), chosen to keep real accounts clear of the server's
   * anti-spam limits. `false` turns pacing off (an emulator, a test, a bench).
   */
  pacing?: PacingOptions | false;
  /**
   * An outbound proxy for every request of this client (docs/host.md "Proxies"): an http(s) URL,
   * credentials in it if the proxy wants them ('http://user:pass@10.0.0.2:3128'); requests go through
   * CONNECT tunnels (undici's ProxyAgent). The URL is never logged. A bad URL is an InvalidArgumentError.
   */
  proxy?: string;
  /**
   * The undici Dispatcher every request goes through (your Agent, ProxyAgent, or a mock); wins over
   * `proxy`. The client never closes it. Texts sent pipelined to one chat keep their order only if
   * it keeps one connection per origin.
   */
  dispatcher?: Dispatcher;
  /**
   * undici interceptors composed over every dispatcher the client sends through (its own connections,
   * a proxy's, or `dispatcher`), in order. The client keeps its connections, its pipelined texts and
   * its proxy; an interceptor may look at, change or refuse a request or its reply (the worker's
   * lease gate refuses every request of an account whose lease is not known to be held). A value
   * that is not an array of functions is an InvalidArgumentError.
   */
  interceptors?: readonly Dispatcher.DispatcherComposeInterceptor[];
  /**
   * The sync watchdog (docs/host.md "Watchdog"): when no answer from synccheck or webwxsync came for
   * `quietMs` (default timeouts.syncCheckMs + 15000), the sync loop drops what it waits for, logs a
   * warning, emits 'sync-stalled' and polls again at once. `false` turns it off.
   */
  watchdog?: { quietMs?: number } | false;
}

export interface ResolvedOptions {
  /** The web app logged in to. */
  app: WebApp;
  /** The hosts before login (jslogin, poll, QR). */
  hosts: Hosts;
  /** The hosts the user set one by one; after login they win over the hosts derived from redirect_uri. */
  explicitHosts: Partial<Hosts>;
  /** Normalised base URLs ('https://…', no trailing slash). */
  syncCheckFallbackHosts: string[];
  lang: string;
  /** Always disabled for app 'filehelper'. */
  uos: { enabled: boolean; extspam: string };
  logger: Logger;
  timeouts: { requestMs: number; syncCheckMs: number; loginPollMs: number };
  retry: RetryPolicy;
  now: () => number;
  random: () => number;
  media: { maxDownloadBytes: number; maxUploadBytes: number; downloadDir: string };
  stableIds: StableIdStore;
  store: SessionStore | undefined;
  /** `store` when it also keeps messages. */
  messageStore: MessageStore | undefined;
  autoRelogin: boolean;
  rateLimit: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  /** A whole number ≥ 1. */
  sendPipelining: number;
  /** false: off. */
  pacing: ResolvedPacing | false;
  /** Where requests go: a proxy URL, or the caller's dispatcher (wins), or neither. */
  network: {
    proxy?: string;
    dispatcher?: Dispatcher;
    interceptors?: readonly Dispatcher.DispatcherComposeInterceptor[];
  };
  /** The sync watchdog's bound in ms, or false (off). */
  watchdog: { quietMs: number } | false;
}

export const DEFAULT_TIMEOUTS = Object.freeze({
  requestMs: 30_000,
  syncCheckMs: 35_000,
  loginPollMs: 35_000,
});
export const DEFAULT_LANG = 'zh_CN';
/** Sends to one chat in flight at once (the transport's default pipelining depth). */
export const DEFAULT_SEND_PIPELINING = 16;
/**
 * The default pacing (docs/sessions.md "Pacing"): one send a second on average, five at once after a
 * quiet spell, no spacing per chat.
 */
export const DEFAULT_PACING: Readonly<ResolvedPacing> = Object.freeze({
  perSecond: 1,
  burst: 5,
  perChatMs: 0,
});
/** Media defaults: 100 MiB each way (the official page allows 50 MB files); downloads into the working directory. */
export const DEFAULT_MEDIA = Object.freeze({
  maxDownloadBytes: 100 * 1024 * 1024,
  maxUploadBytes: 100 * 1024 * 1024,
  downloadDir: '.',
});

/** 'host', 'host:port', 'https://host/' → 'https://host' (scheme kept when given). */
export function normaliseBaseUrl(value: string): string {
  const trimmed = value.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InvalidArgumentError('', `not a host or base URL: ${JSON.stringify(value)}`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError(name, `${name} must be a positive number`);
  return value;
}

function resolveApp(value: unknown): WebApp {
  if (value === undefined) return 'web';
  if (!isWebApp(value)) {
    throw new InvalidArgumentError(
      'app',
      `app must be one of ${WEB_APPS.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

export function resolveOptions(options: ClientOptions = {}): ResolvedOptions {
  const app = resolveApp(options.app);
  const explicitHosts: Partial<Hosts> = {};
  for (const [key, value] of Object.entries(options.hosts ?? {}) as [keyof Hosts, string | undefined][]) {
    if (value !== undefined) explicitHosts[key] = normaliseBaseUrl(value);
  }
  const server = options.server === undefined ? undefined : normaliseBaseUrl(options.server);
  const base: Hosts = server
    ? { login: server, qr: server, main: server, file: server, push: server }
    : { ...(app === 'filehelper' ? FILEHELPER_HOSTS : DEFAULT_HOSTS) };
  const hosts: Hosts = { ...base, ...explicitHosts };

  const fallbacks =
    options.syncCheckFallbackHosts ??
    (server === undefined && app === 'web' ? [...DEFAULT_SYNCCHECK_FALLBACKS] : []);

  const timeouts = options.timeouts ?? {};
  const syncCheckMs = positive(timeouts.syncCheckMs, DEFAULT_TIMEOUTS.syncCheckMs, 'timeouts.syncCheckMs');
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(options.retry ?? {}) };
  return {
    app,
    hosts,
    explicitHosts,
    syncCheckFallbackHosts: [...new Set(fallbacks.map(normaliseBaseUrl))],
    lang: options.lang ?? DEFAULT_LANG,
    uos: {
      enabled: app === 'web' && (options.uos?.enabled ?? true),
      extspam: options.uos?.extspam ?? UOS_EXTSPAM,
    },
    logger: options.logger ?? silentLogger,
    timeouts: {
      requestMs: positive(timeouts.requestMs, DEFAULT_TIMEOUTS.requestMs, 'timeouts.requestMs'),
      syncCheckMs,
      loginPollMs: positive(timeouts.loginPollMs, DEFAULT_TIMEOUTS.loginPollMs, 'timeouts.loginPollMs'),
    },
    retry,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    media: {
      maxDownloadBytes: positive(
        options.media?.maxDownloadBytes,
        DEFAULT_MEDIA.maxDownloadBytes,
        'media.maxDownloadBytes',
      ),
      maxUploadBytes: positive(
        options.media?.maxUploadBytes,
        DEFAULT_MEDIA.maxUploadBytes,
        'media.maxUploadBytes',
      ),
      downloadDir: options.media?.downloadDir ?? DEFAULT_MEDIA.downloadDir,
    },
    stableIds: options.stableIds ?? storeStableIds(options.store) ?? new MemoryStableIdStore(),
    store: options.store,
    messageStore: isMessageStore(options.store) ? options.store : undefined,
    autoRelogin: options.autoRelogin ?? false,
    rateLimit: resolveRateLimit(options.rateLimit),
    sendPipelining: sendPipelining(options.sendPipelining),
    pacing: resolvePacing(options.pacing),
    network: resolveNetwork(options),
    watchdog: resolveWatchdog(options.watchdog, syncCheckMs),
  };
}

/** The watchdog's margin over the long poll's own timeout. */
export const WATCHDOG_MARGIN_MS = 15_000;

function resolveWatchdog(value: ClientOptions['watchdog'], syncCheckMs: number): ResolvedOptions['watchdog'] {
  if (value === false) return false;
  return { quietMs: positive(value?.quietMs, syncCheckMs + WATCHDOG_MARGIN_MS, 'watchdog.quietMs') };
}

function resolveNetwork(options: ClientOptions): ResolvedOptions['network'] {
  const { interceptors } = options;
  if (interceptors === undefined) return resolveRoute(options);
  if (!Array.isArray(interceptors) || interceptors.some((i) => typeof i !== 'function')) {
    throw new InvalidArgumentError(
      'interceptors',
      'interceptors must be an array of undici interceptors (functions)',
    );
  }
  return { ...resolveRoute(options), interceptors: [...interceptors] };
}

/** Where requests go: the caller's dispatcher, a proxy, or neither. */
function resolveRoute(options: ClientOptions): Omit<ResolvedOptions['network'], 'interceptors'> {
  if (options.dispatcher !== undefined) {
    if (typeof (options.dispatcher as Partial<Dispatcher>).dispatch !== 'function') {
      throw new InvalidArgumentError('dispatcher', 'dispatcher must be an undici Dispatcher');
    }
    return { dispatcher: options.dispatcher };
  }
  if (options.proxy === undefined) return {};
  let url: URL | undefined;
  try {
    url = new URL(options.proxy);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InvalidArgumentError('proxy', 'proxy must be an http(s) URL such as http://127.0.0.1:3128');
  }
  return { proxy: url.href };
}

export function resolvePacing(value: PacingOptions | false | undefined): ResolvedPacing | false {
  if (value === false) return false;
  if (value === undefined) return { ...DEFAULT_PACING };
  if (typeof value !== 'object' || value === null)
    throw new InvalidArgumentError('pacing', 'pacing must be an object or false');
  const perSecond = value.perSecond ?? DEFAULT_PACING.perSecond;
  const burst = value.burst ?? DEFAULT_PACING.burst;
  const perChatMs = value.perChatMs ?? DEFAULT_PACING.perChatMs;
  if (!Number.isFinite(perSecond) || perSecond <= 0)
    throw new InvalidArgumentError('pacing.perSecond', 'pacing.perSecond must be a number > 0');
  if (!Number.isFinite(burst) || burst < 1)
    throw new InvalidArgumentError('pacing.burst', 'pacing.burst must be a number ≥ 1');
  if (!Number.isFinite(perChatMs) || perChatMs < 0)
    throw new InvalidArgumentError('pacing.perChatMs', 'pacing.perChatMs must be a number ≥ 0');
  return { perSecond, burst: Math.floor(burst), perChatMs };
}

function sendPipelining(value: number | undefined): number {
  if (value === undefined) return DEFAULT_SEND_PIPELINING;
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidArgumentError('sendPipelining', 'sendPipelining must be a whole number ≥ 1');
  return value;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
