/**
 * `<data-dir>/console.json`: where the running `webwx console` listens and the token of its HTTP API,
 * for `webwx notify`. Written atomically with mode 0600 (a temp file renamed over it), removed when the
 * console stops (only if it is still this console's), never printed or logged.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConsoleAddress } from '../bot/console/notify-client.js';
import { CliError } from './cli-io.js';

/** The address file's name in the data directory. */
export const CONSOLE_FILE = 'console.json';

/** What console.json holds. */
export interface ConsoleFile extends ConsoleAddress {
  pid: number;
  app: string;
  /** Unix ms. */
  startedAt: number;
}

/** The address file of a data directory. */
export function consoleFilePath(dataDir: string): string {
  return join(dataDir, CONSOLE_FILE);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The file's contents, or undefined when there is none; a CliError when it is not a console file. */
export async function readConsoleFile(dataDir: string): Promise<ConsoleFile | undefined> {
  const path = consoleFilePath(dataDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`, 1);
  }
  let value: Partial<ConsoleFile>;
  try {
    value = JSON.parse(text) as Partial<ConsoleFile>;
  } catch {
    throw new CliError(`${path} is not a console address file (not JSON); remove it`, 1);
  }
  if (typeof value.url !== 'string' || typeof value.token !== 'string' || typeof value.pid !== 'number') {
    throw new CliError(`${path} is not a console address file (url, token, pid); remove it`, 1);
  }
  return value as ConsoleFile;
}

/** Refuses to start a second console on one data directory while the first one runs. */
export async function checkNoRunningConsole(dataDir: string): Promise<void> {
  const existing = await readConsoleFile(dataDir).catch(() => undefined);
  if (existing && existing.pid !== process.pid && processAlive(existing.pid)) {
    throw new CliError(
      `a console is already running for ${dataDir} (pid ${existing.pid}); stop it first, or use another --data-dir`,
      1,
    );
  }
}

/** Writes the address file atomically, mode 0600. */
export async function writeConsoleFile(dataDir: string, file: ConsoleFile): Promise<void> {
  const path = consoleFilePath(dataDir);
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Removes the file when it still holds this token (a newer console's file stays). */
export async function removeConsoleFile(dataDir: string, token: string): Promise<void> {
  const current = await readConsoleFile(dataDir).catch(() => undefined);
  if (current?.token === token) await rm(consoleFilePath(dataDir), { force: true });
}
