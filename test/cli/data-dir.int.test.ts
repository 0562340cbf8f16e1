/** The CLI's data directory: `webwx login` keeps its SQLite store there and resumes without a QR. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveDataDir, STORE_FILE } from '../../src/cli/data-dir.js';
import { startEmulator } from '../../src/emulator/index.js';
import { runCli } from './cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'webwx-data-dir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveDataDir', () => {
  it('takes --data-dir, else WEBWX_DATA_DIR, else the platform data dir', () => {
    expect(resolveDataDir('/x', { WEBWX_DATA_DIR: '/y' })).toBe('/x');
    expect(resolveDataDir(undefined, { WEBWX_DATA_DIR: '/y' })).toBe('/y');
    expect(resolveDataDir(' ', {})).toMatch(/webwx/);
  });
});

describe('webwx --data-dir DIR login', () => {
  it('logs in by QR once, then a restart resumes the saved session without a QR', async () => {
    const emulator = await startEmulator({ timing: { loginPollHoldMs: 500, syncCheckHoldMs: 500 } });
    const off = emulator.phone.on('qr', (qr) => {
      if (!qr.push) emulator.phone.scan(qr.uuid);
      emulator.phone.confirm(qr.uuid);
    });
    try {
      const dataDir = join(dir, 'data');
      const first = runCli(['--data-dir', dataDir, 'login', '--server', emulator.baseUrl]);
      await first.waitForOutput('[*] 3 groups');
      expect(first.stdout()).toContain('Scan this QR code');
      expect(statSync(join(dataDir, STORE_FILE)).mode & 0o777).toBe(0o600);
      first.abort();
      expect(await first.exit).toBe(130);

      const qrs = emulator.phone.qrCodes().length;
      const second = runCli(['--data-dir', dataDir, 'login', '--server', emulator.baseUrl]);
      await second.waitForOutput('[*] 3 groups');
      expect(second.stdout()).toContain('Resuming the saved session');
      expect(second.stdout()).not.toContain('Scan this QR code');
      expect(emulator.phone.qrCodes().length).toBe(qrs);
      emulator.phone.sendText({ from: 'Alice Smith', text: 'welcome back' });
      await second.waitForOutput('Alice Smith: welcome back');
      second.stdin.write('quit\n');
      expect(await second.exit).toBe(0);
    } finally {
      off();
      await emulator.close();
    }
  }, 30_000);
});
