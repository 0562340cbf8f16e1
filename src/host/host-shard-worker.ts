/**
 * One shard of a ThreadedAccountHost (threaded-host.ts): a worker thread running an AccountHost over
 * its share of the accounts. It answers the main thread's calls (host-shard-protocol.ts), relays its
 * accounts' states, QR codes and log records, and runs the setup module on every client it makes.
 * Started by threaded-host.ts only: with other `workerData` it does nothing.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorText } from '../client/error-text.js';
import type { WebWxClient } from '../client/index.js';
import { InvalidArgumentError } from '../errors.js';
import type { Logger } from '../logger.js';
import { AccountHost } from './account-host.js';
import {
  type FromShard,
  SHARD_WORKER_TAG,
  type ShardCalls,
  type ShardInit,
  type ShardLog,
  type ShardMethod,
  shardError,
  type ToShard,
} from './host-shard-protocol.js';

/** What a setup module exports by default: called with every client a shard makes. */
export type ShardSetup = (client: WebWxClient, account: { id: string }) => void | Promise<void>;

/** A Logger that posts its records at `levels` to the main thread, whose logger writes them. */
function relayLogger(
  post: (m: FromShard) => void,
  levels: ReadonlySet<string>,
  bindings: Record<string, unknown>,
): Logger {
  const at =
    (level: ShardLog['level']) =>
    (first: object | string, msg?: string): void => {
      if (!levels.has(level)) return;
      const obj = typeof first === 'string' ? { ...bindings } : { ...bindings, ...first };
      const text = typeof first === 'string' ? first : msg;
      try {
        post({ type: 'log', record: { level, obj, ...(text === undefined ? {} : { msg: text }) } });
      } catch {
        // A record that cannot be cloned (a function in it) is dropped, never thrown at the caller.
      }
    };
  return {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => relayLogger(post, levels, { ...bindings, ...more }),
    isLevelEnabled: (level) => levels.has(level),
  };
}

async function serve(init: ShardInit, port: NonNullable<typeof parentPort>): Promise<void> {
  const post = (m: FromShard): void => port.postMessage(m);
  const logger = relayLogger(post, new Set(init.logLevels), {});
  const setup: ShardSetup | undefined = init.setup
    ? ((await import(init.setup)) as { default?: ShardSetup }).default
    : undefined;
  if (init.setup && typeof setup !== 'function') {
    throw new InvalidArgumentError('setup', `the setup module ${init.setup} has no default export function`);
  }
  const host = new AccountHost({
    ...(init.dataDir === undefined ? {} : { dataDir: init.dataDir }),
    ...(init.secretKey === undefined ? {} : { secretKey: init.secretKey }),
    ...(init.client === undefined ? {} : { client: init.client }),
    logger,
  });
  host.on('account-state', ({ id, state }) => post({ type: 'account-state', id, state }));
  host.on('account-qr', ({ id, qr }) => post({ type: 'account-qr', id, qr: { ...qr } }));
  host.on('account-added', ({ id }) => post({ type: 'account-added', id }));
  host.on('account-removed', ({ id }) => post({ type: 'account-removed', id }));
  if (setup) {
    host.on('account-client', ({ id, client }) => {
      Promise.resolve()
        .then(() => setup(client, { id }))
        .catch((error: unknown) =>
          logger.error({ account: id, error: errorText(error) }, 'the setup module failed for an account'),
        );
    });
  }
  const calls: { [M in ShardMethod]: (...args: ShardCalls[M]['args']) => Promise<ShardCalls[M]['result']> } =
    {
      add: async (spec) => (await host.add(spec)).summary(),
      resume: async (ids) => {
        const wanted = new Set(ids);
        return (await host.resume((id) => wanted.has(id))).map((a) => a.summary());
      },
      list: async () => host.list(),
      login: async (id) => (await host.login(id)).summary(),
      logout: async (id) => {
        await host.logout(id);
        return undefined;
      },
      remove: async (id) => {
        await host.remove(id);
        return undefined;
      },
      close: async () => {
        await host.close();
        return undefined;
      },
    };
  port.on('message', (m: ToShard) => {
    if (m?.type !== 'call' || !(m.method in calls)) return;
    const call = calls[m.method] as (...args: unknown[]) => Promise<unknown>;
    call(...m.args).then(
      (value) => post({ type: 'result', seq: m.seq, value }),
      (error: unknown) => post({ type: 'failed', seq: m.seq, error: shardError(error) }),
    );
  });
  post({ type: 'ready' });
}

const init = workerData as ShardInit | undefined;
if (parentPort && init?.tag === SHARD_WORKER_TAG) {
  const port = parentPort;
  // A failure to start rejects unhandled: the thread ends with it, and the main thread's 'error'
  // listener reports it (threaded-host.ts).
  void serve(init, port);
}
