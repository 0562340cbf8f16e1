/**
 * The bot's acknowledgements (docs/bot.md, "Delivery"): which logged incoming messages its middleware
 * has finished, kept in the store's settings next to the message log, so that a message the client
 * logged but the bot never finished (a crash in between) is handed to the middleware again after a
 * restart. Kept as a position in the log (`through`: every incoming entry up to it is done) and the
 * MsgIds done after it (chats finish out of order); the position moves on as the gaps close.
 */
import type { MessageLogReader, StoredMessage, StoreSettings } from '../store/index.js';
import { hasStoreSettings, isMessageLogReader } from '../store/index.js';

/** A store a bot can acknowledge in: the message log by position, and settings (MemoryStore, SqliteStore). */
export type HandledStore = MessageLogReader & StoreSettings;

/** True when `store` can keep a bot's acknowledgements. */
export function isHandledStore(store: unknown): store is HandledStore {
  return isMessageLogReader(store) && hasStoreSettings(store);
}

/** The store setting that holds the acknowledgements. */
export const HANDLED_KEY = 'bot.handled';

const PAGE = 64;
/** The position is moved on once this many MsgIds wait after it. */
const COMPACT_AT = 32;

interface SavedState {
  through: number;
  done: string[];
}

function parseState(text: string | undefined): SavedState | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<SavedState>;
    const through = Number(value.through);
    if (!Number.isSafeInteger(through) || through < 0 || !Array.isArray(value.done)) return undefined;
    return { through, done: value.done.filter((id): id is string => typeof id === 'string') };
  } catch {
    return undefined;
  }
}

export interface HandledLogOptions {
  /** Entries the bot never hands to its middleware (the user's own, too old): done without a mark. */
  skip(record: StoredMessage): boolean;
}

/** The acknowledgements of one bot in one store. */
export class HandledLog {
  readonly #store: HandledStore;
  readonly #skip: (record: StoredMessage) => boolean;
  #through: number;
  readonly #done: Set<string>;
  /** A write queued and not started: marks made now are in it. */
  #next: Promise<void> | undefined;
  #tail: Promise<void> = Promise.resolve();

  private constructor(store: HandledStore, state: SavedState, options: HandledLogOptions) {
    this.#store = store;
    this.#skip = options.skip;
    this.#through = state.through;
    this.#done = new Set(state.done);
  }

  /**
   * Opens the acknowledgements and lists the logged incoming messages not done yet (oldest first).
   * The first time (nothing saved) every message logged so far counts as done: a bot does not answer
   * the history it was started on.
   */
  static async open(
    store: HandledStore,
    options: HandledLogOptions,
  ): Promise<{ log: HandledLog; unhandled: StoredMessage[] }> {
    const saved = parseState(await store.getSetting(HANDLED_KEY));
    const log = new HandledLog(store, saved ?? { through: await store.lastSeq(), done: [] }, options);
    if (!saved) {
      await log.#write();
      return { log, unhandled: [] };
    }
    const unhandled: StoredMessage[] = [];
    for (let after = log.#through; ; ) {
      const page = await store.logAfter(after, { limit: PAGE, direction: 'in' });
      for (const record of page) {
        if (!log.#done.has(record.msgId) && !log.#skip(record)) unhandled.push(record);
      }
      if (page.length < PAGE) break;
      after = (page[page.length - 1] as StoredMessage).seq;
    }
    return { log, unhandled };
  }

  /** Marks a message done; resolves once the mark is in the store. */
  mark(msgId: string): Promise<void> {
    this.#done.add(msgId);
    if (this.#next) return this.#next;
    const run = this.#tail.then(() => {
      this.#next = undefined;
      return this.#write();
    });
    this.#next = run;
    this.#tail = run.catch(() => {});
    return run;
  }

  /** Resolves when every mark made so far is in the store. */
  async flush(): Promise<void> {
    await this.#tail;
  }

  async #write(): Promise<void> {
    if (this.#done.size >= COMPACT_AT) await this.#compact();
    const state: SavedState = { through: this.#through, done: [...this.#done] };
    await this.#store.setSetting(HANDLED_KEY, JSON.stringify(state));
  }

  /** Moves the position over the entries that are done, forgetting their MsgIds. */
  async #compact(): Promise<void> {
    for (;;) {
      const page = await this.#store.logAfter(this.#through, { limit: PAGE, direction: 'in' });
      for (const record of page) {
        const done = this.#done.delete(record.msgId);
        if (!done && !this.#skip(record)) return;
        this.#through = record.seq;
      }
      if (page.length < PAGE) return;
    }
  }
}
