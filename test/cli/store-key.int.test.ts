/**
 * WEBWX_STORE_KEY (docs/sessions.md): the CLI seals the saved session in its SQLite file with it, so
 * the credentials are not in the file; the same key resumes, another key gets a typed error, and a
 * value that is not a base64 32-byte key is a usage error that names the variable, not the value.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cli-io.js';
import { STORE_FILE } from '../../src/cli/data-dir.js';
import { STORE_KEY_ENV, storeKeyFrom } from '../../src/cli/store-key.js';
import { startEmulator } from '../../src/emulator/index.js';
import { SqliteStore, StoreError } from '../../src/store/index.js';
import { startAutoConfirmingEmulator } from '../bot/logged-in.js';
import { runCli } from './cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'webwx-store-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every byte of the store: the database and its write-ahead log. */
function storeBytes(dataDir: string, file = STORE_FILE): Buffer {
  const path = join(dataDir, file);
  return Buffer.concat([path, `${path}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p)));
}

describe('storeKeyFrom', () => {
  it('reads a base64 32-byte key, and refuses anything else without echoing it', () => {
    const key = randomBytes(32);
    expect(Buffer.from(storeKeyFrom({ [STORE_KEY_ENV]: key.toString('base64') })!)).toEqual(key);
    expect(storeKeyFrom({})).toBeUndefined();
    expect(storeKeyFrom({ [STORE_KEY_ENV]: '' })).toBeUndefined();
    for (const bad of ['correct-horse-battery-staple', randomBytes(16).toString('base64'), 'zz!zz']) {
      let error: unknown;
      try {
        storeKeyFrom({ [STORE_KEY_ENV]: bad });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).message).toContain('WEBWX_STORE_KEY');
      expect((error as CliError).message).not.toContain(bad);
    }
  });
});

describe('webwx login with WEBWX_STORE_KEY', () => {
  it('seals the session at rest, resumes with the same key, and a wrong key is a typed error', async () => {
    const emulator = await startEmulator({ timing: { loginPollHoldMs: 500, syncCheckHoldMs: 500 } });
    const off = emulator.phone.on('qr', (qr) => {
      if (!qr.push) emulator.phone.scan(qr.uuid);
      emulator.phone.confirm(qr.uuid);
    });
    const key = randomBytes(32);
    const env = { [STORE_KEY_ENV]: key.toString('base64') };
    try {
      // Without a key the credentials are in the file (what the key is for).
      const plainDir = join(dir, 'plain');
      const plain = runCli(['--data-dir', plainDir, 'login', '--server', emulator.baseUrl], { env: {} });
      await plain.waitForOutput('[*] 3 groups');
      plain.abort();
      expect(await plain.exit).toBe(130);
      const plainStore = new SqliteStore(join(plainDir, STORE_FILE));
      const plainCredentials = (await plainStore.load())!.credentials;
      plainStore.close();
      expect(storeBytes(plainDir).includes(plainCredentials.sid)).toBe(true);
      expect(storeBytes(plainDir).includes(plainCredentials.passTicket)).toBe(true);

      const dataDir = join(dir, 'sealed');
      const first = runCli(['--data-dir', dataDir, 'login', '--server', emulator.baseUrl], { env });
      await first.waitForOutput('[*] 3 groups');
      first.abort();
      expect(await first.exit).toBe(130);

      const path = join(dataDir, STORE_FILE);
      const keyed = new SqliteStore({ path, secretKey: key });
      const { credentials } = (await keyed.load())!;
      keyed.close();
      const bytes = storeBytes(dataDir);
      // The skey is sealed with the session and left out of the contact cache's avatar URLs.
      for (const secret of [credentials.sid, credentials.passTicket, credentials.skey])
        expect(bytes.includes(secret)).toBe(false);

      const wrong = new SqliteStore({ path, secretKey: randomBytes(32) });
      const error = await wrong.load().catch((e: unknown) => e);
      wrong.close();
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).kind).toBe('incompatible');
      const keyless = new SqliteStore(path);
      await expect(keyless.load()).rejects.toBeInstanceOf(StoreError);
      keyless.close();

      const qrs = emulator.phone.qrCodes().length;
      const second = runCli(['--data-dir', dataDir, 'login', '--server', emulator.baseUrl], { env });
      await second.waitForOutput('[*] 3 groups');
      expect(second.stdout()).toContain('Resuming the saved session');
      expect(emulator.phone.qrCodes().length).toBe(qrs);
      second.stdin.write('quit\n');
      expect(await second.exit).toBe(0);

      const bad = runCli(['--data-dir', dataDir, 'login', '--server', emulator.baseUrl], {
        env: { [STORE_KEY_ENV]: 'not-a-key-at-all' },
      });
      expect(await bad.exit).toBe(2);
      expect(bad.stderr()).toContain('WEBWX_STORE_KEY');
      expect(bad.stderr()).not.toContain('not-a-key-at-all');
    } finally {
      off();
      await emulator.close();
    }
  }, 60_000);
});

describe('webwx host with WEBWX_STORE_KEY', () => {
  it("seals each account's session in its own file", async () => {
    const emulator = await startAutoConfirmingEmulator();
    const dataDir = join(dir, 'host');
    const key = randomBytes(32);
    const token = 'store-key-token-abcdefghijkl';
    const auth = { authorization: `Bearer ${token}` };
    const env = { WEBWX_API_TOKEN: token, WEBWX_DATA_DIR: dataDir, [STORE_KEY_ENV]: key.toString('base64') };
    try {
      const run = runCli(['host', '--port', '0', '--server', emulator.baseUrl, '--no-pacing'], { env });
      await run.waitForOutput(/Account host listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const url = /Account host listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stdout())?.[1] as string;
      const created = await fetch(`${url}/accounts`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'desk-1' }),
      });
      expect(created.status).toBe(201);
      const deadline = Date.now() + 15_000;
      for (;;) {
        const body = (await (await fetch(`${url}/accounts/desk-1`, { headers: auth })).json()) as {
          account: { state: string };
        };
        if (body.account.state === 'ready') break;
        if (Date.now() > deadline) throw new Error('desk-1 not ready');
        await new Promise((r) => setTimeout(r, 100));
      }
      run.abort();
      await run.exit;
      const accountDir = join(dataDir, 'accounts', 'desk-1');
      const store = new SqliteStore({ path: join(accountDir, 'webwx.db'), secretKey: key });
      const { credentials } = (await store.load())!;
      store.close();
      const bytes = storeBytes(accountDir, 'webwx.db');
      expect(bytes.length).toBeGreaterThan(0);
      for (const secret of [credentials.sid, credentials.passTicket, credentials.skey])
        expect(bytes.includes(secret)).toBe(false);
    } finally {
      await emulator.close();
    }
  }, 60_000);
});
