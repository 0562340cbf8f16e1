/**
 * The scale scenario's host process (scenario-scale.ts): one AccountHost with `accounts` accounts on
 * memory stores (no data dir) or a SQLite file each, pacing off, each logged in by a QR code the driver confirms on that
 * account's phone in the emulator. Its CPU and RSS are the host's alone (the emulator and the phones
 * live in the driver). Talks to the driver over IPC (ScaleHostMessage / ScaleDriverMessage); bounded:
 * it exits by itself after `maxLifetimeMs`, or when the driver goes away.
 */
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { loadWebwxHost } from './package-entry.js';
import { processUsage, type Usage } from './proc.js';

export interface ScaleHostArgs {
  baseUrl: string;
  /** Account ids, in order; the driver maps each to its emulator account. */
  ids: string[];
  /** Reply to every text with the same text (client.on('message') → sendText). */
  echo: boolean;
  /** 'memory': memory stores (no data dir); 'sqlite': a SQLite file per account in `dataDir`. */
  store: 'memory' | 'sqlite';
  /** With 'sqlite': an empty directory (the driver makes it and removes it). */
  dataDir?: string;
  /**
   * A ThreadedAccountHost of this many threads instead of one AccountHost; the echo is then
   * scale-echo-setup.ts, run in each thread.
   */
  threads?: number;
  maxLifetimeMs: number;
}

export type ScaleHostMessage =
  | { type: 'loaded'; usage: Usage }
  | { type: 'qr'; id: string; uuid: string }
  | { type: 'ready'; usage: Usage; afterGc: Usage }
  /**
   * `memory`: process.memoryUsage() at the same moment (V8 heap, external, array buffers); `spaces`:
   * each V8 heap space's size and what is used of it, bytes (the young generation grows with load).
   */
  | { type: 'usage'; usage: Usage; memory: NodeJS.MemoryUsage; spaces: Record<string, [number, number]> }
  | { type: 'failed'; error: string };

export type ScaleDriverMessage =
  | { type: 'usage'; gc?: boolean }
  | { type: 'stop' }
  /** Writes a V8 heap snapshot there (finding where the memory per account goes), then answers usage. */
  | { type: 'heap-snapshot'; path: string };

const usage = processUsage;

function memoryReport(): { memory: NodeJS.MemoryUsage; spaces: Record<string, [number, number]> } {
  const spaces = Object.fromEntries(
    getHeapSpaceStatistics().map((s) => [
      s.space_name,
      [s.space_size, s.space_used_size] as [number, number],
    ]),
  );
  return { memory: process.memoryUsage(), spaces };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function send(message: ScaleHostMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as ScaleHostArgs;
  const lifetime = setTimeout(() => process.exit(3), args.maxLifetimeMs);
  lifetime.unref();
  process.on('disconnect', () => process.exit(0));
  const { AccountHost, ThreadedAccountHost } = await loadWebwxHost();
  gc();
  send({ type: 'loaded', usage: usage() });
  const options = {
    client: { server: args.baseUrl, pacing: false as const },
    ...(args.store === 'sqlite' && args.dataDir ? { dataDir: args.dataDir } : {}),
  };
  const setup = new URL(
    import.meta.url.endsWith('.ts') ? './scale-echo-setup.ts' : './scale-echo-setup.js',
    import.meta.url,
  );
  const host = args.threads
    ? new ThreadedAccountHost({ ...options, threads: args.threads, ...(args.echo ? { setup } : {}) })
    : new AccountHost(options);
  // The events both hosts have, with the same payloads.
  const on = host.on.bind(host) as unknown as InstanceType<typeof ThreadedAccountHost>['on'];
  on('account-qr', ({ id, qr }) => send({ type: 'qr', id, uuid: qr.uuid }));
  if (args.echo && host instanceof AccountHost) {
    host.on('account-client', ({ client }) => {
      client.on('message', (m) => {
        if (m.kind === 'text' && !m.isSelf) client.sendText(m.chat.userName, m.text).catch(() => {});
      });
    });
  }
  const ready = new Set<string>();
  const allReady = new Promise<void>((resolve) => {
    on('account-state', ({ id, state }) => {
      if (state === 'ready') ready.add(id);
      if (state === 'failed') send({ type: 'failed', error: `account ${id} failed to log in` });
      if (ready.size === args.ids.length) resolve();
    });
  });
  for (const id of args.ids) await host.add({ id });
  await allReady;
  const atReady = usage();
  gc();
  send({ type: 'ready', usage: atReady, afterGc: usage() });
  process.on('message', (m: ScaleDriverMessage) => {
    if (m.type === 'usage') {
      if (m.gc) gc();
      send({ type: 'usage', usage: usage(), ...memoryReport() });
    } else if (m.type === 'heap-snapshot') {
      writeHeapSnapshot(m.path);
      send({ type: 'usage', usage: usage(), ...memoryReport() });
    } else if (m.type === 'stop') {
      void host.close().finally(() => process.exit(0));
    }
  });
}

main().catch((error: unknown) => {
  send({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
  process.exitCode = 2;
});
