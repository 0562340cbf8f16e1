/** Runs `webwx` in-process with in-memory streams, for CLI tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/cli-io.js';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  io: CliIo;
  stdin: PassThrough;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  exit: Promise<number>;
  abort(): void;
  /** Resolves when stdout contains the text (or matches the pattern). */
  waitForOutput(pattern: string | RegExp, timeoutMs?: number): Promise<void>;
}

export function runCli(
  args: string[],
  options: { isTty?: boolean; env?: Record<string, string> } = {},
): CliRun {
  const stdin = new PassThrough();
  const out = new PassThrough();
  const err = new PassThrough();
  let stdoutText = '';
  let stderrText = '';
  const waiters = new Set<() => void>();
  out.on('data', (chunk: Buffer) => {
    stdoutText += chunk.toString('utf8');
    for (const w of waiters) w();
  });
  err.on('data', (chunk: Buffer) => {
    stderrText += chunk.toString('utf8');
  });
  const io: CliIo = {
    stdin,
    stdout: out,
    stderr: err,
    // Never the user's real data directory: each run gets a fresh one (webwx login keeps its store there).
    env: { WEBWX_DATA_DIR: mkdtempSync(join(tmpdir(), 'webwx-cli-data-')), ...options.env },
    isTty: options.isTty ?? false,
  };
  const controller = new AbortController();
  const exit = main(['node', 'webwx', ...args], { io, signal: controller.signal });
  return {
    io,
    stdin,
    stdout: () => stdoutText,
    stderr: () => stderrText,
    exit,
    abort: () => controller.abort(),
    waitForOutput(pattern, timeoutMs = 10_000) {
      const matches = () =>
        typeof pattern === 'string' ? stdoutText.includes(pattern) : pattern.test(stdoutText);
      if (matches()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `timed out waiting for ${String(pattern)}; stdout so far:\n${stdoutText}\nstderr:\n${stderrText}`,
            ),
          );
        }, timeoutMs);
        const check = () => {
          if (matches()) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
      });
    },
  };
}
