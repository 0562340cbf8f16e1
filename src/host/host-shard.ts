/**
 * One host thread as the main thread sees it (threaded-host.ts): started on the shard module, its
 * messages routed (ready, call results, log records, account events), its calls sent, and its end
 * reported once with a HostThreadError that every waiting call gets too.
 */
import { Worker } from 'node:worker_threads';
import { errorText } from '../client/error-text.js';
import { InvalidArgumentError } from '../errors.js';
import type { Logger } from '../logger.js';
import { HostThreadError } from './host-errors.js';
import {
  type FromShard,
  rebuildError,
  type ShardCalls,
  type ShardInit,
  type ShardMethod,
} from './host-shard-protocol.js';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** The account events a thread relays, as the host emits them. */
export type ShardEvent = Exclude<FromShard, { type: 'ready' | 'result' | 'failed' | 'log' }>;

/** One thread and what the main thread knows of it. */
export interface Shard {
  readonly index: number;
  readonly worker: Worker;
  readonly ready: Promise<void>;
  readonly pending: Map<number, Pending>;
  /** The accounts this thread holds. */
  readonly ids: Set<string>;
  readonly startedAt: number;
  /** The thread said it is ready (its setup module loaded); one that ends before is not replaced. */
  started: boolean;
  /** Threads of this slot in a row that ended within QUICK_DEATH_MS of their start. */
  readonly quickDeaths: number;
  seq: number;
}

export interface ShardStart {
  module: URL;
  init: ShardInit;
  index: number;
  quickDeaths: number;
  /** Where the thread's log records go (with `shard: index`). */
  logger: Logger;
  onEvent(event: ShardEvent): void;
  /** The thread ended (an error or an exit); its waiting calls have failed with `failure` already. */
  onEnded(shard: Shard, failure: HostThreadError): void;
}

/** A thread that ends sooner than this after its start counts towards the reopening back-off. */
export const QUICK_DEATH_MS = 30_000;
/** The back-off before reopening a replaced thread's accounts: 250 ms, doubling per quick death. */
const REOPEN_BASE_MS = 250;
const REOPEN_MAX_MS = 30_000;

/** How long a new thread waits before it reopens the accounts of the one it replaces. */
export function reopenDelayMs(quickDeaths: number): number {
  return quickDeaths === 0 ? 0 : Math.min(REOPEN_MAX_MS, REOPEN_BASE_MS * 2 ** quickDeaths);
}

export function startShard(o: ShardStart): Shard {
  // Not the process's flags (an --inspect, a user's --import hooks): the thread needs none.
  // Not unref'd: the threads are the host's work, and keep the process alive until close().
  const worker = new Worker(o.module, { workerData: o.init, execArgv: [] });
  let markReady: () => void = () => {};
  let failReady: (error: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  ready.catch(() => {}); // a thread that ends first fails the calls waiting for it (callShard)
  const shard: Shard = {
    index: o.index,
    worker,
    ready,
    pending: new Map(),
    ids: new Set(),
    startedAt: Date.now(),
    started: false,
    quickDeaths: o.quickDeaths,
    seq: 0,
  };
  const log = o.logger.child({ shard: o.index });
  worker.on('message', (m: FromShard) => {
    switch (m.type) {
      case 'ready':
        shard.started = true;
        return markReady();
      case 'result':
      case 'failed': {
        const pending = shard.pending.get(m.seq);
        shard.pending.delete(m.seq);
        if (m.type === 'result') pending?.resolve(m.value);
        else pending?.reject(rebuildError(o.index, m.error));
        return;
      }
      case 'log':
        return log[m.record.level](m.record.obj, m.record.msg);
      default:
        if (m.type === 'account-removed') shard.ids.delete(m.id);
        o.onEvent(m);
    }
  });
  const ended = (why: string): void => {
    const failure = new HostThreadError(o.index, `host thread ${o.index} ended: ${why}`);
    failReady(failure);
    for (const pending of shard.pending.values()) pending.reject(failure);
    shard.pending.clear();
    o.onEnded(shard, failure);
  };
  worker.on('error', (error) => ended(errorText(error)));
  worker.on('exit', (code) => ended(`the thread exited with code ${code}`));
  return shard;
}

/** Calls `method` in the thread once it is ready; rejects with what the thread threw, rebuilt. */
export async function callShard<M extends ShardMethod>(
  shard: Shard,
  method: M,
  args: ShardCalls[M]['args'],
): Promise<ShardCalls[M]['result']> {
  await shard.ready;
  const seq = ++shard.seq;
  return new Promise((resolve, reject) => {
    shard.pending.set(seq, { resolve: resolve as (value: unknown) => void, reject });
    try {
      shard.worker.postMessage({ type: 'call', seq, method, args });
    } catch (error) {
      // Arguments that cannot cross into a thread (a function in an account spec, say).
      shard.pending.delete(seq);
      reject(new InvalidArgumentError(method, `${method}: ${errorText(error)}`));
    }
  });
}
