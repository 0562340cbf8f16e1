/**
 * The scale scenario's limit host (scenario-scale.ts): the same accounts as scale-host.ts in one
 * process, each a RawClient (raw-session.ts: synccheck → webwxsync → webwxsendmsg, JSON.parse and
 * nothing else; no store, no events, no decoding, no outbox). Its echo is the least any process that
 * serves that many accounts can do on this machine: what is left of a webwx host's p99 above it is
 * the host's own, what the limit shows too is the machine's.
 *
 * It speaks the same IPC as scale-host.ts (ScaleHostMessage / ScaleDriverMessage), so the driver
 * confirms each QR code on that account's phone the same way. Bounded like it: it exits after
 * `maxLifetimeMs`, or when the driver goes away.
 */
import { processUsage } from './proc.js';
import { undiciHttp } from './raw-http.js';
import { RawClient } from './raw-session.js';
import type { ScaleDriverMessage, ScaleHostArgs, ScaleHostMessage } from './scale-host.js';

function send(message: ScaleHostMessage): void {
  process.send?.(message);
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as ScaleHostArgs;
  setTimeout(() => process.exit(3), args.maxLifetimeMs).unref();
  process.on('disconnect', () => process.exit(0));
  // Each client's pool made before 'loaded', so that undici is in the baseline as the limit's code.
  const pools = await Promise.all(args.ids.map(() => undiciHttp()));
  gc();
  send({ type: 'loaded', usage: processUsage() });
  const clients = pools.map((http) => new RawClient(args.baseUrl, http));
  await Promise.all(
    clients.map(async (raw, i) => {
      const id = args.ids[i] as string;
      await raw.login((uuid) => send({ type: 'qr', id, uuid }));
      await raw.init();
      raw.start(args.echo);
    }),
  );
  const atReady = processUsage();
  gc();
  send({ type: 'ready', usage: atReady, afterGc: processUsage() });
  process.on('message', (m: ScaleDriverMessage) => {
    if (m.type === 'usage') {
      if (m.gc) gc();
      send({ type: 'usage', usage: processUsage(), memory: process.memoryUsage(), spaces: {} });
    } else if (m.type === 'stop') {
      void Promise.all(clients.map((c) => c.stop())).finally(() => process.exit(0));
    }
  });
}

main().catch((error: unknown) => {
  send({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
  process.exitCode = 2;
});
