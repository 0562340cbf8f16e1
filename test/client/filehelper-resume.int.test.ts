/**
 * A File Transfer session survives a restart (docs/filehelper.md): resumed from a SqliteStore or a
 * MemoryStore without a QR code, exactly once; a lost session goes straight to the QR code (no push
 * login); a saved session of the main web is not resumed by a File Transfer client.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClientOptions, WebApp } from '../../src/client/index.js';
import { createClient } from '../../src/client/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { MemoryStore, SqliteStore } from '../../src/store/index.js';
import { restartFixture, type Started, stepsOf, waitForId } from './restart-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'webwx-fh-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixture = restartFixture();
const { emu, sqlites } = fixture;
/** Starts a client of `app` (default filehelper) on the store; the phone scans and confirms any QR code. */
const start = (e: Emulator, store: ClientOptions['store'], app: WebApp = 'filehelper'): Promise<Started> =>
  fixture.start(e, store, { app });
const waitFor = waitForId;
const steps = stepsOf;

describe('File Transfer web: resume', () => {
  it('from a SqliteStore: no QR, the same emulator session, messages missed while down arrive once', async () => {
    const e = await emu();
    const path = join(dir, 'fh.db');
    const store1 = new SqliteStore(path);
    sqlites.push(store1);
    const first = await start(e, store1);
    expect(first.qrs).toBe(1);
    const w1 = await e.phone.writeToFileHelper({ text: 'before the restart' });
    await waitFor(first, w1.msgId);
    await first.client.stop();
    store1.close();

    const missed = await e.phone.writeToFileHelper({ text: 'while down' });
    const store2 = new SqliteStore(path);
    sqlites.push(store2);
    const second = await start(e, store2);
    expect(second.qrs).toBe(0);
    expect(steps(second)).toEqual(['resume:trying', 'resume:succeeded']);
    expect(second.client.app).toBe('filehelper');
    expect(e.phone.qrCodes()).toHaveLength(1);
    expect(e.phone.sessions().map((s) => [s.app, s.state])).toEqual([['filehelper', 'active']]);
    expect((await waitFor(second, missed.msgId)).chat.userName).toBe('filehelper');
    expect(second.messages.some((m) => m.id === w1.msgId)).toBe(false);
    expect(second.client.contacts.list().map((c) => c.userName)).toContain('filehelper');

    const sent = await second.client.sendText('filehelper', 'after the restart');
    expect((await e.phone.waitForSent((r) => r.msgId === sent.msgId)).toUserName).toBe('filehelper');
  });

  it('from a MemoryStore kept by the process', async () => {
    const e = await emu();
    const store = new MemoryStore();
    const first = await start(e, store);
    expect((await store.load())?.app).toBe('filehelper');
    await first.client.stop();
    const second = await start(e, store);
    expect(second.qrs).toBe(0);
    expect(steps(second)).toEqual(['resume:trying', 'resume:succeeded']);
  });

  it('a session the server ended goes straight to the QR code, never to push login', async () => {
    const e = await emu();
    const store = new MemoryStore();
    const first = await start(e, store);
    await first.client.stop();
    e.phone.logout(1101);
    const second = await start(e, store);
    expect(steps(second)).toEqual(['resume:trying', 'resume:failed', 'qr:trying', 'qr:succeeded']);
    expect(second.qrs).toBe(1);
    expect(e.phone.qrCodes().map((q) => [q.app, q.push])).toEqual([
      ['filehelper', false],
      ['filehelper', false],
    ]);
    expect((await store.load())?.app).toBe('filehelper');
  });

  it('autoRelogin: a session the server ends is logged in again by QR code, never by push login', async () => {
    const e = await emu();
    const client = createClient({
      app: 'filehelper',
      server: e.baseUrl,
      autoRelogin: true,
      timeouts: { requestMs: 10_000, syncCheckMs: 8_000, loginPollMs: 8_000 },
      retry: { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 2 },
      pacing: false,
    });
    const off = e.phone.on('qr', (qr) => {
      e.phone.scan(qr.uuid);
      e.phone.confirm(qr.uuid);
    });
    try {
      const loginSteps: string[] = [];
      client.on('login-step', (s) => loginSteps.push(`${s.step}:${s.outcome}`));
      await client.start();
      const ready = new Promise((resolve) => client.on('relogin', () => client.on('ready', resolve)));
      e.phone.logout(1101);
      await ready;
      expect(loginSteps).toEqual(['qr:trying', 'qr:succeeded', 'qr:trying', 'qr:succeeded']);
      expect(e.phone.qrCodes().map((q) => [q.app, q.push])).toEqual([
        ['filehelper', false],
        ['filehelper', false],
      ]);
      const sent = await client.sendText('filehelper', 'back again');
      expect((await e.phone.waitForSent((r) => r.msgId === sent.msgId)).toUserName).toBe('filehelper');
    } finally {
      off();
      await client.stop();
    }
  });

  it('a saved session of the main web is not resumed: QR code, and the reason in the login-step', async () => {
    const e = await emu();
    const store = new MemoryStore();
    const web = await start(e, store, 'web');
    expect(web.client.app).toBe('web');
    expect((await store.load())?.app).toBe('web');
    await web.client.stop();

    const fh = await start(e, store, 'filehelper');
    expect(fh.qrs).toBe(1);
    expect(fh.steps[0]).toEqual({
      step: 'resume',
      outcome: 'failed',
      reason: 'the saved session is of the main Web WeChat, this client logs in to the File Transfer web',
    });
    expect(steps(fh)).toEqual(['resume:failed', 'qr:trying', 'qr:succeeded']);
    expect(e.phone.qrCodes().at(-1)?.app).toBe('filehelper');
    expect((await store.load())?.app).toBe('filehelper');
  });
});
