import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyWireContact } from '../../src/protocol/index.js';
import { SqliteStore, StoreError } from '../../src/store/index.js';
import { incoming, savedSession } from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'webwx-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `case-${++n}`, 'webwx.db');

describe('SqliteStore', () => {
  it('takes the page cache size it is given, and refuses a bad one', () => {
    const dflt = new SqliteStore(':memory:');
    const small = new SqliteStore({ path: ':memory:', cacheKb: 256 });
    expect(small.database.pragma('cache_size', { simple: true })).toBe(-256);
    expect(dflt.database.pragma('cache_size', { simple: true })).not.toBe(-256);
    dflt.close();
    small.close();
    expect(() => new SqliteStore({ path: ':memory:', cacheKb: 0 })).toThrow(/cacheKb/);
    expect(() => new SqliteStore({ path: ':memory:', cacheKb: 1.5 })).toThrow(/cacheKb/);
  });

  it('creates its database with mode 0600', () => {
    const path = fresh();
    const store = new SqliteStore(path);
    store.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('commits what a handler writes in the delivery transaction, or nothing when the batch fails', async () => {
    const store = new SqliteStore(fresh());
    const db = store.database;
    db.exec('CREATE TABLE handled (msg_id TEXT PRIMARY KEY)');
    const insert = db.prepare('INSERT INTO handled VALUES (?)');
    const batch = [incoming('1'), incoming('2')];
    await store.recordIncoming(batch, (i) => insert.run(batch[i]!.msgId));
    expect(db.prepare('SELECT count(*) AS n FROM handled').get()).toEqual({ n: 2 });
    const failing = [incoming('3'), incoming('4')];
    await expect(
      store.recordIncoming(failing, (i) => {
        insert.run(failing[i]!.msgId);
        if (i === 1) throw new Error('handler crashed');
      }),
    ).rejects.toThrow();
    expect(await store.has('3')).toBe(false);
    expect(db.prepare('SELECT count(*) AS n FROM handled').get()).toEqual({ n: 2 });
    store.close();
  });

  it('refuses a file that is not a database, and a database of another schema version', () => {
    const garbage = fresh();
    const store = new SqliteStore(garbage);
    store.close();
    writeFileSync(garbage, 'this is not sqlite at all, just some text padding '.repeat(200));
    let error: unknown;
    try {
      new SqliteStore(garbage);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ kind: 'corrupt', location: garbage });

    const other = fresh();
    new SqliteStore(other).close();
    const raw = new Database(other);
    raw.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    raw.close();
    expect(() => new SqliteStore(other)).toThrow(expect.objectContaining({ kind: 'incompatible' }));
  });

  it('refuses a corrupt saved session', async () => {
    const path = fresh();
    const store = new SqliteStore(path);
    await store.save(savedSession());
    store.database.prepare("UPDATE meta SET value = '{' WHERE key = 'session'").run();
    await expect(store.load()).rejects.toMatchObject({ kind: 'corrupt' });
    store.close();
  });

  it('keeps stable-id records for the contacts layer', () => {
    const store = new SqliteStore(fresh());
    const ids = store.stableIdStore<{ id: string; name: string }>();
    ids.save([{ id: 'p:wxid_a', name: 'A' }]);
    ids.save([{ id: 'p:wxid_b', name: 'B' }]);
    expect(ids.load()).toEqual([{ id: 'p:wxid_b', name: 'B' }]);
    store.close();
  });

  it('counts a bulk write as one commit per ten rows in writeCount, a session save as one', async () => {
    const store = new SqliteStore(fresh());
    expect(store.writeCount).toBe(0);
    const contacts = Array.from({ length: 25 }, (_, i) => ({ ...emptyWireContact(), UserName: `@u${i}` }));
    await store.saveContacts(contacts);
    expect(store.writeCount).toBe(3);
    store.stableIdStore<{ id: string }>().save(Array.from({ length: 10 }, (_, i) => ({ id: `p:${i}` })));
    expect(store.writeCount).toBe(4);
    await store.save(savedSession());
    expect(store.writeCount).toBe(5);
    expect((await store.loadContacts()).map((c) => c.UserName)).toHaveLength(25);
    store.close();
  });

  it('reads the stable-id records last seen with some UserNames through its index', () => {
    const path = fresh();
    const store = new SqliteStore(path);
    const ids = store.stableIdStore<{ id: string; lastUserName: string }>();
    ids.save([
      { id: 'f:1', lastUserName: '@a' },
      { id: 'f:2', lastUserName: '@b' },
      { id: 'f:3', lastUserName: '@b' },
      { id: 'f:4', lastUserName: '@c' },
    ]);
    const named = ids.loadNamed?.(['@b', '@a', '@b', '@nobody', '']) ?? [];
    expect(named.map((r) => r.id).sort()).toEqual(['f:1', 'f:2', 'f:3']);
    store.close();
    const db = new Database(path, { readonly: true });
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT data FROM stable_ids WHERE json_extract(data, '$.lastUserName') = ?",
      )
      .all('@a') as { detail: string }[];
    db.close();
    expect(plan.map((p) => p.detail).join(' ')).toContain('stable_ids_by_last_user_name');
  });
});
