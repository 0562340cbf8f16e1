/**
 * Streamed transfers over the transport's keep-alive agent and cookie jar: multipart uploads of one
 * bounded part at a time (undici's FormData), and downloads handed out as a stream with a byte limit.
 * Nothing here holds a whole file in memory.
 */
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import type { Dispatcher, FormData } from 'undici';
import { NotAvailableError, TransportError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { HttpReply } from '../protocol/http-request.js';
import { redact } from '../redact.js';
import type { HttpTransport } from './http-transport.js';
import { DEFAULT_TIMEOUT_MS, DEFAULT_USER_AGENT } from './http-transport.js';
import { abortReason } from './retry-policy.js';
import { request } from './undici-parts.js';

/** Upload replies are small JSON; anything larger is refused. */
const MAX_FORM_REPLY_BYTES = 1024 * 1024;

export interface FormPost {
  endpoint: string;
  /** Where the request is logged (debug, URL redacted). */
  logger?: Logger;
  url: string;
  form: FormData;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

export interface StreamGet {
  endpoint: string;
  logger?: Logger;
  url: string;
  headers?: Record<string, string>;
  /** Time to the response headers, and the longest pause between body chunks. */
  timeoutMs?: number;
  /** More bytes than this (declared or received) fail with a TransportError, or with `tooLarge()`. */
  maxBytes?: number;
  tooLarge?: () => Error;
}

export interface StreamReply {
  status: number;
  headers: Record<string, string | string[]>;
  /** Counted and bounded; errors with a TransportError past maxBytes. */
  body: Readable;
  /** Content-Length (or the total of Content-Range), when the server sent it. */
  size: number | undefined;
}

function logRequest(
  logger: Logger | undefined,
  o: { endpoint: string; method: string; url: string },
  started: number,
  status: number | undefined,
  error?: unknown,
): void {
  logger?.debug(
    {
      endpoint: o.endpoint,
      method: o.method,
      url: redact(o.url),
      status,
      ms: Math.round(performance.now() - started),
      ...(error === undefined
        ? {}
        : { error: redact(error instanceof Error ? error.message : String(error)) }),
    },
    'http request (streamed)',
  );
}

function dispatcherOf(transport: HttpTransport): Dispatcher {
  if (!transport.dispatcher) throw new NotAvailableError('streaming', 'this transport has no dispatcher');
  return transport.dispatcher;
}

function headersFor(transport: HttpTransport, url: string, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = {
    'user-agent': transport.userAgent ?? DEFAULT_USER_AGENT,
    accept: '*/*',
    'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8',
  };
  for (const [k, v] of Object.entries(extra)) headers[k.toLowerCase()] = v;
  const cookie = transport.cookies.getCookieHeader(url);
  if (cookie) headers.cookie = cookie;
  return headers;
}

function normalise(raw: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(raw)) if (value !== undefined) out[name.toLowerCase()] = value;
  return out;
}

export function firstHeaderOf(headers: Record<string, string | string[]>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function storeCookies(transport: HttpTransport, url: string, headers: Record<string, string | string[]>) {
  const set = headers['set-cookie'];
  if (set !== undefined) transport.cookies.store(url, Array.isArray(set) ? set : [set]);
}

function failure(endpoint: string, url: string, error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return abortReason(signal);
  if (error instanceof TransportError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const timedOut = /timeout/i.test(message) || /TIMEOUT/.test(String((error as { code?: unknown }).code));
  return new TransportError(`${endpoint}: ${redact(url)} failed: ${message}`, {
    url,
    timedOut,
    cause: error,
  });
}

/** POSTs one multipart form (a bounded part of a file) and returns the reply as text. */
export async function postForm(
  transport: HttpTransport,
  post: FormPost,
  signal?: AbortSignal,
): Promise<HttpReply> {
  if (signal?.aborted) throw abortReason(signal);
  const timeoutMs = post.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = performance.now();
  const what = { endpoint: post.endpoint, method: 'POST', url: post.url };
  let status: number | undefined;
  try {
    const response = await request(post.url, {
      dispatcher: dispatcherOf(transport),
      method: 'POST',
      headers: headersFor(transport, post.url, post.headers),
      body: post.form,
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const headers = normalise(response.headers);
    status = response.statusCode;
    storeCookies(transport, post.url, headers);
    if (response.statusCode >= 400) {
      await response.body.dump().catch(() => {});
      throw new TransportError(`${post.endpoint}: HTTP ${response.statusCode} from POST ${post.url}`, {
        url: post.url,
        status: response.statusCode,
      });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_FORM_REPLY_BYTES) {
        response.body.destroy();
        throw new TransportError(`${post.endpoint}: reply exceeds ${MAX_FORM_REPLY_BYTES} bytes`, {
          url: post.url,
        });
      }
      chunks.push(chunk as Buffer);
    }
    logRequest(post.logger, what, started, status);
    return {
      status: response.statusCode,
      headers,
      text: Buffer.concat(chunks, size).toString('utf8'),
    };
  } catch (error) {
    logRequest(post.logger, what, started, status, error);
    throw failure(post.endpoint, post.url, error, signal);
  }
}

/** Counts bytes through and fails past `limit`. */
class ByteLimit extends Transform {
  bytes = 0;
  constructor(
    private readonly limit: number,
    private readonly describe: () => Error,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) done(this.describe());
    else done(null, chunk);
  }
}

/** The total size from Content-Range (`bytes 0-9/10`), else Content-Length. */
export function declaredSize(headers: Record<string, string | string[]>): number | undefined {
  const range = firstHeaderOf(headers, 'content-range');
  const total = range ? /\/(\d+)\s*$/.exec(range)?.[1] : undefined;
  const value = Number(total ?? firstHeaderOf(headers, 'content-length'));
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/**
 * GETs a download and hands out its body as a stream (2xx only; 206 for Range requests). The caller
 * must consume or destroy `body`. HTTP ≥ 400, a declared size over maxBytes and network failures
 * are TransportErrors.
 */
export async function openStream(
  transport: HttpTransport,
  get: StreamGet,
  signal?: AbortSignal,
): Promise<StreamReply> {
  if (signal?.aborted) throw abortReason(signal);
  const timeoutMs = get.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const limit = get.maxBytes ?? Number.POSITIVE_INFINITY;
  const tooLarge =
    get.tooLarge ??
    (() =>
      new TransportError(`${get.endpoint}: body from ${get.url} exceeds ${limit} bytes`, { url: get.url }));
  const started = performance.now();
  const what = { endpoint: get.endpoint, method: 'GET', url: get.url };
  let response: Dispatcher.ResponseData;
  try {
    response = await request(get.url, {
      dispatcher: dispatcherOf(transport),
      method: 'GET',
      headers: headersFor(transport, get.url, { 'accept-encoding': 'identity', ...get.headers }),
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  } catch (error) {
    logRequest(get.logger, what, started, undefined, error);
    throw failure(get.endpoint, get.url, error, signal);
  }
  logRequest(get.logger, what, started, response.statusCode);
  const headers = normalise(response.headers);
  storeCookies(transport, get.url, headers);
  response.body.on('error', () => {});
  if (response.statusCode >= 300) {
    await response.body.dump().catch(() => {});
    throw new TransportError(`${get.endpoint}: HTTP ${response.statusCode} from GET ${get.url}`, {
      url: get.url,
      status: response.statusCode,
    });
  }
  const length = Number(firstHeaderOf(headers, 'content-length'));
  if (Number.isFinite(length) && length > limit) {
    response.body.destroy();
    throw tooLarge();
  }
  const counted = new ByteLimit(limit, tooLarge);
  response.body.on('error', (error) =>
    counted.destroy(failure(get.endpoint, get.url, error, signal) as Error),
  );
  counted.on('close', () => {
    if (!response.body.destroyed) response.body.destroy();
  });
  response.body.pipe(counted);
  return { status: response.statusCode, headers, body: counted, size: declaredSize(headers) };
}
