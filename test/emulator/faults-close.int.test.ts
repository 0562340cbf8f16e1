import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import {
  API,
  Browser,
  emulatorPerTest,
  init,
  jslogin,
  login,
  type SyncKeyObj,
  sync,
  syncCheck,
} from './helpers.js';

const start = emulatorPerTest();

describe('faults', () => {
  it('http-status, ret, malformed and delay apply for the given number of times', async () => {
    const e = await start();
    const li = await login(e);
    const r = await init(li);
    const key = r.SyncKey as SyncKeyObj;
    const f = e.faults.inject('synccheck', { kind: 'http-status', status: 503 }, { times: 1 });
    const a = await syncCheck(li, key);
    expect(a.status).toBe(503);
    expect(f.hits).toBe(1);
    expect(e.faults.list()).toHaveLength(0);
    expect((await syncCheck(li, key)).text).toBe('window.synccheck={retcode:"0",selector:"2"}');

    e.faults.inject('synccheck', { kind: 'ret', ret: 1101 }, { times: 1 });
    expect((await syncCheck(li, key)).text).toBe('window.synccheck={retcode:"1101",selector:"0"}');
    e.faults.inject('webwxsync', { kind: 'ret', ret: 1205 }, { times: 1 });
    expect((await sync(li, key)).BaseResponse).toEqual({ Ret: 1205, ErrMsg: '' });

    e.faults.inject('webwxsync', { kind: 'malformed' }, { times: 1 });
    const bad = await li.browser.post(`${API}/webwxsync?sid=${li.sid}`, {
      BaseRequest: li.baseRequest,
      SyncKey: key,
    });
    expect(bad.status).toBe(200);
    expect(() => JSON.parse(bad.text)).toThrow();

    e.faults.inject('jslogin', { kind: 'delay', ms: 250 });
    const t0 = Date.now();
    await jslogin(new Browser(e.baseUrl));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
    e.faults.clear();
    expect(e.faults.list()).toHaveLength(0);
  });

  it('reset destroys the connection; probability 0 never hits', async () => {
    const e = await start();
    e.faults.inject('jslogin', { kind: 'reset' }, { times: 1 });
    await expect(fetch(`${e.baseUrl}/jslogin?appid=x`)).rejects.toThrow();
    const never = e.faults.inject('*', { kind: 'http-status', status: 500 }, { probability: 0 });
    expect((await fetch(`${e.baseUrl}/jslogin?appid=x`)).status).toBe(200);
    expect(never.hits).toBe(0);
  });
});

describe('close()', () => {
  it('ends held long-polls at once and leaves the port closed', async () => {
    const e = await startEmulator({ timing: { loginPollHoldMs: 20_000, syncCheckHoldMs: 20_000 } });
    const li = await login(e);
    const r = await init(li);
    const first = await sync(li, r.SyncKey as SyncKeyObj);
    const heldSync = syncCheck(li, first.SyncKey);
    const b = new Browser(e.baseUrl);
    const uuid = await jslogin(b);
    const heldPoll = b.get(`${API}/login?uuid=${uuid}&tip=1`);
    await new Promise((res) => setTimeout(res, 100));
    const t0 = Date.now();
    await e.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect((await heldSync).text).toBe('window.synccheck={retcode:"0",selector:"0"}');
    expect((await heldPoll).text).toBe('window.code=408;');
    await expect(fetch(`${e.baseUrl}/`)).rejects.toThrow();
    await e.close(); // idempotent
  });
});
