import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError, InvalidStateError } from '../../src/errors.js';
import { StoreError } from '../../src/store/session-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { WalCheckpoints } from '../../src/store/wal-checkpoints.js';
import { incoming } from './contract.js';

/** A store as the scheduler sees it: its write count (it only grows) and its own checkpoint(). */
function target(writes: number, fail = false) {
  const t = {
    writeCount: writes,
    runs: 0,
    checkpoint() {
      t.runs++;
      if (fail) throw new Error('disk full');
    },
  };
  return t;
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'webwx-ckpt-'));
  dirs.push(dir);
  return join(dir, 'store.db');
}

const message = (i: number) => incoming(`m${i}`, '@a', 'x'.repeat(500));

describe('WalCheckpoints', () => {
  it('checkpoints one store a tick: the one with the most writes, once it has minWrites', () => {
    const c = new WalCheckpoints({ minWrites: 10 });
    const a = target(9);
    const b = target(40);
    const d = target(25);
    for (const t of [a, b, d]) c.add(t);
    expect(c.tick()).toBe(b);
    expect(c.tick()).toBe(d);
    expect(c.tick()).toBeUndefined(); // a has 9 < 10
    expect([a.runs, b.runs, d.runs]).toEqual([0, 1, 1]);
    // Counted from each store's last checkpoint: b's 9 writes since are not enough, d's 12 are.
    b.writeCount += 9;
    d.writeCount += 12;
    expect(c.tick()).toBe(d);
    expect(c.tick()).toBeUndefined();
    c.close();
  });

  it('reports a failing checkpoint and goes on with the others', () => {
    const errors: unknown[] = [];
    const c = new WalCheckpoints({ minWrites: 1, onError: (e) => errors.push(e) });
    const bad = target(50, true);
    const good = target(20);
    c.add(bad);
    c.add(good);
    expect(c.tick()).toBe(bad);
    expect(c.tick()).toBe(good);
    // Reported as the one store error type, with the store's own failure as its cause.
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(StoreError);
    expect(((errors[0] as StoreError).cause as Error).message).toBe('disk full');
    expect(c.stats()).toEqual({ onThread: 0, onEventLoop: 1, failed: 1 });
    c.close();
  });

  it('refuses bad options and adds after close', () => {
    expect(() => new WalCheckpoints({ tickMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => new WalCheckpoints({ minWrites: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => new WalCheckpoints({ thread: 'yes' as unknown as boolean })).toThrow(InvalidArgumentError);
    const c = new WalCheckpoints();
    c.close();
    expect(() => c.add(target(1))).toThrow(InvalidStateError);
  });

  it('runs by itself on its timer while stores are registered, and stops with the last one', () => {
    vi.useFakeTimers();
    try {
      const c = new WalCheckpoints({ tickMs: 5, minWrites: 1 });
      const t = target(3);
      c.add(t);
      vi.advanceTimersByTime(4);
      expect(t.runs).toBe(0);
      vi.advanceTimersByTime(1);
      expect(t.runs).toBe(1);
      vi.advanceTimersByTime(50); // nothing written since: nothing to do
      expect(t.runs).toBe(1);
      c.delete(t);
      expect(c.size).toBe(0);
      t.writeCount += 10;
      vi.advanceTimersByTime(50); // no store left: the timer is gone
      expect(t.runs).toBe(1);
      expect(vi.getTimerCount()).toBe(0);
      c.close();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('SqliteStore with a WalCheckpoints scheduler', () => {
  it('turns SQLite’s own checkpoints off, counts its writes, and checkpoints when told', async () => {
    const checkpoints = new WalCheckpoints({ minWrites: 1_000_000 });
    const path = tempDb();
    const store = new SqliteStore({ path, checkpoints });
    expect(store.database.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    expect(checkpoints.size).toBe(1);
    for (let i = 0; i < 400; i++) await store.recordIncoming([message(i)]);
    expect(store.writeCount).toBe(400);
    // Past SQLite's 1,000 pages and never checkpointed: the WAL only grew.
    const walBefore = statSync(`${path}-wal`).size;
    expect(walBefore).toBeGreaterThan(1000 * 4096);
    store.checkpoint();
    expect(store.writeCount).toBe(400); // the count only grows: the scheduler counts from its own mark
    // Everything in the WAL is in the database now: the next writes start the WAL over.
    const [row] = store.database.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
    expect(row?.checkpointed).toBe(row?.log);
    await store.recordIncoming([message(1000)]);
    expect(statSync(`${path}-wal`).size).toBe(walBefore); // reused from its start, not grown
    store.close();
    expect(checkpoints.size).toBe(0);
    const reopened = new SqliteStore(path);
    expect(await reopened.has('m399')).toBe(true);
    expect(reopened.database.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    reopened.close();
  });
});
