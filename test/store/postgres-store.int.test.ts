/**
 * PostgresStore on a real PostgreSQL (test/postgres-server.ts: a throwaway server, or
 * WEBWX_TEST_PG_URL): the store contracts every store passes, then what only PostgreSQL has —
 * accounts kept apart, migrations racing, the session encrypted at rest, the delivery transaction,
 * stable ids written behind, the pool's life.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { PostgresStore, type PostgresStoreOptions, StoreError } from '../../src/store/index.js';
import { loadPg } from '../../src/store/postgres-driver.js';
import { POSTGRES_SCHEMA_VERSION } from '../../src/store/postgres-schema.js';
import { POSTGRES_MISSING, startTestPostgres } from '../postgres-server.js';
import { recordingLogger } from '../recording-logger.js';
import {
  contactCacheContract,
  incoming,
  messageLogReaderContract,
  messageStoreContract,
  outgoing,
  savedSession,
  sessionStoreContract,
  storeSettingsContract,
} from './contract.js';

const server = await startTestPostgres();
const opened: PostgresStore[] = [];
const pools: pg.Pool[] = [];
afterAll(async () => {
  for (const s of opened) await s.close().catch(() => {});
  for (const p of pools) await p.end().catch(() => {});
  await server?.stop();
}, 60_000);

let counter = 0;
const url = server?.url ?? '';

async function open(options: Partial<PostgresStoreOptions> = {}): Promise<PostgresStore> {
  const store = await PostgresStore.open({
    account: `account-${++counter}`,
    maxConnections: 2,
    ...(options.pool ? {} : { connectionString: url }),
    ...options,
  } as PostgresStoreOptions);
  opened.push(store);
  return store;
}

/** A pool of the test's own; a connection the server ends while the pool closes is no failure. */
function testPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => {});
  return pool;
}

function adminPool(): pg.Pool {
  const pool = testPool();
  pools.push(pool);
  return pool;
}

const factory = {
  create: () => open(),
  reopen: async (s: PostgresStore) => {
    await s.close();
    return open({ account: s.account });
  },
};

if (!server) {
  describe.skip(`PostgresStore: ${POSTGRES_MISSING}`, () => {
    it('needs PostgreSQL', () => {});
  });
} else {
  sessionStoreContract('PostgresStore', factory);
  messageStoreContract('PostgresStore', factory);
  contactCacheContract('PostgresStore', factory);
  messageLogReaderContract('PostgresStore', factory);
  storeSettingsContract('PostgresStore', factory);

  describe('PostgresStore: accounts', () => {
    it('keeps two accounts of one database apart', async () => {
      const alice = await open({ account: 'alice' });
      const bob = await open({ account: 'bob' });
      await alice.save(savedSession());
      await alice.recordIncoming([incoming('1'), incoming('2')]);
      await alice.recordOutgoing(outgoing('c1'));
      await alice.setSetting('k', 'alice');
      await alice.saveContacts([{ UserName: '@a' } as never]);
      alice.stableIdStore().save([{ id: 'p:wxid_a' }]);
      await alice.flush();

      expect(await bob.load()).toBeUndefined();
      expect(await bob.has('1')).toBe(false);
      expect(await bob.history('@peer')).toEqual([]);
      expect(await bob.pendingOutgoing()).toEqual([]);
      expect(await bob.lastSeq()).toBe(0);
      expect(await bob.logAfter(0)).toEqual([]);
      expect(await bob.seqOfOutgoing('c1')).toBeUndefined();
      expect(await bob.getSetting('k')).toBeUndefined();
      expect(await bob.loadContacts()).toEqual([]);
      const bobAgain = await open({ account: 'bob' });
      expect(bobAgain.stableIdStore().load()).toEqual([]);
      // The same MsgId and ClientMsgId are new to the other account; seqs are counted per account.
      expect(await bob.recordIncoming([incoming('1')])).toEqual([0]);
      await bob.recordOutgoing(outgoing('c1'));
      expect((await bob.logAfter(0)).map((m) => m.seq)).toEqual([1, 2]);
      await bob.clear();
      expect(await alice.load()).toEqual(savedSession());
      expect((await alice.history('@peer')).length).toBe(3);
    });

    it('shares one small pool between many accounts delivering at once', async () => {
      const pool = adminPool();
      const stores = await Promise.all(Array.from({ length: 5 }, () => open({ pool })));
      await Promise.all(
        stores.flatMap((store) =>
          Array.from({ length: 10 }, (_, i) =>
            store.recordIncoming([incoming(`m${i}`)], () => void store.recordOutgoing(outgoing(`r${i}`))),
          ),
        ),
      );
      for (const store of stores) {
        const log = await store.logAfter(0, { limit: 100 });
        expect(log.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        expect(log.filter((m) => m.direction === 'in').map((m) => m.msgId)).toEqual(
          Array.from({ length: 10 }, (_, i) => `m${i}`),
        );
      }
    });

    it('refuses an empty account, and both or neither of connectionString and pool', async () => {
      await expect(PostgresStore.open({ connectionString: url, account: '' })).rejects.toThrow(
        InvalidArgumentError,
      );
      await expect(PostgresStore.open({ account: 'x' })).rejects.toThrow(/connectionString or pool/);
    });
  });

  describe('PostgresStore: migrations', () => {
    it('lets several processes open a fresh schema at once: each migration applied once', async () => {
      const schema = `race_${randomBytes(4).toString('hex')}`;
      const stores = await Promise.all(
        Array.from({ length: 6 }, (_, i) => open({ schema, account: `racer-${i}` })),
      );
      expect(stores).toHaveLength(6);
      const rows = await adminPool().query(`SELECT version FROM ${schema}.webwx_migrations ORDER BY version`);
      expect(rows.rows.map((r) => r.version)).toEqual(
        Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => i + 1),
      );
      await stores[0]!.recordIncoming([incoming('1')]);
      expect(await stores[1]!.has('1')).toBe(false);
    });

    it('refuses a database a newer webwx migrated', async () => {
      const schema = `newer_${randomBytes(4).toString('hex')}`;
      await open({ schema });
      await adminPool().query(`INSERT INTO ${schema}.webwx_migrations (version, name) VALUES (99, 'future')`);
      const error = await open({ schema }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ kind: 'incompatible' });
      expect((error as Error).message).toMatch(/version 99 is newer/);
    });
  });

  describe('PostgresStore: the saved session at rest', () => {
    const secretOf = (text: string) => [text.includes('@crypt_abc'), text.includes('sid123')];

    it('encrypts the session with a 32-byte key; a wrong key is a StoreError, never garbage', async () => {
      const key = randomBytes(32);
      const store = await open({ secretKey: key });
      await store.save(savedSession());
      const raw = await adminPool().query('SELECT format, data FROM webwx_sessions WHERE account = $1', [
        store.account,
      ]);
      expect(raw.rows[0].format).toBe('aes-256-gcm');
      expect(secretOf(raw.rows[0].data.toString('latin1'))).toEqual([false, false]);
      expect(await store.load()).toEqual(savedSession());
      await store.close();

      const wrong = await open({ account: store.account, secretKey: randomBytes(32) });
      const error = await wrong.load().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ kind: 'incompatible' });
      expect((error as Error).message).toMatch(/cannot be decrypted: the secretKey is not the one/);
      const none = await open({ account: store.account });
      await expect(none.load()).rejects.toMatchObject({ kind: 'incompatible', message: /is encrypted/ });
      const passphrase = await open({ account: store.account, secretKey: 'a passphrase' });
      await expect(passphrase.load()).rejects.toMatchObject({ message: /32-byte key, not a passphrase/ });
      const right = await open({ account: store.account, secretKey: key });
      expect(await right.load()).toEqual(savedSession());
    });

    it('takes a passphrase (scrypt), and binds the sealed session to its account', async () => {
      const store = await open({ secretKey: 'correct horse battery staple' });
      await store.save(savedSession());
      expect(await store.load()).toEqual(savedSession());
      const other = await open({ secretKey: 'correct horse battery staple' });
      const admin = adminPool();
      await admin.query(
        `INSERT INTO webwx_sessions (account, format, data) SELECT $2, format, data FROM webwx_sessions WHERE account = $1`,
        [store.account, other.account],
      );
      await expect(other.load()).rejects.toMatchObject({ kind: 'incompatible' });
      const wrong = await open({ account: store.account, secretKey: 'incorrect horse battery' });
      await expect(wrong.load()).rejects.toMatchObject({ kind: 'incompatible' });
    });

    it('without a key stores the session as JSON (and warns); a key reads such a session and seals the next save', async () => {
      const log = recordingLogger();
      const plain = await open({ logger: log.logger });
      expect(log.at('warn').map((l) => l.msg ?? l.obj)).toContainEqual(expect.stringMatching(/unencrypted/));
      await plain.save(savedSession());
      const admin = adminPool();
      const raw = await admin.query('SELECT format, data FROM webwx_sessions WHERE account = $1', [
        plain.account,
      ]);
      expect(raw.rows[0].format).toBe('json');
      const keyed = await open({ account: plain.account, secretKey: randomBytes(32) });
      expect(await keyed.load()).toEqual(savedSession());
      await keyed.save(savedSession());
      const after = await admin.query('SELECT format FROM webwx_sessions WHERE account = $1', [
        plain.account,
      ]);
      expect(after.rows[0].format).toBe('aes-256-gcm');
    });

    it('refuses keys that cannot be keys', async () => {
      await expect(open({ secretKey: randomBytes(16) })).rejects.toThrow(/exactly 32 bytes/);
      await expect(open({ secretKey: 'short' })).rejects.toThrow(/at least 8/);
    });
  });

  describe('PostgresStore: the delivery transaction', () => {
    it('commits what handlers do with the store synchronously together with the batch, or nothing', async () => {
      const store = await open();
      await store.query('CREATE TABLE IF NOT EXISTS handled (account text, msg_id text PRIMARY KEY)');
      const batch = [incoming('d1'), incoming('d2')];
      const joined: Promise<unknown>[] = [];
      const delivered = await store.recordIncoming(batch, (i) => {
        joined.push(store.query('INSERT INTO handled VALUES ($1, $2)', [store.account, batch[i]!.msgId]));
        joined.push(store.recordOutgoing(outgoing(`reply-${i}`)));
      });
      expect(delivered).toEqual([0, 1]);
      await Promise.all(joined);
      expect((await store.query('SELECT msg_id FROM handled ORDER BY msg_id')).rows).toEqual([
        { msg_id: 'd1' },
        { msg_id: 'd2' },
      ]);
      expect((await store.logAfter(0)).map((m) => m.msgId || m.clientMsgId)).toEqual([
        'd1',
        'd2',
        'reply-0',
        'reply-1',
      ]);

      const failing = [incoming('d3'), incoming('d4')];
      const late: Promise<unknown>[] = [];
      await expect(
        store.recordIncoming(failing, (i) => {
          late.push(store.query('INSERT INTO handled VALUES ($1, $2)', [store.account, failing[i]!.msgId]));
          late.push(store.recordOutgoing(outgoing(`reply-f${i}`)));
          if (i === 1) throw new Error('handler crashed');
        }),
      ).rejects.toBeInstanceOf(StoreError);
      for (const p of late) await expect(p).rejects.toBeInstanceOf(StoreError);
      expect(await store.has('d3')).toBe(false);
      expect((await store.query('SELECT count(*)::int AS n FROM handled')).rows).toEqual([{ n: 2 }]);
      expect(await store.seqOfOutgoing('reply-f0')).toBeUndefined();
      expect(await store.lastSeq()).toBe(4);

      // A failing statement of a handler rolls the batch back too; the server will deliver it again.
      await expect(
        store.recordIncoming([incoming('d5')], () => {
          void store.query('INSERT INTO handled VALUES ($1, $2)', [store.account, 'd1']).catch(() => {});
        }),
      ).rejects.toMatchObject({ code: 'store' });
      expect(await store.has('d5')).toBe(false);
      expect(await store.recordIncoming([incoming('d5')])).toEqual([0]);
    });

    it('gives seqs in commit order while sends and batches interleave', async () => {
      const store = await open();
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < 20; i++) {
        work.push(store.recordIncoming([incoming(`m${i}`), incoming(`n${i}`)]));
        work.push(store.recordOutgoing(outgoing(`o${i}`)));
      }
      await Promise.all(work);
      const log = await store.logAfter(0, { limit: 1000 });
      expect(log.map((m) => m.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      expect(await store.lastSeq()).toBe(60);
    });

    it('keeps text PostgreSQL cannot hold as given: NUL becomes U+FFFD, the raw entry keeps it', async () => {
      const store = await open();
      await store.recordIncoming([incoming('z1', '@peer', 'a\u0000b \ud800')]);
      const [m] = await store.history('@peer');
      expect(m?.text).toBe('a\uFFFDb \uFFFD');
      expect(m?.raw).toEqual({ MsgId: 'z1', Content: 'a\u0000b \ud800' });
    });
  });

  describe('PostgresStore: stable ids, the pool, errors', () => {
    it('writes stable ids behind, in order, and keeps them across reopening', async () => {
      const store = await open();
      const ids = store.stableIdStore<{ id: string; name: string }>();
      expect(ids.load()).toEqual([]);
      for (let i = 0; i < 20; i++)
        ids.save([
          { id: 'p:wxid_a', name: `A${i}` },
          { id: `p:wxid_${i}`, name: 'x' },
        ]);
      expect(ids.load()).toEqual([
        { id: 'p:wxid_a', name: 'A19' },
        { id: 'p:wxid_19', name: 'x' },
      ]);
      await store.close();
      const again = await open({ account: store.account });
      expect(
        again
          .stableIdStore<{ id: string; name: string }>()
          .load()
          .sort((a, b) => a.id.localeCompare(b.id)),
      ).toEqual([
        { id: 'p:wxid_19', name: 'x' },
        { id: 'p:wxid_a', name: 'A19' },
      ]);
    });

    it('reports a failed write behind to onError, and flush() rejects', async () => {
      const pool = testPool();
      const errors: StoreError[] = [];
      const store = await open({ pool, onError: (e) => errors.push(e) });
      await pool.end();
      store.stableIdStore().save([{ id: 'p:x' }]);
      await expect(store.flush()).rejects.toBeInstanceOf(StoreError);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.message).toMatch(/saving stable ids/);
    });

    it('ends the pool it made on close(), leaves a pool passed in open', async () => {
      const app = `webwx_close_${randomBytes(3).toString('hex')}`;
      const store = await open({ connectionString: `${url}?application_name=${app}` });
      await store.recordIncoming([incoming('1')]);
      const admin = adminPool();
      const count = async () =>
        Number(
          (await admin.query('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [app]))
            .rows[0].n,
        );
      expect(await count()).toBeGreaterThan(0);
      await store.close();
      await store.close();
      // The server ends a backend shortly after its client has gone.
      for (let i = 0; i < 50 && (await count()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await count()).toBe(0);
      await expect(store.load()).rejects.toMatchObject({ kind: 'io', message: /closed/ });

      const pool = testPool();
      pools.push(pool);
      const onPool = await open({ pool });
      await onPool.close();
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    });

    it('never shows the password of the connection string', async () => {
      const error = await PostgresStore.open({
        connectionString: 'postgres://bot:s3cret-pw@127.0.0.1:1/webwx?password=s3cret-pw',
        account: 'a',
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ kind: 'io', location: 'postgres://bot@127.0.0.1:1/webwx#a' });
      expect(
        JSON.stringify({ m: (error as Error).message, l: (error as StoreError).location }),
      ).not.toContain('s3cret');
    });
  });
}

describe('PostgresStore: the optional driver', () => {
  it('says how to install pg when it is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'pg'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const error = await loadPg(() => Promise.reject(missing)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(/npm install pg/);
  });
});
