/**
 * A worker (`webwx worker`, docs/scale.md): one of several processes that share the accounts of a
 * PostgreSQL database. Each account runs on exactly one worker at a time, the one holding its lease
 * (src/store/lease-*.ts). Every tick the worker announces itself, renews its leases, and takes free
 * accounts up to its fair share (the accounts divided by the live workers); it gives back what it
 * holds beyond its share, a few at a time, so a worker that joins gets work. The accounts it holds run
 * in an AccountHost on PostgresStores (resume → push → QR), their incoming messages go to Redis
 * (InboundPublisher) and their outbound commands come from Redis (OutboundRunner). A worker that
 * cannot renew a lease before it would expire stops that account: the next holder takes it over.
 * Until a lease is renewed past its deadline (by the worker's own clock: a worker paused longer than
 * that wakes up behind it), nothing of the account goes out: no request (worker-lease-gate.ts), no
 * published event, no command read; a renewal refused stops the account without another request.
 */

import { createClient as createWebWxClient, type QrEvent } from '../client/index.js';
import { InvalidArgumentError, InvalidStateError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { redact } from '../redact.js';
import type { PostgresStore } from '../store/index.js';
import { AccountHost } from './account-host.js';
import { InboundPublisher, prepareBusPosition } from './bus/inbound-publisher.js';
import { OutboundRunner, type OutboundTarget } from './bus/outbound-runner.js';
import { accountsKey } from './bus/redis-connection.js';
import { balanceMove } from './lease-balance.js';
import { type HeldLease, openAccountStore, readWorkerSpec } from './worker-account.js';
import { LeaseGate } from './worker-lease-gate.js';
import { LoginRetries } from './worker-login-retry.js';
import { type WorkerEvent, type WorkerOptions, workerTiming } from './worker-options.js';

export {
  DEFAULT_LEASE_TTL_MS,
  type WorkerEvent,
  type WorkerOptions,
  workerTiming,
} from './worker-options.js';

interface Held extends HeldLease {
  store: PostgresStore;
  publisher: InboundPublisher;
  /** The account's HTTP traffic, let out only while the lease is known valid (worker-lease-gate.ts). */
  gate: LeaseGate;
  /** Set when the lease was lost: nothing of the account goes out any more. */
  revoked: boolean;
  offs: (() => void)[];
}

/** Whether a held lease is known valid by this worker's clock: not lost, its deadline not passed. */
function holds(held: Held | undefined): boolean {
  return held !== undefined && !held.revoked && performance.now() < held.deadline;
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
  /** The heartbeat and renewals in progress, and the share-out (takes, give-backs) in progress. */
  #renewing: Promise<void> | undefined;
  #balancing: Promise<void> | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #ticks = 0;
  #lastRenewal = 0;
  /** Accounts whose gate refused a request since their last renewal (one warning each). */
  readonly #warnedFenced = new Set<string>();

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
      // An account's own server (worker add --server) wins over the worker's; its requests go through
      // its lease gate.
      createClient: (o) => {
        const server = this.#servers.get(o.store as PostgresStore);
        const held = [...this.#held.values()].find((h) => h.store === o.store);
        return make({
          ...o,
          ...(server !== undefined ? { server } : {}),
          ...(held ? { interceptors: [held.gate.interceptor] } : {}),
        });
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
    this.#timer = setInterval(() => this.#tickNow(), tickMs);
    this.#running = this.#runner.run();
  }

  /** Stops: gives every lease back (stopping the accounts first), leaves, and stops reading commands. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#retries.close();
    await this.#renewing;
    await this.#balancing;
    this.#runner.close();
    await Promise.all(this.held().map((id) => this.#drop(id, 'released', 'worker stopping')));
    await this.#host.close();
    await this.#o.leases.leave(this.workerId).catch(() => {});
    await this.#running;
  }

  /**
   * A tick: renewals (unless a round is still running), then the share-out (unless one is still
   * running). A slow share-out (accounts being opened) never holds the next tick's renewals back.
   */
  #tickNow(): void {
    if (this.#stopped) return;
    const renewing = this.#renewNow();
    this.#balancing ??= renewing
      .then(() => this.#balance())
      .finally(() => {
        this.#balancing = undefined;
      });
  }

  /** Starts a round of heartbeat and renewals unless one is running. */
  #renewNow(): Promise<void> {
    this.#lastRenewal = performance.now();
    this.#renewing ??= this.#renewRound().finally(() => {
      this.#renewing = undefined;
    });
    return this.#renewing;
  }

  /** A gate refused a request of `id`: its lease is checked now rather than at the next tick. */
  #fenced(id: string): void {
    if (!this.#warnedFenced.has(id)) {
      this.#warnedFenced.add(id);
      this.#logger.warn(
        { account: id },
        'lease not known to be held (a renewal is overdue: paused or starved?): requests refused until it is renewed or given up',
      );
    }
    if (!this.#stopped && performance.now() - this.#lastRenewal >= 100) void this.#renewNow();
  }

  /** The heartbeat, then every held lease renewed (or its account stopped). */
  async #renewRound(): Promise<void> {
    if (this.#stopped) return;
    this.#ticks++;
    try {
      await this.#o.leases.heartbeat(this.workerId, this.#ttl);
    } catch (error) {
      this.#warn('heartbeat failed', error);
    }
    await this.#renewAll();
  }

  /** Acquisitions or give-backs toward the fair share (from the second tick on). */
  async #balance(): Promise<void> {
    const { leases } = this.#o;
    if (this.#ticks < 2 || this.#stopped) return;
    const table = await Promise.all([leases.list(), leases.workers()]).catch((error: unknown) => {
      this.#warn('listing leases failed', error);
    });
    if (!table) return;
    const [states, workers] = table;
    const move = balanceMove({
      accounts: states.length,
      liveWorkers: workers.length,
      held: this.held(),
      // Counted after the awaits above: a pause during them leaves the held leases overdue.
      overdue: this.held().filter((id) => !holds(this.#held.get(id))).length,
      free: states
        .filter((s) => s.workerId === undefined && !this.#retries.shuns(s.accountId))
        .map((s) => s.accountId),
      workerId: this.workerId,
      step: this.#o.rebalanceStep ?? 3,
    });
    if (move.kind === 'wait') return;
    if (move.kind === 'release') {
      for (const id of move.ids) {
        if (!holds(this.#held.get(id))) return; // overdue since: the renewal round settles it
        await this.#drop(id, 'released', 'over the fair share');
      }
      return;
    }
    let count = this.#held.size;
    for (const id of move.candidates) {
      if (count >= move.share || this.#stopped) break;
      if (await this.#take(id)) count++;
    }
  }

  async #renewAll(): Promise<void> {
    for (const [id, held] of [...this.#held]) {
      let renewed: HeldLease['lease'] | undefined;
      const asked = performance.now();
      // Past the deadline (the worker was paused or starved): say so with the reason.
      const late = asked - held.deadline;
      const lateBy =
        late > 0 ? ` (this worker was ${(late / 1000).toFixed(1)} s past its renewal deadline)` : '';
      try {
        renewed = await this.#o.leases.renew(held.lease, this.#ttl);
      } catch (error) {
        this.#warn('renewing a lease failed', error);
        if (performance.now() >= held.deadline) await this.#drop(id, 'lost', 'could not renew in time');
        continue;
      }
      if (!renewed) {
        await this.#drop(id, 'lost', `another worker holds it${lateBy}`);
        continue;
      }
      held.lease = renewed;
      held.deadline = asked + this.#ttl * 0.8;
      this.#warnedFenced.delete(id);
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
      let held: Held | undefined;
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
        fence: () => holds(held),
        logger: this.#logger,
      });
      const gate = new LeaseGate({
        account: id,
        holds: () => holds(held),
        refused: (which) => this.#fenced(which),
      });
      const offs = [
        host.on('account-client', ({ id: which, client }) => {
          if (which === id) offs.push(client.on('message', () => publisher.notify()));
        }),
      ];
      held = { lease, deadline: asked + this.#ttl * 0.8, store, publisher, gate, revoked: false, offs };
      this.#held.set(id, held);
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
    this.#warnedFenced.delete(id);
    // A lost lease: from now on nothing of the account goes out (sync, sends, publishing, commands).
    if (type === 'lost') {
      held.revoked = true;
      this.#logger.warn(
        { account: id, reason },
        'lease lost: the account is stopped without syncing or sending',
      );
    }
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
      // An account whose lease is not known valid (a renewal overdue) has its commands left unread.
      if (!client || account.state !== 'ready' || !holds(held)) continue;
      targets.push({
        account: id,
        client,
        fence: async () => holds(held) && (await this.#o.leases.isCurrent(held.lease)),
      });
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
