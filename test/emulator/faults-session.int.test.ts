/** Faults of issue #6: hang, session expiry, re-delivery, scripts; sends deduped by ClientMsgId. */
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { API, init, login, type SyncKeyObj, sync, syncCheck } from './helpers.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function start(): Promise<Emulator> {
  emu = await startEmulator({ timing: { loginPollHoldMs: 1000, syncCheckHoldMs: 1000 } });
  return emu;
}

async function ready(e: Emulator) {
  const li = await login(e);
  const r = await init(li);
  const first = await sync(li, r.SyncKey as SyncKeyObj); // the 51/4 message
  return { li, key: first.SyncKey };
}

describe('faults for sessions', () => {
  it('hang holds the request without an answer until the client gives up', async () => {
    const e = await start();
    const { li, key } = await ready(e);
    const f = e.faults.inject('synccheck', { kind: 'hang' }, { times: 1 });
    const aborted = syncCheck(li, key, { signal: AbortSignal.timeout(300) } as never);
    await expect(aborted).rejects.toThrow();
    expect(f.hits).toBe(1);
    const hangShort = e.faults.inject('synccheck', { kind: 'hang', ms: 50 }, { times: 1 });
    await expect(syncCheck(li, key)).rejects.toThrow();
    expect(hangShort.hits).toBe(1);
    expect((await syncCheck(li, key)).text).toBe('window.synccheck={retcode:"0",selector:"0"}');
  });

  it('expire ends the session with 1102 (or the given code) and the request sees it', async () => {
    const e = await start();
    const { li, key } = await ready(e);
    e.faults.inject('synccheck', { kind: 'expire' }, { times: 1 });
    expect((await syncCheck(li, key)).text).toBe('window.synccheck={retcode:"1102",selector:"0"}');
    expect(e.phone.sessions()[0]).toMatchObject({ state: 'ended', endCode: 1102, endReason: 'expired' });
    expect((await sync(li, key)).BaseResponse).toMatchObject({ Ret: 1102 });
  });

  it('redeliver queues acknowledged messages again with their MsgIds', async () => {
    const e = await start();
    const { li, key } = await ready(e);
    const from = e.world.listedContacts()[0]!.id;
    const a = e.phone.sendText({ from, text: 'one' });
    const b = e.phone.sendText({ from, text: 'two' });
    const got = await sync(li, key);
    expect(got.AddMsgList.map((m) => m.MsgId)).toEqual([a.msgId, b.msgId]);
    const ack = await sync(li, got.SyncKey);
    expect(ack.AddMsgList).toEqual([]);
    e.faults.inject('webwxsync', { kind: 'redeliver' }, { times: 1 });
    const again = await sync(li, ack.SyncKey);
    expect(again.AddMsgList.map((m) => m.MsgId)).toEqual(expect.arrayContaining([a.msgId, b.msgId]));
  });

  it('a script applies its steps in order, null letting a request through', async () => {
    const e = await start();
    const { li, key } = await ready(e);
    const s = e.faults.script('synccheck', [
      { kind: 'http-status', status: 502 },
      null,
      { kind: 'ret', ret: -1 },
    ]);
    expect((await syncCheck(li, key)).status).toBe(502);
    expect((await syncCheck(li, key)).text).toBe('window.synccheck={retcode:"0",selector:"0"}');
    expect((await syncCheck(li, key)).text).toBe('window.synccheck={retcode:"-1",selector:"0"}');
    expect(s.hits).toBe(2);
    expect(e.faults.list()).toHaveLength(0);
    const looping = e.faults.script('webwxsync', [{ kind: 'ret', ret: 1205 }], { loop: true });
    expect((await sync(li, key)).BaseResponse).toMatchObject({ Ret: 1205 });
    expect((await sync(li, key)).BaseResponse).toMatchObject({ Ret: 1205 });
    looping.remove();
    expect(() => e.faults.script('x', [])).toThrow();
    expect(() => e.faults.inject('x', { kind: 'expire', code: 1 as never })).toThrow();
  });

  it('a repeated ClientMsgId is recorded once and answers the original MsgID', async () => {
    const e = await start();
    const { li } = await ready(e);
    const r = await init(li);
    const to = (r.ContactList as { UserName: string }[]).find(
      (c) => c.UserName.startsWith('@') && !c.UserName.startsWith('@@'),
    )!.UserName;
    const self = (r.User as { UserName: string }).UserName;
    const send = (id: string) =>
      li.browser.post(`${API}/webwxsendmsg?lang=zh_CN&pass_ticket=${li.passTicket}`, {
        BaseRequest: li.baseRequest,
        Msg: { Type: 1, Content: 'once', FromUserName: self, ToUserName: to, LocalID: id, ClientMsgId: id },
        Scene: 0,
      });
    const first = JSON.parse((await send('17000000000001234')).text);
    const second = JSON.parse((await send('17000000000001234')).text);
    const other = JSON.parse((await send('17000000000005678')).text);
    expect(second.MsgID).toBe(first.MsgID);
    expect(other.MsgID).not.toBe(first.MsgID);
    expect(e.phone.sent().filter((s) => s.content === 'once')).toHaveLength(2);
  });
});
