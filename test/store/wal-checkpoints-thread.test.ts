/**
 * WalCheckpoints on its checkpoint thread (wal-checkpoint-thread.ts, wal-checkpoint-worker.ts): real
 * SqliteStores on files, a real worker thread. What a checkpoint did is read from SQLite's own files:
 * the database file grows by the pages copied into it, and the WAL is written again from its start
 * (it does not grow) by the next commit once every frame of it is in the database.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { threadId as mainThreadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/session-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { CheckpointThread } from '../../src/store/wal-checkpoint-thread.js';
import { WalCheckpoints } from '../../src/store/wal-checkpoints.js';
import { incoming } from './contract.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');

const dirs: string[] = [];
const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'webwx-ckpt-thread-'));
  dirs.push(dir);
  return join(dir, 'store.db');
}

function scheduler(options: ConstructorParameters<typeof WalCheckpoints>[0] = {}) {
  const errors: unknown[] = [];
  // A tick a day: the tests tick by hand, one checkpoint at a time.
  const c = new WalCheckpoints({
    tickMs: 86_400_000,
    minWrites: 10,
    onError: (e) => errors.push(e),
    ...options,
  });
  open.push(c);
  return { c, errors };
}

/** A store whose own checkpoint() counts its calls (the event loop's checkpoint). */
function store(path: string, checkpoints: WalCheckpoints) {
  const s = new SqliteStore({ path, checkpoints });
  open.push(s);
  const own = s.checkpoint.bind(s);
  const calls = { onEventLoop: 0 };
  s.checkpoint = () => {
    calls.onEventLoop++;
    own();
  };
  return { s, calls };
}

let next = 0;
async function write(s: SqliteStore, messages: number): Promise<void> {
  for (let i = 0; i < messages; i++) await s.recordIncoming([incoming(`m${next++}`, '@a', 'x'.repeat(500))]);
}

const size = (file: string) => statSync(file).size;

describe('WalCheckpoints on its thread', () => {
  it('checkpoints a store on the worker thread, not with the store’s own checkpoint()', async () => {
    const { c, errors } = scheduler();
    const path = tempDb();
    const { s, calls } = store(path, c);
    await write(s, 300);
    const dbBefore = size(path);
    const walBefore = size(`${path}-wal`);
    expect(walBefore).toBeGreaterThan(dbBefore * 5); // the messages are in the WAL only
    expect(c.threadId).toBeUndefined(); // started lazily: not before the first checkpoint is due

    expect(c.tick()).toBe(s);
    expect(c.threadId).toEqual(expect.any(Number));
    expect(c.threadId).not.toBe(mainThreadId);
    await c.settled(s);

    expect(calls.onEventLoop).toBe(0);
    expect(errors).toEqual([]);
    expect(c.stats()).toEqual({ onThread: 1, onEventLoop: 0, failed: 0 });
    // The pages are in the database now, and the WAL starts over: the next commit does not grow it.
    expect(size(path)).toBeGreaterThan(dbBefore + 100 * 4096);
    await write(s, 1);
    expect(size(`${path}-wal`)).toBe(walBefore);
    // A control: without a checkpoint, commits grow the WAL.
    await write(s, 400);
    expect(size(`${path}-wal`)).toBeGreaterThan(walBefore);
    // The count restarts from the checkpoint sent: 401 writes since, so it is due again.
    expect(c.tick()).toBe(s);
    await c.settled();
    expect(await s.has(`m${next - 1}`)).toBe(true);
  });

  it('never runs two checkpoints at once: the next store waits for the thread’s answer', async () => {
    const { c, errors } = scheduler();
    const a = store(tempDb(), c).s;
    const b = store(tempDb(), c).s;
    await write(a, 60);
    await write(b, 40);
    expect(c.tick()).toBe(a);
    expect(c.tick()).toBeUndefined(); // a's checkpoint is in flight: b waits
    await c.settled(a);
    expect(c.tick()).toBe(b);
    await c.settled();
    expect(c.tick()).toBeUndefined(); // nothing written since
    expect(c.stats()).toEqual({ onThread: 2, onEventLoop: 0, failed: 0 });
    expect(errors).toEqual([]);
  });

  it('on its own timer, ticking much faster than checkpoints finish, never sends a second one', async () => {
    // The thread refuses a request while one runs (a StoreError): a second one sent would be a failure.
    const { c, errors } = scheduler({ tickMs: 1 });
    const stores = [tempDb(), tempDb(), tempDb(), tempDb()].map((p) => store(p, c).s);
    for (const s of stores) await write(s, 30);
    while (c.stats().onThread + c.stats().failed < stores.length) await new Promise((r) => setTimeout(r, 5));
    expect(errors).toEqual([]);
    expect(c.stats()).toEqual({ onThread: 4, onEventLoop: 0, failed: 0 });
  });

  it('reports a checkpoint that fails (the file is gone) as a StoreError, re-creates nothing, and goes on', async () => {
    const { c, errors } = scheduler();
    const gonePath = tempDb();
    const gone = store(gonePath, c).s;
    const other = store(tempDb(), c).s;
    await write(gone, 50);
    await write(other, 20);
    for (const f of [gonePath, `${gonePath}-wal`, `${gonePath}-shm`]) rmSync(f);

    expect(c.tick()).toBe(gone);
    await c.settled();
    expect(errors).toHaveLength(1);
    const error = errors[0] as StoreError;
    expect(error).toBeInstanceOf(StoreError);
    expect(error.location).toBe(gonePath);
    expect(error.message).toMatch(/checkpoint thread failed \(SQLITE_CANTOPEN\)/);
    expect(existsSync(gonePath)).toBe(false); // fileMustExist: no new empty database
    // The failure cost one store one turn; the thread and the others go on.
    expect(c.tick()).toBe(other);
    await c.settled();
    expect(c.stats()).toEqual({ onThread: 1, onEventLoop: 0, failed: 1 });
    expect(errors).toHaveLength(1);
  });

  it('a store closed while its checkpoint runs is not checkpointed again; settled() waits for it', async () => {
    const { c, errors } = scheduler();
    const path = tempDb();
    const closing = store(path, c).s;
    const other = store(tempDb(), c).s;
    await write(closing, 50);
    expect(c.tick()).toBe(closing);
    closing.close(); // deletes it from the scheduler while the thread still checkpoints it
    expect(c.size).toBe(1);
    await c.settled(closing);
    // Its files can go now (the host removes an account's directory): the thread holds none of them.
    rmSync(dirname(path), { recursive: true });
    await write(other, 5);
    expect(c.tick()).toBeUndefined(); // other has 5 < 10, and the closed store is not a candidate
    await c.settled();
    expect(existsSync(path)).toBe(false);
    // The same path again (an account removed and added again): a new store, checkpointed as any.
    const again = store(path, c).s;
    await write(again, 20);
    expect(await again.has('m0')).toBe(false);
    expect(c.tick()).toBe(again);
    await c.settled(again);
    expect(errors).toEqual([]);
  });

  it('close() lets a checkpoint in flight finish, then ends the thread', async () => {
    const { c, errors } = scheduler();
    const { s } = store(tempDb(), c);
    await write(s, 30);
    expect(c.tick()).toBe(s);
    expect(c.threadId).toEqual(expect.any(Number));
    await c.close();
    expect(c.stats()).toEqual({ onThread: 1, onEventLoop: 0, failed: 0 });
    expect(c.threadId).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('leaves a process free to exit with its thread started and not closed (the thread is unref’d)', async () => {
    const script = join(HERE, 'fixtures', 'checkpoint-thread-exit.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, tempDb()], {
      cwd: ROOT,
      timeout: 60_000,
    });
    expect(stdout.trim()).toMatch(/^on thread \d+: {"onThread":1,"onEventLoop":0,"failed":0}$/);
  });
});

describe('WalCheckpoints on the event loop', () => {
  it('with thread: false, calls the store’s own checkpoint() and starts no thread', async () => {
    const { c } = scheduler({ thread: false });
    const { s, calls } = store(tempDb(), c);
    await write(s, 20);
    expect(c.tick()).toBe(s);
    expect(calls.onEventLoop).toBe(1);
    expect(c.threadId).toBeUndefined();
    expect(c.stats()).toEqual({ onThread: 0, onEventLoop: 1, failed: 0 });
  });

  it('checkpoints a store without a file (in memory) on the event loop, with the thread on', async () => {
    const { c } = scheduler();
    const { s, calls } = store(':memory:', c);
    await write(s, 20);
    const fileless: { writeCount: number; runs: number; checkpoint(): void } = {
      writeCount: 15,
      runs: 0,
      checkpoint() {
        this.runs++;
      },
    };
    c.add(fileless);
    expect(c.tick()).toBe(s);
    expect(c.tick()).toBe(fileless);
    expect([calls.onEventLoop, fileless.runs]).toEqual([1, 1]);
    expect(c.threadId).toBeUndefined();
  });
});

describe('CheckpointThread', () => {
  it('fails with a StoreError when its module cannot load, and stays unusable', async () => {
    const thread = new CheckpointThread({
      module: new URL('./fixtures/no-such-worker.mjs', import.meta.url),
    });
    open.push(thread);
    await expect(thread.run('/nowhere.db')).rejects.toBeInstanceOf(StoreError);
    expect(thread.usable).toBe(false);
    await expect(thread.run('/nowhere.db')).rejects.toBeInstanceOf(StoreError);
  });

  it('fails the checkpoint in flight with a StoreError when the worker dies, and stays unusable', async () => {
    const thread = new CheckpointThread({
      module: new URL('./fixtures/exiting-worker.mjs', import.meta.url),
    });
    open.push(thread);
    const failure = await thread.run('/x.db').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toMatch(/exited \(code 3\)/);
    expect(thread.usable).toBe(false);
    expect(thread.threadId).toBeUndefined();
  });

  it('close() called while a checkpoint runs lets it finish, then ends the worker', async () => {
    const thread = new CheckpointThread();
    open.push(thread);
    const path = tempDb();
    const s = new SqliteStore(path);
    open.push(s);
    await write(s, 30);
    const running = thread.run(path);
    await thread.close();
    const done = await running;
    expect(done.log).toBeGreaterThan(0);
    expect(done.checkpointed).toBe(done.log);
    expect(thread.threadId).toBeUndefined();
    expect(thread.usable).toBe(false);
  });

  it('ends its worker when idle and starts a new one for the next checkpoint', async () => {
    const thread = new CheckpointThread({ idleMs: 1 });
    open.push(thread);
    const path = tempDb();
    const s = new SqliteStore(path);
    open.push(s);
    await write(s, 5);
    expect(await thread.run(path)).toMatchObject({ busy: 0 });
    const first = thread.threadId;
    expect(first).toEqual(expect.any(Number));
    while (thread.threadId !== undefined) await new Promise((r) => setTimeout(r, 5));
    expect(thread.usable).toBe(true); // retired, not broken
    await write(s, 5);
    const again = await thread.run(path);
    expect(again.log).toBeGreaterThan(0);
    expect(again.checkpointed).toBe(again.log);
    expect(thread.threadId).not.toBe(first);
  });
});
