/**
 * What the crash tests' children share (test/client/fixtures/crash-child.ts, postgres-crash-child.ts,
 * test/bot/fixtures/bot-crash-child.ts; the parent side is test/crash-harness.ts): the client's
 * options (short timeouts and back-offs, no pacing, so a restart resumes and catches up quickly), a
 * JSON line on stdout per event for the parent, and the run until SIGTERM.
 */
import { type ClientOptions, createClient, type WebWxClient } from '../src/client/index.js';

/** Writes one JSON line on stdout: what the parent reads (`{"event":"ready"}` and the like). */
export function say(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** A client on `store` against the emulator at `server`, with the crash tests' options; says 'ready'. */
export function crashClient(server: string, store: ClientOptions['store']): WebWxClient {
  const client = createClient({
    server,
    store,
    timeouts: { requestMs: 5000, syncCheckMs: 5000, loginPollMs: 5000 },
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
    rateLimit: { baseDelayMs: 20, maxDelayMs: 200 },
    pacing: false,
  });
  client.on('ready', () => say({ event: 'ready' }));
  return client;
}

/**
 * Runs `start()`: a failure is said ('start-failed') and exits with 2. On SIGTERM, `stop()` and exit
 * with 0 (the parent's clean end; its kills are SIGKILLs, which nothing here sees).
 */
export function runUntilTerm(start: () => Promise<unknown>, stop: () => Promise<unknown>): void {
  start().catch((error: unknown) => {
    say({ event: 'start-failed', error: String(error) });
    process.exit(2);
  });
  process.on('SIGTERM', () => {
    void stop().finally(() => process.exit(0));
  });
}
