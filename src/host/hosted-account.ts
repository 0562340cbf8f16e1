/**
 * One account of an AccountHost (account-host.ts): its store (kept across logins), its client (a new
 * one for each login), its send budget, and what the host reports about it. A failure of its client
 * stays inside it: start() never rejects, the state says what happened.
 */

import { errorText } from '../client/error-text.js';
import type { ClientOptions, ClientState, PacingOptions, QrEvent, WebWxClient } from '../client/index.js';
import type { Logger } from '../logger.js';
import { hasStoreSettings, type SessionStore } from '../store/index.js';
import { type BudgetHooks, budgetedClient } from './budgeted-client.js';
import { SendBudget, type SendBudgetState } from './send-budget.js';

/** What an account is made of (what `POST /accounts` takes); kept in its directory as account.json. */
export interface AccountSpec {
  /** 1–64 characters of a–z, 0–9, '-' and '_', starting with a letter or digit. */
  id: string;
  /** Sends allowed per UTC day (counted when handed to the client); none by default. */
  dailySendLimit?: number;
  /** This account's server, one base URL for every host (an emulator); the host's otherwise. */
  server?: string;
  /** An outbound http(s) proxy for this account only (`createClient({ proxy })`). */
  proxy?: string;
  /** This account's outbox pacing (`createClient({ pacing })`); the host's default otherwise. */
  pacing?: PacingOptions | false;
  /**
   * POST every incoming message of this account to this http(s) URL, durably from its store's log
   * (the webhook of `webwx serve --webhook`, per account; served by the host's HTTP API).
   */
  webhook?: string;
}

/** An account's state: the client's, or 'failed' when its login failed (see `error`). */
export type AccountState = ClientState | 'failed';

/** What the host says about an account (`GET /accounts`). The proxy URL is never shown. */
export interface AccountSummary {
  id: string;
  state: AccountState;
  /** Whether it should be logged in (false after a logout through the host). */
  wanted: boolean;
  /** The logged-in user, once known. */
  self?: { userName: string; nickName: string };
  /** Whether it goes through a proxy. */
  proxied: boolean;
  /** Its send budget today. */
  budget: SendBudgetState;
  /** Sends waiting in its outbox. */
  outboxDepth: number;
  /** Why the last login failed (redacted). */
  error?: string;
}

/** Validates an account spec; returns the problem or undefined. */
export function specProblem(spec: AccountSpec): string | undefined {
  if (typeof spec.id !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(spec.id)) {
    return 'id must be 1-64 characters of a-z, 0-9, "-" and "_", starting with a letter or digit';
  }
  const limit = spec.dailySendLimit;
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
    return 'dailySendLimit must be a whole number ≥ 0';
  }
  if (spec.proxy !== undefined && typeof spec.proxy !== 'string') return 'proxy must be a URL';
  if (spec.webhook !== undefined && !isHttpUrl(spec.webhook)) return 'webhook must be an http(s) URL';
  if (spec.server !== undefined && !isHttpUrl(spec.server)) return 'server must be an http(s) URL';
  if (spec.pacing !== undefined && spec.pacing !== false && typeof spec.pacing !== 'object') {
    return 'pacing must be an object or false';
  }
  return undefined;
}

/** What a HostedAccount needs from its host. */
export interface HostedAccountInit {
  spec: AccountSpec;
  store: SessionStore;
  logger: Logger;
  /** The clock of the send budget (ms since the epoch). */
  now: () => number;
  /** The host's options for every client, merged under this account's. */
  clientOptions: ClientOptions;
  /** Makes the account's client. */
  createClient: (options: ClientOptions) => WebWxClient;
  /** Called on every state change, QR code and new client. */
  notify: (change: AccountChange) => void;
  /** Counters the host keeps (metrics). */
  hooks?: BudgetHooks;
}

/** What an account tells its host. */
export type AccountChange =
  | { kind: 'state'; state: AccountState }
  | { kind: 'qr'; qr: QrEvent }
  | { kind: 'client'; client: WebWxClient };

/** One account of a host. */
export class HostedAccount {
  readonly spec: AccountSpec;
  readonly store: SessionStore;
  readonly budget: SendBudget;
  readonly #init: HostedAccountInit;
  #client: WebWxClient | undefined;
  #raw: WebWxClient | undefined;
  #wanted = true;
  #error: string | undefined;
  #qr: QrEvent | undefined;
  #offs: (() => void)[] = [];
  #running: Promise<void> | undefined;
  /** The client the host is stopping (its start() rejecting then is no failure). */
  #stopping: WebWxClient | undefined;

  constructor(init: HostedAccountInit) {
    this.#init = init;
    this.spec = init.spec;
    this.store = init.store;
    this.budget = new SendBudget({
      accountId: init.spec.id,
      limit: init.spec.dailySendLimit,
      settings: hasStoreSettings(init.store) ? init.store : undefined,
      now: init.now,
    });
  }

  /** The account's id. */
  get id(): string {
    return this.spec.id;
  }

  /** Its client, budgeted (undefined before the first login). */
  get client(): WebWxClient | undefined {
    return this.#client;
  }

  /** The client without the budget (for the host's own counters). */
  get rawClient(): WebWxClient | undefined {
    return this.#raw;
  }

  /** The last QR code while it waits for a scan. */
  get qr(): QrEvent | undefined {
    const state = this.state;
    return state === 'waiting-for-scan' || state === 'scanned' ? this.#qr : undefined;
  }

  get wanted(): boolean {
    return this.#wanted;
  }

  get state(): AccountState {
    const state = this.#raw?.state ?? 'idle';
    return this.#error !== undefined && state !== 'ready' && state !== 'loading' ? 'failed' : state;
  }

  /** Whether it is where it should be: logged in, or not wanted. */
  get ready(): boolean {
    return !this.#wanted || this.state === 'ready';
  }

  /**
   * Logs in: resumes the saved session, else push login, else a QR code (the 'qr' change). Resolves
   * at once; the state follows. A client already live is kept.
   */
  async login(): Promise<void> {
    this.#wanted = true;
    const state = this.#raw?.state;
    if (state !== undefined && state !== 'logged-out' && state !== 'stopped' && this.#error === undefined)
      return;
    await this.#stopClient();
    await this.budget.load();
    this.#error = undefined;
    const { spec, logger } = this.#init;
    const raw = this.#init.createClient({
      ...this.#init.clientOptions,
      store: this.store,
      logger: logger.child({ account: spec.id }),
      ...(spec.server !== undefined ? { server: spec.server } : {}),
      ...(spec.proxy !== undefined ? { proxy: spec.proxy } : {}),
      ...(spec.pacing !== undefined ? { pacing: spec.pacing } : {}),
    });
    this.#raw = raw;
    this.#client = budgetedClient(raw, this.budget, this.#init.hooks);
    this.#offs.push(
      raw.on('state', (s) => this.#init.notify({ kind: 'state', state: s === 'stopped' ? this.state : s })),
      raw.on('qr', (qr) => {
        this.#qr = qr;
        this.#init.notify({ kind: 'qr', qr });
      }),
    );
    this.#init.notify({ kind: 'client', client: this.#client });
    this.#running = raw.start().catch((error: unknown) => {
      if (raw !== this.#raw || this.#stopping === raw) return;
      this.#error = errorText(error);
      logger.warn({ account: spec.id, error: this.#error }, 'account login failed');
      this.#init.notify({ kind: 'state', state: 'failed' });
    });
  }

  /** Logs out (the saved session is cleared); it stays listed, not wanted, until login() or removal. */
  async logout(): Promise<void> {
    this.#wanted = false;
    await this.#raw?.logout();
  }

  /** Stops the client (the saved session stays for the next start) and flushes the budget. */
  async stop(): Promise<void> {
    await this.#stopClient();
    await this.budget.flush();
  }

  /** What the HTTP API lists of it: state, self, proxy, budget, outbox depth, the last error. */
  summary(): AccountSummary {
    const self = this.#raw?.self;
    return {
      id: this.id,
      state: this.state,
      wanted: this.#wanted,
      ...(self ? { self: { userName: self.userName, nickName: self.nickName } } : {}),
      proxied: this.spec.proxy !== undefined,
      budget: this.budget.state(),
      outboxDepth: this.outboxDepth(),
      ...(this.#error !== undefined && this.state === 'failed' ? { error: this.#error } : {}),
    };
  }

  /** Sends queued or in flight in the outbox. */
  outboxDepth(): number {
    const stats = this.#raw?.outbox.stats();
    return stats === undefined ? 0 : stats.queued + stats.inFlight;
  }

  async #stopClient(): Promise<void> {
    for (const off of this.#offs.splice(0)) off();
    const raw = this.#raw;
    if (raw === undefined) return;
    this.#stopping = raw;
    await raw.stop();
    await this.#running;
  }
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
