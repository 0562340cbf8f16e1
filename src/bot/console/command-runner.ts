/**
 * Runs one configured program: an argv array, never a shell (execFile's semantics, through spawn with
 * `shell: false` so the child gets its own process group and its output is read as it comes). stdout
 * and stderr are kept together in arrival order up to `maxOutputBytes`; the rest is counted and
 * dropped, so a chatty program costs no memory. On the time limit (or the signal) the whole process
 * group gets SIGTERM, then SIGKILL after `killGraceMs`: a program's children die with it.
 */
import { spawn } from 'node:child_process';

/** What to run and within which limits. */
export interface RunRequest {
  /** The program (looked up on PATH like execFile does). */
  file: string;
  args: readonly string[];
  cwd?: string;
  timeoutMs: number;
  maxOutputBytes: number;
  /** From SIGTERM to SIGKILL of the group. Default 2000 ms. */
  killGraceMs?: number;
  /**
   * After the program exited, how long to wait for its output pipes to close (a background child may
   * hold them open) before closing them. Default 1000 ms.
   */
  pipeGraceMs?: number;
  /** Stops the program like the time limit does (the console stopping). */
  signal?: AbortSignal;
}

/** How a program ended and what it wrote. */
export interface RunResult {
  /** null when the program was killed by a signal or never started. */
  exitCode: number | null;
  /** The signal that ended it, if one did. */
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Stopped through `signal`. */
  aborted: boolean;
  /** What it wrote to stdout and stderr, at most `maxOutputBytes` bytes of it (UTF-8, lossy). */
  output: string;
  /** All the bytes it wrote. */
  outputBytes: number;
  truncated: boolean;
  durationMs: number;
  /** Why it could not start (e.g. "spawn nosuch ENOENT"). */
  startError?: string;
}

const isWindows = process.platform === 'win32';

/** Runs the program; resolves when it ended (never rejects: a failure to start is `startError`). */
export function runCommand(request: RunRequest): Promise<RunResult> {
  const started = Date.now();
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let outputBytes = 0;
  let timedOut = false;
  let aborted = false;
  let startError: string | undefined;

  return new Promise<RunResult>((resolve) => {
    const child = spawn(request.file, [...request.args], {
      cwd: request.cwd,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group (POSIX), so a timeout kills the program's children too.
      detached: !isWindows,
      windowsHide: true,
    });
    const timers: NodeJS.Timeout[] = [];
    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        if (isWindows) child.kill(sig);
        else process.kill(-child.pid, sig);
      } catch {
        // Already gone.
      }
    };
    const stop = (why: 'timeout' | 'abort') => {
      if (why === 'timeout') timedOut = true;
      else aborted = true;
      killGroup('SIGTERM');
      timers.push(setTimeout(() => killGroup('SIGKILL'), request.killGraceMs ?? 2000));
    };
    const onData = (chunk: Buffer) => {
      outputBytes += chunk.length;
      const room = request.maxOutputBytes - keptBytes;
      if (room <= 0) return;
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      kept.push(part);
      keptBytes += part.length;
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    timers.push(setTimeout(() => stop('timeout'), request.timeoutMs));
    const onAbort = () => stop('abort');
    if (request.signal?.aborted) onAbort();
    else request.signal?.addEventListener('abort', onAbort, { once: true });

    let settled = false;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      // Whatever of a stopped program's group outlived it (ignored SIGTERM) goes now.
      if (timedOut || aborted) killGroup('SIGKILL');
      request.signal?.removeEventListener('abort', onAbort);
      let output = Buffer.concat(kept).toString('utf8');
      const truncated = outputBytes > keptBytes;
      // A cut in the middle of a character decodes to U+FFFD: drop it.
      if (truncated) output = output.replace(/\uFFFD$/u, '');
      resolve({
        exitCode,
        signal,
        timedOut,
        aborted,
        output,
        outputBytes,
        truncated,
        durationMs: Date.now() - started,
        ...(startError === undefined ? {} : { startError }),
      });
    };
    child.on('error', (error) => {
      startError = error.message;
      // A program that never started emits no 'exit'.
      if (child.pid === undefined) finish(null, null);
    });
    child.on('exit', () => {
      timers.push(
        setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
        }, request.pipeGraceMs ?? 1000),
      );
    });
    child.on('close', (code, signal) => finish(code, signal));
  });
}
