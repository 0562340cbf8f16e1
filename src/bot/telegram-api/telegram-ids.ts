/**
 * Telegram's integer chat and user ids for webwx's chats (docs/telegram-api.md). An id is derived from
 * a key that survives restarts and re-logins: the contact's or room's stable id; a special account's
 * UserName (`filehelper`, which never changes); `self` for the logged-in account. Only a chat without
 * any of these (a room member who is not a contact) falls back to its session-scoped UserName. The key's
 * sha256 gives 52 bits: private chats and users are positive, rooms negative, all within ±2^52.
 * Going back from an integer looks in the contact directory; two keys of one directory on the same
 * integer are a collision: that integer resolves to nothing (400) and a warning is logged.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import { isRoomUserName } from '../../model/index.js';
import type { BotClient } from '../bot-client.js';
import { stableIdOf } from '../message-json.js';
import { badRequest } from './telegram-error.js';

export type IdClient = Pick<BotClient, 'self' | 'contacts'>;

/** The largest id magnitude: 2^52 - 1. */
export const MAX_CHAT_ID = 2 ** 52 - 1;

/** 52 bits of the key's sha256, never 0. */
export function hashKey(key: string): number {
  const digest = createHash('sha256').update(key, 'utf8').digest();
  const n = digest.readUIntBE(0, 6) * 16 + ((digest[6] as number) >> 4);
  return n === 0 ? 1 : n;
}

/** What an id is derived from: `self`, `n:<special UserName>`, the stable id, else `s:<UserName>`. */
export function chatKeyOf(client: IdClient, userName: string): string {
  if (client.self && userName === client.self.userName) return 'self';
  if (!userName.startsWith('@')) return `n:${userName}`;
  return stableIdOf(client, userName) ?? `s:${userName}`;
}

/** The Telegram id of a key: positive for people and special accounts, negative for rooms. */
export function telegramIdOf(key: string, isRoom: boolean, hash: (key: string) => number = hashKey): number {
  const n = hash(key);
  return isRoom ? -n : n;
}

/** Ids remembered beyond the directory (room members) before the map starts over. */
const MAX_REMEMBERED = 200_000;

interface Known {
  key: string;
  userName: string;
}

export interface ChatIdsOptions {
  logger?: Logger;
  /** For tests: the key → 52-bit number function. */
  hash?: (key: string) => number;
  /** Least time between two directory scans on a miss. Default 1000 ms. */
  rescanMs?: number;
  now?: () => number;
}

export class ChatIds {
  readonly #client: IdClient;
  readonly #hash: (key: string) => number;
  readonly #logger: Logger;
  readonly #rescanMs: number;
  readonly #now: () => number;
  #known = new Map<number, Known>();
  #ambiguous = new Set<number>();
  #scannedAt = Number.NEGATIVE_INFINITY;

  constructor(client: IdClient, options: ChatIdsOptions = {}) {
    this.#client = client;
    this.#hash = options.hash ?? hashKey;
    this.#logger = options.logger ?? silentLogger;
    this.#rescanMs = options.rescanMs ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  /** The id of a chat or user by UserName (remembered, so it resolves back). */
  idOf(userName: string): number {
    const key = chatKeyOf(this.#client, userName);
    const id = telegramIdOf(key, isRoomUserName(userName), this.#hash);
    this.#remember(id, key, userName);
    return id;
  }

  /** The integers that more than one chat of the directory claims. */
  get collisions(): number[] {
    return [...this.#ambiguous];
  }

  /** The UserName of an id; 400 "chat not found" when unknown or claimed by two chats. */
  resolve(id: number): string {
    let found = this.#current(id);
    if (found === undefined && !this.#ambiguous.has(id) && this.#now() - this.#scannedAt >= this.#rescanMs) {
      this.scan();
      found = this.#current(id);
    }
    if (this.#ambiguous.has(id)) {
      throw badRequest('chat_id is claimed by two chats; pass the chat as a string (its stable id)');
    }
    if (found === undefined) throw badRequest('chat not found');
    return found;
  }

  /** Maps every chat of the directory afresh (the account, contacts, rooms) and detects collisions. */
  scan(): void {
    this.#scannedAt = this.#now();
    this.#known = new Map();
    this.#ambiguous = new Set();
    const { self, contacts } = this.#client;
    if (self) this.idOf(self.userName);
    for (const c of contacts.list()) this.idOf(c.userName);
    for (const r of contacts.rooms()) this.idOf(r.userName);
  }

  /** The remembered UserName, when its key still gives this id (after a re-login it may not). */
  #current(id: number): string | undefined {
    const known = this.#known.get(id);
    if (!known) return undefined;
    return chatKeyOf(this.#client, known.userName) === known.key ? known.userName : undefined;
  }

  #remember(id: number, key: string, userName: string): void {
    const known = this.#known.get(id);
    if (known && known.key !== key && !this.#ambiguous.has(id)) {
      // Is the older entry still a chat of this session under that key? Then two chats claim the id.
      if (chatKeyOf(this.#client, known.userName) === known.key) {
        this.#ambiguous.add(id);
        this.#logger.warn(
          { chatId: id },
          'two chats map to the same Telegram chat id; it resolves to neither',
        );
        return;
      }
    }
    if (this.#ambiguous.has(id)) return;
    if (this.#known.size >= MAX_REMEMBERED) this.#known = new Map();
    this.#known.set(id, { key, userName });
  }
}
