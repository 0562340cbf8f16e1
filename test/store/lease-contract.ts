/** The lease contract (src/store/lease-store.ts) every lease store passes: memory and PostgreSQL. */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import type { LeaseStore } from '../../src/store/index.js';

/** How a contract run gets a fresh store (accounts never overlap between calls). */
export interface LeaseStoreFactory {
  create(): Promise<LeaseStore>;
}

let counter = 0;
const account = () => `acct-${process.pid}-${++counter}`;

/** The contract, on the stores `factory` makes. */
export function leaseStoreContract(name: string, factory: LeaseStoreFactory): void {
  describe(`${name}: the lease contract`, () => {
    it('grants an account to one worker at a time; the other is refused while the lease lives', async () => {
      const store = await factory.create();
      const a = account();
      await store.register(a);
      const lease = await store.acquire(a, 'w1', 10_000);
      expect(lease).toMatchObject({ accountId: a, workerId: 'w1', token: 1 });
      expect(lease?.expiresAt.getTime()).toBeGreaterThan(Date.now() + 5_000);
      expect(await store.acquire(a, 'w2', 10_000)).toBeUndefined();
      expect(await store.list()).toContainEqual({
        accountId: a,
        workerId: 'w1',
        token: 1,
        expiresAt: lease?.expiresAt,
      });
    });

    it('an unregistered account cannot be leased; registering twice keeps the lease', async () => {
      const store = await factory.create();
      const a = account();
      expect(await store.acquire(a, 'w1', 10_000)).toBeUndefined();
      await store.register(a);
      const lease = await store.acquire(a, 'w1', 10_000);
      await store.register(a);
      expect(lease && (await store.isCurrent(lease))).toBe(true);
      expect(await store.unregister(a)).toBe(true);
      expect(await store.unregister(a)).toBe(false);
      expect((await store.list()).some((s) => s.accountId === a)).toBe(false);
    });

    it('acquiring what one holds renews it and keeps the token', async () => {
      const store = await factory.create();
      const a = account();
      await store.register(a);
      const first = await store.acquire(a, 'w1', 1_000);
      const again = await store.acquire(a, 'w1', 20_000);
      expect(again?.token).toBe(first?.token);
      expect(again?.expiresAt.getTime()).toBeGreaterThan(first?.expiresAt.getTime() ?? 0);
    });

    it('a lease nobody renews expires; the next holder gets a higher fencing token and the old one is refused', async () => {
      const store = await factory.create();
      const a = account();
      await store.register(a);
      const old = await store.acquire(a, 'w1', 600);
      if (!old) throw new Error('not acquired');
      expect(await store.isCurrent(old)).toBe(true);
      await sleep(800);
      expect(await store.isCurrent(old)).toBe(false);
      expect((await store.list()).find((s) => s.accountId === a)).toMatchObject({
        workerId: undefined,
        expiresAt: undefined,
        token: 1,
      });
      const taken = await store.acquire(a, 'w2', 10_000);
      expect(taken?.token).toBe(2);
      expect(await store.renew(old, 10_000)).toBeUndefined();
      expect(await store.release(old)).toBe(false);
      expect(await store.isCurrent(old)).toBe(false);
      if (!taken) throw new Error('not taken');
      expect(await store.isCurrent(taken)).toBe(true);
    });

    it('renewal extends the lease; an expired lease nobody took can still be renewed with its token', async () => {
      const store = await factory.create();
      const a = account();
      await store.register(a);
      const lease = await store.acquire(a, 'w1', 150);
      if (!lease) throw new Error('not acquired');
      const renewed = await store.renew(lease, 10_000);
      expect(renewed?.token).toBe(lease.token);
      expect(renewed?.expiresAt.getTime()).toBeGreaterThan(lease.expiresAt.getTime());
      await sleep(250);
      expect(renewed && (await store.isCurrent(renewed))).toBe(true);
      const short = await store.renew(lease, 100);
      await sleep(200);
      if (!short) throw new Error('not renewed');
      expect(await store.isCurrent(short)).toBe(false);
      expect((await store.renew(short, 10_000))?.token).toBe(lease.token);
    });

    it('release frees the account at once; the next acquire gets a higher token', async () => {
      const store = await factory.create();
      const a = account();
      await store.register(a);
      const lease = await store.acquire(a, 'w1', 60_000);
      if (!lease) throw new Error('not acquired');
      expect(await store.release(lease)).toBe(true);
      expect(await store.release(lease)).toBe(false);
      expect(await store.isCurrent(lease)).toBe(false);
      const next = await store.acquire(a, 'w2', 60_000);
      expect(next?.token).toBe(lease.token + 1);
      const back = next && (await store.release(next)) && (await store.acquire(a, 'w1', 60_000));
      expect(back ? back.token : undefined).toBe(lease.token + 2);
    });

    it('many workers acquiring at once: exactly one gets the lease', async () => {
      const store = await factory.create();
      const a = account();
      await store.register(a);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => store.acquire(a, `w${i}`, 10_000)),
      );
      const granted = results.filter((r) => r !== undefined);
      expect(granted).toHaveLength(1);
      expect(granted[0]?.token).toBe(1);
    });

    it('worker heartbeats: live until they expire or the worker leaves', async () => {
      const store = await factory.create();
      const w = account();
      await store.heartbeat(`${w}-a`, 10_000);
      await store.heartbeat(`${w}-b`, 600);
      await store.heartbeat(`${w}-c`, 10_000);
      const ids = async () => (await store.workers()).map((s) => s.workerId).filter((id) => id.startsWith(w));
      expect(await ids()).toEqual([`${w}-a`, `${w}-b`, `${w}-c`]);
      await store.leave(`${w}-c`);
      await sleep(800);
      expect(await ids()).toEqual([`${w}-a`]);
      await store.heartbeat(`${w}-b`, 10_000);
      expect(await ids()).toEqual([`${w}-a`, `${w}-b`]);
    });

    it('bad ids and times to live are InvalidArgumentErrors', async () => {
      const store = await factory.create();
      await expect(store.register('')).rejects.toThrow(InvalidArgumentError);
      await expect(store.acquire('a', 'w', 0)).rejects.toThrow(InvalidArgumentError);
      await expect(store.acquire('a', 'x'.repeat(201), 1000)).rejects.toThrow(InvalidArgumentError);
      await expect(store.heartbeat('w', -5)).rejects.toThrow(InvalidArgumentError);
    });
  });
}
