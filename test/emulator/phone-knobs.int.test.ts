/**
 * Every knob over HTTP (issue 19, item 2): rooms, contacts, friend requests, phone activity, faults
 * and timing by their in-process names, bad input answered with the field named, and the OpenAPI
 * document that describes them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { Browser, init, jslogin, login, type SyncKeyObj, sync, syncCheck } from './helpers.js';
import { phonePost } from './raw-http.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function start(): Promise<Emulator> {
  emu = await startEmulator({ timing: { loginPollHoldMs: 500, syncCheckHoldMs: 500 } });
  return emu;
}

// biome-ignore lint/suspicious/noExplicitAny: JSON of the phone API, checked by the assertions
async function phoneGet(e: Emulator, path: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${e.baseUrl}/__phone/${path}`);
  return { status: res.status, json: await res.json() };
}

describe('the phone’s knobs over HTTP', () => {
  it('rooms: createRoom, renameRoom, addToRoom, removeFromRoom, leaveRoom reach a logged-in client', async () => {
    const e = await start();
    const li = await login(e);
    let key = (await sync(li, (await init(li)).SyncKey as SyncKeyObj)).SyncKey;
    const created = await phonePost(e, 'createRoom', {
      members: ['老张', 'wxid_alice07'],
      topic: '新群',
      by: '老张',
    });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ topic: '新群', owner: 'wxid_zhangwei01' });
    const room = created.json.id as string;
    const renamed = await phonePost(e, 'renameRoom', { room, topic: '改名了' });
    expect(renamed.json.topic).toBe('改名了');
    expect(e.world.findRoom('改名了')?.id).toBe(room);
    const added = await phonePost(e, 'addToRoom', { room, members: ['Bob Jones'] });
    expect(added.json.members).toContain('bob_jones');
    const removed = await phonePost(e, 'removeFromRoom', { room, members: ['bob_jones'] });
    expect(removed.json.members).not.toContain('bob_jones');
    expect((await phonePost(e, 'leaveRoom', { room, member: 'wxid_alice07' })).json).toEqual({ ok: true });
    expect((await syncCheck(li, key)).text).toMatch(/selector:"[24]"/);
    const got = await sync(li, key);
    key = got.SyncKey;
    expect(JSON.stringify(got.AddMsgList)).toContain('改名了');
    expect((await phoneGet(e, 'roomInvitations')).json).toEqual([]);
  });

  it('contacts: sendFriendRequest, friendRequests, setRemark, pin, unpin, deleteContact, setSystemLanguage', async () => {
    const e = await start();
    const request = await phonePost(e, 'sendFriendRequest', { from: 'wxid_uncle_s1', greeting: '我是三舅' });
    expect(request.status).toBe(200);
    expect(request.json).toMatchObject({ from: 'wxid_uncle_s1', greeting: '我是三舅', state: 'pending' });
    expect((await phoneGet(e, 'friendRequests')).json).toHaveLength(1);
    expect((await phonePost(e, 'setRemark', { person: 'wxid_alice07', remark: '爱丽丝' })).status).toBe(200);
    expect(e.world.findPerson('爱丽丝')?.id).toBe('wxid_alice07');
    expect((await phonePost(e, 'pin', { name: '相亲相爱一家人' })).status).toBe(200);
    expect(e.world.findRoom('相亲相爱一家人')?.pinned).toBe(true);
    expect((await phonePost(e, 'unpin', { name: '相亲相爱一家人' })).status).toBe(200);
    expect((await phonePost(e, 'setSystemLanguage', { lang: 'en' })).status).toBe(200);
    expect((await phonePost(e, 'deleteContact', { person: 'wxid_alice07' })).status).toBe(200);
    expect(e.world.findPerson('wxid_alice07')?.kind).not.toBe('friend');
  });

  it('activity: enterChat, leaveChat, signalSelector', async () => {
    const e = await start();
    const li = await login(e);
    const key = (await sync(li, (await init(li)).SyncKey as SyncKeyObj)).SyncKey;
    const entered = await phonePost(e, 'enterChat', { chat: '老张' });
    expect(entered.json).toMatchObject({ chat: 'wxid_zhangwei01', code: 2, deliveredTo: 1 });
    expect((await syncCheck(li, key)).text).toContain('selector:"7"');
    expect((await phonePost(e, 'leaveChat', { chat: '老张' })).json.code).toBe(5);
    expect((await phonePost(e, 'signalSelector', { selector: 6 })).json).toEqual({ sessions: 1 });
    expect((await phonePost(e, 'signalSelector', { selector: 2 })).json).toEqual({
      error: '"selector" must be one of 3, 5, 6',
      field: 'selector',
    });
  });

  it('faults: inject, script, list, remove, clear; timing: read and set', async () => {
    const e = await start();
    const injected = await phonePost(e, 'faults/inject', {
      endpoint: 'jslogin',
      fault: { kind: 'http-status', status: 502 },
      times: 1,
    });
    expect(injected.json).toMatchObject({
      endpoint: 'jslogin',
      fault: { kind: 'http-status', status: 502 },
      hits: 0,
    });
    expect((await fetch(`${e.baseUrl}/jslogin`)).status).toBe(502);
    expect((await fetch(`${e.baseUrl}/jslogin`)).status).toBe(200);
    const script = await phonePost(e, 'faults/script', {
      endpoint: 'webwxinit',
      steps: [null, { kind: 'ret', ret: 1205 }],
      loop: true,
    });
    const held = await phonePost(e, 'faults/inject', {
      endpoint: 'synccheck',
      fault: { kind: 'delay', ms: 10 },
    });
    const list = await phoneGet(e, 'faults');
    expect(list.json.map((f: { id: number }) => f.id)).toEqual([script.json.id, held.json.id]);
    expect(e.faults.list()).toHaveLength(2);
    expect((await phonePost(e, 'faults/remove', { id: held.json.id })).json).toEqual({ ok: true });
    expect(e.faults.list().map((f) => f.endpoint)).toEqual(['webwxinit']);
    expect((await phonePost(e, 'faults/remove', { id: held.json.id })).json.field).toBe('id');
    expect((await phonePost(e, 'faults/clear', {})).json).toEqual({ ok: true });
    expect(e.faults.list()).toEqual([]);

    expect((await phoneGet(e, 'timing')).json).toEqual({
      loginPollHoldMs: 500,
      syncCheckHoldMs: 500,
      qrExpiryMs: 120_000,
    });
    const set = await phonePost(e, 'setTiming', { syncCheckHoldMs: 200 });
    expect(set.json.syncCheckHoldMs).toBe(200);
    const li = await login(e);
    const key = (await sync(li, (await init(li)).SyncKey as SyncKeyObj)).SyncKey;
    expect((await syncCheck(li, key)).text).toContain('selector:"0"');
  });

  it('the phone’s own calls by their names: qrCodes, scan, confirm, sendText, sendMessage, statusNotifications', async () => {
    const e = await start();
    const b = new Browser(e.baseUrl);
    const uuid = await jslogin(b);
    expect((await phoneGet(e, 'qrCodes')).json).toEqual([
      expect.objectContaining({ uuid, state: 'waiting' }),
    ]);
    expect((await phonePost(e, 'scan', { uuid })).json.state).toBe('scanned');
    expect((await phonePost(e, 'confirm', { uuid })).json.state).toBe('confirmed');
    expect((await phonePost(e, 'cancel', { uuid: 'nope==' })).json).toEqual({
      error: '"uuid" names no QR code (nope==)',
      field: 'uuid',
    });
    const text = await phonePost(e, 'sendText', { from: '老张', text: 'hi' });
    expect(text.json).toMatchObject({ from: 'wxid_zhangwei01', text: 'hi' });
    const link = await phonePost(e, 'sendMessage', {
      kind: 'link',
      from: '老张',
      title: 't',
      url: 'https://x.y',
    });
    expect(link.json).toMatchObject({ kind: 'link', msgType: 49 });
    const bad = await phonePost(e, 'sendMessage', { kind: 'location', from: '老张', label: 'x' });
    expect(bad.json.error).toMatch(/"latitude" must be a number/);
    expect((await phoneGet(e, 'statusNotifications')).json).toEqual([]);
  });

  it('bad input answers 400 naming the field', async () => {
    const e = await start();
    const cases: [string, unknown, string, RegExp][] = [
      ['renameRoom', { topic: 'x' }, 'room', /"room" is required/],
      ['renameRoom', { room: 5, topic: 'x' }, 'room', /"room" must be a string/],
      ['addToRoom', { room: '相亲相爱一家人', members: 'bob' }, 'members', /must be an array of strings/],
      ['setRemark', { person: 'x', remark: 'y', extra: 1 }, 'extra', /"extra" is not a field of setRemark/],
      ['setSystemLanguage', { lang: 'fr' }, 'lang', /must be one of zh, en/],
      ['faults/inject', { endpoint: 'x', fault: { kind: 'boom' } }, 'fault.kind', /must be one of malformed/],
      ['faults/inject', { endpoint: 'x', fault: { kind: 'delay' } }, 'fault.ms', /must be an integer/],
      [
        'faults/inject',
        { endpoint: 'x', fault: { kind: 'ret', ret: 1 }, probability: 2 },
        'probability',
        /probability/,
      ],
      ['faults/script', { endpoint: 'x', steps: [{ kind: 'x' }] }, 'steps[0].kind', /must be one of/],
      ['setTiming', { qrExpiryMs: 0 }, 'qrExpiryMs', /must be positive/],
      ['createRoom', [], 'body', /must be a JSON object/],
    ];
    for (const [path, body, field, error] of cases) {
      const r = await phonePost(e, path, body);
      expect(r.status, path).toBe(400);
      expect(r.json.field, path).toBe(field);
      expect(r.json.error, path).toMatch(error);
    }
    // An in-process refusal (unknown room) answers 400 with its message.
    const unknown = await phonePost(e, 'renameRoom', { room: 'no such room', topic: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatch(/no such room/);
  });

  it('serves an OpenAPI document naming every knob and its fields', async () => {
    const e = await start();
    const doc = await phoneGet(e, 'openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toBe('3.1.0');
    const paths = Object.keys(doc.json.paths);
    for (const name of [
      '/renameRoom',
      '/addToRoom',
      '/removeFromRoom',
      '/createRoom',
      '/leaveRoom',
      '/acceptRoomInvitation',
      '/sendFriendRequest',
      '/acceptFriendRequest',
      '/setRemark',
      '/pin',
      '/unpin',
      '/deleteContact',
      '/enterChat',
      '/leaveChat',
      '/signalSelector',
      '/faults',
      '/faults/inject',
      '/faults/script',
      '/faults/remove',
      '/faults/clear',
      '/timing',
      '/setTiming',
      '/sendText',
      '/sendMessage',
      '/qrCodes',
      '/scan',
      '/confirm',
      '/statusNotifications',
      '/send',
      '/media',
      '/logout',
      '/statusnotify',
      '/revokes',
    ])
      expect(paths, name).toContain(name);
    const rename = doc.json.paths['/renameRoom'].post.requestBody.content['application/json'].schema;
    expect(rename.required).toEqual(['room', 'topic']);
    expect(Object.keys(rename.properties)).toEqual(['room', 'topic', 'by']);
  });
});
