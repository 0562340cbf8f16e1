/** The crash tests' child processes: spawned with tsx, their JSON lines read, 'ready' awaited. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';

export interface Child {
  process: ChildProcess;
  ready: Promise<void>;
  exited: Promise<void>;
  lines: Record<string, unknown>[];
}

/** Every child still running (kill them in afterAll). */
export const children = new Set<ChildProcess>();

export function spawnChild(fixture: string, args: readonly string[]): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', fixture, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  const lines: Record<string, unknown>[] = [];
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      lines.push(parsed);
      if (parsed.event === 'ready') onReady();
    } catch {
      lines.push({ event: 'text', line });
    }
  });
  proc.stderr!.resume();
  const exited = new Promise<void>((resolve) =>
    proc.once('exit', () => {
      children.delete(proc);
      resolve();
    }),
  );
  return { process: proc, ready, exited, lines };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The crash tests' world: an emulator whose phone confirms every login (scanning QR codes), and a
 * phone that writes `crash-<n>` texts from the listed friends in turn, up to `total`.
 */
export async function startCrashWorld(total: number): Promise<{
  emulator: Emulator;
  sendSome(count: number): Promise<void>;
  sent(): number;
}> {
  const e = await startEmulator({
    port: 0,
    timing: { loginPollHoldMs: 500, syncCheckHoldMs: 500 },
    syncBatchSize: 20,
  });
  e.phone.on('qr', (qr) => {
    if (!qr.push) e.phone.scan(qr.uuid);
    e.phone.confirm(qr.uuid);
  });
  const friends = e.world.listedContacts().filter((c) => c.kind === undefined || c.kind === 'friend');
  let sent = 0;
  return {
    emulator: e,
    sent: () => sent,
    async sendSome(count) {
      for (let i = 0; i < count && sent < total; i++) {
        e.phone.sendText({ from: friends[sent % friends.length]!.id, text: `crash-${sent}` });
        sent++;
        if (i % 5 === 4) await sleep(2);
      }
    },
  };
}
