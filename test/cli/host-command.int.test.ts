/**
 * `webwx host` and `webwx serve`'s health routes, in-process against the emulator: the host lists,
 * creates and logs in an account (the emulator's phone confirms every QR), serves /healthz, /readyz
 * and /metrics, and a restart resumes the account from the data directory without a QR code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { startAutoConfirmingEmulator } from '../bot/logged-in.js';
import { runCli } from './cli-harness.js';

const TOKEN = 'host-cli-token-abcdefghijkl';
let emulator: Emulator;
let dataDir: string;

beforeEach(async () => {
  emulator = await startAutoConfirmingEmulator();
  dataDir = mkdtempSync(join(tmpdir(), 'webwx-host-cli-'));
});
afterEach(async () => {
  await emulator.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}` };

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('webwx host: an account created over the API logs in, is listed and measured, and resumes after a restart', async () => {
  const env = { WEBWX_API_TOKEN: TOKEN, WEBWX_DATA_DIR: dataDir };
  const start = async () => {
    const run = runCli(['host', '--port', '0', '--server', emulator.baseUrl, '--no-pacing'], { env });
    await run.waitForOutput(/Account host listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const url = /Account host listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stdout())?.[1] as string;
    return { run, url };
  };
  const first = await start();
  expect(first.run.stdout()).toContain('0 account(s) resumed');
  const created = await fetch(`${first.url}/accounts`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'desk-1', dailySendLimit: 100 }),
  });
  expect(created.status).toBe(201);
  const stateOf = async (url: string) =>
    (
      (await (await fetch(`${url}/accounts/desk-1`, { headers: auth })).json()) as {
        account: { state: string };
      }
    ).account.state;
  await until(async () => (await stateOf(first.url)) === 'ready');
  expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
  const metrics = await (await fetch(`${first.url}/metrics`, { headers: auth })).text();
  expect(metrics).toContain('webwx_account_state{account="desk-1",state="ready"} 1');
  expect(metrics).toContain('webwx_send_budget_limit{account="desk-1"} 100');
  expect(first.run.stdout() + first.run.stderr()).not.toContain(TOKEN);
  first.run.abort();
  expect(await first.run.exit).toBe(130);

  const qrs = emulator.phone.qrCodes().length;
  const second = await start();
  expect(second.run.stdout()).toContain('1 account(s) resumed');
  await until(async () => (await stateOf(second.url)) === 'ready');
  expect(emulator.phone.qrCodes()).toHaveLength(qrs);
  second.run.abort();
  expect(await second.run.exit).toBe(130);
}, 60_000);

it('webwx serve: /healthz and /readyz without a token, /metrics with it, the one account labelled default', async () => {
  const run = runCli(['serve', '--port', '0', '--server', emulator.baseUrl], {
    env: { WEBWX_API_TOKEN: TOKEN, WEBWX_DATA_DIR: dataDir },
  });
  await run.waitForOutput(/HTTP API listening on (http:\/\/127\.0\.0\.1:\d+)/);
  const url = /HTTP API listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stdout())?.[1] as string;
  expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
  const ready = await fetch(`${url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ ready: true, notReady: [] });
  expect((await fetch(`${url}/metrics`)).status).toBe(401);
  const sent = await fetch(`${url}/v1/messages/text`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ to: 'Alice Smith', text: 'counted' }),
  });
  expect(sent.status).toBe(200);
  const metrics = await (await fetch(`${url}/metrics`, { headers: auth })).text();
  expect(metrics).toContain('webwx_account_state{account="default",state="ready"} 1');
  expect(metrics).toContain('webwx_messages_sent_total{account="default"} 1');
  expect(metrics).toContain('webwx_send_budget_used{account="default"} 1');
  run.abort();
  expect(await run.exit).toBe(130);
}, 60_000);
