/**
 * The options of PuppetWebwx (docs/wechaty.md) and their resolution into what each webwx client of
 * the puppet is created with. The store is opened here when a data directory is given, the way the
 * CLI opens its own (`webwx.db`, `webwx-filehelper.db` for the File Transfer web).
 */

import { join } from 'node:path';
import type { ClientOptions, StableIdStore, WebApp } from '../client/index.js';
import { MemoryStableIdStore } from '../client/index.js';
import { InvalidArgumentError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type SessionStore, SqliteStore } from '../store/index.js';

/** Options of {@link PuppetWebwx}: where to connect, where the session is kept, and client options. */
export interface PuppetWebwxOptions {
  /** One base URL for every host (an emulator's `baseUrl`); default: the real service. */
  server?: string;
  /** 'web' (default) or 'filehelper', the File Transfer web (docs/filehelper.md). */
  app?: WebApp;
  /**
   * A directory for the SQLite store (session, contact cache, message log, stable ids), as the CLI's
   * `--data-dir`: `webwx.db` in it (`webwx-filehelper.db` for app 'filehelper'). A restart with the same
   * directory resumes the session without a scan. Mutually exclusive with `store`.
   */
  dataDir?: string;
  /** A store of your own (SqliteStore, MemoryStore, FileSessionStore, …) instead of `dataDir`. */
  store?: SessionStore;
  /** pino-compatible; default silent. */
  logger?: Logger;
  /**
   * When the server ends the session, log in again in place (push login, then a new QR code).
   * Default true. With false, a logout is reported and a new QR code follows.
   */
  autoRelogin?: boolean;
  /** Any other createClient option (timeouts, hosts, retry, media limits, …). */
  client?: Omit<ClientOptions, 'server' | 'app' | 'store' | 'logger' | 'autoRelogin'>;
  /** Wechaty's own puppet options (cache sizes, watchdog timeout) pass through. */
  [puppetOption: string]: unknown;
}

/** What the puppet keeps of its options once resolved. */
export interface ResolvedPuppetOptions {
  app: WebApp;
  /** Opens the store for one start (undefined: no persistence). */
  openStore: () => { store: SessionStore | undefined; close: () => void };
  /** The createClient options of each client the puppet makes (the store comes from openStore). */
  clientOptions: (store: SessionStore | undefined) => ClientOptions;
}

function storeFileOf(app: WebApp): string {
  return app === 'filehelper' ? 'webwx-filehelper.db' : 'webwx.db';
}

function hasStableIds(store: SessionStore | undefined): boolean {
  return typeof (store as { stableIdStore?: unknown } | undefined)?.stableIdStore === 'function';
}

export function resolvePuppetOptions(options: PuppetWebwxOptions): ResolvedPuppetOptions {
  const app: WebApp = options.app ?? 'web';
  if (app !== 'web' && app !== 'filehelper')
    throw new InvalidArgumentError('PuppetWebwx', `PuppetWebwx: unknown app ${String(app)}`);
  if (options.dataDir !== undefined && options.store !== undefined) {
    throw new InvalidArgumentError('PuppetWebwx', 'PuppetWebwx: give dataDir or store, not both');
  }
  if (options.dataDir !== undefined && (typeof options.dataDir !== 'string' || options.dataDir === '')) {
    throw new InvalidArgumentError('PuppetWebwx', 'PuppetWebwx: dataDir must be a non-empty path');
  }
  // Ids stay the same across the re-logins of this puppet even without a store that keeps them.
  const memoryIds: StableIdStore = new MemoryStableIdStore();
  const dataDir = options.dataDir;
  return {
    app,
    openStore: () => {
      if (dataDir !== undefined) {
        const store = new SqliteStore(join(dataDir, storeFileOf(app)));
        return { store, close: () => store.close() };
      }
      return { store: options.store, close: () => {} };
    },
    clientOptions: (store) => ({
      ...options.client,
      app,
      autoRelogin: options.autoRelogin ?? true,
      ...(options.server !== undefined ? { server: options.server } : {}),
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
      ...(store !== undefined ? { store } : {}),
      ...(options.client?.stableIds === undefined && !hasStableIds(store) ? { stableIds: memoryIds } : {}),
    }),
  };
}
