/**
 * `webwx login [--server URL]`: draw the QR in the terminal, log in (to the real service by default),
 * print the seed's counts, then chat line by line.
 */
import { createClient, type WebApp, type WebWxClient } from '../client/index.js';
import type { Logger } from '../logger.js';
import type { CliIo } from './cli-io.js';
import { openCliStore } from './cli-store.js';
import { formatSummary, summarizeContacts } from './contact-summary.js';
import { reportLoginSteps } from './data-dir.js';
import { runLineChat } from './line-chat.js';
import { storeKeyFrom } from './store-key.js';

export interface LoginCommandOptions {
  server?: string;
  uos: boolean;
  /** The web app to log in to (default 'web'); each app keeps its own store file. */
  app?: WebApp;
  logger: Logger;
  signal: AbortSignal;
  /** Keep the chat running after stdin ends (demo without a terminal). */
  keepAliveOnEof?: boolean;
  /** Where the SQLite store lives (data-dir.ts); none: nothing is kept. */
  dataDir?: string;
}

/** Print login progress: the QR, scanned, logged in, counts. Returns the unsubscribe functions. */
export function reportLoginProgress(client: WebWxClient, io: CliIo): () => void {
  const write = (s: string) => io.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
  const offs = [
    client.on('qr', ({ terminal, url }) => {
      write('Scan this QR code with WeChat on your phone:');
      write(terminal);
      write(`(or open ${url})`);
    }),
    client.on('scanned', () => write('Scanned. Confirm the login on your phone…')),
    client.on('login', ({ self }) => write(`Logged in as ${self.nickName}. Loading contacts…`)),
    client.on('ready', () =>
      write(formatSummary(summarizeContacts(client.contacts.list(), client.contacts.rooms()))),
    ),
  ];
  return () => {
    for (const off of offs) off();
  };
}

export async function runLoginCommand(options: LoginCommandOptions, io: CliIo): Promise<number> {
  // The session, contacts and message log live in the data directory (docs/sessions.md).
  const app = options.app ?? 'web';
  const store =
    options.dataDir === undefined ? undefined : openCliStore(options.dataDir, app, storeKeyFrom(io.env));
  const client = createClient({
    ...(options.server ? { server: options.server } : {}),
    app,
    uos: { enabled: options.uos },
    logger: options.logger,
    ...(store ? { store } : {}),
  });
  const offSteps = reportLoginSteps(client, io);
  try {
    return await runClientSession(client, options, io);
  } finally {
    offSteps();
    store?.close();
  }
}

/** Log the client in, then run the line chat until quit, end of input, logout or the signal. */
export async function runClientSession(
  client: WebWxClient,
  options: { signal: AbortSignal; keepAliveOnEof?: boolean },
  io: CliIo,
): Promise<number> {
  const offProgress = reportLoginProgress(client, io);
  const onAbort = () => void client.stop();
  options.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await client.start();
    if (options.signal.aborted) return 130;
    io.stdout.write('Type ->NAME:TEXT to send, help for commands, quit to exit.\n');
    const aborted = new Promise<'aborted'>((resolve) => {
      if (options.signal.aborted) resolve('aborted');
      options.signal.addEventListener('abort', () => resolve('aborted'), { once: true });
    });
    const end = await Promise.race([
      runLineChat({ client, io, keepAliveOnEof: options.keepAliveOnEof ?? false }),
      aborted,
    ]);
    if (end === 'quit') await client.logout().catch(() => undefined);
    if (end === 'aborted') return 130;
    return end === 'logged-out' ? 3 : 0;
  } catch (error) {
    if (options.signal.aborted) return 130;
    throw error;
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    offProgress();
    await client.stop();
  }
}
