/**
 * The setup docs/emulator.md gives for itchat: Python requests through proxy mode with only
 * HTTPS_PROXY and REQUESTS_CA_BUNDLE (requests' CONNECT tunnel, certificate check and domain-aware
 * cookie jar). Skipped where python3 with requests is not installed.
 */
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/requests-flow.py', import.meta.url));
const run = promisify(execFile);
const hasRequests = spawnSync('python3', ['-c', 'import requests'], { stdio: 'ignore' }).status === 0;

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe('python requests through proxy mode (the itchat setup)', () => {
  it.skipIf(!hasRequests)(
    'logs in, inits, lists contacts and polls with only HTTPS_PROXY and REQUESTS_CA_BUNDLE',
    async () => {
      emu = await startEmulator({ proxy: true, timing: { loginPollHoldMs: 2000, syncCheckHoldMs: 1000 } });
      // Asynchronously: the emulator answers from this process.
      const { stdout: out } = await run('python3', [SCRIPT, emu.baseUrl], {
        env: {
          PATH: process.env.PATH ?? '',
          HTTPS_PROXY: emu.proxy!.url,
          HTTP_PROXY: emu.proxy!.url,
          REQUESTS_CA_BUNDLE: emu.proxy!.caCertPath,
        },
        encoding: 'utf8',
        timeout: 30_000,
      });
      const steps = new Map(
        out
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { step: string; [k: string]: unknown })
          .map((s) => [s.step, s]),
      );
      expect(steps.get('root')).toMatchObject({ status: 200 });
      expect(steps.get('qr')).toMatchObject({ status: 200 });
      expect(steps.get('poll')!.redirect).toMatch(
        /^https:\/\/wx\.qq\.com\/cgi-bin\/mmwebwx-bin\/webwxnewloginpage\?/,
      );
      const page = steps.get('loginpage')!;
      expect(page.status).toBe(301);
      expect(page.cookies).toEqual(
        expect.arrayContaining(['wxuin@.wx.qq.com', 'wxsid@.wx.qq.com', 'webwx_data_ticket@.qq.com']),
      );
      expect(steps.get('init')).toMatchObject({ ret: 0, nick: emu.world.self.nickName, invite: 40 });
      expect(steps.get('contacts')!.count).toBe(
        emu.world.listedContacts().length + emu.world.rooms.filter((r) => r.saved).length,
      );
      expect(steps.get('synccheck')).toMatchObject({ text: 'window.synccheck={retcode:"0",selector:"2"}' });
      expect(steps.get('outside')).toMatchObject({ refused: true });
      expect(emu.phone.sessions()).toEqual([expect.objectContaining({ state: 'active', desktop: true })]);
    },
  );
});
