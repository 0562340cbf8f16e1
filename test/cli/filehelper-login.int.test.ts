/**
 * `webwx login --app filehelper`: the File Transfer web from the CLI, its session in its own store file
 * beside the main web's, so switching apps never replaces the other's saved session.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STORE_FILE, storeFileOf } from '../../src/cli/data-dir.js';
import { startEmulator } from '../../src/emulator/index.js';
import { runCli } from './cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'webwx-fh-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('webwx login --app filehelper', () => {
  it('logs in to the File Transfer web, chats with filehelper, and keeps its session apart', async () => {
    const emulator = await startEmulator({ timing: { loginPollHoldMs: 500, syncCheckHoldMs: 500 } });
    const off = emulator.phone.on('qr', (qr) => {
      emulator.phone.scan(qr.uuid);
      emulator.phone.confirm(qr.uuid);
    });
    const dataDir = join(dir, 'data');
    const login = (app?: string) =>
      runCli(['--data-dir', dataDir, 'login', '--server', emulator.baseUrl, ...(app ? ['--app', app] : [])]);
    try {
      const first = login('filehelper');
      await first.waitForOutput('[*] 0 groups');
      expect(first.stdout()).toContain('Scan this QR code');
      expect(emulator.phone.sessions().map((s) => s.app)).toEqual(['filehelper']);
      expect(statSync(join(dataDir, storeFileOf('filehelper'))).mode & 0o777).toBe(0o600);
      expect(existsSync(join(dataDir, STORE_FILE))).toBe(false);
      await emulator.phone.writeToFileHelper({ text: 'note to self' });
      await first.waitForOutput('note to self');
      first.stdin.write('->文件传输助手:from the terminal\n');
      const sent = await emulator.phone.waitForSent((r) => r.content === 'from the terminal', {
        timeoutMs: 10_000,
      });
      expect(sent.toUserName).toBe('filehelper');
      first.abort();
      expect(await first.exit).toBe(130);

      // The main web in the same data directory: its own store file, its own QR login.
      const web = login();
      await web.waitForOutput('[*] 3 groups');
      expect(web.stdout()).not.toContain('Resuming the saved session');
      expect(existsSync(join(dataDir, STORE_FILE))).toBe(true);
      web.abort();
      expect(await web.exit).toBe(130);

      // Back to the File Transfer web: resumed from its own file, no QR code.
      const qrs = emulator.phone.qrCodes().length;
      const again = login('filehelper');
      await again.waitForOutput('[*] 0 groups');
      expect(again.stdout()).toContain('Resuming the saved session');
      expect(again.stdout()).not.toContain('Scan this QR code');
      expect(emulator.phone.qrCodes().length).toBe(qrs);
      again.stdin.write('quit\n');
      expect(await again.exit).toBe(0);
    } finally {
      off();
      await emulator.close();
    }
  }, 40_000);
});
