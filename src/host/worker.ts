/**
 * A worker (`webwx worker`, docs/scale.md): one of several processes that share the accounts of a
 * PostgreSQL database. Each account runs on exactly one worker at a time, the one holding its lease
 * (src/store/lease-*.ts). Every tick the worker announces itself, renews its leases, and takes free
 * accounts up to its fair share (the accounts divided by the live workers); it gives back what it
 * holds beyond its share, a few at a time, so a worker that joins gets work. The accounts it holds run
 * in an AccountHost on PostgresStores (resume → push → QR), their incoming messages go to Redis
 * (InboundPublisher) and their outbound commands come from Redis (OutboundRunner). A worker that
 * cannot renew a lease before it would expire stops that account: the next holder takes it over.
 */

import {
  type ClientOptions,
  createClient as createWebWxClient,
  type QrEvent,
  type WebWxClient,
} from '../client/index.js';
import { InvalidArgumentError, InvalidStateError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { redact } from '../redact.js';
import type { LeaseStore, PostgresStore } from '../store/index.js';
import { AccountHost, type AccountHostOptions } from './account-host.js';
import { InboundPublisher, prepareBusPosition } from './bus/inbound-publisher.js';
import { OutboundRunner, type OutboundTarget } from './bus/outbound-runner.js';
import { accountsKey, type RedisConnection } from './bus/redis-connection.js';
import type { AccountState } from './hosted-account.js';
import { type HeldLease, openAccountStore, readWorkerSpec, type WorkerDatabase } from './worker-account.js';
import { LoginRetries, type LoginRetryOptions } from './worker-login-retry.js';

/** What a worker reports (`webwx worker` prints each as a JSON line). */
export type WorkerEvent =
  | { type: 'acquired'; account: string; token: number }
  | { type: 'state'; account: string; state: AccountState }
  | { type: 'qr'; account: string; uuid: string; url: string }
  | { type: 'released' | 'lost'; account: string; reason: string }
  /** A login failed: retried after `retryInMs`, or (no `retryInMs`) given up, its lease released. */
  | { type: 'login-failed'; account: string; failures: number; retryInMs?: number; error?: string };

/** Options of a {@link Worker}. */
export interface WorkerOptions {
  /** This worker's id (unique among the workers: host name and pid, say). */
  workerId: string;
  /** The database of the accounts' stores. */
  db: WorkerDatabase;
  /** Where the leases are (a PostgresLeaseStore on the same database). */
  leases: LeaseStore;
  /** For publishing, acknowledging and results. */
  redis: RedisConnection;
  /** For the blocking reads of outbound commands: a connection of its own. */
  redisBlocking: RedisConnection;
  /** Key prefix on Redis (default none). */
  prefix?: string;
  /** Options of every account's client (server, timeouts, pacing…). */
  client?: AccountHostOptions['client'];
  /** A lease's time to live (ms, default {@link DEFAULT_LEASE_TTL_MS}): how long a dead worker's accounts wait. */
  leaseTtlMs?: number;
  /** How often the worker renews and looks for accounts (ms, default leaseTtlMs / 4). */
  tickMs?: number;
  /** How failed logins are retried before the lease is given back (see LoginRetryOptions). */
  loginRetry?: LoginRetryOptions;
  /** Most accounts given back in one tick when over the fair share (default 3). */
  rebalanceStep?: number;
  logger?: Logger;
  /** Hears every event (acquired, state, qr, login-failed, released, lost). */
  onEvent?: (event: WorkerEvent) => void;
  /** Makes a client (tests). */
  createClient?: (options: ClientOptions) => WebWxClient;
}

/**
 * The default lease time to live: 5 s. A killed worker's accounts come back after at most the TTL (its
 * last renewal) plus a tick of the taker (TTL/4) plus the resume, about 6.3 s + the resume, within the
 * 10 s of docs/scale.md; a worker still gets three renewals before it gives up at 80 % of the TTL.
 */
export const DEFAULT_LEASE_TTL_MS = 5_000;

/** A worker's lease TTL and tick (ms), its options resolved: the tick defaults to a quarter of the TTL (≥ 50 ms). */
export function workerTiming(options: Pick<WorkerOptions, 'leaseTtlMs' | 'tickMs'>): {
  leaseTtlMs: number;
  tickMs: number;
} {
  const leaseTtlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  if (!Number.isFinite(leaseTtlMs) || leaseTtlMs < 200)
    throw new InvalidArgumentError('leaseTtlMs', 'leaseTtlMs: at least 200 ms');
  return { leaseTtlMs, tickMs: options.tickMs ?? Math.max(50, Math.floor(leaseTtlMs / 4)) };
}

interface Held extends HeldLease {
  store: PostgresStore;
  publisher: InboundPublisher;
  offs: (() => void)[];
}

/** Runs the accounts whose leases it holds (see the file's header). */
export class Worker {
  readonly workerId: string;
  readonly #o: WorkerOptions;
  readonly #logger: Logger;
  readonly #ttl: number;
  readonly #tickMs: number;
  readonly #held = new Map<string, Held>();
  readonly #servers = new Map<PostgresStore, string>();
  readonly #host: AccountHost;
  readonly #runner: OutboundRunner;
  readonly #retries: LoginRetries;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #ticks = 0;

  constructor(options: WorkerOptions) {
    this.workerId = options.workerId;
    this.#o = options;
    ({ leaseTtlMs: this.#ttl, tickMs: this.#tickMs } = workerTiming(options));
    this.#logger = (options.logger ?? silentLogger).child({ component: 'worker', worker: options.workerId });
    const make = options.createClient ?? createWebWxClient;
    this.#host = new AccountHost({
      openStore: (id) => {
        const held = this.#held.get(id);
        if (!held) throw new InvalidArgumentError('worker', `worker: no store for ${id}`);
        return held.store;
      },
      ...(options.client ? { client: options.client } : {}),
      logger: this.#logger,
      // An account's own server (worker add --server) wins over the worker's.
      createClient: (o) => {
        const server = this.#servers.get(o.store as PostgresStore);
        return make(server === undefined ? o : { ...o, server });
      },
    });
    this.#retries = new LoginRetries(options.loginRetry ?? {}, {
      retry: (id) => {
        if (this.#stopped || !this.#held.has(id)) return;
        this.#host.login(id).catch((e: unknown) => this.#warn('retrying a login failed', e, id));
      },
      giveUp: (id, failures) => void this.#drop(id, 'released', `login failed ${failures} times`),
    });
    this.#host.on('account-state', ({ id, state }) => {
      this.#emit({ type: 'state', account: id, state });
      if (state === 'ready') this.#retries.succeeded(id);
      else if (state === 'failed' && this.#held.has(id)) this.#loginFailed(id);
    });
    this.#host.on('account-qr', ({ id, qr }) => this.#emit(qrEvent(id, qr)));
    this.#runner = new OutboundRunner({
      redis: options.redisBlocking,
      commands: options.redis,
      workerId: options.workerId,
      targets: () => this.#targets(),
      ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
      logger: this.#logger,
    });
  }

  /** The accounts this worker holds now, by id. */
  held(): string[] {
    return [...this.#held.keys()].sort();
  }

  /** Starts: announces the worker, then ticks (the first acquisitions wait one tick for peers to show up). */
  async start(): Promise<void> {
    await this.#o.leases.heartbeat(this.workerId, this.#ttl);
    const tickMs = this.#tickMs;
    this.#timer = setInterval(() => {
      this.#ticking ??= this.#tick().finally(() => {
        this.#ticking = undefined;
      });
    }, tickMs);
    this.#running = this.#runner.run();
  }

  /** Stops: gives every lease back (stopping the accounts first), leaves, and stops reading commands. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#retries.close();
    await this.#ticking;
    this.#runner.close();
    await Promise.all(this.held().map((id) => this.#drop(id, 'released', 'worker stopping')));
    await this.#host.close();
    await this.#o.leases.leave(this.workerId).catch(() => {});
    await this.#running;
  }

  /** One round: heartbeat, renewals, then acquisitions or give-backs toward the fair share. */
  async #tick(): Promise<void> {
    if (this.#stopped) return;
    const { leases } = this.#o;
    this.#ticks++;
    try {
      await leases.heartbeat(this.workerId, this.#ttl);
    } catch (error) {
      this.#warn('heartbeat failed', error);
    }
    await this.#renewAll();
    if (this.#ticks < 2 || this.#stopped) return;
    let states: Awaited<ReturnType<LeaseStore['list']>>;
    let live: number;
    try {
      states = await leases.list();
      live = Math.max(1, (await leases.workers()).length);
    } catch (error) {
      this.#warn('listing leases failed', error);
      return;
    }
    const share = Math.ceil(states.length / live);
    let count = this.#held.size;
    if (count > share) {
      const extra = this.held().slice(0, Math.min(count - share, this.#o.rebalanceStep ?? 3));
      for (const id of extra) await this.#drop(id, 'released', 'over the fair share');
      return;
    }
    const free = states
      .filter((s) => s.workerId === undefined && !this.#retries.shuns(s.accountId))
      .map((s) => s.accountId);
    // Start at a place of our own in the list, so workers ticking together try different accounts.
    const offset = hashOf(this.workerId) % Math.max(1, free.length);
    for (const id of [...free.slice(offset), ...free.slice(0, offset)]) {
      if (count >= share || this.#stopped) break;
      if (await this.#take(id)) count++;
    }
  }

  async #renewAll(): Promise<void> {
    for (const [id, held] of [...this.#held]) {
      let renewed: HeldLease['lease'] | undefined;
      const asked = performance.now();
      try {
        renewed = await this.#o.leases.renew(held.lease, this.#ttl);
      } catch (error) {
        this.#warn('renewing a lease failed', error);
        if (performance.now() >= held.deadline) await this.#drop(id, 'lost', 'could not renew in time');
        continue;
      }
      if (!renewed) {
        await this.#drop(id, 'lost', 'another worker holds it');
        continue;
      }
      held.lease = renewed;
      held.deadline = asked + this.#ttl * 0.8;
    }
  }

  /** Acquires `id` and starts it; false when another worker got it first. */
  async #take(id: string): Promise<boolean> {
    const asked = performance.now();
    let lease: HeldLease['lease'] | undefined;
    try {
      lease = await this.#o.leases.acquire(id, this.workerId, this.#ttl);
    } catch (error) {
      this.#warn('acquiring a lease failed', error);
      return false;
    }
    if (!lease) return false;
    let store: PostgresStore | undefined;
    try {
      store = await openAccountStore(this.#o.db, id);
      const spec = await readWorkerSpec(store);
      await prepareBusPosition(store);
      await this.#o.redis.call('SADD', accountsKey(this.#o.prefix), id);
      const host = this.#host;
      const publisher = new InboundPublisher({
        account: id,
        store,
        client: {
          get contacts() {
            const client = host.get(id)?.client;
            if (!client) throw new InvalidStateError(`worker: account ${id} has no client yet`);
            return client.contacts;
          },
        },
        redis: this.#o.redis,
        ...(this.#o.prefix !== undefined ? { prefix: this.#o.prefix } : {}),
        token: () => this.#held.get(id)?.lease.token ?? 0,
        logger: this.#logger,
      });
      const offs = [
        host.on('account-client', ({ id: which, client }) => {
          if (which === id) offs.push(client.on('message', () => publisher.notify()));
        }),
      ];
      this.#held.set(id, { lease, deadline: asked + this.#ttl * 0.8, store, publisher, offs });
      if (spec.server !== undefined) this.#servers.set(store, spec.server);
      this.#emit({ type: 'acquired', account: id, token: lease.token });
      const { server: _server, ...accountSpec } = spec;
      await host.add({ ...accountSpec, id });
      publisher.notify();
      return true;
    } catch (error) {
      this.#warn('starting an account failed', error, id);
      if (this.#held.has(id)) await this.#drop(id, 'released', 'could not start');
      else {
        await store?.close().catch(() => {});
        await this.#o.leases.release(lease).catch(() => false);
      }
      return false;
    }
  }

  /** Stops an account (client first, then the last publish), and gives its lease back unless it was lost. */
  async #drop(id: string, type: 'released' | 'lost', reason: string): Promise<void> {
    const held = this.#held.get(id);
    if (!held) return;
    this.#held.delete(id);
    this.#retries.forget(id);
    for (const off of held.offs.splice(0)) off();
    if (type === 'released') {
      // What is logged after this is published by the next holder, from the saved position.
      held.publisher.notify();
      await held.publisher.idle();
    }
    held.publisher.close();
    if (this.#host.get(id))
      await this.#host.remove(id).catch((e: unknown) => this.#warn('stopping failed', e, id));
    this.#servers.delete(held.store);
    await held.store.close().catch(() => {});
    if (type === 'released') await this.#o.leases.release(held.lease).catch(() => false);
    this.#emit({ type, account: id, reason });
  }

  /** A held account's login failed: a retry later, or its lease given back (LoginRetries). */
  #loginFailed(id: string): void {
    const error = this.#host.get(id)?.summary().error;
    const outcome = this.#retries.failed(id);
    if (!outcome) return; // a retry is already pending
    const retryInMs = 'retryInMs' in outcome ? outcome.retryInMs : undefined;
    this.#logger.warn(
      { account: id, failures: outcome.failures, retryInMs, error },
      retryInMs === undefined ? 'login failed: giving the lease back' : 'login failed: retrying',
    );
    this.#emit({
      type: 'login-failed',
      account: id,
      failures: outcome.failures,
      ...(retryInMs !== undefined ? { retryInMs } : {}),
      ...(error !== undefined ? { error } : {}),
    });
  }

  #targets(): OutboundTarget[] {
    const targets: OutboundTarget[] = [];
    for (const [id, held] of this.#held) {
      const account = this.#host.get(id);
      const client = account?.client;
      if (!client || account.state !== 'ready') continue;
      targets.push({ account: id, client, fence: () => this.#o.leases.isCurrent(held.lease) });
    }
    return targets;
  }

  #emit(event: WorkerEvent): void {
    this.#logger.info(event, `account ${event.type}`);
    try {
      this.#o.onEvent?.(event);
    } catch {}
  }

  #warn(what: string, error: unknown, account?: string): void {
    this.#logger.warn({ account, error: redact(String((error as Error)?.message ?? error)) }, what);
  }
}

function qrEvent(account: string, qr: QrEvent): WorkerEvent {
  return { type: 'qr', account, uuid: qr.uuid, url: qr.url };
}

/** A small, stable hash of a string (where a worker starts in the list of free accounts). */
function hashOf(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}
