/**
 * What `webwx bot` and `webwx serve` share: log the client in (QR in the terminal), run until the
 * signal (exit 130) or the end of the session (exit 3), then stop everything.
 */
import type { WebWxClient } from '../client/index.js';
import type { CliIo } from './cli-io.js';
import { reportLoginProgress } from './login-command.js';

export interface ServiceSession {
  client: WebWxClient;
  signal: AbortSignal;
  /** Starts the service once the client is logged in (or starts the client itself). */
  start(): Promise<void>;
  /** Stops the service (before the client stops). */
  stop(): Promise<void>;
}

export async function runServiceSession(session: ServiceSession, io: CliIo): Promise<number> {
  const { client, signal } = session;
  const offProgress = reportLoginProgress(client, io);
  const onAbort = () => void client.stop();
  signal.addEventListener('abort', onAbort, { once: true });
  let loggedOut: string | undefined;
  const ended = new Promise<'logged-out' | 'aborted'>((resolve) => {
    client.on('logout', ({ reason }) => {
      loggedOut = reason;
      resolve('logged-out');
    });
    if (signal.aborted) resolve('aborted');
    signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  try {
    await session.start();
    if (signal.aborted) return 130;
    const end = await ended;
    if (end === 'aborted') return 130;
    io.stderr.write(`webwx: session ended: ${loggedOut}\n`);
    return 3;
  } catch (error) {
    if (signal.aborted) return 130;
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
    offProgress();
    await session.stop().catch(() => undefined);
    await client.stop();
  }
}
