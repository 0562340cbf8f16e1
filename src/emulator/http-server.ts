/**
 * The HTTP side: a node:http server, the router, request parsing (query, form body, JSON body
 * whatever the Content-Type, cookies), reply writing with keep-alive, and the fault hook.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { Logger } from '../logger.js';
import { MMWEBWX } from '../protocol/session-context.js';
import { redact } from '../redact.js';
import { type FaultTable, HANG_MAX_MS } from './faults.js';
import type { HoldRegistry } from './holds.js';
import { type ForwardProxy, refusalText } from './proxy/forward-proxy.js';
import type { PublicHost } from './proxy/hosts.js';
import type { RequestGuard } from './request-guard.js';
import {
  type EmuRequest,
  jsonReply,
  notFound,
  type Reply,
  type Router,
  textReply,
} from './served-request.js';

const endpointCache = new Map<string, string>();

/** endpointName, remembered for the paths of the routes (a few dozen). */
function endpointOf(path: string): string {
  let name = endpointCache.get(path);
  if (name === undefined) {
    name = endpointName(path);
    if (endpointCache.size < 256) endpointCache.set(path, name);
  }
  return name;
}

export function endpointName(path: string): string {
  if (path === '/') return 'root';
  if (path.startsWith(`${MMWEBWX}/`)) return path.slice(MMWEBWX.length + 1).split('/')[0] ?? '';
  return path.split('/')[1] ?? '';
}

/** The cookies of a Cookie header, name → value; the first of a repeated name wins. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

const EMPTY = Buffer.alloc(0);

/** The body, or undefined when it is larger than `limit` (the rest is not kept). */
function readBody(req: IncomingMessage, limit: number): Buffer | Promise<Buffer | undefined> {
  // A request without a body (every GET) is complete by the time it is handled: nothing to wait for.
  if (req.complete && req.readableLength === 0) return EMPTY;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve(undefined);
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const MULTIPART = /^multipart\//i;

/**
 * One request. A class (no closures per request), and what most requests never read is made on
 * first use: the query, the cookies, the form body, the parsed JSON and the watch on the client.
 */
class ServedRequest implements EmuRequest {
  readonly method: string;
  readonly path: string;
  readonly endpoint: string;
  readonly headers: IncomingHttpHeaders;
  readonly bodyText: string;
  readonly bodyBytes: Buffer;
  publicHost?: PublicHost;
  readonly #url: URL;
  #cookies: Map<string, string> | undefined;
  #form: URLSearchParams | undefined;
  #parsed: { value: unknown } | undefined;
  #aborted = false;
  #onAbort: (() => void)[] | undefined;
  /** The response, watched for the client going away from the first question about it on. */
  readonly #res: ServerResponse;
  #watching = false;

  constructor(req: IncomingMessage, res: ServerResponse, url: URL, bodyBytes: Buffer) {
    this.#res = res;
    this.method = req.method ?? 'GET';
    this.path = url.pathname;
    this.endpoint = endpointOf(this.path);
    this.headers = req.headers;
    this.#url = url;
    // A multipart body (uploads) is binary: routes read bodyBytes, never a decoded copy.
    const type = req.headers['content-type'];
    this.bodyText =
      bodyBytes.length === 0 || (type !== undefined && MULTIPART.test(type))
        ? ''
        : bodyBytes.toString('utf8');
    this.bodyBytes = bodyBytes;
  }

  get query(): URLSearchParams {
    return this.#url.searchParams;
  }

  get cookies(): Map<string, string> {
    if (this.#cookies === undefined) this.#cookies = parseCookies(this.headers.cookie);
    return this.#cookies;
  }

  /**
   * Most requests are answered at once and never ask whether the client went away: the 'close'
   * listener is added only when one does (a held long-poll, the check before an asynchronous reply).
   */
  #watch(): void {
    if (this.#watching) return;
    this.#watching = true;
    const res = this.#res;
    if (res.writableFinished) return;
    if (res.closed || res.destroyed || res.socket?.destroyed === true) this.abort();
    else
      res.once('close', () => {
        if (!res.writableFinished) this.abort();
      });
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** The client went away before the reply. */
  get aborted(): boolean {
    this.#watch();
    return this.#aborted;
  }

  onAbort(listener: () => void): () => void {
    this.#watch();
    if (this.#onAbort === undefined) this.#onAbort = [];
    const list = this.#onAbort;
    list.push(listener);
    return () => {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    };
  }

  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    const listeners = this.#onAbort;
    this.#onAbort = undefined;
    if (listeners !== undefined) for (const l of [...listeners]) l();
  }

  queryParam(name: string): string | undefined {
    return this.query.get(name) ?? undefined;
  }

  param(name: string): string | undefined {
    const q = this.queryParam(name);
    if (q !== undefined) return q;
    if (this.#form === undefined) {
      const text = this.bodyText;
      this.#form =
        text && !text.trimStart().startsWith('{') ? new URLSearchParams(text) : new URLSearchParams();
    }
    return this.#form.get(name) ?? undefined;
  }

  json(): unknown {
    if (this.#parsed === undefined) {
      try {
        // JSON.parse takes surrounding white space; a blank body throws, as it is undefined anyway.
        this.#parsed = { value: this.bodyText ? JSON.parse(this.bodyText) : undefined };
      } catch {
        this.#parsed = { value: undefined };
      }
    }
    return this.#parsed.value;
  }
}

function malformed(reply: Reply): Reply {
  if (reply.body instanceof Readable) {
    reply.body.destroy();
    return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: '\u0000<!--' };
  }
  const buf = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
  const cut = buf.subarray(0, Math.max(1, Math.floor(buf.length / 2)));
  return { ...reply, status: 200, body: Buffer.concat([cut, Buffer.from('\u0000<!--', 'utf8')]) };
}

/** Proxy mode: a request for a host the emulator does not serve (nothing is forwarded). */
function proxyRefusal(host: string): Reply {
  return textReply(403, 'text/plain; charset=utf-8', refusalText(host));
}

export interface ServerDeps {
  router: Router;
  faults: FaultTable;
  holds: HoldRegistry;
  logger: Logger;
  /** The Host check, the phone API's checks and the body limits (request-guard.ts). */
  guard: RequestGuard;
  /** Proxy mode (docs/emulator.md "Proxy mode"): CONNECT and absolute-form requests. */
  proxy?: ForwardProxy;
}

export class EmulatorServer {
  private readonly server: Server;

  constructor(private readonly deps: ServerDeps) {
    this.server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.deps.logger.error({ err: redact(String(err)) }, 'emulator handler failed');
        if (!res.headersSent)
          this.write(res, textReply(500, 'text/plain; charset=utf-8', 'Internal Server Error'));
        else res.destroy();
      });
    });
    deps.proxy?.attach(this.server);
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address() as AddressInfo;
        this.deps.guard.listening(address);
        resolve(address);
      });
    });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const timer = setTimeout(() => {
      this.server.closeAllConnections();
      this.deps.proxy?.closeTunnels();
    }, 200);
    await closed;
    clearTimeout(timer);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The request target as URL reads it (an absolute-form target in proxy mode included).
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const path = url.pathname;
    const origin = this.deps.proxy?.classify(req);
    if (origin?.kind === 'refused') {
      req.resume();
      this.write(res, proxyRefusal(origin.host));
      return;
    }
    const refusal = this.deps.guard.check(req, path, origin?.kind === 'served');
    if (refusal !== undefined) {
      // The body is not read: the connection closes after the answer.
      this.write(res, { ...refusal, headers: { ...refusal.headers, Connection: 'close' } });
      return;
    }
    const read = readBody(req, this.deps.guard.bodyLimit(path));
    const bodyBytes = read instanceof Buffer ? read : await read;
    if (bodyBytes === undefined) {
      this.write(res, this.deps.guard.payloadTooLarge(path));
      return;
    }
    const request = new ServedRequest(req, res, url, bodyBytes);
    if (origin?.kind === 'served') request.publicHost = origin.publicHost;
    const { logger } = this.deps;
    if (logger.isLevelEnabled?.('debug') ?? true)
      logger.debug({ method: request.method, url: redact(req.url ?? '') }, 'emulator request');
    const route = this.deps.router.find(path);
    if (route === undefined) {
      this.write(res, notFound(`no such endpoint: ${path}`));
      return;
    }
    if (!route.methods.includes(request.method as 'GET' | 'POST')) {
      this.write(
        res,
        textReply(405, 'text/plain; charset=utf-8', 'Method Not Allowed', {
          Allow: route.methods.join(', '),
        }),
      );
      return;
    }
    const fault = request.endpoint === '__phone' ? undefined : this.deps.faults.take(request.endpoint);
    if (fault !== undefined)
      this.deps.logger.debug({ endpoint: request.endpoint, fault: fault.kind }, 'emulator fault');
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'http-status') {
      this.write(res, textReply(fault.status, 'text/plain; charset=utf-8', `HTTP ${fault.status}`));
      return;
    }
    if (fault?.kind === 'ret') {
      const ret =
        route.retReply?.(fault.ret) ?? jsonReply(`{"BaseResponse":{"Ret":${fault.ret},"ErrMsg":""}}`);
      this.write(res, ret);
      return;
    }
    if (fault?.kind === 'delay') await this.deps.holds.delay(fault.ms);
    if (fault?.kind === 'hang') {
      // Held until the client gives up (or ms, or close()), then dropped without an answer.
      await this.deps.holds.hold({
        ms: fault.ms ?? HANG_MAX_MS,
        check: () => undefined,
        subscribe: () => () => {},
        onTimeout: () => true,
        signal: request,
      });
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'expire' || fault?.kind === 'redeliver')
      this.deps.faults.applyToSession(request, fault);
    const pending = route.handler(request);
    const reply = pending instanceof Promise ? await pending : pending;
    if (request.aborted) {
      if (reply.body instanceof Readable) reply.body.destroy();
      return;
    }
    this.write(res, fault?.kind === 'malformed' ? malformed(reply) : reply);
  }

  private write(res: ServerResponse, reply: Reply): void {
    if (reply.body instanceof Readable) {
      const stream = reply.body;
      if (res.destroyed) {
        stream.destroy();
        return;
      }
      res.writeHead(reply.status, reply.headers);
      stream.on('error', () => res.destroy());
      res.on('close', () => stream.destroy());
      stream.pipe(res);
      return;
    }
    if (res.destroyed) return;
    const body = reply.body;
    // A string body is written as it is: node:http sends it with the head in one string.
    const length = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
    res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(length) });
    res.end(body);
  }
}
