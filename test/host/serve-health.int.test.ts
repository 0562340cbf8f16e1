/**
 * `webwx serve` answers its health routes while the account logs in (docs/host.md "Health"): the
 * listener is up before the login, `/healthz` answers 200 and `/readyz` 503 with the account's state
 * while the QR code waits for a scan, and the API's other paths answer 503 "starting"; once the
 * phone confirms, `/readyz` answers 200 and the API serves (with the token).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../../bench/failover-cluster.js';
import { startEmulator } from '../../src/emulator/index.js';
import { CLI_ENTRY, killChildren, spawnChild } from '../crash-harness.js';
import { freePort } from '../free-port.js';

const TOKEN = 'health-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'webwx-serve-health-'));
const emulator = await startEmulator({ port: 0, timing: { loginPollHoldMs: 300, qrExpiryMs: 120_000 } });

afterAll(async () => {
  killChildren();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(url: string, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

describe('webwx serve health routes', () => {
  it('answer before the first login completes: /readyz 503 until ready, then 200', async () => {
    // serve prints its URL only after the login: the test picks the port.
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = spawnChild(
      CLI_ENTRY,
      ['serve', '--port', String(port), '--no-telegram', '--server', emulator.baseUrl],
      {
        env: { WEBWX_DATA_DIR: join(dir, 'data'), WEBWX_API_TOKEN: TOKEN },
        isReady: (l) => l.includes('listening'),
      },
    );
    const qr = await emulator.phone.waitForQr({ timeoutMs: 60_000 });
    // The QR code waits for a scan: the account is not logged in, yet the probes are answered.
    await until(
      '/healthz answered',
      async () => (await get(`${base}/healthz`).catch(() => ({ status: 0 }))).status === 200,
      30_000,
    );
    const notReady = await get(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({ ready: false, notReady: [{ id: 'default' }] });
    const early = await get(`${base}/v1/contacts`, TOKEN);
    expect(early.status).toBe(503);
    expect(String(early.body.error)).toContain('starting');

    emulator.phone.scan(qr.uuid);
    emulator.phone.confirm(qr.uuid);
    await child.ready;
    await until('/readyz 200', async () => (await get(`${base}/readyz`)).status === 200, 30_000);
    expect((await get(`${base}/readyz`)).body).toMatchObject({ ready: true, notReady: [] });
    expect((await get(`${base}/v1/contacts`, TOKEN)).status).toBe(200);
    expect((await get(`${base}/v1/contacts`)).status).toBe(401);
  }, 120_000);
});
