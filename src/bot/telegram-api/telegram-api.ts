/**
 * The Telegram Bot API-compatible surface of `webwx serve` (docs/telegram-api.md): `<base>/bot<TOKEN>/
 * <method>` and file downloads at `<base>/file/bot<TOKEN>/<file_path>`, the TOKEN being the API's
 * bearer token (compared in constant time). Answers are Telegram's `{"ok":true,"result":…}` and
 * `{"ok":false,"error_code":N,"description":"…"}`. The token never reaches a log or an error.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { DownloadOptions, DownloadStreamResult } from '../../client/index.js';
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import type { Message } from '../../model/index.js';
import type { BotActions } from '../context.js';
import { type ApiClient, resolveRecipient, sendJson } from '../http-api/api-client.js';
import { ApiError } from '../http-api/api-error.js';
import { badRequest, errorReply, TelegramError, toTelegramError } from './telegram-error.js';
import { ChatIds } from './telegram-ids.js';
import { MemoryLog, StoreLog, type TelegramLog, type TelegramStore } from './telegram-log.js';
import { FILE_TRANSFER_CHAT, type LogEntry, parseFileId, parseFilePath } from './telegram-message.js';
import { createMethods, type Method } from './telegram-methods.js';
import { readParams, TelegramParams } from './telegram-params.js';
import { UpdateQueue } from './telegram-updates.js';
import { type WebhookConfig, WebhookPusher, type WebhookPusherOptions } from './telegram-webhook.js';

export interface TelegramClient extends ApiClient {
  downloadStream?(message: Message, options?: DownloadOptions): Promise<DownloadStreamResult>;
}

/** Options of the Telegram Bot API-compatible surface (the `telegram` option of {@link startApiServer}). */
export interface TelegramApiOptions {
  /**
   * The client's message store (MemoryStore, SqliteStore: the one given to createClient, which logs
   * every message): message and update ids are its `seq`, and the confirmed offset and the webhook
   * survive restarts. Without it, ids count in memory from 1 and the last `memoryEntries` are kept.
   */
  store?: TelegramStore;
  /** The account's own messages in the File Transfer chat (`filehelper`) are updates. Default true. */
  ownMessagesInFileTransfer?: boolean;
  /** JSON and form bodies. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Multipart bodies (uploads). Default 50 MiB, Telegram's upload limit. */
  maxUploadBytes?: number;
  /** The longest getUpdates long poll. Default 50 s. */
  maxPollSeconds?: number;
  /** Entries the in-memory log keeps (no store). Default 5000. */
  memoryEntries?: number;
  /** Webhook delivery: backoff, attempts per update, timeout. */
  webhook?: Omit<WebhookPusherOptions, 'queue' | 'logger' | 'onReply'>;
}

export interface TelegramApiDeps {
  client: TelegramClient;
  token: string;
  actions: BotActions;
  logger?: Logger;
}

export interface TelegramApi {
  /** Answers a request whose path isTelegramPath(). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Ends the long polls and the webhook delivery. */
  close(): Promise<void>;
}

const WEBHOOK_KEY = 'telegram.webhook';

/** Paths of this surface: `/bot…` and `/file/bot…`. */
export function isTelegramPath(url: string | undefined): boolean {
  return /^\/(file\/)?bot/.test(url ?? '');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) res.destroy();
  else sendJson(res, status, body);
}

async function loadWebhook(log: TelegramLog): Promise<WebhookConfig | undefined> {
  const saved = await log.getSetting(WEBHOOK_KEY);
  if (!saved) return undefined;
  try {
    const config = JSON.parse(saved) as WebhookConfig;
    return typeof config.url === 'string' && config.url ? config : undefined;
  } catch {
    return undefined;
  }
}

export async function createTelegramApi(
  deps: TelegramApiDeps,
  options: TelegramApiOptions = {},
): Promise<TelegramApi> {
  const { client, actions } = deps;
  const logger = (deps.logger ?? silentLogger).child({ component: 'telegram-api' });
  const tokenDigest = digest(deps.token);
  const limits = {
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    maxUploadBytes: options.maxUploadBytes ?? 50 * 1024 * 1024,
  };
  const ids = new ChatIds(client, { logger });
  const log: TelegramLog = options.store ? new StoreLog(options.store) : new MemoryLog(options.memoryEntries);
  const queue = new UpdateQueue({
    log,
    client,
    ids,
    ownInFileTransfer: options.ownMessagesInFileTransfer ?? true,
  });
  const closing = new AbortController();
  let methods: Map<string, Method> | undefined;
  const webhook = new WebhookPusher({
    ...options.webhook,
    queue,
    logger,
    onReply: async (body) => {
      const method = methods?.get(String(body.method).toLowerCase());
      if (!method) throw badRequest('the webhook answered an unknown method');
      await method(TelegramParams.of(body), { signal: closing.signal });
    },
  });

  const requireReady = () => {
    if (client.state !== undefined && client.state !== 'ready') {
      throw new TelegramError(
        503,
        `Service Unavailable: the client is not logged in (state: ${client.state})`,
      );
    }
  };

  const fileEntry = async (fileId: string): Promise<LogEntry> => {
    const parsed = parseFileId(fileId);
    const entry = parsed ? await log.entry(parsed.entryId) : undefined;
    if (!parsed || !entry || entry.message.id !== parsed.msgId || !('media' in entry.message)) {
      throw badRequest('invalid file_id');
    }
    return entry;
  };

  const downloadStream = (message: Message, signal?: AbortSignal): Promise<DownloadStreamResult> => {
    requireReady();
    if (typeof client.downloadStream !== 'function') {
      throw new TelegramError(501, 'Not Implemented: this client cannot download media');
    }
    return client.downloadStream(message, signal ? { signal } : {});
  };

  const downloadBytes = async (message: Message): Promise<Buffer> => {
    const { stream } = await downloadStream(message, closing.signal);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > limits.maxUploadBytes) {
        stream.destroy();
        throw badRequest('the file is too big to send again');
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  };

  const resolveChat = (chatId: number | string): string => {
    if (typeof chatId === 'number') return ids.resolve(chatId);
    if (chatId === FILE_TRANSFER_CHAT) return chatId;
    try {
      return resolveRecipient(client, chatId);
    } catch (error) {
      if (error instanceof ApiError)
        throw badRequest(error.status === 404 ? 'chat not found' : error.message);
      throw error;
    }
  };

  methods = createMethods({
    client,
    actions,
    ids,
    log,
    queue,
    webhook,
    resolveChat,
    fileEntry,
    downloadBytes,
    requireReady,
    now: Date.now,
    maxPollSeconds: options.maxPollSeconds ?? 50,
    saveWebhook: (config) => log.setSetting(WEBHOOK_KEY, config ? JSON.stringify(config) : undefined),
  });

  const offMessage = client.on('message', (message: Message) => {
    log.noteIncoming(message);
    queue.notify();
  });
  const saved = await loadWebhook(log);
  if (saved) await webhook.set(saved);

  /** The path after the token, or undefined when the token is wrong. */
  const authorized = (rest: string): string | undefined => {
    const slash = rest.indexOf('/');
    const token = slash < 0 ? rest : rest.slice(0, slash);
    if (!timingSafeEqual(digest(token), tokenDigest)) return undefined;
    return slash < 0 ? '' : rest.slice(slash + 1);
  };

  async function download(req: IncomingMessage, res: ServerResponse, filePath: string): Promise<void> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(filePath);
    } catch {
      throw new TelegramError(404, 'Not Found');
    }
    const parsed = parseFilePath(decoded);
    if (!parsed || (req.method !== 'GET' && req.method !== 'HEAD')) throw new TelegramError(404, 'Not Found');
    const entry = await log.entry(parsed.entryId);
    if (!entry || entry.message.id !== parsed.msgId) throw new TelegramError(404, 'Not Found');
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    const { stream, contentType, size } = await downloadStream(entry.message, abort.signal);
    const name =
      (entry.message as { media?: { fileName?: string } }).media?.fileName || decoded.split('/')[1] || 'file';
    res.writeHead(200, {
      'content-type': contentType || 'application/octet-stream',
      ...(size !== undefined ? { 'content-length': String(size) } : {}),
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') {
      stream.destroy();
      res.end();
      return;
    }
    await pipeline(stream, res);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const path = (req.url ?? '/').split('?')[0] as string;
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const isFile = path.startsWith('/file/bot');
    let methodName = isFile ? 'file' : '';
    let status = 200;
    try {
      const rest = authorized(path.slice(isFile ? '/file/bot'.length : '/bot'.length));
      if (rest === undefined) throw new TelegramError(401, 'Unauthorized');
      if (isFile) {
        await download(req, res, rest);
        return;
      }
      const method = /^[A-Za-z]{1,64}$/.test(rest) ? methods?.get(rest.toLowerCase()) : undefined;
      if (!method) throw new TelegramError(404, 'Not Found');
      methodName = rest;
      const params = await readParams(req, query, limits);
      const abort = new AbortController();
      const onClose = () => abort.abort();
      res.once('close', onClose);
      const result = await method(params, { signal: AbortSignal.any([abort.signal, closing.signal]) });
      res.off('close', onClose);
      send(res, 200, { ok: true, result });
    } catch (error) {
      const failure = toTelegramError(error);
      status = failure.errorCode;
      if (status >= 500 && status !== 501 && status !== 503) {
        logger.warn({ method: methodName, status, error: failure.message }, 'Telegram API call failed');
      }
      send(res, status, errorReply(failure));
      req.resume();
    } finally {
      logger.debug({ method: methodName, status, ms: Date.now() - started }, 'Telegram API call');
    }
  }

  return {
    handle,
    async close() {
      offMessage();
      closing.abort();
      queue.notify();
      await webhook.clear();
    },
  };
}
