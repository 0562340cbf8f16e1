/**
 * Scenario 5, scale (issue #21): many accounts in one AccountHost process (bench/scale-host.ts,
 * memory stores, pacing off), against one emulator with a multi-account world in this (driver)
 * process, so the emulator's memory and CPU are not the host's.
 *
 * - Idle: for each account count, a fresh emulator world of N accounts × `contactsEach` friends and a
 *   fresh host with the N accounts logged in (each QR confirmed on its account's phone); RSS (after a
 *   GC) and CPU over an idle window. The MB per account beyond the first comes from the extremes.
 * - Aggregate echo: `echoAccounts` accounts each echoing every text; the phones send `echoRate` texts
 *   a second in total, round robin over the accounts, for `echoMs`; latency from the phone's send to
 *   the reply reaching the emulator.
 * - The threaded echo (`threadedEcho`): the same echo on a ThreadedAccountHost, the accounts spread
 *   over worker threads (each its own heap and event loop), the handler a setup module.
 * - The limit's echo (`limitEcho`): the same echo with the accounts as raw clients in one process
 *   (scale-limit-host.ts: no store, no decoding), the least any host does on this machine; what the
 *   webwx host's p99 has above it is the host's own, what both show is the machine's.
 * The failover time is the failover scenario's (scenario-failover.ts).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type Emulator, multiAccountWorld, startEmulator } from '../src/emulator/index.js';
import { COMPILED_SUBJECT_ENV, nextMessage, profileFlags, type Usage } from './proc.js';
import type { ScaleDriverMessage, ScaleHostArgs, ScaleHostMessage } from './scale-host.js';
import { type ScaleEchoResult, type ScaleIdlePoint, type ScaleResult, scaleRows } from './scale-rows.js';
import { summarise } from './stats.js';

export interface ScaleOptions {
  idleCounts: number[];
  contactsEach: number;
  idleWindowMs: number;
  echoAccounts: number;
  echoRate: number;
  echoMs: number;
  /** The accounts' stores: memory (no data dir) or a SQLite file each in a temporary directory. */
  store: 'memory' | 'sqlite';
  /** Also runs the aggregate echo on the limit host (scale-limit-host.ts), after webwx's. */
  limitEcho?: boolean;
  /** Also runs the aggregate echo on a ThreadedAccountHost of this many threads (scale-host.ts). */
  threadedEcho?: number;
  /**
   * A directory for a V8 heap snapshot of the host at each idle point (`idle-<n>.heapsnapshot`,
   * after the GC that ends the window): how the memory per account was split up. None by default.
   */
  snapshotDir?: string;
}

interface HostHandle {
  child: ChildProcess;
  loaded: Usage;
  ready: Extract<ScaleHostMessage, { type: 'ready' }>;
  usage(gc?: boolean): Promise<Usage>;
  /** process.memoryUsage() of the host after a GC, and its V8 heap spaces (size, used). */
  memory(): Promise<Pick<Extract<ScaleHostMessage, { type: 'usage' }>, 'memory' | 'spaces'>>;
  heapSnapshot(path: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * WEBWX_BENCH_HOST_FLAGS: extra Node flags for the host process, space-separated (how docs/host.md's
 * "Tuning" figures were measured, e.g. `--max-semi-space-size=4`). None by default: the rows are
 * for Node's defaults, as `webwx host` runs.
 */
function hostFlags(): string[] {
  return (process.env.WEBWX_BENCH_HOST_FLAGS ?? '').split(' ').filter(Boolean);
}

const accountIdOf = (i: number) => `acc-${String(i + 1).padStart(3, '0')}`;

function waitFor<T extends ScaleHostMessage['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<ScaleHostMessage, { type: T }>> {
  return nextMessage<ScaleHostMessage>(
    child,
    (m) => m.type === type,
    timeoutMs,
    `scale host ${type}`,
  ) as Promise<Extract<ScaleHostMessage, { type: T }>>;
}

/**
 * Which host process: webwx's AccountHost (scale-host.ts), a ThreadedAccountHost of `threads` threads
 * (the same script), or the limit's raw clients (scale-limit-host.ts).
 */
type HostKind = 'webwx' | 'limit' | { threads: number };

/** Forks a host with `n` accounts and confirms each QR code on that account's phone. */
async function startHost(
  emu: Emulator,
  n: number,
  echo: boolean,
  store: ScaleOptions['store'],
  kind: HostKind = 'webwx',
): Promise<HostHandle & { loginMs: number }> {
  const ids = Array.from({ length: n }, (_, i) => accountIdOf(i));
  const phoneOf = new Map(ids.map((id, i) => [id, emu.phoneOf(emu.accounts[i]!.id)]));
  const dataDir =
    store === 'sqlite' && kind !== 'limit' ? mkdtempSync(join(tmpdir(), 'webwx-bench-scale-')) : undefined;
  const args: ScaleHostArgs = {
    baseUrl: emu.baseUrl,
    ids,
    echo,
    store,
    ...(dataDir ? { dataDir } : {}),
    ...(typeof kind === 'object' ? { threads: kind.threads } : {}),
    maxLifetimeMs: 15 * 60_000,
  };
  const removeDir = () => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  // Compiled by run.ts (compile.ts), the host runs the bundle as `webwx host` does, without tsx.
  const compiled = process.env[COMPILED_SUBJECT_ENV];
  const name = kind === 'limit' ? 'scale-limit-host' : 'scale-host';
  const script = compiled
    ? join(dirname(compiled), `${name}.js`)
    : fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  const child = fork(script, [JSON.stringify(args)], {
    execArgv: [...(compiled ? [] : ['--import', 'tsx']), '--expose-gc', ...profileFlags(), ...hostFlags()],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  child.on('message', (m: ScaleHostMessage) => {
    if (m.type !== 'qr') return;
    const phone = phoneOf.get(m.id);
    setTimeout(() => {
      try {
        phone?.scan(m.uuid);
        phone?.confirm(m.uuid);
      } catch {
        // expired meanwhile: the host shows a new one
      }
    }, 50);
  });
  try {
    const loaded = await waitFor(child, 'loaded', 60_000);
    const started = performance.now();
    const ready = await waitFor(child, 'ready', 60_000 + n * 2000);
    const loginMs = performance.now() - started;
    return {
      child,
      loaded: loaded.usage,
      ready,
      loginMs,
      async usage(gc = false) {
        const next = waitFor(child, 'usage', 20_000);
        child.send({ type: 'usage', gc } satisfies ScaleDriverMessage);
        return (await next).usage;
      },
      async memory() {
        const next = waitFor(child, 'usage', 20_000);
        child.send({ type: 'usage', gc: true } satisfies ScaleDriverMessage);
        const { memory, spaces } = await next;
        return { memory, spaces };
      },
      async heapSnapshot(path) {
        const next = waitFor(child, 'usage', 120_000);
        child.send({ type: 'heap-snapshot', path } satisfies ScaleDriverMessage);
        await next;
      },
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return removeDir();
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.send({ type: 'stop' } satisfies ScaleDriverMessage);
        const timer = setTimeout(() => child.kill(), 10_000);
        await exited;
        clearTimeout(timer);
        removeDir();
      },
    };
  } catch (error) {
    child.kill();
    removeDir();
    throw error;
  }
}

function world(accounts: number, friendsEach: number) {
  return multiAccountWorld({ accounts, friendsEach, mutualFriends: false, sharedRoom: false });
}

/** An idle point with the host's memory split up after the GC that ends the window. */
export interface ScaleIdleMemory extends ScaleIdlePoint {
  /** process.memoryUsage(): the V8 heap reserved, and C++ memory bound to JS objects (buffers). */
  heapTotalBytes: number;
  externalBytes: number;
  /** Each V8 heap space: [size, used], bytes. */
  heapSpaces: Record<string, [number, number]>;
}

async function idlePoint(n: number, o: ScaleOptions): Promise<ScaleIdleMemory> {
  const emu = await startEmulator({ world: world(n, o.contactsEach), kickPreviousSession: false });
  let host: Awaited<ReturnType<typeof startHost>> | undefined;
  try {
    host = await startHost(emu, n, false, o.store);
    await sleep(2000);
    const before = await host.usage(true);
    let maxRss = before.rssBytes;
    const end = Date.now() + o.idleWindowMs;
    while (Date.now() < end) {
      await sleep(Math.min(2000, Math.max(0, end - Date.now())));
      maxRss = Math.max(maxRss, (await host.usage()).rssBytes);
    }
    const after = await host.usage();
    const afterGc = await host.usage(true);
    const { memory, spaces } = await host.memory();
    if (o.snapshotDir) await host.heapSnapshot(join(o.snapshotDir, `idle-${n}.heapsnapshot`));
    const cpuMs = (after.cpuUserUs + after.cpuSystemUs - before.cpuUserUs - before.cpuSystemUs) / 1000;
    const wall = after.at - before.at;
    return {
      accounts: n,
      contactsEach: o.contactsEach,
      windowMs: wall,
      cpuPct: (cpuMs / wall) * 100,
      rssBytes: afterGc.rssBytes,
      maxRssBytes: Math.max(maxRss, after.rssBytes),
      heapUsedBytes: afterGc.heapUsedBytes,
      heapTotalBytes: memory.heapTotal,
      externalBytes: memory.external,
      heapSpaces: spaces,
      loadedRssBytes: host.loaded.rssBytes,
      loginMs: host.loginMs,
    };
  } finally {
    await host?.stop();
    await emu.close();
  }
}

async function aggregateEcho(o: ScaleOptions, kind: HostKind = 'webwx'): Promise<ScaleEchoResult> {
  const n = o.echoAccounts;
  const emu = await startEmulator({ world: world(n, 3), kickPreviousSession: false });
  let host: Awaited<ReturnType<typeof startHost>> | undefined;
  const echoes = new Map<string, { sentAt: number; latency?: number }>();
  const offs = emu.accounts.map((a) =>
    a.phone.on('sent', (r) => {
      const e = echoes.get(r.content);
      if (e && e.latency === undefined) e.latency = performance.now() - e.sentAt;
    }),
  );
  try {
    host = await startHost(emu, n, true, o.store, kind);
    await sleep(1000);
    const send = (key: string, i: number) => {
      const a = emu.accounts[i % n]!;
      echoes.set(key, { sentAt: performance.now() });
      a.phone.sendText({ from: `wxid_a${String((i % n) + 1).padStart(3, '0')}_f01`, text: key });
    };
    // Warm-up: one text per account (JIT, connections), not counted.
    for (let i = 0; i < n; i++) send(`w-${i}`, i);
    await sleep(3000);
    echoes.clear();
    const total = Math.round((o.echoRate * o.echoMs) / 1000);
    const before = await host.usage();
    const driverBefore = process.cpuUsage();
    const start = performance.now();
    let i = 0;
    while (i < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) * o.echoRate) / 1000) + 1);
      while (i < due) {
        send(`s-${i}`, i);
        i++;
      }
      await sleep(2);
    }
    const after = await host.usage();
    const driver = process.cpuUsage(driverBefore);
    const deadline = performance.now() + 5000;
    while (performance.now() < deadline && [...echoes.values()].some((e) => e.latency === undefined))
      await sleep(20);
    const latencies = [...echoes.values()].flatMap((e) => (e.latency === undefined ? [] : [e.latency]));
    const s = summarise(latencies);
    const cpuMs = (after.cpuUserUs + after.cpuSystemUs - before.cpuUserUs - before.cpuSystemUs) / 1000;
    return {
      accounts: n,
      rate: o.echoRate,
      durationMs: o.echoMs,
      sent: total,
      echoed: latencies.length,
      p50Ms: s.p50,
      p99Ms: s.p99,
      maxMs: s.max,
      hostCpuPct: (cpuMs / (after.at - before.at)) * 100,
      emulatorCpuPct: ((driver.user + driver.system) / 1000 / (after.at - before.at)) * 100,
    };
  } finally {
    for (const off of offs) off();
    await host?.stop();
    await emu.close();
  }
}

/** The scale scenario: every idle point, then the aggregate echo (see the file's header). */
export async function runScale(o: ScaleOptions): Promise<ScaleResult> {
  const notes = [
    `one AccountHost process, ${o.store === 'sqlite' ? 'a SQLite file per account in a temporary directory' : 'memory stores (no data dir)'}, pacing off; the emulator in the scenario process`,
  ];
  const idle: ScaleIdlePoint[] = [];
  for (const n of o.idleCounts) {
    try {
      idle.push(await idlePoint(n, o));
    } catch (error) {
      notes.push(`idle with ${n} accounts failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  let echo: ScaleEchoResult | undefined;
  try {
    if (o.echoAccounts > 0) echo = await aggregateEcho(o);
  } catch (error) {
    notes.push(`aggregate echo failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  let limitEcho: ScaleEchoResult | undefined;
  try {
    if (o.echoAccounts > 0 && o.limitEcho) limitEcho = await aggregateEcho(o, 'limit');
  } catch (error) {
    notes.push(`the limit's echo failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  let threadedEcho: ScaleResult['threadedEcho'];
  try {
    const threads = o.threadedEcho;
    if (o.echoAccounts > 0 && threads) threadedEcho = { ...(await aggregateEcho(o, { threads })), threads };
  } catch (error) {
    notes.push(`the threaded host's echo failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result: ScaleResult = {
    store: o.store,
    idle,
    ...(echo ? { echo } : {}),
    ...(limitEcho ? { limitEcho } : {}),
    ...(threadedEcho ? { threadedEcho } : {}),
    notes,
  };
  // Visible in the scenario's log even when the run writes nothing.
  process.stderr.write(
    `[scale] ${JSON.stringify({ idle, echo, limitEcho, threadedEcho, rows: scaleRows(result).length })}\n`,
  );
  return result;
}
