/**
 * What the console sent must never come back in as a command. The client already drops the sync echo
 * of its own sends by MsgId (the seen set gets the MsgID a send answered, §4.6); this guard covers what
 * that cannot: an echo that arrives before the send's own reply (the MsgID is not known yet), and a
 * send whose reply was lost. It wraps the console's sends to the File Transfer chat and remembers
 *  - the MsgID each one answered, and
 *  - while a send is in flight (and for `windowMs` after it failed), what it was: its text, the name of
 *    a file, or that it was an image. An own message with that text (a file of that name, an image)
 *    is taken for its echo, once.
 * A send that succeeded is matched by MsgID only, so a later message of the same text goes through.
 */
import { basename } from 'node:path';
import type { Message } from '../../model/index.js';
import type { MediaInput, SendMediaOptions } from '../bot-client.js';
import type { BotActions } from '../context.js';

/** Options of an EchoGuard. */
export interface EchoGuardOptions {
  /** The chat whose sends are guarded. Default 'filehelper'. */
  chat?: string;
  /** How long a failed send's content still matches an echo. Default 60 s. */
  windowMs?: number;
  /** MsgIDs remembered. Default 10000. */
  capacity?: number;
  now?: () => number;
}

interface Outgoing {
  key: string;
  /** Known once the send answered. */
  msgId: string | undefined;
  /** Undefined while in flight. */
  expiresAt: number | undefined;
}

const MEDIA_KINDS = new Set(['image', 'file', 'video', 'emoticon']);

function keyOf(message: Message): string | undefined {
  if (message.kind === 'text') return `text:${message.text}`;
  if (message.kind === 'file') return `file:${message.media.fileName}`;
  return MEDIA_KINDS.has(message.kind) ? 'media' : undefined;
}

/**
 * What a sendFile will look like when it comes back: a file of that name, or (a .mp4 goes as a video,
 * a .gif as an emoticon, a nameless one unknown) any media.
 */
function sentFileKey(input: MediaInput, options: SendMediaOptions | undefined): string {
  const name = options?.fileName ?? (typeof input === 'string' ? basename(input) : undefined);
  return name === undefined || /\.(mp4|gif)$/i.test(name) ? 'media' : `file:${name}`;
}

/** Remembers the console's sends to one chat and recognises their echoes. */
export class EchoGuard {
  readonly #chat: string;
  readonly #windowMs: number;
  readonly #capacity: number;
  readonly #now: () => number;
  readonly #sentIds = new Set<string>();
  #outgoing: Outgoing[] = [];

  constructor(options: EchoGuardOptions = {}) {
    this.#chat = options.chat ?? 'filehelper';
    this.#windowMs = options.windowMs ?? 60_000;
    this.#capacity = options.capacity ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** The same sends, remembered when they go to the guarded chat. */
  wrap(actions: BotActions): BotActions {
    const track = <T extends { msgId: string }>(to: string, key: string, send: () => Promise<T>) =>
      to === this.#chat ? this.#track(key, send) : send();
    return {
      sendText: (to, text) => track(to, `text:${text}`, () => actions.sendText(to, text)),
      sendImage: (to: string, input: MediaInput, options?: SendMediaOptions) =>
        track(to, 'media', () => actions.sendImage(to, input, options)),
      sendFile: (to: string, input: MediaInput, options?: SendMediaOptions) =>
        track(to, sentFileKey(input, options), () => actions.sendFile(to, input, options)),
      forward: (message, to) => track(to, keyOf(message) ?? 'other', () => actions.forward(message, to)),
      revoke: (sent) => actions.revoke(sent),
    };
  }

  /** Whether an incoming message is the echo of something sent through wrap() (consumes the match). */
  isEcho(message: Message): boolean {
    if (!message.isSelf || message.chat.userName !== this.#chat) return false;
    this.#expire();
    if (message.id && this.#sentIds.has(message.id)) {
      this.#outgoing = this.#outgoing.filter((o) => o.msgId !== message.id);
      return true;
    }
    const key = keyOf(message);
    const index = this.#outgoing.findIndex((o) => o.msgId === undefined && o.key === key);
    if (index < 0) return false;
    this.#outgoing.splice(index, 1);
    return true;
  }

  async #track<T extends { msgId: string }>(key: string, send: () => Promise<T>): Promise<T> {
    const entry: Outgoing = { key, msgId: undefined, expiresAt: undefined };
    this.#outgoing.push(entry);
    try {
      const result = await send();
      if (result.msgId) {
        this.#remember(result.msgId);
        entry.msgId = result.msgId;
      }
      // Matched by MsgID from now on; an echo consumed meanwhile took the entry already.
      this.#outgoing = this.#outgoing.filter((o) => o !== entry);
      return result;
    } catch (error) {
      entry.expiresAt = this.#now() + this.#windowMs;
      throw error;
    }
  }

  #remember(msgId: string): void {
    this.#sentIds.add(msgId);
    if (this.#sentIds.size > this.#capacity) {
      const oldest = this.#sentIds.values().next().value;
      if (oldest !== undefined) this.#sentIds.delete(oldest);
    }
  }

  #expire(): void {
    const now = this.#now();
    if (this.#outgoing.some((o) => o.expiresAt !== undefined && o.expiresAt <= now)) {
      this.#outgoing = this.#outgoing.filter((o) => o.expiresAt === undefined || o.expiresAt > now);
    }
  }
}
