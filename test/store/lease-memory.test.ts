/** MemoryLeaseStore: the lease contract, and expiry on an injected clock. */
import { describe, expect, it } from 'vitest';
import { MemoryLeaseStore } from '../../src/store/index.js';
import { leaseStoreContract } from './lease-contract.js';

leaseStoreContract('MemoryLeaseStore', { create: async () => new MemoryLeaseStore() });

describe('MemoryLeaseStore: its clock', () => {
  it('judges expiry by the clock it is given, not the caller', async () => {
    let now = 1_000;
    const store = new MemoryLeaseStore({ now: () => now });
    await store.register('a');
    const lease = await store.acquire('a', 'w1', 500);
    expect(lease?.expiresAt.getTime()).toBe(1_500);
    now = 1_499;
    expect(await store.acquire('a', 'w2', 500)).toBeUndefined();
    now = 1_500;
    expect((await store.acquire('a', 'w2', 500))?.token).toBe(2);
  });
});
