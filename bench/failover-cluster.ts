/**
 * `webwx worker` processes around one multi-account emulator world (the failover scenario,
 * bench/scenario-failover.ts, and the tests of test/host/ that stop or kill workers): the accounts
 * registered with `webwx worker add`, each worker a child process of its own whose JSON lines are
 * kept with the time they arrived, every QR code a worker prints scanned and confirmed on its
 * account's phone, and where each account is ready now, by the workers' own lines.
 *
 * The CLI runs compiled when run.ts compiled the tree (compile.ts: no tsx loader in the workers),
 * else from source under tsx. Every child is killed by its own pid when the cluster closes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Emulator } from '../src/emulator/index.js';
import { COMPILED_SUBJECT_ENV } from './proc.js';

/** One JSON line a worker printed, with when it arrived (performance.now()). */
export interface WorkerLine {
  worker: string;
  type: string;
  account?: string;
  state?: string;
  uuid?: string;
  reason?: string;
  token?: number;
  at: number;
}

/** Where the cluster keeps its state: a PostgreSQL URL and schema, a Redis URL and key prefix. */
export interface ClusterServers {
  pgUrl: string;
  /** A schema of its own, so several clusters share one database. */
  schema: string;
  redisUrl: string;
  prefix: string;
}

/** The `webwx` command: the compiled CLI when run.ts compiled the tree, else src/cli/run.ts under tsx. */
export function webwxCommand(): { command: string; args: string[] } {
  const compiled = process.env[COMPILED_SUBJECT_ENV];
  if (compiled)
    return { command: process.execPath, args: [join(dirname(compiled), '..', 'src', 'cli', 'run.js')] };
  const source = fileURLToPath(new URL('../src/cli/run.ts', import.meta.url));
  return { command: process.execPath, args: ['--import', 'tsx', source] };
}

/** A `webwx worker` child process. */
export interface WorkerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** The last 4 kB of its stderr (warnings at `--log-level warn`). */
  stderr(): string;
}

/** The account ids of a world of `n` accounts: acct-01 … (worker account i is the emulator's account i). */
export function clusterAccountIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `acct-${String(i + 1).padStart(2, '0')}`);
}

/** Workers, their lines, and the phones that answer their QR codes (see the file's header). */
export class WorkerCluster {
  readonly ids: string[];
  readonly lines: WorkerLine[] = [];
  readonly workers = new Map<string, WorkerProcess>();
  readonly #emulator: Emulator;
  readonly #servers: ClusterServers;
  readonly #workerArgs: string[];

  /** `workerArgs`: more flags for every worker (`--lease-ttl 3s`…). */
  constructor(emulator: Emulator, servers: ClusterServers, workerArgs: string[] = []) {
    this.#emulator = emulator;
    this.#servers = servers;
    this.#workerArgs = workerArgs;
    this.ids = clusterAccountIds(emulator.accounts.length);
    // A push login (a worker resuming a session the server dropped) is confirmed on the phone.
    for (const account of emulator.accounts) {
      account.phone.on('qr', (qr) => {
        if (!qr.push) return;
        try {
          account.phone.confirm(qr.uuid);
        } catch {}
      });
    }
  }

  /** Registers every account (`webwx worker add … --no-pacing`); rejects when the command fails. */
  async register(): Promise<void> {
    const { command, args } = webwxCommand();
    const s = this.#servers;
    const child = spawn(
      command,
      [...args, 'worker', 'add', ...this.ids, '--pg', s.pgUrl, '--schema', s.schema, '--no-pacing'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`webwx worker add exited with ${code}: ${stderr.slice(-2000)}`);
  }

  /**
   * Starts a worker named `name`; resolves once it printed `started`. `server`, `pgUrl`: what it uses
   * instead of the emulator's base URL and the cluster's database (a tap in front of them).
   */
  async start(name: string, via: { server?: string; pgUrl?: string } = {}): Promise<WorkerProcess> {
    const { command, args } = webwxCommand();
    const s = this.#servers;
    const child = spawn(
      command,
      [
        ...args,
        '--log-level',
        'warn',
        'worker',
        '--pg',
        via.pgUrl ?? s.pgUrl,
        '--schema',
        s.schema,
        '--redis',
        s.redisUrl,
        '--prefix',
        s.prefix,
        '--id',
        name,
        '--server',
        via.server ?? this.#emulator.baseUrl,
        '--no-pacing',
        ...this.#workerArgs,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const started = new Promise<void>((resolve, reject) => {
      exited.then(() => reject(new Error(`worker ${name} exited before it started: ${stderr}`)));
      createInterface({ input: child.stdout! }).on('line', (text) => {
        let line: WorkerLine;
        try {
          line = { ...(JSON.parse(text) as Omit<WorkerLine, 'at'>), at: performance.now() };
        } catch {
          return;
        }
        this.lines.push(line);
        if (line.type === 'started') resolve();
        if (line.type === 'qr' && line.account && line.uuid) this.#scan(line.account, line.uuid);
      });
    });
    const worker: WorkerProcess = { name, child, exited, stderr: () => stderr };
    this.workers.set(name, worker);
    await started;
    return worker;
  }

  #scan(account: string, uuid: string): void {
    const phone = this.#emulator.accounts[this.ids.indexOf(account)]?.phone;
    try {
      phone?.scan(uuid);
      phone?.confirm(uuid);
    } catch {
      // A QR code of a client stopped meanwhile (its account moved): the next holder shows another.
    }
  }

  /** Where each account is ready now: the worker whose last line about it says 'ready'. */
  readyOn(): Map<string, string | undefined> {
    const where = new Map<string, string | undefined>();
    for (const l of this.lines) {
      if (!l.account) continue;
      if (l.type === 'state') where.set(l.account, l.state === 'ready' ? l.worker : undefined);
      else if ((l.type === 'lost' || l.type === 'released') && where.get(l.account) === l.worker)
        where.set(l.account, undefined);
    }
    return where;
  }

  /** Whether every account is ready on some worker other than `exclude`. */
  allReady(exclude?: string): boolean {
    const where = this.readyOn();
    return this.ids.every((id) => where.get(id) !== undefined && where.get(id) !== exclude);
  }

  /** Whether each worker has its share of ready accounts (accounts ÷ workers, all of them ready). */
  balanced(): boolean {
    const where = this.readyOn();
    const per = new Map<string, number>();
    for (const id of this.ids) {
      const w = where.get(id);
      if (w === undefined) return false;
      per.set(w, (per.get(w) ?? 0) + 1);
    }
    const share = this.ids.length / this.workers.size;
    return [...this.workers.keys()].every((n) => per.get(n) === share);
  }

  /** When `account` was last reported ready (performance.now()), on any worker; undefined: never. */
  readyAt(account: string): number | undefined {
    return this.lines.filter((l) => l.account === account && l.type === 'state' && l.state === 'ready').at(-1)
      ?.at;
  }

  /** Kills every worker still running (SIGKILL, by its pid) and waits for them. */
  async close(): Promise<void> {
    for (const w of this.workers.values()) {
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    }
    await Promise.all([...this.workers.values()].map((w) => w.exited));
  }
}

/** Polls `check` every 100 ms until true; rejects after `timeoutMs` naming `what`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(100);
  }
}
