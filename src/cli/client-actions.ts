/**
 * What the terminal client (line mode and full screen) asks of the client beyond text: media sends,
 * revoke, forward, download and history. Each is looked up on the client at call time, so a client
 * without the feature (yet) answers with a clear NotAvailableError instead of a crash.
 */
import type { WebWxClient } from '../client/index.js';
import { NotAvailableError } from '../errors.js';
import type { Message } from '../model/index.js';
import type { MessageStore, StoredMessage } from '../store/index.js';

export type MediaSendKind = 'image' | 'file' | 'emoticon' | 'video';

/** What a send resolved to (the client's SentMessage / SendTextResult): enough to revoke it. */
export interface SentRef {
  msgId: string;
  localId: string;
  toUserName?: string;
}

export interface ClientActions {
  sendText(to: string, text: string): Promise<SentRef>;
  sendMedia(kind: MediaSendKind, to: string, path: string): Promise<SentRef>;
  revoke(sent: SentRef, to: string): Promise<void>;
  forward(message: Message, to: string): Promise<SentRef | undefined>;
  /** Saves a message's media; resolves to the written path. */
  download(message: Message, dir: string | undefined): Promise<string>;
  /**
   * Older messages of a chat, oldest first, and the cursor for the page before them; undefined when
   * there is no message store.
   */
  history(chat: string, options: { limit: number; before?: number }): Promise<HistoryPage | undefined>;
  /** Which of the optional features the client offers. */
  has(feature: 'media' | 'revoke' | 'forward' | 'download' | 'history'): boolean;
}

export interface HistoryPage {
  messages: Message[];
  /** Pass as `before` for the page before this one; undefined at the beginning. */
  before: number | undefined;
}

type AnyFn = (...args: unknown[]) => unknown;

/** A message back from the store's log: its decoded fields, with the wire entry as `raw`. */
export function storedToMessage(stored: StoredMessage, selfUserName: string): Message {
  const fields = stored.fields as Partial<Message>;
  const isSelf = stored.direction === 'out' || stored.senderUserName === selfUserName;
  const base = {
    id: stored.msgId || `stored-${stored.seq}`,
    createTime: stored.createTime,
    chat: { userName: stored.chatUserName, isRoom: stored.chatUserName.startsWith('@@') },
    sender: { userName: stored.senderUserName, displayName: '' },
    isSelf,
    text: stored.text,
    mentions: [],
    mentionsSelf: false,
  };
  if (typeof fields.kind === 'string') {
    return { ...base, ...fields, isSelf: fields.isSelf ?? isSelf, raw: stored.raw } as unknown as Message;
  }
  return { ...base, kind: 'text', raw: stored.raw } as unknown as Message;
}

const METHOD: Record<MediaSendKind, string> = {
  image: 'sendImage',
  file: 'sendFile',
  emoticon: 'sendEmoticon',
  video: 'sendVideo',
};

function method(target: unknown, name: string): AnyFn | undefined {
  if (typeof target !== 'object' || target === null) return undefined;
  const fn = (target as Record<string, unknown>)[name];
  return typeof fn === 'function' ? (fn as AnyFn).bind(target) : undefined;
}

export function clientActions(
  client: WebWxClient,
  options: { messageStore?: MessageStore } = {},
): ClientActions {
  const store = options.messageStore;
  const need = (name: string, feature: string): AnyFn => {
    const fn = method(client, name);
    if (!fn) throw new NotAvailableError(feature);
    return fn;
  };
  return {
    async sendText(to, text) {
      const result = await client.sendText(to, text);
      return { ...result, toUserName: to };
    },
    async sendMedia(kind, to, path) {
      const fn = need(METHOD[kind], `sending ${kind === 'emoticon' ? 'stickers' : `${kind}s`}`);
      return { toUserName: to, ...((await fn(to, path)) as SentRef) };
    },
    async revoke(sent, to) {
      const fn = need('revoke', 'revoking messages');
      await fn({ msgId: sent.msgId, localId: sent.localId, toUserName: sent.toUserName ?? to });
    },
    async forward(message, to) {
      const fn = need('forward', 'forwarding messages');
      return (await fn(message, to)) as SentRef | undefined;
    },
    async download(message, dir) {
      const fn = need('download', 'saving media');
      const result = (await fn(message, dir === undefined ? {} : { dir })) as { path?: string } | string;
      return typeof result === 'string' ? result : String(result?.path ?? '');
    },
    async history(chat, query) {
      if (!store) return undefined;
      const rows = await store.history(chat, {
        limit: query.limit,
        ...(query.before !== undefined ? { before: query.before } : {}),
      });
      const self = client.self?.userName ?? '';
      return {
        messages: rows.map((r) => storedToMessage(r, self)),
        before: rows.length >= query.limit ? rows[0]?.seq : undefined,
      };
    },
    has(feature) {
      switch (feature) {
        case 'media':
          return method(client, 'sendImage') !== undefined;
        case 'history':
          return store !== undefined;
        default:
          return method(client, feature) !== undefined;
      }
    },
  };
}
