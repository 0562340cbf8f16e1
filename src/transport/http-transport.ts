/**
 * HTTP over undici: one keep-alive Agent per transport, a cookie jar, per-request timeouts through
 * AbortSignal, bounded and decompressed bodies, no redirects unless asked, and every failure mapped to
 * TransportError (or, for the caller's own abort, the signal's reason).
 */
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw, type ZlibOptions } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { TransportError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { HttpReply, HttpRequestSpec, RequestBody } from '../protocol/http-request.js';
import { redact } from '../redact.js';
import { CookieStore } from './cookie-store.js';
import { abortReason } from './retry-policy.js';
import { Agent, Client, newProxyAgent, request } from './undici-core.js';

/** A current desktop Chrome on Windows, as the web page would send it. */
export const DEFAULT_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36';
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Bodies larger than this (compressed or not) are refused with a TransportError. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Default `orderedPipelining`. */
export const DEFAULT_ORDERED_PIPELINING = 8;
const MAX_REDIRECTS = 5;
/** The pool's and the ordered clients' connections alike. */
const CONNECTION_OPTIONS = {
  keepAliveTimeout: 10_000,
  keepAliveMaxTimeout: 60_000,
  // Our own per-request timer is the authority; undici's would only fire later or get in the way.
  headersTimeout: 0,
  bodyTimeout: 0,
} as const;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface HttpTransportOptions {
  logger?: Logger;
  /** Applies when a spec has no timeoutMs. Default 30000. */
  defaultTimeoutMs?: number;
  userAgent?: string;
  /** The jar to use (e.g. restored with CookieStore.fromJSON); a new empty one by default. */
  cookies?: CookieStore;
  /** Maximum sockets per origin; unlimited by default. */
  connectionsPerOrigin?: number;
  /** Maximum body size in bytes, before and after decompression. Default 64 MB. */
  maxBodyBytes?: number;
  /**
   * How many `ordered` requests may be in flight at once on the one connection of an origin
   * (HTTP/1.1 pipelining). Default 8; 1 sends them one after another.
   */
  orderedPipelining?: number;
  /**
   * An outbound HTTP(S) proxy URL ('http://user:pass@proxy:3128'): every request goes through it
   * (CONNECT tunnels, undici's ProxyAgent), the ordered ones on one tunnelled connection per origin.
   */
  proxy?: string;
  /**
   * The undici dispatcher to send every request through (the caller's Agent, ProxyAgent, mock…),
   * ordered ones included (their order then depends on it keeping one connection per origin). The
   * transport never closes it. Wins over `proxy`.
   */
  dispatcher?: Dispatcher;
}

export interface SendOptions {
  /** Aborting rejects the send with the signal's reason (an AbortError unless given another). */
  signal?: AbortSignal;
  /**
   * Requests sent with `ordered: true` to the same origin reach the server in the order `send()` was
   * called: they go out, in that order, over one dedicated keep-alive connection per origin, pipelined
   * (up to `orderedPipelining` in flight, so several are on the wire at once). They are flagged
   * idempotent, which lets undici pipeline a POST and resend the ones written behind a failure: when
   * the connection drops, the oldest request in flight fails with a TransportError and the others
   * are resent, in order, on a new connection; a timeout or abort of one also closes the connection,
   * and the others are resent. So the server may see a request twice: use this only for requests it
   * deduplicates (webwxsendmsg, through its ClientMsgId). A caller that retries the failed one sends
   * it after those behind it. A redirect hop is sent the same way to its own origin.
   */
  ordered?: boolean;
}

export interface HttpTransport {
  send(spec: HttpRequestSpec, options?: SendOptions): Promise<HttpReply>;
  readonly cookies: CookieStore;
  /** Destroy the agent and every socket it holds. Later sends fail with a TransportError. */
  close(): Promise<void>;
  /** The keep-alive agent, for streamed uploads and downloads (streaming.ts). Absent in test fakes. */
  readonly dispatcher?: Dispatcher;
  /** The User-Agent every request carries. */
  readonly userAgent?: string;
}

/**
 * A request's own abort: what undici needs of an AbortSignal (it takes an EventTarget or an
 * EventEmitter: `aborted`, `reason`, add/removeEventListener of 'abort') and no more. A real
 * AbortController costs an EventTarget listener added and removed by undici on every request, several
 * µs each on the hot path; this holds the listener in a field. Aborted by the request's timer or by
 * the caller's signal (followAbort).
 */
class RequestAbort {
  aborted = false;
  reason: unknown = undefined;
  #listener: (() => void) | undefined;
  #more: (() => void)[] | undefined;

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.#listener === undefined) this.#listener = listener;
    else if (this.#more === undefined) this.#more = [listener];
    else this.#more.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    if (this.#listener === listener) this.#listener = undefined;
    else if (this.#more !== undefined) this.#more = this.#more.filter((l) => l !== listener);
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const first = this.#listener;
    const more = this.#more;
    this.#listener = undefined;
    this.#more = undefined;
    first?.();
    if (more !== undefined) for (const l of more) l();
  }

  /** As undici takes it (its types name only AbortSignal and EventEmitter). */
  get asSignal(): AbortSignal {
    return this as unknown as AbortSignal;
  }
}

/** Thrown into the request's own abort when its timer fires. */
class TimeoutSignal extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms} ms`);
  }
}

type Body = Dispatcher.ResponseData['body'];

/**
 * Stateless between calls (no `stream: true`), so one is shared; as fast as Buffer#toString for
 * small replies, and it drops a BOM as before.
 */
const utf8 = new TextDecoder('utf-8');

/**
 * The in-flight requests of each caller signal. One 'abort' listener per distinct signal (not one
 * added and removed per request, which cost time on the hot path and warned past 10 requests in
 * flight on one signal): it aborts every request registered under the signal. Once the last request
 * on a signal has ended, the listener is removed by a sweep at most FOLLOWER_SWEEP_MS later, unless a
 * request came meanwhile: a client's signal goes idle for a moment between every synccheck and the
 * webwxsync after it, and adding and removing an EventTarget listener each time cost several µs
 * there. So a signal is not held by us long after use (Node keeps timeout and composite signals alive
 * while they have an abort listener). Module wide, so several transports on one signal share the
 * listener.
 */
interface SignalFollowers {
  controllers: Set<RequestAbort>;
  onAbort: () => void;
}

/** How long a signal with no request in flight keeps its listener, at most. */
export const FOLLOWER_SWEEP_MS = 500;

const followersBySignal = new WeakMap<AbortSignal, SignalFollowers>();
/** Signals whose last request ended, for the next sweep (it drops the ones still without one). */
const idleSignals = new Set<AbortSignal>();
let sweepTimer: ReturnType<typeof setTimeout> | undefined;

function followAbort(signal: AbortSignal, controller: RequestAbort): void {
  let followers = followersBySignal.get(signal);
  if (followers === undefined) {
    const controllers = new Set<RequestAbort>();
    const onAbort = (): void => {
      followersBySignal.delete(signal);
      const reason = abortReason(signal);
      for (const c of controllers) c.abort(reason);
      controllers.clear();
    };
    followers = { controllers, onAbort };
    followersBySignal.set(signal, followers);
    signal.addEventListener('abort', onAbort, { once: true });
  }
  followers.controllers.add(controller);
}

function unfollowAbort(signal: AbortSignal, controller: RequestAbort): void {
  const followers = followersBySignal.get(signal);
  if (followers === undefined || !followers.controllers.delete(controller)) return;
  if (followers.controllers.size === 0) {
    idleSignals.add(signal);
    if (sweepTimer === undefined) {
      sweepTimer = setTimeout(sweepIdleSignals, FOLLOWER_SWEEP_MS);
      sweepTimer.unref?.();
    }
  }
}

function sweepIdleSignals(): void {
  sweepTimer = undefined;
  for (const signal of idleSignals) {
    const followers = followersBySignal.get(signal);
    if (followers !== undefined && followers.controllers.size === 0) {
      followersBySignal.delete(signal);
      signal.removeEventListener('abort', followers.onAbort);
    }
  }
  idleSignals.clear();
}

export function createHttpTransport(options: HttpTransportOptions = {}): HttpTransport {
  const logger = options.logger ?? silentLogger;
  const defaultTimeoutMs = validTimeout(options.defaultTimeoutMs) ?? DEFAULT_TIMEOUT_MS;
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const cookies = options.cookies ?? new CookieStore();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const orderedPipelining =
    options.orderedPipelining !== undefined &&
    Number.isSafeInteger(options.orderedPipelining) &&
    options.orderedPipelining >= 1
      ? options.orderedPipelining
      : DEFAULT_ORDERED_PIPELINING;
  const pool = {
    ...CONNECTION_OPTIONS,
    ...(options.connectionsPerOrigin ? { connections: options.connectionsPerOrigin } : {}),
  };
  // The caller's dispatcher, else a proxy's pair (the pool, and one pipelined tunnel per origin for
  // `ordered` requests), else a plain Agent and one Client per origin (orderedClient below).
  const own = options.dispatcher === undefined;
  const agent: Dispatcher =
    options.dispatcher ?? (options.proxy ? newProxyAgent(options.proxy, pool) : new Agent(pool));
  const orderedVia: Dispatcher | undefined =
    options.dispatcher ??
    (options.proxy
      ? newProxyAgent(options.proxy, { ...CONNECTION_OPTIONS, connections: 1, pipelining: orderedPipelining })
      : undefined);
  /** The one pipelined connection per origin that `ordered` requests take. */
  const orderedClients = new Map<string, InstanceType<typeof Client>>();
  let closing: Promise<void> | undefined;

  function orderedClient(url: string): Dispatcher {
    if (orderedVia !== undefined) return orderedVia;
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return agent; // request() rejects the URL the same way on either
    }
    let client = orderedClients.get(origin);
    if (client === undefined) {
      client = new Client(origin, { ...CONNECTION_OPTIONS, pipelining: orderedPipelining });
      orderedClients.set(origin, client);
    }
    return client;
  }

  async function send(spec: HttpRequestSpec, sendOptions: SendOptions = {}): Promise<HttpReply> {
    const callerSignal = sendOptions.signal;
    if (callerSignal?.aborted) throw abortReason(callerSignal);
    if (closing) {
      throw new TransportError(`${spec.endpoint}: transport is closed`, { url: spec.url });
    }
    const timeoutMs = validTimeout(spec.timeoutMs) ?? defaultTimeoutMs;
    const controller = new RequestAbort();
    const timer = setTimeout(() => controller.abort(new TimeoutSignal(timeoutMs)), timeoutMs);
    if (callerSignal) followAbort(callerSignal, controller);
    try {
      return await sendFollowing(spec, controller, sendOptions.ordered === true);
    } catch (error) {
      if (callerSignal?.aborted) throw abortReason(callerSignal);
      const reason = controller.aborted ? controller.reason : undefined;
      if (reason instanceof TimeoutSignal) {
        throw new TransportError(
          `${spec.endpoint}: ${spec.method} ${spec.url} timed out after ${timeoutMs} ms`,
          { url: spec.url, timedOut: true, cause: error },
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
      if (callerSignal) unfollowAbort(callerSignal, controller);
    }
  }

  async function sendFollowing(
    spec: HttpRequestSpec,
    signal: RequestAbort,
    ordered: boolean,
  ): Promise<HttpReply> {
    let method = spec.method;
    let url = spec.url;
    let body = spec.body;
    for (let hop = 0; ; hop++) {
      // Everything up to the dispatch is synchronous, so ordered requests are queued in call order.
      const reply = await sendOnce(spec, method, url, body, signal, ordered);
      const location = firstHeader(reply.headers, 'location');
      if (!spec.followRedirects || !REDIRECT_STATUSES.has(reply.status) || !location) return reply;
      if (hop >= MAX_REDIRECTS) {
        throw new TransportError(`${spec.endpoint}: more than ${MAX_REDIRECTS} redirects from ${spec.url}`, {
          url: spec.url,
          status: reply.status,
        });
      }
      try {
        url = new URL(location, url).toString();
      } catch (cause) {
        throw new TransportError(`${spec.endpoint}: invalid redirect location from ${url}`, {
          url,
          status: reply.status,
          cause,
        });
      }
      if (reply.status === 303 || ((reply.status === 301 || reply.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
    }
  }

  async function sendOnce(
    spec: HttpRequestSpec,
    method: 'GET' | 'POST',
    url: string,
    body: RequestBody | undefined,
    signal: RequestAbort,
    ordered: boolean,
  ): Promise<HttpReply> {
    const logged = logger.isLevelEnabled?.('debug') ?? true;
    const started = logged ? performance.now() : 0;
    const headers = buildHeaders(spec.headers, userAgent, cookies.getCookieHeader(url));
    const payload = encodeBody(body, headers);
    let status: number | undefined;
    let failure: string | undefined;
    try {
      let response: Dispatcher.ResponseData;
      try {
        response = await request(url, {
          dispatcher: ordered ? orderedClient(url) : agent,
          method,
          headers,
          body: payload,
          signal: signal.asSignal,
          // Pipelining needs both: a POST is not pipelined unless idempotent, and a blocking request
          // (undici's default) holds the next one back until its reply headers arrive.
          ...(ordered ? { idempotent: true, blocking: false } : {}),
        });
      } catch (error) {
        if (signal.aborted) throw error;
        throw networkError(spec.endpoint, method, url, error);
      }
      status = response.statusCode;
      const replyHeaders = normaliseHeaders(response.headers);
      const setCookies = replyHeaders['set-cookie'];
      if (setCookies !== undefined) {
        cookies.store(url, Array.isArray(setCookies) ? setCookies : [setCookies]);
      }
      if (status >= 400) {
        await discard(response.body);
        throw new TransportError(`${spec.endpoint}: HTTP ${status} from ${method} ${url}`, { url, status });
      }
      const isRedirect = REDIRECT_STATUSES.has(status);
      if (isRedirect && spec.followRedirects && firstHeader(replyHeaders, 'location')) {
        await discard(response.body);
        return { status, headers: replyHeaders, text: '' };
      }
      // The caller goes on at once: undici hands the socket back to its pool one event-loop turn after
      // the reply, so a request made meanwhile takes the pool's other (idle) socket. A sequential caller
      // thus alternates between two keep-alive sockets instead of waiting that turn on every request.
      const encoding = firstHeader(replyHeaders, 'content-encoding');
      if (encoding === undefined && declaredLength(replyHeaders) <= maxBodyBytes) {
        // The usual reply: plain and of a declared size within bounds (undici fails a body that does
        // not match its Content-Length), read whole by undici itself, with no stream iteration.
        const text = await readText(response.body, spec.endpoint, url, signal);
        return { status, headers: replyHeaders, text };
      }
      const raw = await readBounded(response.body, maxBodyBytes, replyHeaders, spec.endpoint, url, signal);
      const decoded = await decompress(raw, encoding, maxBodyBytes).catch((cause: unknown) => {
        if (signal.aborted) throw cause;
        throw new TransportError(
          `${spec.endpoint}: could not decode the body from ${url}: ${messageOf(cause)}`,
          {
            url,
            status,
            cause,
          },
        );
      });
      return { status, headers: replyHeaders, text: utf8.decode(decoded) };
    } catch (error) {
      if (logged) failure = signal.aborted ? 'aborted' : error instanceof Error ? error.message : 'failed';
      throw error;
    } finally {
      if (logged) {
        logger.debug(
          {
            endpoint: spec.endpoint,
            method,
            url: redact(url),
            status,
            ms: Math.round(performance.now() - started),
            ...(failure === undefined ? {} : { error: redact(failure) }),
          },
          'http request',
        );
      }
    }
  }

  return {
    send,
    cookies,
    dispatcher: agent,
    userAgent,
    close(): Promise<void> {
      closing ??= Promise.all([
        ...(own ? [agent.destroy(), orderedVia?.destroy()] : []),
        ...[...orderedClients.values()].map((client) => client.destroy()),
      ]).then(
        () => {},
        () => {},
      );
      return closing;
    },
  };
}

function validTimeout(ms: number | undefined): number | undefined {
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

function buildHeaders(
  specHeaders: Record<string, string> | undefined,
  userAgent: string,
  jarCookies: string,
): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': userAgent,
    accept: '*/*',
    'accept-encoding': 'gzip, deflate, br',
    'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8',
  };
  for (const [name, value] of Object.entries(specHeaders ?? {})) headers[name.toLowerCase()] = value;
  const cookie = [jarCookies, headers.cookie].filter((c) => c).join('; ');
  if (cookie) headers.cookie = cookie;
  else delete headers.cookie;
  return headers;
}

function encodeBody(body: RequestBody | undefined, headers: Record<string, string>): string | undefined {
  if (!body || body.kind === 'empty') return undefined;
  if (body.kind === 'json') {
    headers['content-type'] ??= 'application/json;charset=UTF-8';
    return JSON.stringify(body.value);
  }
  headers['content-type'] ??= 'application/x-www-form-urlencoded';
  return new URLSearchParams(body.value).toString();
}

function normaliseHeaders(
  raw: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) out[name.toLowerCase()] = value;
  }
  return out;
}

function firstHeader(headers: Record<string, string | string[]>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function discard(body: Body): Promise<void> {
  try {
    await body.dump({ limit: 64 * 1024 });
  } catch {
    // the socket is dropped instead of reused; nothing else to do
  }
}

/** The Content-Length of a reply (NaN when absent or not a plain decimal). */
function declaredLength(headers: Record<string, string | string[]>): number {
  const value = firstHeader(headers, 'content-length');
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
}

/** The whole body as UTF-8 (a BOM dropped), failures mapped as readBounded maps them. */
async function readText(body: Body, endpoint: string, url: string, signal: RequestAbort): Promise<string> {
  try {
    return await body.text();
  } catch (error) {
    if (signal.aborted) throw error;
    throw readFailed(endpoint, url, error);
  }
}

function readFailed(endpoint: string, url: string, error: unknown): TransportError {
  return new TransportError(`${endpoint}: reading the body from ${url} failed: ${messageOf(error)}`, {
    url,
    cause: error,
  });
}

async function readBounded(
  body: Body,
  limit: number,
  headers: Record<string, string | string[]>,
  endpoint: string,
  url: string,
  signal: RequestAbort,
): Promise<Buffer> {
  const tooLarge = (): TransportError =>
    new TransportError(`${endpoint}: body from ${url} exceeds ${limit} bytes`, { url });
  const declared = Number(firstHeader(headers, 'content-length'));
  // Destroying the body makes it emit an AbortError nobody else listens to.
  body.on('error', () => {});
  if (Number.isFinite(declared) && declared > limit) {
    body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += buf.length;
      if (size > limit) {
        body.destroy();
        throw tooLarge();
      }
      chunks.push(buf);
    }
  } catch (error) {
    if (error instanceof TransportError || signal.aborted) throw error;
    throw readFailed(endpoint, url, error);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

const gunzipAsync = promisify<Buffer, ZlibOptions, Buffer>(gunzip);
const inflateAsync = promisify<Buffer, ZlibOptions, Buffer>(inflate);
const inflateRawAsync = promisify<Buffer, ZlibOptions, Buffer>(inflateRaw);
const brotliAsync = promisify<Buffer, { maxOutputLength: number }, Buffer>(brotliDecompress);

/** Undo Content-Encoding (a list is applied in order, so undone in reverse). Unknown codings pass through. */
async function decompress(data: Buffer, encoding: string | undefined, limit: number): Promise<Buffer> {
  if (!encoding || data.length === 0) return data;
  const codings = encoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity')
    .reverse();
  let out = data;
  for (const coding of codings) {
    const opts = { maxOutputLength: limit };
    if (coding === 'gzip' || coding === 'x-gzip') out = await gunzipAsync(out, opts);
    else if (coding === 'br') out = await brotliAsync(out, opts);
    else if (coding === 'deflate') {
      // Some servers send raw deflate under this name.
      out = await inflateAsync(out, opts).catch(() => inflateRawAsync(out, opts));
    }
  }
  return out;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'DNS lookup failed',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_DESTROYED: 'transport is closed',
  UND_ERR_CLOSED: 'transport is closed',
};
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** The error codes found on an error, its causes and aggregated errors (bounded walk). */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  const queue: unknown[] = [error];
  for (let i = 0; i < queue.length && i < 16; i++) {
    const e = queue[i];
    if (!e || typeof e !== 'object') continue;
    const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string') codes.push(code);
    if (cause) queue.push(cause);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return codes;
}

function networkError(endpoint: string, method: string, url: string, error: unknown): TransportError {
  const codes = errorCodes(error);
  const timeoutCode = codes.find((c) => TIMEOUT_CODES.has(c));
  if (timeoutCode) {
    return new TransportError(`${endpoint}: ${method} ${url} timed out (${timeoutCode})`, {
      url,
      timedOut: true,
      cause: error,
    });
  }
  const known = codes.find((c) => c in NETWORK_CODES);
  const what = known ? `${NETWORK_CODES[known]} (${known})` : messageOf(error);
  return new TransportError(`${endpoint}: ${method} ${url} failed: ${what}`, { url, cause: error });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
