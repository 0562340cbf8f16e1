import { describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { recordingLogger } from '../recording-logger.js';
import { API, Browser, emulatorPerTest, init, jslogin, login, q, type SyncKeyObj, sync } from './helpers.js';

const start = emulatorPerTest();

async function phoneCall(
  e: Emulator,
  method: string,
  path: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: JSON of the phone API, checked by the assertions
): Promise<{ status: number; json: any }> {
  const res = await fetch(`${e.baseUrl}/__phone/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  expect(res.headers.get('content-type')).toContain('application/json');
  return { status: res.status, json: await res.json() };
}

describe('phone HTTP API', () => {
  it('drives a whole session: qr, scan, confirm, send, sent, sessions, world, logout', async () => {
    const e = await start();
    const b = new Browser(e.baseUrl);
    const uuid = await jslogin(b);
    const qrs = await phoneCall(e, 'GET', 'qr');
    expect(qrs.json).toEqual([expect.objectContaining({ uuid, state: 'waiting' })]);
    expect((await phoneCall(e, 'POST', `qr/${encodeURIComponent(uuid)}/scan`)).json.state).toBe('scanned');
    expect((await phoneCall(e, 'POST', `qr/${encodeURIComponent(uuid)}/confirm`)).json.state).toBe(
      'confirmed',
    );
    expect((await phoneCall(e, 'POST', 'qr/nope==/scan')).status).toBe(404);
    expect((await phoneCall(e, 'POST', `qr/${encodeURIComponent(uuid)}/scan`)).status).toBe(400);

    const poll = await b.get(`${API}/login?uuid=${uuid}&tip=0`);
    await b.get(/redirect_uri="([^"]+)"/.exec(poll.text)![1]!);
    const sessions = await phoneCall(e, 'GET', 'sessions');
    expect(sessions.json).toEqual([expect.objectContaining({ id: 's1', state: 'active' })]);
    expect(JSON.stringify(sessions.json)).not.toContain(b.cookies.get('wxsid')!);

    const sent = await phoneCall(e, 'POST', 'send', { from: 'Bob Jones', text: 'hey', room: '周末徒步🏔' });
    expect(sent.json).toMatchObject({ from: 'bob_jones', room: '20190101003@chatroom', deliveredTo: 1 });
    expect(sent.json.msgId).toMatch(/^\d{19}$/);
    expect((await phoneCall(e, 'POST', 'send', { from: 'nobody', text: 'x' })).status).toBe(400);
    expect((await phoneCall(e, 'POST', 'send', { from: 'Kevin W', text: 'x' })).status).toBe(400);
    expect((await phoneCall(e, 'GET', 'sent')).json).toEqual([]);

    const world = await phoneCall(e, 'GET', 'world');
    expect(world.json.self.id).toBe('wxid_demo_self');
    expect(world.json.rooms[0].members).toContainEqual({ id: 'wxid_uncle_s1', displayName: '三舅' });

    expect((await phoneCall(e, 'POST', 'logout', { code: 1234 })).status).toBe(400);
    const out = await phoneCall(e, 'POST', 'logout', { code: 1101 });
    expect(out.json[0]).toMatchObject({ state: 'ended', endCode: 1101, endReason: 'phone' });
    expect((await phoneCall(e, 'GET', 'nothing')).status).toBe(404);
  });

  it('phone waits time out, and reject when the emulator closes', async () => {
    const e = await startEmulator();
    await expect(e.phone.waitForSent(undefined, { timeoutMs: 50 })).rejects.toThrow(/timed out/);
    const pending = e.phone.waitForQr({ timeoutMs: 5000, after: 'none' });
    const uuid = await jslogin(new Browser(e.baseUrl));
    expect((await pending).uuid).toBe(uuid);
    const never = e.phone.waitForSent(() => false, { timeoutMs: 60_000 });
    await e.close();
    await expect(never).rejects.toThrow(/closed/);
  });

  it('never logs secrets', async () => {
    const log = recordingLogger();
    const e = await start({ logger: log.logger });
    const li = await login(e);
    const r = await init(li);
    await sync(li, r.SyncKey as SyncKeyObj);
    await li.browser.get(`${API}/webwxgetcontact?${q(li)}&seq=0&skey=${li.skey}`);
    await li.browser.get(`${API}/synccheck?skey=${li.skey}&sid=${li.sid}&uin=${li.uin}&synckey=1_1`);
    const all = log.text();
    expect(log.lines.length).toBeGreaterThan(5);
    for (const secret of [
      li.skey,
      li.sid,
      li.passTicket,
      decodeURIComponent(li.passTicket),
      li.browser.cookies.get('webwx_data_ticket')!,
    ]) {
      expect(all).not.toContain(secret);
    }
  });
});
