/** The store contract suite, run on every implementation. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { FileSessionStore, MemoryStore, SqliteStore } from '../../src/store/index.js';
import {
  contactCacheContract,
  messageLogReaderContract,
  messageStoreContract,
  sessionStoreContract,
  storeSettingsContract,
} from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'webwx-store-'));
let counter = 0;
const opened: SqliteStore[] = [];
afterAll(() => {
  for (const s of opened) s.close();
  rmSync(dir, { recursive: true, force: true });
});

const memory = { create: () => new MemoryStore() };
const file = {
  create: () => new FileSessionStore(join(dir, `session-${++counter}`, 'session.json')),
  reopen: (s: FileSessionStore) => new FileSessionStore(s.path),
};
function sqlite() {
  return {
    create: () => {
      const s = new SqliteStore(join(dir, `db-${++counter}`, 'webwx.db'));
      opened.push(s);
      return s;
    },
    reopen: (s: SqliteStore) => {
      s.close();
      const again = new SqliteStore(s.path);
      opened.push(again);
      return again;
    },
  };
}

sessionStoreContract('MemoryStore', memory);
messageStoreContract('MemoryStore', memory);
contactCacheContract('MemoryStore', memory);
messageLogReaderContract('MemoryStore', memory);
storeSettingsContract('MemoryStore', memory);
sessionStoreContract('FileSessionStore', file);
sessionStoreContract('SqliteStore', sqlite());
messageStoreContract('SqliteStore', sqlite());
contactCacheContract('SqliteStore', sqlite());
messageLogReaderContract('SqliteStore', sqlite());
storeSettingsContract('SqliteStore', sqlite());
