/**
 * WalCheckpoints when its checkpoint thread dies: the checkpoint in flight is reported as a
 * StoreError and every later one runs on the event loop, with the store's own checkpoint(). The
 * thread here runs a module that exits on its first request (fixtures/exiting-worker.mjs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { StoreError } from '../../src/store/session-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { WalCheckpoints } from '../../src/store/wal-checkpoints.js';
import { incoming } from './contract.js';

vi.mock('../../src/store/wal-checkpoint-thread.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/store/wal-checkpoint-thread.js')>();
  const module = new URL('./fixtures/exiting-worker.mjs', import.meta.url);
  class DyingThread extends real.CheckpointThread {
    constructor() {
      super({ module });
    }
  }
  return { ...real, CheckpointThread: DyingThread };
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

it('falls back to the event loop when the thread dies, after reporting the checkpoint it lost', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'webwx-ckpt-fallback-'));
  dirs.push(dir);
  const errors: unknown[] = [];
  const c = new WalCheckpoints({ tickMs: 86_400_000, minWrites: 10, onError: (e) => errors.push(e) });
  const s = new SqliteStore({ path: join(dir, 'store.db'), checkpoints: c });
  let own = 0;
  const checkpoint = s.checkpoint.bind(s);
  s.checkpoint = () => {
    own++;
    checkpoint();
  };
  for (let i = 0; i < 20; i++) await s.recordIncoming([incoming(`a${i}`)]);
  expect(c.tick()).toBe(s);
  await c.settled();
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(StoreError);
  expect((errors[0] as StoreError).message).toMatch(/checkpoint thread exited \(code 3\)/);
  expect(own).toBe(0);
  // The count restarted with the lost checkpoint: 20 writes more make the store due again.
  for (let i = 0; i < 20; i++) await s.recordIncoming([incoming(`b${i}`)]);
  expect(c.tick()).toBe(s);
  expect(own).toBe(1); // on the event loop, at once
  expect(c.stats()).toEqual({ onThread: 0, onEventLoop: 1, failed: 1 });
  expect(c.threadId).toBeUndefined();
  s.close();
  await c.close();
});
