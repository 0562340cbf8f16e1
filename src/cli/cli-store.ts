/** The SQLite store a command keeps in the data directory (data-dir.ts): its session, contacts and message log. */
import { join } from 'node:path';
import type { WebApp } from '../client/index.js';
import { SqliteStore } from '../store/index.js';
import { storeFileOf } from './data-dir.js';

/**
 * The CLI's SQLite store of `app` (default 'web') in `dataDir` (created with mode 0700/0600), its
 * saved session sealed with `secretKey` when given (WEBWX_STORE_KEY, store-key.ts). Throws
 * StoreError when unusable.
 */
export function openCliStore(dataDir: string, app: WebApp = 'web', secretKey?: Uint8Array): SqliteStore {
  const path = join(dataDir, storeFileOf(app));
  return new SqliteStore(secretKey === undefined ? { path } : { path, secretKey });
}
