/**
 * `webwx host [--port N] [--host H] [--token T] [--server URL]`: many accounts in one process behind
 * one HTTP API (docs/host.md). Accounts live under `<data dir>/accounts/<id>/`; those of an earlier
 * run are resumed from their stores (no QR code) before the API listens. The token comes from
 * --token or WEBWX_API_TOKEN and is never printed or logged.
 */
import { AccountHost, HostMetrics, startHostServer } from '../host/index.js';
import type { Logger } from '../logger.js';
import { CliError, type CliIo } from './cli-io.js';
import { storeKeyFrom } from './store-key.js';

export interface HostCommandOptions {
  server?: string;
  uos: boolean;
  /** false (--no-pacing): every account's outbox sends as fast as the server takes them. */
  pacing?: boolean;
  port: number;
  host: string;
  token?: string;
  dataDir: string;
  logger: Logger;
  signal: AbortSignal;
}

export async function runHostCommand(options: HostCommandOptions, io: CliIo): Promise<number> {
  const token = options.token ?? io.env.WEBWX_API_TOKEN;
  if (!token || token.length < 16) {
    throw new CliError(
      'host needs a bearer token of at least 16 characters: set WEBWX_API_TOKEN (or --token)',
    );
  }
  const secretKey = storeKeyFrom(io.env);
  const metrics: HostMetrics = new HostMetrics(() => host.list());
  const host: AccountHost = new AccountHost({
    dataDir: options.dataDir,
    ...(secretKey !== undefined ? { secretKey } : {}),
    logger: options.logger,
    client: {
      ...(options.server ? { server: options.server } : {}),
      uos: { enabled: options.uos },
      ...(options.pacing === false ? { pacing: false as const } : {}),
    },
    sendHooks: (id) => metrics.sendHooks(id),
  });
  const detach = metrics.attach(host);
  let server: Awaited<ReturnType<typeof startHostServer>> | undefined;
  try {
    const resumed = await host.resume();
    server = await startHostServer({
      host,
      token,
      metrics,
      address: options.host,
      port: options.port,
      logger: options.logger,
    });
    io.stdout.write(`Account host listening on ${server.url} (send Authorization: Bearer <your token>)\n`);
    io.stdout.write(
      `  ${resumed.length} account(s) resumed from ${options.dataDir}. Press Ctrl-C to stop.\n`,
    );
    if (!options.signal.aborted) {
      await new Promise<void>((resolve) =>
        options.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
    }
    // Stopped by a signal, as `webwx serve` is.
    return 130;
  } finally {
    await server?.close();
    detach();
    await host.close();
  }
}
