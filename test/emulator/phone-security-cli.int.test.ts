/** `webwx emulator --phone-token T --media-dir DIR`, and the token made up beyond loopback. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'webwx-media-dir-'));
writeFileSync(join(dir, 'a.txt'), 'from the media dir');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOKEN = 'cli-phone-token-0123456789';

describe('webwx emulator: the phone API’s flags', () => {
  it('--phone-token guards the phone API and is shown in the curl line; --media-dir is where paths are read', async () => {
    const run = runCli(['emulator', '--phone-token', TOKEN, '--media-dir', dir]);
    await run.waitForOutput('Press Ctrl-C');
    const out = run.stdout();
    const base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
    expect(out).toContain(`curl -H 'Authorization: Bearer ${TOKEN}' ${base}/__phone/qr`);
    expect(out).toContain(`browser: ${base}/__phone/#token=${TOKEN}`);
    expect((await fetch(`${base}/__phone/qr`)).status).toBe(401);
    expect((await fetch(`${base}/__phone/`)).status).toBe(200);
    const sent = await fetch(`${base}/__phone/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'file', from: '老张', path: 'a.txt' }),
    });
    expect(sent.status).toBe(200);
    expect(await sent.json()).toMatchObject({ media: { fileName: 'a.txt', size: 18 } });
    run.abort();
    expect(await run.exit).toBe(0);
  });

  it('beyond loopback without a token, one is made for the run and printed', async () => {
    const run = runCli(['emulator', '--host', '0.0.0.0']);
    await run.waitForOutput('Press Ctrl-C');
    const out = run.stdout();
    const token = /token: {3}(\S+) \(made for this run/.exec(out)![1]!;
    const port = /listening on http:\/\/0\.0\.0\.0:(\d+)/.exec(out)![1]!;
    const url = `http://127.0.0.1:${port}/__phone/sessions`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    run.abort();
    expect(await run.exit).toBe(0);
  });

  it('a bad --phone-token or a missing --media-dir is a usage error', async () => {
    const short = runCli(['emulator', '--phone-token', 'short']);
    expect(await short.exit).not.toBe(0);
    expect(short.stderr()).toMatch(/--phone-token: .*16 to 512 printable ASCII/);
    const missing = runCli(['emulator', '--media-dir', join(dir, 'absent')]);
    expect(await missing.exit).not.toBe(0);
    expect(missing.stderr()).toMatch(/--media-dir: ".*absent" does not exist/);
  });
});
