/**
 * What the terminal client (line mode and full screen) asks of the client beyond text: media sends,
 * revoke, forward, download and history. Each is looked up on the client at call time, so a client
 * without the feature (yet) answers with a clear FeatureUnavailableError instead of a crash.
 */
import type { WebWxClient } from '../client/index.js';
import type { Message } from '../model/index.js';

export type MediaSendKind = 'image' | 'file' | 'emoticon' | 'video';

/** The client in use does not offer this feature. */
export class FeatureUnavailableError extends Error {
  readonly feature: string;
  constructor(feature: string) {
    super(`not available yet: ${feature} (this client does not offer it)`);
    this.name = 'FeatureUnavailableError';
    this.feature = feature;
  }
}

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
  /** Older messages of a chat, oldest first; undefined when the client keeps no history. */
  history(chat: string, options: { limit: number; before?: string }): Promise<Message[] | undefined>;
  /** Which of the optional features the client offers. */
  has(feature: 'media' | 'revoke' | 'forward' | 'download' | 'history'): boolean;
}

type AnyFn = (...args: unknown[]) => unknown;

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

function historySource(client: WebWxClient): AnyFn | undefined {
  const direct = method(client, 'history');
  if (direct) return direct;
  const store = (client as unknown as Record<string, unknown>).store;
  return method(store, 'history');
}

export function clientActions(client: WebWxClient): ClientActions {
  const need = (name: string, feature: string): AnyFn => {
    const fn = method(client, name);
    if (!fn) throw new FeatureUnavailableError(feature);
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
    async history(chat, options) {
      const fn = historySource(client);
      if (!fn) return undefined;
      const result = await fn(chat, options);
      return Array.isArray(result) ? (result as Message[]) : undefined;
    },
    has(feature) {
      switch (feature) {
        case 'media':
          return method(client, 'sendImage') !== undefined;
        case 'history':
          return historySource(client) !== undefined;
        default:
          return method(client, feature) !== undefined;
      }
    },
  };
}
