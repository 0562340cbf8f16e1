/**
 * Several accounts from outside the process: a world file of two accounts loaded and served, the
 * phone HTTP API addressing the second account (`?account=`), and the raw wire of a delivery between
 * them (FromUserName as the receiving session names the sender; the "sender:<br/>" group prefix).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Emulator,
  isMultiWorldSpec,
  loadWorldFile,
  multiAccountWorld,
  startEmulator,
  WorldValidationError,
} from '../../src/emulator/index.js';
import {
  API,
  Browser,
  init,
  jslogin,
  type LoggedIn,
  loggedIn,
  login,
  q,
  type SyncKeyObj,
  sync,
} from './helpers.js';

const FILE = {
  accounts: [
    {
      self: { id: 'wxid_alice_bot', nickName: 'Alice Bot' },
      contacts: [{ id: 'wxid_bob_bot' }, { id: 'wxid_carol', nickName: 'Carol' }],
    },
    {
      self: { id: 'wxid_bob_bot', nickName: 'Bob Bot' },
      contacts: [{ id: 'wxid_alice_bot', remarkName: 'Al' }],
    },
  ],
  rooms: [
    {
      id: '7001@chatroom',
      topic: 'Bots and Carol',
      owner: 'wxid_alice_bot',
      members: ['wxid_alice_bot', 'wxid_bob_bot', 'wxid_carol'],
    },
  ],
};

const dir = mkdtempSync(join(tmpdir(), 'webwx-world-'));
let emu: Emulator;

// biome-ignore lint/suspicious/noExplicitAny: JSON of the phone API, checked by the assertions
async function phone(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${emu.baseUrl}/__phone/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: res.status, json: await res.json() };
}

/** A raw QR login whose confirmation is made over HTTP by `account`'s phone. */
async function loginOverHttp(account: string): Promise<LoggedIn> {
  const browser = new Browser(emu.baseUrl);
  const uuid = await jslogin(browser);
  const confirmed = await phone('POST', `qr/${encodeURIComponent(uuid)}/confirm?account=${account}`);
  expect(confirmed.status).toBe(200);
  expect(confirmed.json).toMatchObject({ uuid, state: 'confirmed', account });
  const poll = await browser.get(`${API}/login?loginicon=true&uuid=${uuid}&tip=0&r=-1&_=1`);
  const redirect = /window\.redirect_uri="([^"]+)";/.exec(poll.text)![1]!;
  const page = await browser.get(`${redirect}&fun=new&version=v2`);
  return loggedIn(browser, uuid, page, redirect);
}

async function contacts(li: LoggedIn): Promise<{ UserName: string; NickName: string }[]> {
  const r = await li.browser.get(
    `${API}/webwxgetcontact?${q(li)}&r=1&seq=0&skey=${encodeURIComponent(li.skey)}`,
  );
  return (JSON.parse(r.text) as { MemberList: { UserName: string; NickName: string }[] }).MemberList;
}

async function sendText(li: LoggedIn, to: string, text: string): Promise<void> {
  const id = `${Date.now()}${Math.floor(Math.random() * 10_000)}`;
  const r = await li.browser.post(`${API}/webwxsendmsg?${q(li)}`, {
    BaseRequest: li.baseRequest,
    Msg: { Type: 1, Content: text, FromUserName: '', ToUserName: to, LocalID: id, ClientMsgId: id },
    Scene: 0,
  });
  expect(JSON.parse(r.text).BaseResponse.Ret).toBe(0);
}

beforeAll(async () => {
  const path = join(dir, 'two.json');
  writeFileSync(path, JSON.stringify(FILE));
  const spec = loadWorldFile(path);
  expect(isMultiWorldSpec(spec)).toBe(true);
  emu = await startEmulator({ world: spec, timing: { loginPollHoldMs: 1000, syncCheckHoldMs: 1000 } });
});

afterAll(async () => {
  await emu?.close();
});

describe('a world file of two accounts, over HTTP', () => {
  it('is served: both accounts, their worlds, the shared room in each', async () => {
    const accounts = await phone('GET', 'accounts');
    expect(accounts.json).toEqual([
      expect.objectContaining({ id: 'wxid_alice_bot', nickName: 'Alice Bot', activeSessions: 0 }),
      expect.objectContaining({ id: 'wxid_bob_bot', nickName: 'Bob Bot', activeSessions: 0 }),
    ]);
    const bobWorld = await phone('GET', 'world?account=wxid_bob_bot');
    expect(bobWorld.json.self.id).toBe('wxid_bob_bot');
    const alice = bobWorld.json.contacts.find((c: { id: string }) => c.id === 'wxid_alice_bot');
    expect(alice).toMatchObject({ nickName: 'Alice Bot', remarkName: 'Al', kind: 'friend' });
    expect(bobWorld.json.contacts.find((c: { id: string }) => c.id === 'wxid_carol')?.kind).toBe('stranger');
    expect(bobWorld.json.rooms.map((r: { id: string }) => r.id)).toEqual(['7001@chatroom']);
    expect((await phone('GET', 'world')).json.self.id).toBe('wxid_alice_bot');
    const unknown = await phone('GET', 'world?account=wxid_nobody');
    expect(unknown.status).toBe(404);
    expect(unknown.json.field).toBe('account');
    const doc = await phone('GET', 'openapi.json');
    expect(doc.json.components.parameters.account).toMatchObject({ name: 'account', in: 'query' });
    expect(doc.json.paths['/send'].post.parameters).toEqual([{ $ref: '#/components/parameters/account' }]);
  });

  it('the second account logs in through its phone over HTTP; deliveries carry its own names', async () => {
    const alice = await login(emu); // emu.phone: the first account
    const bob = await loginOverHttp('wxid_bob_bot');
    expect(bob.uin).toBe(String(emu.accounts[1]!.world.self.uin));
    expect((await phone('GET', 'sessions?account=wxid_bob_bot')).json).toEqual([
      expect.objectContaining({ state: 'active' }),
    ]);
    expect((await phone('GET', 'sessions')).json).toHaveLength(1);
    // Another account's phone cannot take a QR code that is Bob's.
    const b2 = new Browser(emu.baseUrl);
    const uuid = await jslogin(b2);
    await phone('POST', `qr/${encodeURIComponent(uuid)}/scan?account=wxid_bob_bot`);
    const taken = await phone('POST', `qr/${encodeURIComponent(uuid)}/confirm`);
    expect(taken.status).toBe(400);

    let bobKey = (await init(bob)).SyncKey as SyncKeyObj;
    const first = await sync(bob, bobKey);
    bobKey = first.SyncKey;
    const aliceContacts = await contacts(alice);
    const bobName = aliceContacts.find((c) => c.NickName === 'Bob Bot')!.UserName;
    const roomName = aliceContacts.find((c) => c.NickName === 'Bots and Carol')!.UserName;
    await sendText(alice, bobName, 'private <hi>');
    await sendText(alice, roomName, 'to the room');
    const got = await sync(bob, bobKey);
    const texts = got.AddMsgList.filter((m) => m.MsgType === 1);
    expect(texts).toHaveLength(2);
    const [direct, group] = texts as { FromUserName: string; ToUserName: string; Content: string }[];
    const bobContacts = await contacts(bob);
    const aliceInBob = bobContacts.find((c) => c.NickName === 'Alice Bot')!.UserName;
    expect(direct).toMatchObject({ FromUserName: aliceInBob, Content: 'private &lt;hi&gt;' });
    expect(direct!.ToUserName).not.toBe(bobName); // Bob's own name differs per session
    expect(group!.FromUserName).toBe(bobContacts.find((c) => c.NickName === 'Bots and Carol')!.UserName);
    expect(group!.FromUserName).not.toBe(roomName);
    expect(group!.Content).toBe(`${aliceInBob}:<br/>to the room`);

    // The phone API's send addresses Bob's sessions only.
    const sent = await phone('POST', 'send?account=wxid_bob_bot', {
      from: 'wxid_alice_bot',
      text: 'via phone',
    });
    expect(sent.json.deliveredTo).toBe(1);
    expect((await phone('GET', 'sent?account=wxid_bob_bot')).json).toEqual([]);
    expect((await phone('GET', 'sent')).json.map((r: { to: string }) => r.to)).toEqual([
      'wxid_bob_bot',
      '7001@chatroom',
    ]);
  });
});

describe('world specs of several accounts', () => {
  it('refuse bad input naming the account and field', async () => {
    const bad = structuredClone(FILE);
    bad.accounts[1]!.contacts = [{ id: 'wxid_unknown' } as never];
    await expect(startEmulator({ world: bad as never })).rejects.toThrow(
      /accounts\[1\]\.contacts\[0\]\.nickName/,
    );
    const dup = { accounts: [FILE.accounts[0], FILE.accounts[0]] };
    const path = join(dir, 'dup.json');
    writeFileSync(path, JSON.stringify(dup));
    expect(() => loadWorldFile(path)).toThrow(WorldValidationError);
    expect(() => loadWorldFile(path)).toThrow(/accounts\[1\]\.self\.id: duplicate account/);
    const lonely = { accounts: [FILE.accounts[1]], rooms: [{ ...FILE.rooms[0], members: ['wxid_carol'] }] };
    writeFileSync(path, JSON.stringify(lonely));
    expect(() => loadWorldFile(path)).toThrow(
      /rooms\[0\]\.members: a shared room needs at least one account/,
    );
  });

  it('multiAccountWorld builds N accounts, mutual friends in one room', async () => {
    const e = await startEmulator({ world: multiAccountWorld({ accounts: 4, friendsEach: 2 }) });
    try {
      expect(e.accounts.map((a) => a.id)).toEqual([
        'wxid_account001',
        'wxid_account002',
        'wxid_account003',
        'wxid_account004',
      ]);
      const third = e.accounts[2]!.world;
      expect(third.listedContacts().filter((c) => c.kind === 'friend')).toHaveLength(3 + 2);
      expect(third.room('9000000001@chatroom')?.memberIds).toHaveLength(4);
      expect(new Set(e.accounts.map((a) => a.world.self.uin)).size).toBe(4);
    } finally {
      await e.close();
    }
  });
});
