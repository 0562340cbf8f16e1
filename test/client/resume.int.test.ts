/** Hot reload: resume without a QR, push login, QR fallback; exactly-once across restarts. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSessionStore, MemoryStore, SqliteStore } from '../../src/store/index.js';
import { restartFixture, stepsOf, waitForId } from './restart-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'webwx-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const { emu, sqlites, start } = restartFixture();
const waitFor = waitForId;
const steps = stepsOf;

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
