import { describe, expect, it } from 'vitest';
import { describeTarget, passwordOf, storeErrorOf } from '../../src/store/postgres-driver.js';
import { RecordsWrittenBehind, WriteBehind } from '../../src/store/write-behind.js';

describe('WriteBehind', () => {
  it('writes in order, one at a time, only the newest value waiting', async () => {
    const written: number[] = [];
    let running = 0;
    const writer = new WriteBehind<number>(
      async (v) => {
        running++;
        expect(running).toBe(1);
        await new Promise((r) => setTimeout(r, 5));
        written.push(v);
        running--;
      },
      () => {},
    );
    writer.set(1);
    writer.set(2);
    await new Promise((r) => setTimeout(r, 1));
    writer.set(3);
    writer.set(4);
    await writer.flush();
    expect(written.at(-1)).toBe(4);
    expect(written).toEqual([...written].sort((a, b) => a - b));
    expect(written).not.toContain(3);
  });

  it('reports a failed write, flush() rejects until a later write succeeds', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const writer = new WriteBehind<number>(
      async () => {
        if (fail) throw new Error('down');
      },
      (e) => errors.push(e),
    );
    writer.set(1);
    await expect(writer.flush()).rejects.toThrow('down');
    expect(errors).toHaveLength(1);
    fail = false;
    writer.set(2);
    await writer.flush();
  });
});

describe('RecordsWrittenBehind', () => {
  it('answers load() at once from what was preloaded or saved last, the last record of an id winning', async () => {
    const writes: { id: string }[][] = [];
    const records = new RecordsWrittenBehind(
      async (r) => void writes.push(r),
      () => {},
    );
    records.preload([{ id: 'a', n: 1 }, { nope: true }, null]);
    const store = records.store<{ id: string; n: number }>();
    expect(store.load()).toEqual([{ id: 'a', n: 1 }]);
    store.save([
      { id: 'b', n: 1 },
      { id: 'b', n: 2 },
    ]);
    const loaded = store.load();
    expect(loaded).toEqual([{ id: 'b', n: 2 }]);
    loaded[0]!.n = 99;
    expect(store.load()).toEqual([{ id: 'b', n: 2 }]);
    await records.flush();
    expect(writes).toEqual([[{ id: 'b', n: 2 }]]);
  });
});

describe('PostgreSQL targets in messages', () => {
  it('never shows a password, in the URL or its parameters', () => {
    expect(describeTarget('postgres://bot:pw@db:5432/webwx?sslmode=require&password=pw', 'alice')).toBe(
      'postgres://bot@db:5432/webwx#alice',
    );
    expect(describeTarget('host=db password=pw', 'alice')).toBe(
      'postgres (connection string not shown)#alice',
    );
    expect(passwordOf('postgres://bot:p%40ss@db/webwx')).toBe('p@ss');
    expect(passwordOf('host=db password=pw')).toBe('pw');
    const error = storeErrorOf(
      'connecting',
      'here',
      Object.assign(new Error('auth for p@ss failed'), { code: '28P01' }),
      'p@ss',
    );
    expect(error).toMatchObject({ kind: 'io', location: 'here' });
    expect(error.message).toBe('connecting (here) failed (28P01: auth for [redacted] failed)');
    expect(storeErrorOf('reading', 'here', { code: '42P01', message: 'relation missing' }).kind).toBe(
      'corrupt',
    );
  });
});
