/**
 * HTTP over undici: one keep-alive Agent per transport, a cookie jar, per-request timeouts through
 * each request's own abort (request-abort.ts), bounded and decompressed bodies, no redirects unless
 * asked, and every failure mapped to TransportError (or, for the caller's own abort, the signal's
 * reason).
 */
import type { Dispatcher } from 'undici';
import { TransportError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { HttpReply, HttpRequestSpec, RequestBody } from '../protocol/http-request.js';
import { redact } from '../redact.js';
import { CallerSignals } from './caller-signals.js';
import { CookieStore } from './cookie-store.js';
import { buildHeaders, declaredLength, encodeBody, firstHeader, normaliseHeaders } from './http-headers.js';
import { messageOf, networkError } from './network-errors.js';
import { decodeUtf8, decompress, discard, readBounded, readText } from './reply-body.js';
import { RequestAbort } from './request-abort.js';
import { abortReason } from './retry-policy.js';
import { Agent, Client, newProxyAgent, request } from './undici-parts.js';

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
  /**
   * undici interceptors composed over every dispatcher the transport sends through (its pool, its
   * ordered connections, a proxy's, or the caller's `dispatcher`), in order: a request or its reply
   * can be looked at, changed or refused there, while the transport keeps its own connections, its
   * ordered pipelining and its proxy handling (the worker's lease gate, src/host/worker-lease-gate.ts).
   */
  interceptors?: readonly Dispatcher.DispatcherComposeInterceptor[];
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

/** The reason a request's own abort (RequestAbort) is given when its timer fires. */
class TimeoutSignal extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms} ms`);
  }
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
  const interceptors = options.interceptors ?? [];
  // compose() returns the dispatcher behind a proxy: close() and destroy() still reach it.
  const intercepted = <D extends Dispatcher>(d: D): D =>
    interceptors.length > 0 ? (d.compose([...interceptors]) as D) : d;
  const agent: Dispatcher = intercepted(
    options.dispatcher ?? (options.proxy ? newProxyAgent({ ...pool, uri: options.proxy }) : new Agent(pool)),
  );
  const orderedVia: Dispatcher | undefined = options.dispatcher
    ? agent
    : options.proxy
      ? intercepted(
          newProxyAgent({
            ...CONNECTION_OPTIONS,
            connections: 1,
            pipelining: orderedPipelining,
            uri: options.proxy,
          }),
        )
      : undefined;
  const callerSignals = new CallerSignals();
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
      client = intercepted(new Client(origin, { ...CONNECTION_OPTIONS, pipelining: orderedPipelining }));
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
    // An abort of our own per request, not the caller's signal: the timer aborts this request
    // alone, and the caller's signal, shared by many requests, aborts each of them through it.
    const signal = new RequestAbort();
    const timer = setTimeout(() => signal.abort(new TimeoutSignal(timeoutMs)), timeoutMs);
    if (callerSignal) callerSignals.follow(callerSignal, signal);
    try {
      return await sendFollowing(spec, signal, sendOptions.ordered === true);
    } catch (error) {
      if (callerSignal?.aborted) throw abortReason(callerSignal);
      if (signal.aborted && signal.reason instanceof TimeoutSignal) {
        throw new TransportError(
          `${spec.endpoint}: ${spec.method} ${spec.url} timed out after ${timeoutMs} ms`,
          { url: spec.url, timedOut: true, cause: error },
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
      if (callerSignal) callerSignals.unfollow(callerSignal, signal);
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
          signal,
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
      return { status, headers: replyHeaders, text: decodeUtf8(decoded) };
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
