/** `webwx emulator --proxy --data-dir DIR`: the CA lives in DIR/emulator-ca and is reused. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxyAgent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli-harness.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function runOnce(dataDir: string): Promise<{ out: string; jslogin: string }> {
  const run = runCli(['emulator', '--proxy', '--data-dir', dataDir]);
  await run.waitForOutput('Press Ctrl-C');
  const out = run.stdout();
  const proxyUrl = /proxy: {3}(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
  const caPath = /CA: {6}(\S+)/.exec(out)![1]!;
  const dispatcher = new ProxyAgent({ uri: proxyUrl, requestTls: { ca: readFileSync(caPath, 'utf8') } });
  const r = await request('https://login.weixin.qq.com/jslogin?appid=wx782c26e4c19acffb&fun=new', {
    dispatcher,
  });
  const jslogin = await r.body.text();
  await dispatcher.close();
  run.abort();
  expect(await run.exit).toBe(0);
  return { out, jslogin };
}

describe('webwx emulator --proxy', () => {
  it('prints the proxy, the CA and how to point node, python and curl at it; reuses the CA', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'webwx-data-'));
    dirs.push(dataDir);
    const first = await runOnce(dataDir);
    const ca = join(dataDir, 'emulator-ca', 'ca.pem');
    expect(existsSync(ca)).toBe(true);
    expect(first.out).toContain(`CA:      ${ca} (new)`);
    expect(first.out).toMatch(/HTTPS_PROXY=http:\/\/127\.0\.0\.1:\d+ NODE_EXTRA_CA_CERTS=/);
    expect(first.out).toContain(`REQUESTS_CA_BUNDLE=${ca}`);
    expect(first.out).toMatch(/curl --proxy http:\/\/127\.0\.0\.1:\d+ --cacert /);
    expect(first.jslogin).toMatch(/^window\.QRLogin\.code = 200;/);
    const pem = readFileSync(ca, 'utf8');
    const second = await runOnce(dataDir);
    expect(second.out).toContain(`CA:      ${ca}\n`);
    expect(readFileSync(ca, 'utf8')).toBe(pem);
    expect(second.jslogin).toMatch(/^window\.QRLogin\.code = 200;/);
  });

  it('without --proxy prints no proxy lines', async () => {
    const run = runCli(['emulator']);
    await run.waitForOutput('Press Ctrl-C');
    expect(run.stdout()).not.toContain('proxy:');
    run.abort();
    expect(await run.exit).toBe(0);
  });
});
