/**
 * PostgresLeaseStore on a real PostgreSQL (test/postgres-server.ts): the lease contract, expiry by
 * the database's clock, workers in separate pools racing for the same accounts, and the tables
 * PostgresStore shares.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresLeaseStore, PostgresStore } from '../../src/store/index.js';
import { POSTGRES_MISSING, startTestPostgres } from '../postgres-server.js';
import { leaseStoreContract } from './lease-contract.js';

const server = await startTestPostgres();
const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const s of opened) await s.close().catch(() => {});
  await server?.stop();
}, 60_000);

async function open(): Promise<PostgresLeaseStore> {
  const store = await PostgresLeaseStore.open({ connectionString: server?.url ?? '', maxConnections: 4 });
  opened.push(store);
  return store;
}

if (!server) {
  describe.skip(`PostgresLeaseStore: ${POSTGRES_MISSING}`, () => {
    it('needs PostgreSQL', () => {});
  });
} else {
  leaseStoreContract('PostgresLeaseStore', { create: open });

  describe('PostgresLeaseStore: workers on separate connections', () => {
    it('three stores (three workers) racing for 30 accounts: each account has one holder and token 1', async () => {
      const stores = await Promise.all([open(), open(), open()]);
      const accounts = Array.from({ length: 30 }, (_, i) => `race-${i}`);
      for (const a of accounts) await stores[0]?.register(a);
      const grants = await Promise.all(
        stores.flatMap((store, w) => accounts.map((a) => store.acquire(a, `worker-${w}`, 30_000))),
      );
      const held = grants.filter((g) => g !== undefined);
      expect(held).toHaveLength(30);
      expect(new Set(held.map((g) => g?.accountId)).size).toBe(30);
      expect(held.every((g) => g?.token === 1)).toBe(true);
      const listed = (await stores[2]?.list())?.filter((s) => s.accountId.startsWith('race-'));
      expect(listed?.map((s) => [s.accountId, s.workerId])).toEqual(
        held.map((g) => [g?.accountId, g?.workerId]).sort(([a], [b]) => ((a ?? '') < (b ?? '') ? -1 : 1)),
      );
    });

    it('a registered account is an account of PostgresStore (same accounts table); removing it removes the lease', async () => {
      const leases = await open();
      await leases.register('shared-1');
      const store = await PostgresStore.open({ connectionString: server.url, account: 'shared-1' });
      opened.push(store);
      expect(await leases.acquire('shared-1', 'w', 10_000)).toMatchObject({ token: 1 });
      expect(await leases.unregister('shared-1')).toBe(true);
      expect(await leases.acquire('shared-1', 'w', 10_000)).toBeUndefined();
    });

    it('a connection string that reaches nothing is a StoreError without the password', async () => {
      const error = await PostgresLeaseStore.open({
        connectionString: 'postgres://me:sekrit-pw@127.0.0.1:1/nothing',
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'StoreError', kind: 'io' });
      expect(String((error as Error).message)).not.toContain('sekrit-pw');
    });
  });
}
