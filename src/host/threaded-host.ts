/**
 * ThreadedAccountHost: many accounts spread over worker threads (docs/host.md, "Threads"). Each
 * thread (a shard, host-shard-worker.ts) runs an AccountHost over its share; the main thread assigns
 * accounts, relays the shards' events and log records, and answers for the whole.
 *
 * Why: one event loop carries every account's sync rounds, decoding, store commits and garbage
 * collection, so one pause delays every account's replies. Spread over two threads, each with its
 * own heap and loop, the bench's aggregate echo (200 accounts, 200 msg/s, SQLite) went from a p99
 * of 92.9 ms on one loop to 22.5 ms in the same run (bench row "scale: the same echo on a
 * ThreadedAccountHost of 2 threads, p99", `npm run bench -- --only scale`). The price: a heap and
 * a copy of the code per thread (more RSS and CPU), and clients that live in their thread —
 * handlers are attached by a setup module, not through `account-client` events:
 *
 * ```ts
 * // echo.js, run in each thread for every client a shard makes
 * export default (client, { id }) => {
 *   client.on('message', (m) => { if (m.kind === 'text' && !m.isSelf) client.sendText(m.chat.userName, m.text); });
 * };
 *
 * const host = new ThreadedAccountHost({ threads: 2, setup: new URL('./echo.js', import.meta.url), dataDir });
 * host.on('account-qr', ({ id, qr }) => show(qr.url));
 * await host.resume();
 * await host.add({ id: 'desk-1' });
 * await host.list();               // AccountSummary[], from every thread
 * await host.close();
 * ```
 *
 * A thread that ends unexpectedly is replaced: with a `dataDir` its accounts are reopened in the new
 * thread from their stores (a saved session resumes without a QR code); without one, or when the
 * reopening fails, they are reported 'failed' and no longer held (`resume()` can open them again).
 */

import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { errorText } from '../client/error-text.js';
import type { QrEvent } from '../client/index.js';
import { TypedEmitter } from '../client/typed-emitter.js';
import { InvalidArgumentError, InvalidStateError } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import type { SecretKey } from '../store/index.js';
import { findWorkerModule } from '../store/worker-module.js';
import { AccountError } from './host-errors.js';
import { callShard, QUICK_DEATH_MS, reopenDelayMs, type Shard, startShard } from './host-shard.js';
import {
  enabledLevels,
  SHARD_WORKER_TAG,
  type ShardCalls,
  type ShardClientOptions,
  type ShardInit,
  type ShardLog,
  type ShardMethod,
} from './host-shard-protocol.js';
import type { AccountSpec, AccountState, AccountSummary } from './hosted-account.js';

/** Options of a {@link ThreadedAccountHost}. */
export interface ThreadedAccountHostOptions {
  /** Worker threads (at least 1). Default: the machine's available parallelism. */
  threads?: number;
  /**
   * A module loaded in every thread whose default export is called with each client the thread
   * makes (`(client, { id }) => void`): where handlers are attached. A URL, or a file path.
   */
  setup?: string | URL;
  /** As AccountHost's: `<dataDir>/accounts/<id>/`. Without it, accounts live in memory only. */
  dataDir?: string;
  /** Seals each account's saved session (AccountHost's `secretKey`). */
  secretKey?: SecretKey;
  /** Options every account's client gets: plain data only (no logger, clock or dispatcher). */
  client?: ShardClientOptions;
  /**
   * Writes the threads' log records, with `shard` added. The levels it writes are read once, at
   * construction (`isLevelEnabled`): the threads build no record at the others.
   */
  logger?: Logger;
}

/** The events of a {@link ThreadedAccountHost}: AccountHost's, without `account-client`. */
export interface ThreadedAccountHostEvents {
  'account-added': { id: string };
  'account-removed': { id: string };
  'account-state': { id: string; state: AccountState };
  'account-qr': { id: string; qr: QrEvent };
  /** A thread ended unexpectedly and was replaced; `reopened` are its accounts opened again. */
  'thread-replaced': { shard: number; error: string; reopened: string[] };
}

/** Many accounts over worker threads, each running an AccountHost (see the file's header). */
export class ThreadedAccountHost {
  readonly #options: ThreadedAccountHostOptions;
  readonly #logger: Logger;
  readonly #events: TypedEmitter<ThreadedAccountHostEvents>;
  readonly #module: URL;
  /** The current threads; each one's `ids` say which accounts it holds (set before its add call goes out). */
  readonly #shards: Shard[] = [];
  /** The levels `options.logger` writes, read once: what the threads post (host-shard-protocol.ts). */
  readonly #logLevels: ShardLog['level'][];
  #closed = false;

  constructor(options: ThreadedAccountHostOptions = {}) {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isSafeInteger(threads) || threads < 1 || threads > 256) {
      throw new InvalidArgumentError('threads', 'threads must be a whole number from 1 to 256');
    }
    const module = findWorkerModule(import.meta.url, 'host', 'host-shard-worker');
    if (!module) throw new InvalidStateError('the host thread module (host-shard-worker) was not found');
    this.#module = module;
    this.#options = {
      ...options,
      ...(options.setup === undefined ? {} : { setup: setupHref(options.setup) }),
    };
    this.#logger = (options.logger ?? silentLogger).child({ component: 'host' });
    this.#logLevels = enabledLevels(options.logger);
    this.#events = new TypedEmitter<ThreadedAccountHostEvents>(this.#logger);
    for (let index = 0; index < threads; index++) this.#shards.push(this.#start(index, 0));
  }

  /** Subscribes to a host event; returns the unsubscribe function. */
  on<K extends keyof ThreadedAccountHostEvents>(
    event: K,
    listener: (payload: ThreadedAccountHostEvents[K]) => void,
  ): () => void {
    return this.#events.on(event, listener);
  }

  /** Adds an account to the thread with the fewest and starts its login (AccountHost.add). */
  async add(spec: AccountSpec): Promise<AccountSummary> {
    this.#checkOpen();
    const id = typeof spec?.id === 'string' ? spec.id : '';
    if (this.#shardOf(id)) throw new AccountError('exists', id, `account "${id}" already exists`);
    const shard = this.#leastLoaded();
    shard.ids.add(id);
    try {
      return await this.#call(shard, 'add', [spec]);
    } catch (error) {
      shard.ids.delete(id);
      throw error;
    }
  }

  /** Opens the accounts of an earlier run found under `<dataDir>/accounts/`, spread over the threads. */
  async resume(): Promise<AccountSummary[]> {
    this.#checkOpen();
    const root = this.#options.dataDir === undefined ? undefined : join(this.#options.dataDir, 'accounts');
    if (root === undefined || !existsSync(root)) return [];
    const byShard = new Map<Shard, string[]>();
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      if (!entry.isDirectory() || this.#shardOf(entry.name)) continue;
      const shard = this.#leastLoaded();
      shard.ids.add(entry.name);
      const ids = byShard.get(shard);
      if (ids) ids.push(entry.name);
      else byShard.set(shard, [entry.name]);
    }
    const opened = await Promise.all(
      [...byShard].map(async ([shard, ids]) => {
        const summaries = await this.#call(shard, 'resume', [ids]);
        // What the thread skipped (an unreadable account.json) is not held.
        const kept = new Set(summaries.map((s) => s.id));
        for (const id of ids) if (!kept.has(id)) shard.ids.delete(id);
        return summaries;
      }),
    );
    return opened.flat();
  }

  /**
   * What every thread says about its accounts. HostThreadError when a thread ends during the call
   * (its accounts are reopened in a new one: ask again).
   */
  async list(): Promise<AccountSummary[]> {
    this.#checkOpen();
    const lists = await Promise.all(this.#shards.map((shard) => this.#call(shard, 'list', [])));
    return lists.flat();
  }

  /** Logs an account in again (AccountHost.login). */
  async login(id: string): Promise<AccountSummary> {
    return this.#call(this.#require(id), 'login', [id]);
  }

  /** Logs an account out; it stays listed until removed (AccountHost.logout). */
  async logout(id: string): Promise<void> {
    await this.#call(this.#require(id), 'logout', [id]);
  }

  /** Stops an account and deletes it, its store and its directory (AccountHost.remove). */
  async remove(id: string): Promise<void> {
    const shard = this.#require(id);
    await this.#call(shard, 'remove', [id]);
    shard.ids.delete(id);
  }

  /** Stops every account (sessions stay in their stores) and ends the threads. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(
      this.#shards.map(async (shard) => {
        try {
          await this.#call(shard, 'close', [], true);
        } catch (error) {
          this.#logger.warn({ shard: shard.index, error: errorText(error) }, 'a host thread did not close');
        }
        await shard.worker.terminate();
      }),
    );
    for (const shard of this.#shards) shard.ids.clear();
  }

  #start(index: number, quickDeaths: number): Shard {
    const o = this.#options;
    const init: ShardInit = {
      tag: SHARD_WORKER_TAG,
      logLevels: this.#logLevels,
      ...(o.dataDir === undefined ? {} : { dataDir: o.dataDir }),
      ...(o.secretKey === undefined ? {} : { secretKey: o.secretKey }),
      ...(o.client === undefined ? {} : { client: o.client }),
      ...(o.setup === undefined ? {} : { setup: String(o.setup) }),
    };
    return startShard({
      module: this.#module,
      init,
      index,
      quickDeaths,
      logger: this.#logger,
      onEvent: ({ type, ...payload }) => this.#events.emit(type, payload as never),
      onEnded: (shard, failure) => this.#replace(shard, failure.message),
    });
  }

  /** A thread ended (its calls failed already): while the host is open, a new one takes its place and accounts. */
  #replace(shard: Shard, message: string): void {
    if (this.#closed || this.#shards[shard.index] !== shard) return;
    if (!shard.started) {
      // It could not start (a setup module that does not load, say): a new one would fail the same.
      this.#logger.error({ shard: shard.index, error: message }, 'a host thread could not start');
      return;
    }
    this.#logger.error({ shard: shard.index, error: message }, 'a host thread ended; starting a new one');
    void shard.worker.terminate();
    const quick = Date.now() - shard.startedAt < QUICK_DEATH_MS;
    const next = this.#start(shard.index, quick ? shard.quickDeaths + 1 : 0);
    this.#shards[shard.index] = next;
    const ids = [...shard.ids];
    shard.ids.clear();
    const lost = (): void => {
      for (const id of ids) this.#events.emit('account-state', { id, state: 'failed' });
      this.#events.emit('thread-replaced', { shard: shard.index, error: message, reopened: [] });
    };
    if (ids.length === 0 || this.#options.dataDir === undefined) {
      lost();
      return;
    }
    for (const id of ids) next.ids.add(id);
    // A thread that keeps dying (a handler that ends it on some message) is not reopened in a tight
    // loop: the accounts come back after a back-off that doubles with each quick death.
    const delay = reopenDelayMs(next.quickDeaths);
    const reopen = new Promise<void>((resolve) => setTimeout(resolve, delay).unref());
    reopen
      .then(() => (this.#closed ? [] : this.#call(next, 'resume', [ids])))
      .then(
        (summaries) => {
          const reopened = summaries.map((s) => s.id);
          for (const id of ids) if (!reopened.includes(id)) next.ids.delete(id);
          this.#events.emit('thread-replaced', { shard: shard.index, error: message, reopened });
        },
        (cause: unknown) => {
          this.#logger.error({ shard: shard.index, error: errorText(cause) }, 'reopening accounts failed');
          // A thread that ended meanwhile handed them to its own replacement; otherwise they are let
          // go, so that resume() can open them again.
          if (this.#closed || this.#shards[shard.index] !== next) return;
          for (const id of ids) next.ids.delete(id);
          lost();
        },
      );
  }

  async #call<M extends ShardMethod>(
    shard: Shard,
    method: M,
    args: ShardCalls[M]['args'],
    closing = false,
  ): Promise<ShardCalls[M]['result']> {
    if (!closing) this.#checkOpen();
    return callShard(shard, method, args);
  }

  /** The thread with the fewest accounts, preferring those not known to have failed to start. */
  #leastLoaded(): Shard {
    const failed = (s: Shard): boolean => !s.started && s.worker.threadId === -1;
    let best = this.#shards[0] as Shard;
    for (const shard of this.#shards) {
      if (
        (failed(best) && !failed(shard)) ||
        (failed(best) === failed(shard) && shard.ids.size < best.ids.size)
      )
        best = shard;
    }
    return best;
  }

  /** The thread holding `id`, if any. */
  #shardOf(id: string): Shard | undefined {
    return this.#shards.find((shard) => shard.ids.has(id));
  }

  #require(id: string): Shard {
    this.#checkOpen();
    const shard = this.#shardOf(id);
    if (!shard) throw new AccountError('unknown', id, `no account "${id}"`);
    return shard;
  }

  #checkOpen(): void {
    if (this.#closed) throw new InvalidStateError('the host is closed');
  }
}

/** The setup module as a URL string: a URL as given, a path made absolute. */
function setupHref(setup: string | URL): string {
  if (setup instanceof URL) return setup.href;
  if (/^(file|data):/.test(setup)) return setup;
  return pathToFileURL(isAbsolute(setup) ? setup : resolve(setup)).href;
}
