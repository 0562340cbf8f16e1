/**
 * `webwx serve [--port N] [--host H] [--token T] [--webhook URL] [--server URL]`: log in, then serve the
 * HTTP API (docs/bot.md). The token comes from --token or WEBWX_API_TOKEN and is never printed or
 * logged. The session, the message log and the webhook's delivery state live in the data directory's
 * store, like `webwx login`'s (a restart resumes without a QR code); `--store FILE` is a deprecated
 * alias that names the SQLite file directly.
 */
import { createApiHandler, prepareWebhookPosition } from '../bot/http-api/index.js';
import { createClient, type WebApp } from '../client/index.js';
import { startHealthFirstServer } from '../host/health-server.js';
import { budgetedClient, HostMetrics, healthRoutes, SendBudget } from '../host/index.js';
import type { Logger } from '../logger.js';
import { hasStoreSettings, SqliteStore } from '../store/index.js';
import { CliError, type CliIo } from './cli-io.js';
import { openCliStore } from './cli-store.js';
import { reportLoginSteps } from './data-dir.js';
import { runServiceSession } from './service-session.js';
import { storeKeyFrom } from './store-key.js';

export interface ServeCommandOptions {
  server?: string;
  uos: boolean;
  /** The web app to log in to (default 'web'). */
  app?: WebApp;
  port: number;
  host: string;
  token?: string;
  webhook?: string;
  /** Deprecated: a SQLite file instead of the data directory's store. */
  store?: string;
  /** The data directory (data-dir.ts) whose store keeps the session, the message log and the webhook's state. */
  dataDir?: string | undefined;
  /** false (--no-pacing): the client's outbox sends as fast as the server takes them. */
  pacing?: boolean;
  /** The Telegram Bot API-compatible surface (docs/telegram-api.md); on unless --no-telegram. */
  telegram?: boolean;
  logger: Logger;
  signal: AbortSignal;
}

export async function runServeCommand(options: ServeCommandOptions, io: CliIo): Promise<number> {
  const token = options.token ?? io.env.WEBWX_API_TOKEN;
  if (!token)
    throw new CliError(
      'serve needs a bearer token: set WEBWX_API_TOKEN (or --token), at least 16 characters',
    );
  if (token.length < 16) throw new CliError('the API token must be at least 16 characters');
  if (options.webhook !== undefined) {
    try {
      const url = new URL(options.webhook);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    } catch {
      throw new CliError('--webhook: expected an http(s) URL');
    }
  }
  if (options.store !== undefined) {
    io.stderr.write(
      'webwx: --store is deprecated: serve keeps its store in the data directory (--data-dir)\n',
    );
  }
  const app = options.app ?? 'web';
  const store =
    options.store !== undefined
      ? openStoreFile(options.store, storeKeyFrom(io.env))
      : options.dataDir !== undefined
        ? openCliStore(options.dataDir, app, storeKeyFrom(io.env))
        : undefined;
  const client = createClient({
    ...(options.server ? { server: options.server } : {}),
    app,
    uos: { enabled: options.uos },
    logger: options.logger,
    ...(options.pacing === false ? { pacing: false as const } : {}),
    ...(store ? { store } : {}),
  });
  const offSteps = reportLoginSteps(client, io);
  // /healthz, /readyz and /metrics (docs/host.md "Health"), the one account labelled 'default'.
  const budget = new SendBudget({
    accountId: 'default',
    limit: undefined,
    settings: store && hasStoreSettings(store) ? store : undefined,
    now: Date.now,
  });
  const metrics: HostMetrics = new HostMetrics(() => [
    {
      id: 'default',
      state: client.state,
      outboxDepth: client.outbox.stats().queued + client.outbox.stats().inFlight,
      budget: budget.state(),
    },
  ]);
  const unwatch = metrics.watch('default', client);
  const counted = budgetedClient(client, budget, metrics.sendHooks('default'));
  const preAuth = healthRoutes({
    token,
    metrics,
    notReady: () => (client.state === 'ready' ? [] : [{ id: 'default', state: client.state }]),
  });
  let api: Awaited<ReturnType<typeof startHealthFirstServer>> | undefined;
  try {
    return await runServiceSession(
      {
        client,
        signal: options.signal,
        start: async () => {
          // The webhook starts at the log's end of the first run, before the login's messages.
          if (store && options.webhook) await prepareWebhookPosition(store);
          // It listens before the login: /healthz and /readyz (503) answer while the account logs in.
          const server = await startHealthFirstServer({
            health: preAuth,
            host: options.host,
            port: options.port,
          });
          api = server;
          await client.start();
          await budget.load();
          server.serve(
            await createApiHandler(
              {
                client: counted,
                token,
                logger: options.logger,
                ...(store ? { history: store } : {}),
                ...(options.webhook ? { webhook: { url: options.webhook } } : {}),
                ...(store ? { store } : {}),
                telegram: options.telegram !== false && (store ? { store } : true),
              },
              () => server.url,
            ),
          );
          io.stdout.write(`HTTP API listening on ${api.url} (send Authorization: Bearer <your token>)\n`);
          io.stdout.write(`  OpenAPI: ${api.url}/v1/openapi.json   Press Ctrl-C to stop.\n`);
          if (options.telegram !== false) {
            io.stdout.write(`  Telegram Bot API: apiRoot ${api.url} (the bot token is your API token)\n`);
          }
        },
        stop: async () => {
          offSteps();
          unwatch();
          await api?.close();
          await budget.flush();
        },
      },
      io,
    );
  } finally {
    store?.close();
  }
}

/** The deprecated `--store FILE`, sealed with WEBWX_STORE_KEY when set. */
function openStoreFile(path: string, secretKey: Uint8Array | undefined): SqliteStore {
  return new SqliteStore(secretKey === undefined ? { path } : { path, secretKey });
}
