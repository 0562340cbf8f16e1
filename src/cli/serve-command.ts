/**
 * `webwx serve [--port N] [--host H] [--token T] [--webhook URL] [--store FILE] [--server URL]`: log in,
 * then serve the HTTP API (docs/bot.md). The token comes from --token or WEBWX_API_TOKEN and is never
 * printed or logged.
 */
import type { Command } from 'commander';
import { startApiServer } from '../bot/http-api/index.js';
import { createClient, type WebApp } from '../client/index.js';
import type { Logger } from '../logger.js';
import { SqliteStore } from '../store/index.js';
import { appOption, parsePort, parseServerUrl } from './arguments.js';
import type { CommandHost } from './bot-command.js';
import { CliError, type CliIo } from './cli-io.js';
import { runServiceSession } from './service-session.js';

export interface ServeCommandOptions {
  server?: string;
  uos: boolean;
  /** The web app to log in to (default 'web'). */
  app?: WebApp;
  port: number;
  host: string;
  token?: string;
  webhook?: string;
  store?: string;
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
  const store = options.store ? new SqliteStore(options.store) : undefined;
  const client = createClient({
    ...(options.server ? { server: options.server } : {}),
    app: options.app ?? 'web',
    uos: { enabled: options.uos },
    logger: options.logger,
    ...(store ? { store } : {}),
  });
  let api: Awaited<ReturnType<typeof startApiServer>> | undefined;
  try {
    return await runServiceSession(
      {
        client,
        signal: options.signal,
        start: async () => {
          await client.start();
          api = await startApiServer({
            client,
            token,
            host: options.host,
            port: options.port,
            logger: options.logger,
            ...(store ? { history: store } : {}),
            ...(options.webhook ? { webhook: { url: options.webhook } } : {}),
            telegram: options.telegram !== false && (store ? { store } : true),
          });
          io.stdout.write(`HTTP API listening on ${api.url} (send Authorization: Bearer <your token>)\n`);
          io.stdout.write(`  OpenAPI: ${api.url}/v1/openapi.json   Press Ctrl-C to stop.\n`);
          if (options.telegram !== false) {
            io.stdout.write(`  Telegram Bot API: apiRoot ${api.url} (the bot token is your API token)\n`);
          }
        },
        stop: async () => {
          await api?.close();
        },
      },
      io,
    );
  } finally {
    store?.close();
  }
}

/** Adds `webwx serve` to the program. */
export function registerServeCommand(program: Command, host: CommandHost): void {
  program
    .command('serve')
    .description('log in, then serve the HTTP API (bearer token from WEBWX_API_TOKEN or --token)')
    .option('--server <url>', 'one base URL for every host, e.g. an emulator', parseServerUrl)
    .option('--no-uos', 'do not send the UOS desktop login headers')
    .addOption(appOption())
    .option('--port <n>', 'port to listen on (0 picks a free one)', parsePort, 8788)
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--token <token>', 'the bearer token (better: WEBWX_API_TOKEN)')
    .option('--webhook <url>', 'POST every incoming message to this URL, with retries')
    .option('--store <file>', 'a SQLite file for the session and the message history')
    .option('--no-telegram', 'do not serve the Telegram Bot API-compatible surface')
    .action(async (opts: Omit<ServeCommandOptions, 'logger' | 'signal'>) => {
      host.setExitCode(
        await runServeCommand({ ...opts, logger: host.logger(), signal: host.signal }, host.io),
      );
    });
}
