/**
 * An account's daily send budget (docs/host.md "Budgets"): at most `limit` sends per UTC day, counted
 * when a send is handed to the client (before the outbox), and kept in the account's store settings
 * so a restart on the same day goes on counting where it stopped.
 */
import type { StoreSettings } from '../store/index.js';
import { SendBudgetError } from './host-errors.js';

/** The store setting that holds `{ day, used }`. */
export const SEND_BUDGET_SETTING = 'host.send-budget';

/**
 * The count is saved at most this often (and by flush(), which stopping an account calls): a write
 * per send was one SQLite commit of the five an echoed message cost. A process that dies forgets at
 * most the sends of the last 5 s, which the budget then lets through again.
 */
const SAVE_EVERY_MS = 5000;

/** Where a budget stands: the UTC day, sends counted on it, and the limit (undefined: none). */
export interface SendBudgetState {
  /** 'YYYY-MM-DD' (UTC). */
  day: string;
  /** Sends counted on `day`. */
  used: number;
  /** The daily limit, or undefined when the account has none (sends are still counted). */
  limit: number | undefined;
}

/** The UTC day of a time in ms: '2026-12-07'. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Counts an account's sends per UTC day and refuses those past its limit. */
export class SendBudget {
  readonly #accountId: string;
  readonly #limit: number | undefined;
  readonly #settings: StoreSettings | undefined;
  readonly #now: () => number;
  #day: string;
  #used = 0;
  #saving: Promise<void> = Promise.resolve();
  #saveTimer: ReturnType<typeof setTimeout> | undefined;
  #unsaved = false;

  constructor(init: {
    accountId: string;
    limit: number | undefined;
    settings: StoreSettings | undefined;
    now: () => number;
  }) {
    this.#accountId = init.accountId;
    this.#limit = init.limit;
    this.#settings = init.settings;
    this.#now = init.now;
    this.#day = utcDay(this.#now());
  }

  /**
   * Reads the count saved in the store (a saved count of another day counts as 0), after saving the
   * one counted here meanwhile (a login again within SAVE_EVERY_MS of a send).
   */
  async load(): Promise<void> {
    await this.flush();
    const text = await this.#settings?.getSetting(SEND_BUDGET_SETTING);
    if (text === undefined) return;
    try {
      const saved = JSON.parse(text) as { day?: unknown; used?: unknown };
      if (
        typeof saved.day === 'string' &&
        typeof saved.used === 'number' &&
        Number.isSafeInteger(saved.used) &&
        saved.used >= 0
      ) {
        this.#day = saved.day;
        this.#used = saved.used;
      }
    } catch {
      // A corrupt count starts the day again at 0.
    }
    this.#roll();
  }

  /** The budget now. */
  state(): SendBudgetState {
    this.#roll();
    return { day: this.#day, used: this.#used, limit: this.#limit };
  }

  /**
   * Counts one send, or throws SendBudgetError (counting nothing) when the limit is reached. The new
   * count is saved in the background within SAVE_EVERY_MS (see `flush`).
   */
  charge(): void {
    this.#roll();
    if (this.#limit !== undefined && this.#used >= this.#limit) {
      throw new SendBudgetError(this.#accountId, this.#limit, this.#day);
    }
    this.#used++;
    this.#save();
  }

  /** Saves the count now if it changed, and resolves when it is saved (never rejects). */
  flush(): Promise<void> {
    if (this.#saveTimer !== undefined) clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
    this.#write();
    return this.#saving;
  }

  #roll(): void {
    const today = utcDay(this.#now());
    if (today !== this.#day) {
      this.#day = today;
      this.#used = 0;
    }
  }

  #save(): void {
    if (!this.#settings) return;
    this.#unsaved = true;
    if (this.#saveTimer !== undefined) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined;
      this.#write();
    }, SAVE_EVERY_MS);
    this.#saveTimer.unref?.();
  }

  #write(): void {
    const settings = this.#settings;
    if (!settings || !this.#unsaved) return;
    this.#unsaved = false;
    const text = JSON.stringify({ day: this.#day, used: this.#used });
    this.#saving = this.#saving.then(() => settings.setSetting(SEND_BUDGET_SETTING, text)).catch(() => {});
  }
}
