/**
 * The HTTP API of `webwx serve` (node:http): send text and media, list contacts and rooms, read the
 * message history, stream incoming messages over SSE, and POST them to a webhook. Every request needs
 * `Authorization: Bearer <token>`; without it the answer is a bare 401, whatever the path. Binds
 * 127.0.0.1 unless told otherwise. Wrong input gets a 4xx with `{ "error": "…" }`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import type { Contact, Room } from '../../model/index.js';
import { redact } from '../../redact.js';
import type { HistoryQuery, MessageStore, StoredMessage } from '../../store/index.js';
import { createBotActions } from '../bot.js';
import { BotConfigError, NotAvailableError } from '../bot-errors.js';
import type { BotActions } from '../context.js';
import { stableIdOf } from '../message-json.js';
import { SendQueue, type SendQueueOptions } from '../send-queue.js';
import { createTelegramApi, isTelegramPath, type TelegramApiOptions } from '../telegram-api/index.js';
import { type ApiClient, resolveRecipient, sendJson } from './api-client.js';
import { ApiError, toApiError } from './api-error.js';
import { startApiEvents } from './api-events.js';
import { type EventStore, isEventStore } from './event-log.js';
import { listenAt } from './listen-url.js';
import { openApiDocument } from './openapi.js';
import { base64Field, optionalString, queryInt, readJsonBody, requiredString } from './request-body.js';
import type { WebhookDeliveryOptions } from './webhook-delivery.js';

/** Options of {@link startApiServer}; a token shorter than 16 characters is a BotConfigError. */
export interface ApiServerOptions {
  /** The client the API serves. */
  client: ApiClient;
  /** The bearer token every request must carry (at least 16 characters). */
  token: string;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 8788; 0 picks a free port. */
  port?: number;
  /** Message history (a MessageStore); without it the history endpoint answers 501. */
  history?: {
    /** A chat's stored messages, oldest first (see MessageStore.history). */
    history(chatUserName: string, query?: HistoryQuery): Promise<StoredMessage[]>;
  };
  /**
   * The client's message store (MemoryStore, SqliteStore: the log by position and settings). With it
   * the events come from the log: their id is the log seq, the webhook's queue is the log (its
   * position kept in the store, so restarts and receiver outages lose nothing), the event stream
   * honours `Last-Event-ID`, and it serves the history when `history` is not given.
   */
  store?: EventStore;
  /** POST every incoming message to this webhook, with retries (durable with `store`). */
  webhook?: Omit<WebhookDeliveryOptions, 'logger'>;
  /** Share a bot's sends (and its rate limit), or options for the server's own queue. */
  actions?: BotActions;
  /**
   * Deprecated: pace sends in the client (`createClient({ pacing })`). Options of a send queue the
   * server's sends wait in, when `actions` is not given; without it they go to the client at once.
   */
  sendQueue?: SendQueueOptions;
  /** Largest JSON body of the media endpoints. Default 32 MiB (about 24 MiB of media). */
  maxMediaBodyBytes?: number;
  /**
   * Also serve the Telegram Bot API-compatible surface at `/bot<token>/<method>` and
   * `/file/bot<token>/<path>` (docs/telegram-api.md); `true` for the defaults.
   */
  telegram?: TelegramApiOptions | boolean;
  /** Most event streams (SSE) open at once. Default 100. */
  maxStreams?: number;
  /** Time between the `: ping` comments of an event stream. Default 15000 ms. */
  heartbeatMs?: number;
  /**
   * Serves a request before the token check when it returns true (health checks, metrics with
   * their own check): `webwx serve`'s /healthz, /readyz and /metrics.
   */
  preAuth?: (req: IncomingMessage, res: ServerResponse) => boolean;
  logger?: Logger;
}

/**
 * The HTTP API as a request handler, for a server that mounts it (the account host serves one per
 * account under /accounts/{id}/): `handle` answers one request (its `url` the API's own path).
 */
export interface ApiHandler {
  /** Answers the request; never rejects (a failure destroys the response). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Ends the event streams, the webhook delivery and the Telegram surface. */
  close(): Promise<void>;
}

/** A running HTTP API server. */
export interface ApiServer {
  /** 'http://127.0.0.1:PORT' */
  readonly url: string;
  /** The port it listens on (the one picked when `port` was 0). */
  readonly port: number;
  /** Stops listening, ends the event streams and the webhook delivery. */
  close(): Promise<void>;
}

const MAX_JSON_BYTES = 1024 * 1024;
const MAX_TEXT = 10_000;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time check of `Authorization: Bearer <token>`. */
export function isAuthorized(header: string | undefined, tokenDigest: Buffer): boolean {
  if (!header) return false;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) return false;
  return timingSafeEqual(digest(match[1]), tokenDigest);
}

function contactJson(client: ApiClient, c: Contact): Record<string, unknown> {
  const stableId = stableIdOf(client, c.userName);
  return {
    userName: c.userName,
    ...(stableId ? { stableId } : {}),
    nickName: c.nickName,
    remarkName: c.remarkName,
    alias: c.alias,
    kind: c.kind,
  };
}

function roomJson(client: ApiClient, r: Room): Record<string, unknown> {
  const stableId = stableIdOf(client, r.userName);
  return {
    userName: r.userName,
    ...(stableId ? { stableId } : {}),
    topic: r.topic,
    memberCount: r.memberCount,
  };
}

/**
 * Starts the HTTP API of `webwx serve` (docs/bot.md): sends, contacts, rooms, history and an event
 * stream, every request with `Authorization: Bearer <token>`. Resolves once it listens.
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const logger = (options.logger ?? silentLogger).child({ component: 'http-api' });
  let url = '';
  const api = await createApiHandler(options, () => url);
  const preAuth = options.preAuth;
  const server: Server = createServer((req, res) => {
    if (preAuth?.(req, res)) return;
    void api.handle(req, res);
  });

  const listening = await listenAt(server, options.port ?? 8788, options.host ?? '127.0.0.1').catch(
    async (error: unknown) => {
      await api.close();
      throw error;
    },
  );
  url = listening.url;
  logger.info({ url }, 'HTTP API listening');

  let closed: Promise<void> | undefined;
  return {
    url,
    port: listening.port,
    close() {
      closed ??= (async () => {
        await api.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closed;
    },
  };
}

/**
 * The HTTP API of `webwx serve` as a handler (see {@link ApiHandler}); `baseUrl` gives the URL the
 * OpenAPI document names. Options as {@link startApiServer}'s (host, port and preAuth unused).
 */
export async function createApiHandler(
  options: ApiServerOptions,
  baseUrl: () => string = () => '',
): Promise<ApiHandler> {
  if (typeof options.token !== 'string' || options.token.length < 16) {
    throw new BotConfigError('token', 'the API token must be at least 16 characters');
  }
  const logger = (options.logger ?? silentLogger).child({ component: 'http-api' });
  const client = options.client;
  const tokenDigest = digest(options.token);
  const actions =
    options.actions ??
    createBotActions(client, new SendQueue({ logger, ...(options.sendQueue ?? { passThrough: true }) }));
  const store = options.store && isEventStore(options.store) ? options.store : undefined;
  const history =
    options.history ??
    (store && typeof (store as Partial<MessageStore>).history === 'function'
      ? (store as unknown as MessageStore)
      : undefined);
  const maxMedia = options.maxMediaBodyBytes ?? 32 * 1024 * 1024;
  const telegram = options.telegram
    ? await createTelegramApi(
        { client, token: options.token, actions, logger },
        options.telegram === true ? {} : options.telegram,
      )
    : undefined;

  const events = await startApiEvents({
    client,
    store,
    webhook: options.webhook,
    maxStreams: options.maxStreams,
    heartbeatMs: options.heartbeatMs,
    logger,
  });

  const requireReady = () => {
    if (client.state !== undefined && client.state !== 'ready') {
      throw new ApiError(503, `the client is not logged in (state: ${client.state})`);
    }
  };

  const sendMedia = async (req: IncomingMessage, kind: 'image' | 'file') => {
    requireReady();
    const body = await readJsonBody(req, maxMedia);
    const to = resolveRecipient(client, requiredString(body, 'to', 200));
    const fileName =
      kind === 'file' ? requiredString(body, 'fileName', 255) : optionalString(body, 'fileName', 255);
    if (fileName && /[/\\\0]/.test(fileName)) throw new ApiError(400, '"fileName" must be a bare file name');
    const data = base64Field(body, 'data', Math.floor((maxMedia * 3) / 4));
    const opts = fileName ? { fileName } : {};
    return kind === 'image' ? actions.sendImage(to, data, opts) : actions.sendFile(to, data, opts);
  };

  type Handler = (
    req: IncomingMessage,
    res: ServerResponse,
    params: URLSearchParams,
    path: string[],
  ) => Promise<unknown>;
  const routes: Record<string, Handler> = {
    'GET /v1/openapi.json': async () => openApiDocument(baseUrl()),
    'GET /v1/me': async () => ({
      state: client.state ?? 'unknown',
      self: client.self ? contactJson(client, client.self) : null,
    }),
    'GET /v1/contacts': async (_req, _res, params) => {
      const q = params.get('q');
      if (q !== null && q.length > 200) throw new ApiError(400, '"q" is longer than 200 characters');
      const list = q
        ? client.contacts.find(q).filter((e): e is Contact => !('topic' in e))
        : client.contacts.list();
      return { contacts: list.map((c) => contactJson(client, c)) };
    },
    'GET /v1/rooms': async () => ({ rooms: client.contacts.rooms().map((r) => roomJson(client, r)) }),
    'GET /v1/rooms/*/members': async (_req, _res, _params, path) => {
      const userName = resolveRecipient(client, path[2] ?? '');
      const room = client.contacts.room(userName);
      if (!room) throw new ApiError(404, `"${(path[2] ?? '').slice(0, 100)}" is not a group`);
      return {
        room: roomJson(client, room),
        members: room.members.map((m) => {
          const stableId = stableIdOf(client, m.userName);
          return {
            userName: m.userName,
            ...(stableId ? { stableId } : {}),
            nickName: m.nickName,
            displayName: m.displayName,
          };
        }),
      };
    },
    'POST /v1/messages/text': async (req) => {
      requireReady();
      const body = await readJsonBody(req, MAX_JSON_BYTES);
      const to = resolveRecipient(client, requiredString(body, 'to', 200));
      const text = requiredString(body, 'text', MAX_TEXT);
      return actions.sendText(to, text);
    },
    'POST /v1/messages/image': (req) => sendMedia(req, 'image'),
    'POST /v1/messages/revoke': async (req) => {
      requireReady();
      const body = await readJsonBody(req, MAX_JSON_BYTES);
      const target = {
        msgId: requiredString(body, 'msgId', 40),
        localId: requiredString(body, 'localId', 40),
        toUserName: resolveRecipient(client, requiredString(body, 'toUserName', 200)),
      };
      if (!/^\d+$/.test(target.msgId) || !/^\d+$/.test(target.localId)) {
        throw new ApiError(400, '"msgId" and "localId" are the digits a send answered');
      }
      await actions.revoke(target);
      return { revoked: true };
    },
    'POST /v1/messages/file': (req) => sendMedia(req, 'file'),
    'GET /v1/chats/*/messages': async (_req, _res, params, path) => {
      const chat = resolveRecipient(client, path[2] ?? '');
      const limit = queryInt(params, 'limit', 1, 500, 50);
      const before = queryInt(params, 'before', 0, Number.MAX_SAFE_INTEGER);
      if (!history)
        throw new NotAvailableError('message history', 'serve was started without a message store');
      const messages = await history.history(chat, {
        limit,
        ...(before === undefined ? {} : { before }),
      });
      return { messages: messages.map(({ raw: _raw, ...rest }) => rest) };
    },
    'GET /v1/events': async (req, res, params) => {
      events.openStream(req, res, params);
      return STREAMING;
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAuthorized(req.headers.authorization, tokenDigest)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="webwx"', 'content-length': '0' });
      res.end();
      req.resume();
      return;
    }
    const started = Date.now();
    let status = 200;
    try {
      const parsed = new URL(req.url ?? '/', 'http://localhost');
      let segments: string[];
      try {
        segments = parsed.pathname
          .split('/')
          .filter((s) => s !== '')
          .map((s) => decodeURIComponent(s));
      } catch {
        throw new ApiError(400, 'the path is not valid percent-encoding');
      }
      // The third segment of /v1/chats/{chat}/… and /v1/rooms/{room}/… is a parameter.
      const param =
        segments[0] === 'v1' && (segments[1] === 'chats' || segments[1] === 'rooms') && segments.length > 3;
      const pattern = `/${segments.map((s, i) => (param && i === 2 ? '*' : s)).join('/')}`;
      const method = req.method ?? 'GET';
      const handler = routes[`${method} ${pattern}`];
      if (!handler) {
        const other = Object.keys(routes).some((k) => k.endsWith(` ${pattern}`));
        throw other
          ? new ApiError(405, `${method} is not allowed here`)
          : new ApiError(404, `no such endpoint: ${pattern.slice(0, 100)}`);
      }
      const result = await handler(req, res, parsed.searchParams, segments);
      if (result === STREAMING) return;
      sendJson(res, 200, result);
    } catch (error) {
      const apiError = toApiError(error);
      status = apiError.status;
      if (status >= 500 && status !== 501 && status !== 503) {
        logger.warn(
          { status, error: redact(error instanceof Error ? error.message : String(error)) },
          'request failed',
        );
      }
      if (!res.headersSent) sendJson(res, status, { error: apiError.message, ...apiError.details });
      else res.end();
      req.resume();
    } finally {
      logger.debug({ method: req.method, status, ms: Date.now() - started }, 'request');
    }
  }

  let closed: Promise<void> | undefined;
  return {
    handle(req, res) {
      // The Telegram surface carries its token in the path, not in a bearer header.
      const answer = telegram && isTelegramPath(req.url) ? telegram.handle(req, res) : handle(req, res);
      return answer.catch(() => {
        res.destroy();
      });
    },
    close() {
      closed ??= (async () => {
        events.close();
        await telegram?.close();
      })();
      return closed;
    },
  };
}

const STREAMING = Symbol('streaming');
