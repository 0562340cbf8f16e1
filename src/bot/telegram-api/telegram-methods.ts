/**
 * The Bot API methods webwx answers (docs/telegram-api.md): getMe, getUpdates, the webhook methods,
 * getChat, sendChatAction, getFile and the sends. Method names are matched case-insensitively, as
 * Telegram does; an unknown one is a 404 "Not Found".
 */
import { isRoomUserName } from '../../model/index.js';
import { chatNameOf } from '../context.js';
import { badRequest, TelegramError } from './telegram-error.js';
import { botUser, filePathOf } from './telegram-message.js';
import type { TelegramParams } from './telegram-params.js';
import { type SendDeps, sendMedia, sendMessage } from './telegram-sends.js';
import type { TgFileInfo, TgUpdate, TgWebhookInfo } from './telegram-types.js';
import type { WebhookConfig, WebhookPusher } from './telegram-webhook.js';

export interface MethodDeps extends SendDeps {
  webhook: WebhookPusher;
  /** Keeps the webhook (or its absence) for the next start. */
  saveWebhook(config: WebhookConfig | undefined): Promise<void>;
  /** 503 when the client is not logged in. */
  requireReady(): void;
  /** The longest long poll. */
  maxPollSeconds: number;
}

export interface CallContext {
  /** Aborts when the caller goes away. */
  signal: AbortSignal;
}

export type Method = (params: TelegramParams, call: CallContext) => Promise<unknown>;

const UPDATE_TYPES = new Set([
  'message',
  'edited_message',
  'channel_post',
  'edited_channel_post',
  'business_connection',
  'business_message',
  'edited_business_message',
  'deleted_business_messages',
  'message_reaction',
  'message_reaction_count',
  'inline_query',
  'chosen_inline_result',
  'callback_query',
  'shipping_query',
  'pre_checkout_query',
  'purchased_paid_media',
  'poll',
  'poll_answer',
  'my_chat_member',
  'chat_member',
  'chat_join_request',
  'chat_boost',
  'removed_chat_boost',
]);

function allowedUpdates(params: TelegramParams): string[] | undefined {
  const list = params.stringArray('allowed_updates', 32);
  const unknown = list?.find((t) => !UPDATE_TYPES.has(t));
  if (unknown !== undefined)
    throw badRequest(`unknown update type "${unknown.slice(0, 40)}" in allowed_updates`);
  return list;
}

function webhookConfig(params: TelegramParams, url: string): WebhookConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest('bad webhook: invalid URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw badRequest('bad webhook: an HTTP or HTTPS URL must be provided for webhook');
  }
  const secretToken = params.string('secret_token', 256);
  if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
    throw badRequest('secret token contains unallowed characters');
  }
  const allowed = allowedUpdates(params);
  params.int('max_connections', 1, 100);
  return { url, ...(secretToken ? { secretToken } : {}), ...(allowed ? { allowedUpdates: allowed } : {}) };
}

export function createMethods(deps: MethodDeps): Map<string, Method> {
  let poll: AbortController | undefined;
  let allowed: string[] | undefined;

  const getUpdates: Method = async (params, call) => {
    if (deps.webhook.config) {
      throw new TelegramError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const offset = params.int('offset', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    const limit = params.int('limit', 1, 100) ?? 100;
    const timeout = Math.min(params.int('timeout', 0, 86_400) ?? 0, deps.maxPollSeconds);
    allowed = allowedUpdates(params) ?? allowed;
    // Only one getUpdates at a time: a newer one ends the one waiting (Telegram answers it 409).
    poll?.abort();
    const mine = new AbortController();
    poll = mine;
    const signal = AbortSignal.any([mine.signal, call.signal]);
    try {
      if (offset !== undefined) await deps.queue.applyOffset(offset);
      const deadline = Date.now() + timeout * 1000;
      for (;;) {
        const wanted = !allowed?.length || allowed.includes('message');
        const updates: TgUpdate[] = wanted ? await deps.queue.pending(limit) : [];
        if (mine.signal.aborted) {
          throw new TelegramError(
            409,
            'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
          );
        }
        const left = deadline - Date.now();
        if (updates.length > 0 || left <= 0 || call.signal.aborted) return updates;
        await deps.queue.wait(left, signal);
      }
    } finally {
      if (poll === mine) poll = undefined;
    }
  };

  const chatInfo = (userName: string) => {
    const id = deps.ids.idOf(userName);
    const name = chatNameOf({ chat: { userName, isRoom: isRoomUserName(userName) } } as never, deps.client);
    return isRoomUserName(userName)
      ? { id, type: 'group', title: name, accent_color_id: 0, max_reaction_count: 0 }
      : { id, type: 'private', first_name: name, accent_color_id: 0, max_reaction_count: 0 };
  };

  const methods: Record<string, Method> = {
    getMe: async () => botUser(deps.client, deps.ids),
    getUpdates,
    setWebhook: async (params) => {
      const url = params.string('url', 2048) ?? '';
      const config = url === '' ? undefined : webhookConfig(params, url);
      if (params.bool('drop_pending_updates')) await deps.queue.dropPending();
      if (config) {
        poll?.abort();
        await deps.webhook.set(config);
      } else {
        await deps.webhook.clear();
      }
      await deps.saveWebhook(config);
      return true;
    },
    deleteWebhook: async (params) => {
      await deps.webhook.clear();
      await deps.saveWebhook(undefined);
      if (params.bool('drop_pending_updates')) await deps.queue.dropPending();
      return true;
    },
    getWebhookInfo: async (): Promise<TgWebhookInfo> => {
      const config = deps.webhook.config;
      const error = deps.webhook.lastError;
      return {
        url: config?.url ?? '',
        has_custom_certificate: false,
        pending_update_count: await deps.queue.count(),
        ...(config ? { max_connections: 1 } : {}),
        ...(config?.allowedUpdates ? { allowed_updates: config.allowedUpdates } : {}),
        ...(config && error ? { last_error_date: error.date, last_error_message: error.message } : {}),
      };
    },
    getChat: async (params) => chatInfo(deps.resolveChat(params.chatId())),
    sendChatAction: async (params) => {
      deps.resolveChat(params.chatId());
      params.requiredString('action', 32);
      return true;
    },
    getFile: async (params): Promise<TgFileInfo> => {
      const fileId = params.requiredString('file_id', 64);
      const entry = await deps.fileEntry(fileId);
      const path = filePathOf(entry);
      if (!path) throw badRequest('invalid file_id');
      const media = (entry.message as { media?: { fileSize?: number } }).media;
      return {
        file_id: fileId,
        file_unique_id: `w${entry.message.id}`,
        ...(media?.fileSize ? { file_size: media.fileSize } : {}),
        file_path: path,
      };
    },
    sendMessage: async (params) => {
      deps.requireReady();
      return sendMessage(params, deps);
    },
    sendPhoto: async (params) => {
      deps.requireReady();
      return sendMedia(params, deps, 'image');
    },
    sendDocument: async (params) => {
      deps.requireReady();
      return sendMedia(params, deps, 'file');
    },
  };
  return new Map(Object.entries(methods).map(([name, method]) => [name.toLowerCase(), method]));
}
