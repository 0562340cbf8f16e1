/**
 * The messages between a ThreadedAccountHost (threaded-host.ts) and its shards, the worker threads
 * that each run an AccountHost (host-shard-worker.ts). Everything that crosses is structured-cloneable:
 * no functions, no class instances; errors cross as ShardErrorData (shardError, rebuildError).
 */
import { errorText } from '../client/error-text.js';
import type { ClientOptions, QrEvent } from '../client/index.js';
import type { Logger } from '../logger.js';
import type { SecretKey } from '../store/index.js';
import { AccountError, type AccountProblem, HostThreadError } from './host-errors.js';
import type { AccountSpec, AccountState, AccountSummary } from './hosted-account.js';

/** The tag a shard serves under: a worker started with other data refuses to run. */
export const SHARD_WORKER_TAG = 'webwx-host-shard';

/**
 * The client options a shard can take: the plain-data ones. A logger, a clock, a `createClient`
 * or an `openStore` cannot cross into a thread (the shard relays its log records instead).
 */
export type ShardClientOptions = Omit<
  ClientOptions,
  'store' | 'logger' | 'proxy' | 'dispatcher' | 'interceptors' | 'now' | 'random' | 'stableIds'
>;

/** What a shard is started with (its `workerData`). */
export interface ShardInit {
  tag: typeof SHARD_WORKER_TAG;
  /**
   * The levels the main thread's logger writes: records at other levels are not built or posted (a
   * shard's accounts log on every sync round; with the default silent logger, nothing crosses).
   */
  logLevels: ShardLog['level'][];
  dataDir?: string;
  secretKey?: SecretKey;
  client?: ShardClientOptions;
  /** The setup module's URL (`ThreadedAccountHostOptions.setup`), loaded once in the thread. */
  setup?: string;
}

/** The calls a shard answers, each with its arguments and its answer. */
export interface ShardCalls {
  add: { args: [spec: AccountSpec]; result: AccountSummary };
  /** Opens these ids of the data dir's accounts (an earlier run's). */
  resume: { args: [ids: string[]]; result: AccountSummary[] };
  list: { args: []; result: AccountSummary[] };
  login: { args: [id: string]; result: AccountSummary };
  logout: { args: [id: string]; result: undefined };
  remove: { args: [id: string]; result: undefined };
  close: { args: []; result: undefined };
}

export type ShardMethod = keyof ShardCalls;

/** Main thread → shard. */
export type ToShard = {
  [M in ShardMethod]: { type: 'call'; seq: number; method: M; args: ShardCalls[M]['args'] };
}[ShardMethod];

/** An error as it crosses the thread boundary (host-errors.ts rebuilds AccountError). */
export interface ShardErrorData {
  name: string;
  message: string;
  /** AccountError's problem and account id (set only for an AccountError). */
  problem?: AccountProblem;
  accountId?: string;
}

/** A shard's log record, written by the main thread's logger. */
export interface ShardLog {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg?: string;
}

/** Shard → main thread. */
export type FromShard =
  | { type: 'ready' }
  | { type: 'result'; seq: number; value: unknown }
  | { type: 'failed'; seq: number; error: ShardErrorData }
  | { type: 'account-state'; id: string; state: AccountState }
  | { type: 'account-qr'; id: string; qr: QrEvent }
  | { type: 'account-added'; id: string }
  | { type: 'account-removed'; id: string }
  | { type: 'log'; record: ShardLog };

/** The levels `logger` writes: none without one, all when it cannot say (no `isLevelEnabled`). */
export function enabledLevels(logger: Logger | undefined): ShardLog['level'][] {
  if (!logger) return [];
  const levels: ShardLog['level'][] = ['trace', 'debug', 'info', 'warn', 'error'];
  return levels.filter((level) => logger.isLevelEnabled?.(level) ?? true);
}

/** An error as it crosses from a shard (AccountError keeps its problem and account id). */
export function shardError(error: unknown): ShardErrorData {
  if (error instanceof AccountError) {
    return { name: error.name, message: error.message, problem: error.problem, accountId: error.accountId };
  }
  return error instanceof Error
    ? { name: error.name, message: errorText(error) }
    : { name: 'Error', message: String(error) };
}

/** A shard's error rebuilt in the main thread: AccountError as it was, anything else a HostThreadError. */
export function rebuildError(shard: number, e: ShardErrorData): Error {
  return e.problem === undefined
    ? new HostThreadError(shard, e.message)
    : new AccountError(e.problem, e.accountId ?? '', e.message);
}
