import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSessionStore, StoreError } from '../../src/store/index.js';
import { savedSession } from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'webwx-file-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `case-${++n}`, 'nested', 'session.json');

describe('FileSessionStore', () => {
  it('writes mode 0600 atomically and leaves no temporary file behind', async () => {
    const path = fresh();
    const store = new FileSessionStore(path);
    await Promise.all([1, 2, 3, 4, 5].map((i) => store.save(savedSession({ savedAt: i }))));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(path, '..'))).toEqual(['session.json']);
    expect((await store.load())?.savedAt).toBe(5);
  });

  it('refuses a corrupt file with a typed error naming the file, and never overwrites it by loading', async () => {
    const path = fresh();
    const store = new FileSessionStore(path);
    await store.save(savedSession());
    writeFileSync(path, '{"version":1,"hosts":');
    const error = await store.load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ kind: 'corrupt', location: path });
    writeFileSync(path, JSON.stringify({ ...savedSession(), syncKey: 'x' }));
    await expect(store.load()).rejects.toMatchObject({
      kind: 'corrupt',
      message: expect.stringContaining('syncKey'),
    });
  });

  it('refuses a session of another format version', async () => {
    const path = fresh();
    const store = new FileSessionStore(path);
    await store.save(savedSession());
    writeFileSync(path, JSON.stringify({ ...savedSession(), version: 2 }));
    await expect(store.load()).rejects.toMatchObject({
      kind: 'incompatible',
      message: expect.stringContaining('version 2'),
    });
  });

  it('never puts credentials in its error messages', async () => {
    const path = fresh();
    const store = new FileSessionStore(path);
    await store.save(savedSession());
    writeFileSync(path, JSON.stringify({ ...savedSession(), deviceId: 5 }));
    const error = (await store.load().catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain('@crypt_abc');
    expect(error.message).not.toContain('sid123');
  });
});
