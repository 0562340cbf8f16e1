/**
 * AccountHost: many WeChat accounts in one process (docs/host.md). Each account is a resource with
 * its own client, its own store (its own SQLite file under `<dataDir>/accounts/<id>/`, mode 0600,
 * or whatever `openStore` gives), its own outbox pacing, its own optional outbound proxy and its own
 * daily send budget; one account's failure (a dead server, a logout, a login that fails) never
 * touches another.
 *
 * The interface, for the HTTP API (host-server.ts), workers and embedders:
 *
 * ```ts
 * const host = new AccountHost({ dataDir, client: { server }, logger });
 * host.on('account-qr', ({ id, qr }) => show(qr.url));        // also 'account-state', -added, -removed, -client
 * await host.resume();                      // the accounts of an earlier run, from their stores (no QR)
 * const account = await host.add({ id: 'desk-1', dailySendLimit: 500, proxy: 'http://10.0.0.2:3128' });
 * account.client?.sendText(to, 'hi');       // sends count against the budget (SendBudgetError past it)
 * host.list();                              // AccountSummary[]: state, wanted, budget, outbox depth
 * host.notReady();                          // the accounts that should be logged in and are not
 * await host.logout('desk-1'); await host.login('desk-1'); await host.remove('desk-1');
 * await host.close();                       // stops every client; sessions stay for the next run
 * ```
 *
 * `add` and `login` resolve once the login has started (state 'idle' → 'waiting-for-scan' … 'ready');
 * a login that fails leaves the account in state 'failed' with its (redacted) error. Bad specs,
 * unknown and duplicate ids throw AccountError.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { errorText } from '../client/error-text.js';
import {
  type ClientOptions,
  createClient as createWebWxClient,
  type QrEvent,
  type WebWxClient,
} from '../client/index.js';
import { resolveOptions } from '../client/options.js';
import { TypedEmitter } from '../client/typed-emitter.js';
import { type Logger, silentLogger } from '../logger.js';
import {
  MemoryStore,
  type SecretKey,
  type SessionStore,
  SqliteStore,
  WalCheckpoints,
  writeFileAtomic,
} from '../store/index.js';
import type { BudgetHooks } from './budgeted-client.js';
import { AccountError } from './host-errors.js';
import {
  type AccountChange,
  type AccountSpec,
  type AccountState,
  type AccountSummary,
  HostedAccount,
  specProblem,
} from './hosted-account.js';

/** Options of an {@link AccountHost}. */
export interface AccountHostOptions {
  /**
   * Where accounts live: `<dataDir>/accounts/<id>/account.json` (the spec) and `webwx.db` (the
   * store), both 0600. Without it, accounts are in memory and do not survive a restart.
   */
  dataDir?: string;
  /** Seals each account's saved session in its SQLite file (SqliteStore `secretKey`). */
  secretKey?: SecretKey;
  /** An account's store instead of the SQLite file (a PostgresStore, say); the host closes it on remove. */
  openStore?: (id: string) => SessionStore;
  /** Options every account's client gets (server, app, timeouts, pacing…); an account's own win. */
  client?: Omit<ClientOptions, 'store' | 'logger' | 'proxy' | 'dispatcher'>;
  logger?: Logger;
  /** Clock in ms (the budgets' day). Default Date.now. */
  now?: () => number;
  /** Makes a client (tests). Default createClient. */
  createClient?: (options: ClientOptions) => WebWxClient;
  /** Counters kept around every account's budgeted sends (host-metrics.ts). */
  sendHooks?: (id: string) => BudgetHooks;
}

/** The events of an {@link AccountHost}. */
export interface AccountHostEvents {
  /** An account was added (or resumed). */
  'account-added': { id: string };
  /** An account was removed. */
  'account-removed': { id: string };
  /** An account's state changed. */
  'account-state': { id: string; state: AccountState };
  /** An account shows a QR code to scan (again after one expired). */
  'account-qr': { id: string; qr: QrEvent };
  /** An account has a new client (each login makes one): subscribe to its events here. */
  'account-client': { id: string; client: WebWxClient };
}

const SPEC_FILE = 'account.json';
const STORE_FILE = 'webwx.db';

/**
 * Each account's SQLite page cache in KiB (SQLite's default is 2,000 per connection). An account's
 * working set is the tail of its log and a few index pages; what else it reads comes from the
 * operating system's cache, and the store gives back what the contact cache's bulk writes filled.
 */
const ACCOUNT_CACHE_KB = 64;

/** Many accounts in one process, each on its own client and store (see the file's header). */
export class AccountHost {
  readonly #options: AccountHostOptions;
  readonly #logger: Logger;
  readonly #accounts = new Map<string, HostedAccount>();
  readonly #events: TypedEmitter<AccountHostEvents>;
  /**
   * The accounts' SQLite WALs, checkpointed one at a time off their commits. Bench row "scale: echo
   * across 200 accounts …, p99", a 120 s echo: SQLite's own checkpoints (200 WALs passing 1,000 pages
   * in the same second) gave p99 196 ms and a 624 ms worst case (docs/benchmarks.md, "Scale: measured").
   */
  readonly #checkpoints: WalCheckpoints;
  #closed = false;

  constructor(options: AccountHostOptions = {}) {
    this.#options = options;
    this.#logger = (options.logger ?? silentLogger).child({ component: 'host' });
    this.#events = new TypedEmitter<AccountHostEvents>(this.#logger);
    this.#checkpoints = new WalCheckpoints({
      onError: (error) => this.#logger.warn({ error: errorText(error) }, 'a WAL checkpoint failed'),
    });
  }

  /** Subscribes to a host event; returns the unsubscribe function. */
  on<K extends keyof AccountHostEvents>(
    event: K,
    listener: (payload: AccountHostEvents[K]) => void,
  ): () => void {
    return this.#events.on(event, listener);
  }

  /** Adds an account and starts its login. AccountError for a bad spec or an id in use. */
  async add(spec: AccountSpec): Promise<HostedAccount> {
    this.#checkOpen();
    const problem = specProblem(spec);
    if (problem) throw new AccountError('invalid', typeof spec.id === 'string' ? spec.id : '', problem);
    if (this.#accounts.has(spec.id)) {
      throw new AccountError('exists', spec.id, `account "${spec.id}" already exists`);
    }
    const clean: AccountSpec = {
      id: spec.id,
      ...(spec.dailySendLimit !== undefined ? { dailySendLimit: spec.dailySendLimit } : {}),
      ...(spec.proxy !== undefined ? { proxy: spec.proxy } : {}),
      ...(spec.pacing !== undefined ? { pacing: spec.pacing } : {}),
      ...(spec.webhook !== undefined ? { webhook: spec.webhook } : {}),
      ...(spec.server !== undefined ? { server: spec.server } : {}),
    };
    // A bad proxy or pacing is refused here, before anything is written.
    try {
      createWebWxClientCheck(clean);
    } catch (error) {
      throw new AccountError('invalid', spec.id, error instanceof Error ? error.message : String(error));
    }
    const dir = this.#dirOf(spec.id);
    if (dir) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(join(dir, SPEC_FILE), `${JSON.stringify(clean, null, 2)}\n`);
    }
    return this.#open(clean);
  }

  /**
   * Opens every account found under `<dataDir>/accounts/` (an earlier run's) and starts its login:
   * a saved session resumes without a QR code. Unreadable specs are logged and skipped. `only`
   * picks which (a ThreadedAccountHost's shard opens its share).
   */
  async resume(only: (id: string) => boolean = () => true): Promise<HostedAccount[]> {
    this.#checkOpen();
    const root = this.#options.dataDir === undefined ? undefined : join(this.#options.dataDir, 'accounts');
    if (root === undefined || !existsSync(root)) return [];
    const opened: HostedAccount[] = [];
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      if (!entry.isDirectory() || this.#accounts.has(entry.name) || !only(entry.name)) continue;
      let spec: AccountSpec;
      try {
        spec = JSON.parse(readFileSync(join(root, entry.name, SPEC_FILE), 'utf8')) as AccountSpec;
      } catch {
        this.#logger.warn(
          { account: entry.name },
          'account directory without a readable account.json; skipped',
        );
        continue;
      }
      if (spec.id !== entry.name || specProblem(spec)) {
        this.#logger.warn({ account: entry.name }, 'account.json does not validate; skipped');
        continue;
      }
      opened.push(await this.#open(spec));
    }
    return opened;
  }

  /** The account, or undefined. */
  get(id: string): HostedAccount | undefined {
    return this.#accounts.get(id);
  }

  /** Every account, in the order added. */
  accounts(): HostedAccount[] {
    return [...this.#accounts.values()];
  }

  /** What the host says about each account. */
  list(): AccountSummary[] {
    return this.accounts().map((a) => a.summary());
  }

  /** The accounts that should be logged in and are not (empty: ready). */
  notReady(): { id: string; state: AccountState }[] {
    return this.accounts()
      .filter((a) => !a.ready)
      .map((a) => ({ id: a.id, state: a.state }));
  }

  /** Logs an account in again (after a logout or a failed login); a live one is left alone. */
  async login(id: string): Promise<HostedAccount> {
    const account = this.#require(id);
    await account.login();
    return account;
  }

  /** Logs an account out (its saved session is cleared); it stays listed until removed. */
  async logout(id: string): Promise<void> {
    await this.#require(id).logout();
  }

  /** Stops an account and deletes it, its store and its directory. */
  async remove(id: string): Promise<void> {
    const account = this.#require(id);
    this.#accounts.delete(id);
    await account.stop();
    closeStore(account.store);
    // A checkpoint of its file may still run on the checkpoint thread, whose connection would then be
    // the file's last: let it close before the files go (a re-added account must not lose its new WAL).
    await this.#checkpoints.settled(account.store);
    const dir = this.#dirOf(id);
    if (dir) rmSync(dir, { recursive: true, force: true });
    this.#events.emit('account-removed', { id });
  }

  /** Stops every account (their sessions stay in their stores) and closes the stores. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const accounts = this.accounts();
    await Promise.all(accounts.map((a) => a.stop()));
    for (const a of accounts) closeStore(a.store);
    this.#accounts.clear();
    await this.#checkpoints.close();
  }

  async #open(spec: AccountSpec): Promise<HostedAccount> {
    const account = new HostedAccount({
      spec,
      store: this.#openStore(spec.id),
      logger: this.#logger,
      now: this.#options.now ?? Date.now,
      clientOptions: this.#options.client ?? {},
      createClient: this.#options.createClient ?? createWebWxClient,
      notify: (change) => this.#relay(spec.id, change),
      ...(this.#options.sendHooks ? { hooks: this.#options.sendHooks(spec.id) } : {}),
    });
    this.#accounts.set(spec.id, account);
    this.#events.emit('account-added', { id: spec.id });
    await account.login();
    return account;
  }

  #relay(id: string, change: AccountChange): void {
    if (change.kind === 'state') this.#events.emit('account-state', { id, state: change.state });
    else if (change.kind === 'qr') this.#events.emit('account-qr', { id, qr: change.qr });
    else this.#events.emit('account-client', { id, client: change.client });
  }

  #openStore(id: string): SessionStore {
    if (this.#options.openStore) return this.#options.openStore(id);
    const dir = this.#dirOf(id);
    if (!dir) return new MemoryStore();
    const path = join(dir, STORE_FILE);
    const { secretKey } = this.#options;
    // Bench row "scale: idle RSS per account beyond the first": SQLite's default page cache (2,000 KiB
    // a connection) → 256 KiB took it from 1.61–1.80 to 1.27–1.58 MB (quick runs, 1 → 50 accounts);
    // 64 KiB with the statements prepared on first use and the cache given back after the contact
    // cache's writes: about 500 → 240 KB of native memory per connection; 1.13 → 0.80 MB per account
    // beyond the first in a quiet full run (docs/benchmarks.md, "Scale: measured").
    const cacheKb = ACCOUNT_CACHE_KB;
    const checkpoints = this.#checkpoints;
    return new SqliteStore(
      secretKey === undefined ? { path, cacheKb, checkpoints } : { path, secretKey, cacheKb, checkpoints },
    );
  }

  #dirOf(id: string): string | undefined {
    return this.#options.dataDir === undefined ? undefined : join(this.#options.dataDir, 'accounts', id);
  }

  #require(id: string): HostedAccount {
    const account = this.#accounts.get(id);
    if (!account) throw new AccountError('unknown', id, `no account "${String(id).slice(0, 64)}"`);
    return account;
  }

  #checkOpen(): void {
    if (this.#closed) throw new AccountError('invalid', '', 'the host is closed');
  }
}

/** Validates what createClient would refuse of a spec (proxy URL, pacing) without making a client. */
function createWebWxClientCheck(spec: AccountSpec): void {
  resolveOptions({
    ...(spec.proxy !== undefined ? { proxy: spec.proxy } : {}),
    ...(spec.pacing !== undefined ? { pacing: spec.pacing } : {}),
  });
}

function closeStore(store: SessionStore): void {
  const close = (store as { close?: () => unknown }).close;
  if (typeof close === 'function') void Promise.resolve(close.call(store)).catch(() => {});
}
