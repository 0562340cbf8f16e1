/**
 * Runs a command in a real pseudo-terminal (node-pty) and interprets what it draws with a headless
 * xterm, so tests can assert on the screen a user would see.
 */
import { fileURLToPath } from 'node:url';
import * as xtermModule from '@xterm/headless';
import * as pty from 'node-pty';

export interface PtyRun {
  /** The screen as text, one string per row (trailing spaces trimmed). */
  screen(): string[];
  /** Everything the program wrote, raw. */
  output(): string;
  write(data: string): void;
  resize(columns: number, rows: number): void;
  /** Resolves when the screen satisfies the predicate (re-checked on every write). */
  waitForScreen(predicate: (screen: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  exit: Promise<number>;
  kill(): void;
}

// A CommonJS bundle: its named exports show up directly or under `default`, depending on the loader.
const { Terminal } = ((xtermModule as { default?: typeof xtermModule }).default ??
  xtermModule) as typeof xtermModule;

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function runInPty(args: string[], options: { columns: number; rows: number }): PtyRun {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    // ink draws nothing but the last frame on CI: the child must look like an interactive terminal.
    if (v !== undefined && !['CI', 'CONTINUOUS_INTEGRATION', 'VITEST', 'NODE_OPTIONS'].includes(k))
      env[k] = v;
  }
  env.TERM = 'xterm-256color';
  env.WEBWX_LOG_LEVEL = 'silent';
  const term = new Terminal({ cols: options.columns, rows: options.rows, allowProposedApi: true });
  const child = pty.spawn(process.execPath, args, {
    name: 'xterm-256color',
    cols: options.columns,
    rows: options.rows,
    cwd: REPO_ROOT,
    env,
  });
  let raw = '';
  const waiters = new Set<() => void>();
  child.onData((data) => {
    raw += data;
    term.write(data, () => {
      for (const w of waiters) w();
    });
  });
  const exit = new Promise<number>((resolve) => {
    child.onExit(({ exitCode }) => {
      for (const w of waiters) w();
      resolve(exitCode);
    });
  });
  const screen = (): string[] => {
    const buffer = term.buffer.active;
    const rows: string[] = [];
    for (let i = 0; i < term.rows; i++)
      rows.push(buffer.getLine(buffer.viewportY + i)?.translateToString(true) ?? '');
    return rows;
  };
  return {
    screen,
    output: () => raw,
    write: (data) => child.write(data),
    resize(columns, rows) {
      term.resize(columns, rows);
      child.resize(columns, rows);
    },
    waitForScreen(predicate, what, timeoutMs = 20_000) {
      return new Promise<string>((resolve, reject) => {
        const check = () => {
          const text = screen().join('\n');
          if (predicate(text)) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(text);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what}; the screen:\n${screen().join('\n')}`));
        }, timeoutMs);
        waiters.add(check);
        void exit.then((code) => {
          if (!waiters.has(check)) return;
          clearTimeout(timer);
          waiters.delete(check);
          reject(
            new Error(
              `the program exited (${code}) while waiting for ${what}; the screen:\n${screen().join('\n')}`,
            ),
          );
        });
        check();
      });
    },
    exit,
    kill: () => child.kill(),
  };
}
