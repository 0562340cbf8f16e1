/**
 * The account host end to end against one emulator with three accounts: accounts created over the
 * HTTP API with their QR codes streamed over SSE and confirmed on each phone, sends and receipts per
 * account, a daily budget refusing the send past it, /metrics parsed, /readyz flipping when an
 * account is logged out by its phone while the other keeps chatting, an account behind a proxy (a
 * CONNECT proxy that counts its tunnels) and one behind a dead proxy (failed, nobody else touched),
 * removal, and a restart of the host that resumes the accounts from their stores without a QR code.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Emulator, multiAccountWorld, startEmulator } from '../../src/emulator/index.js';
import { AccountHost, HostMetrics, type HostServer, startHostServer } from '../../src/host/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { type LocalServer, startLocalServer } from '../bot/local-server.js';
import { startAutoConfirmingEmulator } from '../bot/logged-in.js';
import { type ConnectProxy, startConnectProxy } from './connect-proxy.js';
import { openSse } from './sse-reader.js';

const TOKEN = 'host-test-token-0123456789';
const ACC = (n: number) => `wxid_account00${n}`;

let emu: Emulator;
let dataDir: string;
let proxy: ConnectProxy;
let hook: LocalServer;
let host: AccountHost;
let metrics: HostMetrics;
let server: HostServer;
let detach: () => void;

function startHost(): AccountHost {
  const made: AccountHost = new AccountHost({
    dataDir,
    client: {
      server: emu.baseUrl,
      pacing: false,
      timeouts: { requestMs: 20_000, syncCheckMs: 60_000, loginPollMs: 10_000 },
      retry: { baseDelayMs: 50, maxDelayMs: 200, maxAttempts: 2 },
      watchdog: { quietMs: 3000 },
    },
    sendHooks: (id) => metrics.sendHooks(id),
  });
  metrics = new HostMetrics(() => made.list());
  detach = metrics.attach(made);
  return made;
}

async function call(method: string, path: string, body?: unknown, token = TOKEN) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    json: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
  };
}

/** Creates an account over the API and logs it in by its QR code (streamed over SSE) on `phoneId`'s phone. */
async function createAndLogin(id: string, phoneId: string, extra: Record<string, unknown> = {}) {
  const created = await call('POST', '/accounts', { id, ...extra });
  expect(created.status).toBe(201);
  expect(created.json.account.id).toBe(id);
  const stream = await openSse(`${server.url}/accounts/${id}/qr`, TOKEN);
  const qr = await stream.next((e) => e.event === 'qr');
  const { uuid, url } = qr.data as { uuid: string; url: string };
  expect(url).toContain(uuid);
  const phone = emu.phoneOf(phoneId);
  phone.scan(uuid);
  phone.confirm(uuid);
  await stream.next((e) => e.event === 'state' && (e.data as { state: string }).state === 'ready', 20_000);
  await stream.ended;
}

/** `name{labels} value` lines of a Prometheus exposition → value by 'name{labels}'. */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  emu = await startEmulator({
    world: multiAccountWorld({ accounts: 3 }),
    timing: { loginPollHoldMs: 500, syncCheckHoldMs: 300, qrExpiryMs: 60_000 },
  });
  proxy = await startConnectProxy();
  hook = await startLocalServer(() => ({ status: 200, body: '{}' }));
  dataDir = mkdtempSync(join(tmpdir(), 'webwx-host-'));
  host = startHost();
  server = await startHostServer({ host, token: TOKEN, metrics, port: 0 });
}, 30_000);

afterAll(async () => {
  await server?.close();
  detach?.();
  await host?.close();
  await proxy?.close();
  await hook?.close();
  await emu?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('answers health without a token and everything else only with it', async () => {
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
  expect((await fetch(`${server.url}/accounts`)).status).toBe(401);
  expect((await call('GET', '/accounts', undefined, 'wrong-token-wrong-token')).status).toBe(401);
  expect((await call('POST', '/accounts', { id: 'Bad Id!' })).status).toBe(400);
  expect((await call('POST', '/accounts', { id: 'x', webhook: 'ftp://nope' })).status).toBe(400);
  expect((await call('POST', '/accounts', { id: 'x', proxy: 'socks5://127.0.0.1:1' })).status).toBe(400);
  expect((await call('POST', '/accounts', { id: 'x', server: 'nope' })).status).toBe(400);
  expect(host.list()).toEqual([]);
  expect((await call('GET', '/accounts/nobody')).status).toBe(404);
});

it('creates two accounts over the API, each logged in by its own QR over SSE', async () => {
  await createAndLogin('a1', ACC(1), { dailySendLimit: 2 });
  await createAndLogin('a2', ACC(2), { webhook: hook.url });
  expect((await call('POST', '/accounts', { id: 'a1' })).status).toBe(409);
  const list = await call('GET', '/accounts');
  expect(list.json.accounts.map((a: { id: string; state: string }) => [a.id, a.state])).toEqual([
    ['a1', 'ready'],
    ['a2', 'ready'],
  ]);
  expect(list.json.accounts[0].self.nickName).toBe('Account 1');
  expect(list.json.accounts[1].self.nickName).toBe('Account 2');
  // Each account's store is its own 0600 file under <dataDir>/accounts/<id>/.
  for (const id of ['a1', 'a2']) {
    const file = join(dataDir, 'accounts', id, 'webwx.db');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'accounts', id, 'account.json')).mode & 0o777).toBe(0o600);
    // Its WAL is checkpointed by the host's one scheduler, not inside its commits (wal-checkpoints.ts).
    const store = host.get(id)?.store as SqliteStore;
    expect(store).toBeInstanceOf(SqliteStore);
    expect(store.database.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
  }
}, 60_000);

it('sends and receives per account through /accounts/{id}/v1/…', async () => {
  const sent = await call('POST', '/accounts/a1/v1/messages/text', {
    to: 'Account 2',
    text: 'from a1 to a2',
  });
  expect(sent.status).toBe(200);
  const record = await emu
    .phoneOf(ACC(1))
    .waitForSent((r) => r.content === 'from a1 to a2', { timeoutMs: 5000 });
  expect(record.to).toBe(ACC(2));
  emu.phoneOf(ACC(2)).sendText({ from: 'wxid_a002_f01', text: 'to a2 only' });
  await until(() => host.get('a2')!.summary().state === 'ready');
  await new Promise((r) => setTimeout(r, 1000));
  const history = await call('GET', `/accounts/a2/v1/chats/${encodeURIComponent('Account 1')}/messages`);
  expect(history.status).toBe(200);
  expect(history.json.messages.map((m: { text?: string }) => m.text)).toContain('from a1 to a2');
  const own = await call(
    'GET',
    `/accounts/a2/v1/chats/${encodeURIComponent('Friend 1 of account 2')}/messages`,
  );
  expect(own.json.messages.map((m: { text?: string }) => m.text)).toContain('to a2 only');
  // a2's webhook got its messages (and a1 has none).
  await until(() => hook.requests.some((r) => r.body.includes('to a2 only')));
  expect(hook.requests.some((r) => r.body.includes('from a1 to a2'))).toBe(true);
  // a1 never saw a2's friend's message.
  const none = await call(
    'GET',
    `/accounts/a1/v1/chats/${encodeURIComponent('Friend 1 of account 1')}/messages`,
  );
  expect(none.json.messages).toEqual([]);
}, 30_000);

async function scrape(): Promise<Map<string, number>> {
  const res = await call('GET', '/metrics');
  expect(res.status).toBe(200);
  return parseMetrics(res.json as string);
}

it('refuses the send past the daily budget with 429 before it reaches the server', async () => {
  expect(
    (await call('POST', '/accounts/a1/v1/messages/text', { to: 'Account 2', text: 'second' })).status,
  ).toBe(200);
  const before = emu.phoneOf(ACC(1)).sent().length;
  const refused = await call('POST', '/accounts/a1/v1/messages/text', { to: 'Account 2', text: 'third' });
  expect(refused.status).toBe(429);
  expect(refused.json.error).toContain('daily send budget');
  await new Promise((r) => setTimeout(r, 300));
  expect(emu.phoneOf(ACC(1)).sent().length).toBe(before);
  const a1 = (await call('GET', '/accounts/a1')).json.account;
  expect(a1.budget).toMatchObject({ used: 2, limit: 2 });
  // a2 has no limit and is not touched by a1's.
  expect(
    (await call('POST', '/accounts/a2/v1/messages/text', { to: 'Account 1', text: 'a2 is free' })).status,
  ).toBe(200);
  expect((await call('GET', '/accounts/a2')).json.account.budget).toMatchObject({ used: 1 });
});

it('exposes per-account metrics with the right counts', async () => {
  const m = await scrape();
  expect(m.get('webwx_account_state{account="a1",state="ready"}')).toBe(1);
  expect(m.get('webwx_account_state{account="a1",state="logged-out"}')).toBe(0);
  expect(m.get('webwx_messages_sent_total{account="a1"}')).toBe(2);
  expect(m.get('webwx_sends_refused_total{account="a1"}')).toBe(1);
  expect(m.get('webwx_messages_sent_total{account="a2"}')).toBe(1);
  expect(m.get('webwx_send_budget_used{account="a1"}')).toBe(2);
  expect(m.get('webwx_send_budget_limit{account="a1"}')).toBe(2);
  expect(m.has('webwx_send_budget_limit{account="a2"}')).toBe(false);
  expect(m.get('webwx_outbox_depth{account="a1"}')).toBe(0);
  expect(m.get('webwx_rate_limited_total{account="a1"}')).toBe(0);
  expect(m.get('webwx_relogins_total{account="a2"}')).toBe(0);
  // a2 received a1's two texts and its friend's; its own send's echo is not counted as received.
  expect(m.get('webwx_messages_received_total{account="a2"}')).toBe(3);
  expect(m.get('webwx_sync_round_trip_seconds_count{account="a2"}')).toBeGreaterThan(0);
});

it('an account behind a proxy logs in through it; one behind a dead proxy fails alone', async () => {
  await createAndLogin('p3', ACC(3), { proxy: proxy.url });
  const port = new URL(emu.baseUrl).port;
  expect(proxy.tunnels.length).toBeGreaterThan(0);
  expect(proxy.tunnels.every((t) => t.endsWith(`:${port}`))).toBe(true);
  expect((await call('GET', '/accounts/p3')).json.account.proxied).toBe(true);
  expect(JSON.stringify((await call('GET', '/accounts')).json)).not.toContain(proxy.url);

  const dead = await call('POST', '/accounts', { id: 'dead', proxy: 'http://127.0.0.1:1' });
  expect(dead.status).toBe(201);
  await until(() => host.get('dead')?.state === 'failed', 20_000).catch((error: unknown) => {
    throw new Error(`dead: ${JSON.stringify(host.get('dead')?.summary())}: ${String(error)}`);
  });
  const ready = await fetch(`${server.url}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toEqual({ ready: false, notReady: [{ id: 'dead', state: 'failed' }] });
  expect((await call('DELETE', '/accounts/dead')).status).toBe(200);
  expect(existsSync(join(dataDir, 'accounts', 'dead'))).toBe(false);
  expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  expect((await call('DELETE', '/accounts/p3')).status).toBe(200);
  expect(host.list().map((a) => a.id)).toEqual(['a1', 'a2']);
  const m = await scrape();
  expect([...m.keys()].some((k) => k.includes('account="p3"'))).toBe(false);
}, 60_000);

it('/readyz flips when the phone logs an account out; the other keeps chatting', async () => {
  emu.phoneOf(ACC(2)).logout(1100);
  await until(() => host.get('a2')?.state === 'logged-out');
  const ready = await fetch(`${server.url}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toEqual({ ready: false, notReady: [{ id: 'a2', state: 'logged-out' }] });
  // a1 is untouched: it receives and its budget-free reads still answer.
  const got = new Promise<string>((resolve) => {
    const off = host.get('a1')!.client!.on('message', (msg) => {
      if (msg.kind === 'text' && msg.text === 'a1 still here') {
        off();
        resolve(msg.text);
      }
    });
  });
  emu.phoneOf(ACC(1)).sendText({ from: 'wxid_a001_f02', text: 'a1 still here' });
  expect(await got).toBe('a1 still here');
  expect(host.get('a1')?.state).toBe('ready');
  // A logout through the API: not wanted any more, so /readyz no longer counts it.
  expect((await call('POST', '/accounts/a2/logout')).status).toBe(200);
  expect((await call('GET', '/accounts/a2')).json.account).toMatchObject({
    wanted: false,
    state: 'logged-out',
  });
  expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  expect((await call('DELETE', '/accounts/a2')).status).toBe(200);
}, 30_000);

it('an account whose own server dies touches no other account', async () => {
  const own = await startAutoConfirmingEmulator({
    timing: { loginPollHoldMs: 500, syncCheckHoldMs: 300, qrExpiryMs: 60_000 },
  });
  try {
    expect((await call('POST', '/accounts', { id: 'solo', server: own.baseUrl })).status).toBe(201);
    await until(() => host.get('solo')?.state === 'ready');
  } finally {
    await own.close();
  }
  // a1 goes on receiving and sending while solo's server is gone.
  const got = new Promise<void>((resolve) => {
    const off = host.get('a1')!.client!.on('message', (msg) => {
      if (msg.kind === 'text' && msg.text === 'while solo is down') {
        off();
        resolve();
      }
    });
  });
  emu.phoneOf(ACC(1)).sendText({ from: 'wxid_a001_f01', text: 'while solo is down' });
  await got;
  expect((await call('GET', '/accounts/a1/v1/me')).json.state).toBe('ready');
  expect(host.get('a1')?.state).toBe('ready');
  expect((await call('DELETE', '/accounts/solo')).status).toBe(200);
}, 30_000);

it('a restarted host resumes its accounts from their stores without a QR code, budget kept', async () => {
  await server.close();
  detach();
  await host.close();
  host = startHost();
  let qrs = 0;
  host.on('account-qr', () => qrs++);
  const resumed = await host.resume();
  expect(resumed.map((a) => a.id)).toEqual(['a1']);
  server = await startHostServer({ host, token: TOKEN, metrics, port: 0 });
  await until(() => host.get('a1')?.state === 'ready');
  expect(qrs).toBe(0);
  const a1 = (await call('GET', '/accounts/a1')).json.account;
  expect(a1.budget).toMatchObject({ used: 2, limit: 2 });
  expect(
    (await call('POST', '/accounts/a1/v1/messages/text', { to: 'Account 2', text: 'over' })).status,
  ).toBe(429);
}, 30_000);

it('the watchdog reconnects a hung sync loop and the metric counts it', async () => {
  const hang = emu.faults.inject('synccheck', { kind: 'hang' }, { times: 1 });
  await until(() => hang.hits === 1);
  await until(
    async () => (await scrape()).get('webwx_sync_watchdog_reconnects_total{account="a1"}') === 1,
    15_000,
  );
  emu.phoneOf(ACC(1)).sendText({ from: 'wxid_a001_f03', text: 'after the hang' });
  await until(
    async () => ((await scrape()).get('webwx_messages_received_total{account="a1"}') ?? 0) >= 1,
    10_000,
  );
}, 40_000);
