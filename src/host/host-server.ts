/**
 * The account host's HTTP API (docs/host.md), on node:http, every request with
 * `Authorization: Bearer <token>` except /healthz and /readyz:
 *
 * - `POST /accounts` `{ id, dailySendLimit?, proxy?, pacing? }` → 201 `{ account }`: adds one and
 *   starts its login; `GET /accounts/{id}/qr` streams its QR codes and states over SSE
 *   (`event: qr` `{ uuid, url, imageUrl, terminal }`, `event: state` `{ state }`; the stream ends
 *   once the account is ready, logged out or failed).
 * - `GET /accounts` → `{ accounts: AccountSummary[] }`; `GET /accounts/{id}` → `{ account }`.
 * - `POST /accounts/{id}/logout`, `POST /accounts/{id}/login`, `DELETE /accounts/{id}`.
 * - `/accounts/{id}/v1/…`: that account's `webwx serve` API (http-api: send, contacts, rooms,
 *   history, events over SSE), the same handler code, mounted per account.
 * - `/healthz`, `/readyz`, `/metrics` (health-routes.ts).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { sendJson } from '../bot/http-api/api-client.js';
import { ApiError, toApiError } from '../bot/http-api/api-error.js';
import { type ApiHandler, createApiHandler, isAuthorized, isEventStore } from '../bot/http-api/index.js';
import { listenAt } from '../bot/http-api/listen-url.js';
import { readJsonBody } from '../bot/http-api/request-body.js';
import { SseHub } from '../bot/http-api/sse-hub.js';
import type { WebWxClient } from '../client/index.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { AccountHost } from './account-host.js';
import { healthRoutes } from './health-routes.js';
import { AccountError } from './host-errors.js';
import type { HostMetrics } from './host-metrics.js';
import type { AccountSpec, HostedAccount } from './hosted-account.js';

/** Options of {@link startHostServer}. */
export interface HostServerOptions {
  host: AccountHost;
  /** The bearer token (at least 16 characters). */
  token: string;
  /** Served at /metrics. */
  metrics?: HostMetrics;
  /** Default '127.0.0.1'. */
  address?: string;
  /** Default 8789; 0 picks a free one. */
  port?: number;
  logger?: Logger;
}

/** A running host server. */
export interface HostServer {
  /** 'http://127.0.0.1:PORT' */
  readonly url: string;
  readonly port: number;
  /** Stops listening and ends every stream (the host itself stays open). */
  close(): Promise<void>;
}

const TERMINAL_STATES = new Set(['ready', 'logged-out', 'stopped', 'failed']);

/** Starts the host's HTTP API; resolves once it listens. */
export async function startHostServer(options: HostServerOptions): Promise<HostServer> {
  if (typeof options.token !== 'string' || options.token.length < 16) {
    throw new AccountError('invalid', '', 'the API token must be at least 16 characters');
  }
  const { host, token } = options;
  const logger = (options.logger ?? silentLogger).child({ component: 'host-api' });
  const tokenDigest = createHash('sha256').update(token, 'utf8').digest();
  const health = healthRoutes({
    token,
    notReady: () => host.notReady(),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const apis = new Map<string, { client: WebWxClient; api: Promise<ApiHandler> }>();
  const qrStreams = new Map<string, SseHub>();

  const hubOf = (id: string): SseHub => {
    let hub = qrStreams.get(id);
    if (!hub) {
      hub = new SseHub({ maxClients: 20 });
      qrStreams.set(id, hub);
    }
    return hub;
  };
  const offs = [
    host.on('account-qr', ({ id, qr }) => qrStreams.get(id)?.send('qr', qr)),
    host.on('account-state', ({ id, state }) => {
      const hub = qrStreams.get(id);
      if (!hub) return;
      hub.send('state', { state });
      if (TERMINAL_STATES.has(state)) {
        hub.close();
        qrStreams.delete(id);
      }
    }),
    // Each account's API (its event log, its webhook) runs from its first client on, not from the
    // first request.
    host.on('account-client', ({ id }) => {
      const account = host.get(id);
      if (account?.client) void apiOf(account).catch(() => {});
    }),
    host.on('account-removed', ({ id }) => {
      qrStreams.get(id)?.close();
      qrStreams.delete(id);
      const entry = apis.get(id);
      apis.delete(id);
      void entry?.api.then((api) => api.close()).catch(() => {});
    }),
  ];

  /** The account's `webwx serve` API, made again when the account has a new client. */
  const apiOf = (account: HostedAccount): Promise<ApiHandler> => {
    const client = account.client;
    if (!client) throw new ApiError(503, `account "${account.id}" has no client yet`);
    const entry = apis.get(account.id);
    if (entry?.client === client) return entry.api;
    void entry?.api.then((api) => api.close()).catch(() => {});
    const api = createApiHandler({
      client,
      token,
      ...(isEventStore(account.store) ? { store: account.store } : {}),
      ...(account.spec.webhook !== undefined ? { webhook: { url: account.spec.webhook } } : {}),
      telegram: false,
      logger: logger.child({ account: account.id }),
    });
    apis.set(account.id, { client, api });
    return api;
  };

  const accountOf = (id: string | undefined): HostedAccount => {
    const account = id === undefined ? undefined : host.get(id);
    if (!account) throw new ApiError(404, `no account "${String(id).slice(0, 64)}"`);
    return account;
  };

  for (const account of host.accounts()) if (account.client) void apiOf(account).catch(() => {});

  async function route(req: IncomingMessage, res: ServerResponse, path: string[]): Promise<unknown> {
    const method = req.method ?? 'GET';
    if (path[0] !== 'accounts') throw new ApiError(404, 'no such endpoint');
    const id = path[1];
    if (path.length === 1) {
      if (method === 'GET') return { accounts: host.list() };
      if (method === 'POST') {
        const body = await readJsonBody(req, 64 * 1024);
        const account = await host.add(body as unknown as AccountSpec);
        res.statusCode = 201;
        return { account: account.summary() };
      }
      throw new ApiError(405, `${method} is not allowed here`);
    }
    const account = accountOf(id);
    if (path.length === 2) {
      if (method === 'GET') return { account: account.summary() };
      if (method === 'DELETE') {
        await host.remove(account.id);
        return { removed: account.id };
      }
      throw new ApiError(405, `${method} is not allowed here`);
    }
    const action = path[2];
    if (path.length === 3 && (action === 'logout' || action === 'login')) {
      if (method !== 'POST') throw new ApiError(405, `${method} is not allowed here`);
      if (action === 'logout') await host.logout(account.id);
      else await host.login(account.id);
      return { account: account.summary() };
    }
    if (path.length === 3 && action === 'qr') {
      if (method !== 'GET') throw new ApiError(405, `${method} is not allowed here`);
      const stream = hubOf(account.id).add(res);
      if (!stream) throw new ApiError(503, 'too many QR streams open');
      stream.send('state', { state: account.state });
      if (account.qr) stream.send('qr', account.qr);
      if (TERMINAL_STATES.has(account.state)) res.end();
      return STREAMING;
    }
    // The account's own API: the path after /accounts/{id}.
    const api = await apiOf(account);
    const query = (req.url ?? '').indexOf('?');
    req.url = `/${path.slice(2).map(encodeURIComponent).join('/')}${query >= 0 ? (req.url ?? '').slice(query) : ''}`;
    await api.handle(req, res);
    return STREAMING;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (health(req, res)) return;
    if (!isAuthorized(req.headers.authorization, tokenDigest)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="webwx"', 'content-length': '0' });
      res.end();
      req.resume();
      return;
    }
    try {
      let path: string[];
      try {
        path = new URL(req.url ?? '/', 'http://localhost').pathname
          .split('/')
          .filter((s) => s !== '')
          .map((s) => decodeURIComponent(s));
      } catch {
        throw new ApiError(400, 'the path is not valid percent-encoding');
      }
      const result = await route(req, res, path);
      if (result !== STREAMING) sendJson(res, res.statusCode === 201 ? 201 : 200, result);
    } catch (error) {
      const apiError = accountApiError(error);
      if (apiError.status >= 500 && apiError.status !== 503) {
        logger.warn({ status: apiError.status, error: apiError.message }, 'request failed');
      }
      if (!res.headersSent) sendJson(res, apiError.status, { error: apiError.message });
      else res.end();
      req.resume();
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  const { url, port } = await listenAt(server, options.port ?? 8789, options.address ?? '127.0.0.1');
  logger.info({ url }, 'host API listening');
  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    close() {
      closed ??= (async () => {
        for (const off of offs) off();
        for (const hub of qrStreams.values()) hub.close();
        qrStreams.clear();
        await Promise.all([...apis.values()].map((e) => e.api.then((api) => api.close()).catch(() => {})));
        apis.clear();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closed;
    },
  };
}

function accountApiError(error: unknown): ApiError {
  if (error instanceof AccountError) {
    return new ApiError(
      error.problem === 'unknown' ? 404 : error.problem === 'exists' ? 409 : 400,
      error.message,
    );
  }
  return toApiError(error);
}

const STREAMING = Symbol('streaming');
