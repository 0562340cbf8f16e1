/** The crash tests' child processes: spawned with tsx, their JSON lines read, 'ready' awaited. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

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
