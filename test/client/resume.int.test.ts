/** Hot reload: resume without a QR, push login, QR fallback; exactly-once across restarts. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ClientEvents, ClientOptions, WebWxClient } from '../../src/client/index.js';
import { createClient } from '../../src/client/index.js';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import type { Message } from '../../src/model/index.js';
import { FileSessionStore, MemoryStore, SqliteStore } from '../../src/store/index.js';
import { FAST_TIMING } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'webwx-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

let emulator: Emulator | undefined;
const clients: WebWxClient[] = [];
const sqlites: SqliteStore[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.stop();
  for (const s of sqlites.splice(0)) s.close();
  await emulator?.close();
  emulator = undefined;
});

interface Started {
  client: WebWxClient;
  steps: ClientEvents['login-step'][];
  messages: Message[];
  qrs: number;
}

async function emu(): Promise<Emulator> {
  emulator = await startEmulator({ port: 0, timing: FAST_TIMING });
  return emulator;
}

/** Starts a client on the store; the phone confirms push logins (and QR codes when `scanQr`). */
async function start(
  e: Emulator,
  store: ClientOptions['store'],
  options: { scanQr?: boolean; cancelPush?: boolean } = {},
): Promise<Started> {
  const client = createClient({
    server: e.baseUrl,
    store,
    timeouts: { requestMs: 10_000, syncCheckMs: 8_000, loginPollMs: 8_000 },
    retry: { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 2 },
  });
  clients.push(client);
  const started: Started = { client, steps: [], messages: [], qrs: 0 };
  client.on('login-step', (s) => started.steps.push(s));
  client.on('message', (m) => started.messages.push(m));
  client.on('qr', () => started.qrs++);
  const off = e.phone.on('qr', (qr) => {
    if (qr.push) {
      if (options.cancelPush) e.phone.cancel(qr.uuid);
      else e.phone.confirm(qr.uuid);
    } else if (options.scanQr !== false) {
      e.phone.scan(qr.uuid);
      e.phone.confirm(qr.uuid);
    }
  });
  try {
    await client.start();
  } finally {
    off();
  }
  return started;
}

function waitFor(started: Started, id: string): Promise<Message> {
  const found = started.messages.find((m) => m.id === id);
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => {
    const off = started.client.on('message', (m) => {
      if (m.id === id) {
        off();
        resolve(m);
      }
    });
  });
}

const steps = (s: Started) => s.steps.map((x) => `${x.step}:${x.outcome}`);

describe('hot reload', () => {
  it('a restart resumes the saved session without a QR code and gets what arrived meanwhile, once', async () => {
    const e = await emu();
    const store = new SqliteStore(join(dir, `db-${++n}`, 'webwx.db'));
    sqlites.push(store);
    const first = await start(e, store);
    expect(steps(first)).toEqual(['qr:trying', 'qr:succeeded']);
    const cached = await store.loadContacts();
    expect(cached.length).toBe(new Set(cached.map((c) => c.UserName)).size);
    expect(cached.find((c) => c.UserName.startsWith('@@'))?.MemberList.length).toBeGreaterThan(0);
    const friend = e.world.listedContacts()[0]!.id;
    const a = e.phone.sendText({ from: friend, text: 'before the restart' });
    await waitFor(first, a.msgId);
    await first.client.stop();

    const b = e.phone.sendText({ from: friend, text: 'while it was down' });
    const qrsBefore = e.phone.qrCodes().length;
    const second = await start(e, store, { scanQr: false });
    expect(steps(second)).toEqual(['resume:trying', 'resume:succeeded']);
    expect(second.qrs).toBe(0);
    expect(e.phone.qrCodes().length).toBe(qrsBefore);
    expect(e.phone.sessions().filter((s) => s.state === 'active')).toHaveLength(1);
    await waitFor(second, b.msgId);
    const c = e.phone.sendText({ from: friend, text: 'after' });
    await waitFor(second, c.msgId);
    expect(second.messages.map((m) => m.id)).not.toContain(a.msgId);
    expect(second.messages.filter((m) => m.id === b.msgId)).toHaveLength(1);

    const chat = second.messages.find((m) => m.id === c.msgId)!.chat.userName;
    const reply = await second.client.sendText(chat, 'logged');
    const history = await store.history(chat);
    expect(history.map((m) => m.text)).toEqual([
      'before the restart',
      'while it was down',
      'after',
      'logged',
    ]);
    expect(history.at(-1)).toMatchObject({ direction: 'out', status: 'sent', msgId: reply.msgId });
  });

  it('falls back to push login when the saved session is over, and the phone only confirms', async () => {
    const e = await emu();
    const store = new FileSessionStore(join(dir, `file-${++n}`, 'session.json'));
    const first = await start(e, store);
    await first.client.stop();
    e.phone.logout(1100);
    const second = await start(e, store, { scanQr: false });
    expect(steps(second)).toEqual(['resume:trying', 'resume:failed', 'push:trying', 'push:succeeded']);
    expect(second.qrs).toBe(0);
    expect(second.steps[1]?.reason).toMatch(/logged-|expired/);
    expect(second.client.state).toBe('ready');
  });

  it('shows the QR code when the phone declines the push login', async () => {
    const e = await emu();
    const store = new MemoryStore();
    const first = await start(e, store);
    await first.client.stop();
    e.phone.logout(1102);
    const second = await start(e, store, { cancelPush: true });
    expect(steps(second)).toEqual([
      'resume:trying',
      'resume:failed',
      'push:trying',
      'push:failed',
      'qr:trying',
      'qr:succeeded',
    ]);
    expect(second.qrs).toBe(1);
  });

  it('a corrupt session file is reported and the QR login goes on', async () => {
    const e = await emu();
    const path = join(dir, `file-${++n}`, 'session.json');
    const store = new FileSessionStore(path);
    await start(e, store).then((s) => s.client.stop());
    writeFileSync(path, '{"version": 1, "hosts": {');
    const second = await start(e, store);
    expect(steps(second)).toEqual(['resume:failed', 'qr:trying', 'qr:succeeded']);
    expect(second.steps[0]?.reason).toMatch(/not valid JSON/);
    // The new login replaced the bad file.
    expect((await store.load())?.version).toBe(1);
  });

  it('logout() forgets the saved session', async () => {
    const e = await emu();
    const store = new MemoryStore();
    const first = await start(e, store);
    expect(await store.load()).toBeDefined();
    await first.client.logout();
    expect(await store.load()).toBeUndefined();
  });
});
