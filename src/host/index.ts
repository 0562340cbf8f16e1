/**
 * `webwx/host`: many accounts in one process, and accounts leased to workers across processes
 * (docs/host.md, docs/scale.md). {@link AccountHost} runs accounts, each with its own store, outbox,
 * proxy and daily send budget, with health routes and Prometheus metrics; a {@link Worker} runs the
 * accounts whose leases it holds in PostgreSQL ({@link PostgresLeaseStore}), publishing their incoming
 * messages to Redis Streams and taking outbound commands from them (the bus: {@link BusConsumer},
 * {@link publishCommand}). The drivers `pg` and `ioredis` are optional dependencies, loaded only when
 * a database or a Redis is opened: importing this module loads neither.
 *
 * @module
 */

export type { EventJson } from '../bot/http-api/index.js';
export {
  type Lease,
  type LeaseState,
  type LeaseStore,
  MemoryLeaseStore,
  PostgresLeaseStore,
  type PostgresLeaseStoreOptions,
  type WorkerState,
} from '../store/index.js';
export { AccountHost, type AccountHostEvents, type AccountHostOptions } from './account-host.js';
export { BUDGETED_METHODS, type BudgetHooks, budgetedClient } from './budgeted-client.js';
export {
  type AccountStreams,
  accountsKey,
  BUS_POSITION_KEY,
  BusConsumer,
  type BusConsumerOptions,
  BusError,
  type BusEvent,
  type BusProblem,
  type CommandResult,
  describeRedisUrl,
  InboundPublisher,
  type InboundPublisherOptions,
  type OutboundBase,
  type OutboundCommand,
  OutboundRunner,
  type OutboundRunnerOptions,
  type OutboundTarget,
  openRedis,
  parseCommand,
  prepareBusPosition,
  publishCommand,
  type RedisConnection,
  type RedisImporter,
  streamsOf,
  WORKER_GROUP,
} from './bus/index.js';
export { type HealthSource, healthRoutes } from './health-routes.js';
export { AccountError, type AccountProblem, HostThreadError, SendBudgetError } from './host-errors.js';
export { ACCOUNT_STATES, type AccountsSource, HostMetrics } from './host-metrics.js';
export { type HostServer, type HostServerOptions, startHostServer } from './host-server.js';
export type { ShardClientOptions } from './host-shard-protocol.js';
export type { ShardSetup } from './host-shard-worker.js';
export {
  type AccountChange,
  type AccountSpec,
  type AccountState,
  type AccountSummary,
  HostedAccount,
  type HostedAccountInit,
  specProblem,
} from './hosted-account.js';
export { SEND_BUDGET_SETTING, SendBudget, type SendBudgetState, utcDay } from './send-budget.js';
export {
  ThreadedAccountHost,
  type ThreadedAccountHostEvents,
  type ThreadedAccountHostOptions,
} from './threaded-host.js';
export {
  DEFAULT_LEASE_TTL_MS,
  Worker,
  type WorkerEvent,
  type WorkerOptions,
  workerTiming,
} from './worker.js';
export {
  type HeldLease,
  openAccountStore,
  readWorkerSpec,
  WORKER_SPEC_KEY,
  type WorkerAccountSpec,
  type WorkerDatabase,
  writeWorkerSpec,
} from './worker-account.js';
export {
  type LoginFailureOutcome,
  LoginRetries,
  type LoginRetryActions,
  type LoginRetryOptions,
} from './worker-login-retry.js';
