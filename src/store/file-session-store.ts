/**
 * FileSessionStore: the session in one JSON file, written atomically (a temporary file in the same
 * directory, fsync, rename over the old one, fsync of the directory), mode 0600, versioned. A corrupt
 * file or one of another version is refused with StoreError, never silently replaced.
 */

import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { checkSavedSession, parseSavedSession } from './saved-session.js';
import { type SavedSession, type SessionStore, StoreError } from './session-store.js';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

function ioError(what: string, path: string, error: unknown): StoreError {
  const code = (error as NodeJS.ErrnoException)?.code ?? 'unknown';
  return new StoreError('io', `${what} ${path} failed (${code})`, { location: path, cause: error });
}

/** Writes `text` to `path` atomically with mode 0600 (temp file + fsync + rename + directory fsync). */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  const temp = join(dir, `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', FILE_MODE);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
  try {
    const dirHandle = await open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  }
}

/**
 * A {@link SessionStore} that keeps the session in one JSON file (mode 0600), written atomically; saves
 * run in order and the last one wins. A corrupt file or one of another version is refused with a
 * {@link StoreError}. It keeps no messages or contacts: {@link SqliteStore} does, for exactly-once delivery.
 */
export class FileSessionStore implements SessionStore {
  readonly path: string;
  /** Saves run one after another, so the last one called is the one that stays. */
  #queue: Promise<void> = Promise.resolve();

  constructor(path: string) {
    if (!path) throw new InvalidArgumentError('FileSessionStore', 'FileSessionStore: path is required');
    this.path = path;
  }

  async load(): Promise<SavedSession | undefined> {
    await this.#queue;
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException)?.code === 'ENOENT') return undefined;
      throw ioError('reading', this.path, error);
    }
    return parseSavedSession(text, this.path);
  }

  save(session: SavedSession): Promise<void> {
    try {
      checkSavedSession(session);
    } catch (error) {
      return Promise.reject(error);
    }
    const text = `${JSON.stringify(session)}\n`;
    const run = this.#queue.then(() =>
      writeFileAtomic(this.path, text).catch((error: unknown) => {
        throw ioError('writing', this.path, error);
      }),
    );
    this.#queue = run.catch(() => {});
    return run;
  }

  clear(): Promise<void> {
    const run = this.#queue.then(() =>
      rm(this.path, { force: true }).catch((error: unknown) => {
        throw ioError('removing', this.path, error);
      }),
    );
    this.#queue = run.catch(() => {});
    return run;
  }
}
