/**
 * MemoryStore: every store contract in memory (a process's lifetime). Also the reference behaviour
 * the SQLite store follows; the contract suite in test/store runs on both.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { InvalidArgumentError } from '../errors.js';
import type { WireContact } from '../protocol/wire-types.js';
import { checkSavedSession, copySession } from './saved-session.js';
import {
  type ContactCache,
  type ContactCachePart,
  DEFAULT_HISTORY_LIMIT,
  type HistoryQuery,
  type MessageDirection,
  type MessageLogReader,
  type MessageStore,
  type NewStoredMessage,
  type OutgoingUpdate,
  type SavedSession,
  type SessionStore,
  type StoredMessage,
  type StoreSettings,
} from './session-store.js';

/** The index of the first entry of `log` (ordered by seq) with a seq above `seq`. */
function firstAbove(log: readonly StoredMessage[], seq: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((log[mid] as StoredMessage).seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Every store contract in memory, for the life of the process: the session, the message log with
 * exactly-once delivery, the contact cache and settings. Nothing survives a restart.
 */
export class MemoryStore
  implements SessionStore, MessageStore, MessageLogReader, ContactCache, StoreSettings
{
  #session: SavedSession | undefined;
  #log: StoredMessage[] = [];
  #processed = new Set<string>();
  #outgoing = new Map<string, StoredMessage>();
  /**
   * The contact cache as deflated JSON: it is read back only when a client of this store logs in
   * again, so a host's idle accounts keep about 25 KB each for 300 contacts instead of the 250 KB of
   * objects (bench "scale").
   */
  #contacts: Buffer | undefined;
  #settings = new Map<string, string>();
  #seq = 0;

  async load(): Promise<SavedSession | undefined> {
    return this.#session ? copySession(this.#session) : undefined;
  }

  async save(session: SavedSession): Promise<void> {
    this.#session = copySession(checkSavedSession(session));
  }

  async clear(): Promise<void> {
    this.#session = undefined;
  }

  async has(msgId: string): Promise<boolean> {
    return this.#processed.has(msgId);
  }

  async recordIncoming(
    messages: readonly NewStoredMessage[],
    deliver?: (index: number) => void,
  ): Promise<number[]> {
    const delivered: number[] = [];
    messages.forEach((message, index) => {
      if (!message.msgId || this.#processed.has(message.msgId)) return;
      this.#processed.add(message.msgId);
      this.#log.push({ ...structuredClone(message), seq: ++this.#seq });
      delivered.push(index);
      deliver?.(index);
    });
    return delivered;
  }

  async recordOutgoing(message: NewStoredMessage): Promise<void> {
    if (!message.clientMsgId)
      throw new InvalidArgumentError('recordOutgoing', 'recordOutgoing: clientMsgId is required');
    if (this.#outgoing.has(message.clientMsgId)) return;
    const stored: StoredMessage = { ...structuredClone(message), seq: ++this.#seq };
    this.#outgoing.set(message.clientMsgId, stored);
    this.#log.push(stored);
  }

  async updateOutgoing(clientMsgId: string, update: OutgoingUpdate): Promise<void> {
    const stored = this.#outgoing.get(clientMsgId);
    if (!stored) return;
    stored.status = update.status;
    if (update.msgId !== undefined) stored.msgId = update.msgId;
    if (update.raw !== undefined) stored.raw = structuredClone(update.raw);
  }

  async pendingOutgoing(): Promise<StoredMessage[]> {
    return [...this.#outgoing.values()].filter((m) => m.status === 'pending').map((m) => structuredClone(m));
  }

  async history(chatUserName: string, query: HistoryQuery = {}): Promise<StoredMessage[]> {
    const limit = query.limit ?? DEFAULT_HISTORY_LIMIT;
    const before = query.before ?? Number.POSITIVE_INFINITY;
    const matching = this.#log.filter((m) => m.chatUserName === chatUserName && m.seq < before);
    return (limit > 0 ? matching.slice(-limit) : []).map((m) => structuredClone(m));
  }

  async logAfter(
    afterSeq: number,
    query: { limit?: number; direction?: MessageDirection } = {},
  ): Promise<StoredMessage[]> {
    const limit = Math.max(0, Math.trunc(query.limit ?? 100));
    const found: StoredMessage[] = [];
    for (let i = firstAbove(this.#log, afterSeq); i < this.#log.length && found.length < limit; i++) {
      const m = this.#log[i] as StoredMessage;
      if (query.direction === undefined || m.direction === query.direction) found.push(structuredClone(m));
    }
    return found;
  }

  async logEntry(seq: number): Promise<StoredMessage | undefined> {
    const m = this.#log[firstAbove(this.#log, seq - 1)];
    return m?.seq === seq ? structuredClone(m) : undefined;
  }

  async seqOfOutgoing(clientMsgId: string): Promise<number | undefined> {
    return this.#outgoing.get(clientMsgId)?.seq;
  }

  async lastSeq(): Promise<number> {
    return this.#seq;
  }

  async getSetting(key: string): Promise<string | undefined> {
    return this.#settings.get(key);
  }

  async setSetting(key: string, value: string | undefined): Promise<void> {
    if (value === undefined) this.#settings.delete(key);
    else this.#settings.set(key, value);
  }

  async loadContacts(part?: ContactCachePart): Promise<WireContact[]> {
    if (this.#contacts === undefined) return [];
    const all = JSON.parse(inflateRawSync(this.#contacts).toString('utf8')) as WireContact[];
    return part ? all.filter((c) => c.UserName.startsWith('@@') === (part === 'rooms')) : all;
  }

  async loadContactsNamed(userNames: readonly string[]): Promise<WireContact[]> {
    const wanted = new Set(userNames);
    return (await this.loadContacts()).filter((c) => wanted.has(c.UserName));
  }

  async saveContacts(contacts: readonly WireContact[]): Promise<void> {
    this.#contacts = deflateRawSync(JSON.stringify(contacts), { level: 1 });
  }
}
