/**
 * Shares against the emulator, client to phone side: contact cards (MsgType 42 by webwxsendmsg),
 * music (appmsg type 3) and mini programs (type 33) by webwxsendappmsg, through the outbox; the
 * emulator's checks of them (share-checks.ts); and webwxsearchcontact answered from the world.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type WorldSpec } from '../../src/emulator/index.js';
import { InvalidArgumentError, ProtocolError } from '../../src/errors.js';
import { parseXml, xmlAttr, xmlChild, xmlText } from '../../src/model/message-xml.js';
import { login, type Pair, startPair, waitForMessage } from '../client/harness.js';
import { API, init, q, login as rawLogin } from './helpers.js';

const WORLD: WorldSpec = {
  self: { id: 'wxid_me', nickName: 'Me' },
  contacts: [
    { id: 'wxid_alice', nickName: 'Alice' },
    { id: 'wxid_bob', nickName: 'Bob', alias: 'bob_wx', province: '广东', city: '深圳' },
    { id: 'wxid_carol', nickName: 'Carol Chen', remarkName: 'CC' },
  ],
  rooms: [{ id: '2001@chatroom', topic: 'Team', owner: 'wxid_alice', members: ['wxid_alice', 'wxid_me'] }],
};

let pair: Pair;
beforeAll(async () => {
  pair = await startPair({ world: WORLD });
  await login(pair);
}, 30_000);
afterAll(async () => {
  await pair?.close();
});

function userNameOf(nickName: string): string {
  const contact = pair.client.contacts.list().find((c) => c.nickName === nickName);
  if (!contact) throw new Error(`no ${nickName}`);
  return contact.userName;
}

describe('contact cards (client ↔ emulator)', () => {
  it('shares Bob with Alice: the phone side records a MsgType 42 card naming him by WeChat ID', async () => {
    const { client, emulator } = pair;
    const sent = await client.sendContactCard(userNameOf('Alice'), userNameOf('Bob'), { key: 'card-1' });
    expect(sent.kind).toBe('card');
    const record = emulator.phone.sent().find((r) => r.msgId === sent.msgId);
    expect(record).toMatchObject({ type: 42, to: 'wxid_alice' });
    const msg = xmlChild(parseXml(record?.content ?? ''), 'msg');
    expect(['username', 'nickname', 'alias', 'province', 'city'].map((a) => xmlAttr(msg, a))).toEqual([
      'bob_wx',
      'Bob',
      'bob_wx',
      '广东',
      '深圳',
    ]);
    // The same key is not sent twice.
    await client.sendContactCard(userNameOf('Alice'), userNameOf('Bob'), { key: 'card-1' });
    expect(emulator.phone.sent().filter((r) => r.type === 42)).toHaveLength(1);
  });

  it('names a contact without a WeChat ID by its session UserName, which the emulator resolves', async () => {
    const { client, emulator } = pair;
    const carol = userNameOf('Carol Chen');
    const sent = await client.sendContactCard(client.contacts.rooms()[0]!.userName, carol);
    const record = emulator.phone.sent().find((r) => r.msgId === sent.msgId);
    expect(record?.to).toBe('2001@chatroom');
    expect(xmlAttr(xmlChild(parseXml(record?.content ?? ''), 'msg'), 'username')).toBe(carol);
  });

  it('refuses a card naming nobody (Ret 1, not retried) and a group as a card', async () => {
    const { client, emulator } = pair;
    const before = emulator.phone.sent().length;
    const ghost = { ...client.contacts.list().find((c) => c.nickName === 'Alice')!, userName: '@ghost' };
    const error = await client.sendContactCard(userNameOf('Alice'), ghost).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).ret).toBe(1);
    await expect(
      client.sendContactCard(userNameOf('Alice'), client.contacts.rooms()[0]!.userName),
    ).rejects.toThrow(InvalidArgumentError);
    expect(emulator.phone.sent()).toHaveLength(before);
  });
});

describe('forwarding a card (client ↔ emulator)', () => {
  it('forwards a card the phone sent: Alice gets a MsgType 42 naming the same person', async () => {
    const { client, emulator } = pair;
    const incoming = waitForMessage(pair, (m) => m.kind === 'card');
    emulator.phone.sendMessage({ kind: 'card', from: 'wxid_carol', card: 'wxid_bob' });
    const card = await incoming;
    const sent = await client.forward(card, userNameOf('Alice'));
    expect(sent.kind).toBe('card');
    const record = emulator.phone.sent().find((r) => r.msgId === sent.msgId);
    expect(record).toMatchObject({ type: 42, to: 'wxid_alice' });
    const msg = xmlChild(parseXml(record?.content ?? ''), 'msg');
    expect([xmlAttr(msg, 'username'), xmlAttr(msg, 'nickname')]).toEqual(['wxid_bob', 'Bob']);
  });
});

describe('music and mini programs (client ↔ emulator)', () => {
  it('sends a music card the phone side records as a type 3 appmsg', async () => {
    const { client, emulator } = pair;
    const music = {
      title: '晴天',
      description: '周杰伦',
      url: 'https://music.example.com/song?id=1',
      dataUrl: 'https://music.example.com/song.mp3',
    };
    const sent = await client.sendMusic(client.contacts.rooms()[0]!.userName, music);
    expect(sent.kind).toBe('app');
    const record = emulator.phone.sent().find((r) => r.msgId === sent.msgId);
    expect(record).toMatchObject({ type: 3, to: '2001@chatroom' });
    const appmsg = xmlChild(parseXml(record?.content ?? ''), 'appmsg');
    expect(['title', 'des', 'url', 'dataurl', 'type'].map((n) => xmlText(appmsg, n))).toEqual([
      music.title,
      music.description,
      music.url,
      music.dataUrl,
      '3',
    ]);
  });

  it('sends a mini program the phone side records as a type 33 appmsg with its weappinfo', async () => {
    const { client, emulator } = pair;
    const sent = await client.sendMiniProgram(userNameOf('Alice'), {
      title: '下午例会',
      appId: 'wxe638e634ed8b3907',
      userName: 'gh_0123456789ab@app',
      pagePath: 'pages/index/index.html?room=3',
    });
    const record = emulator.phone.sent().find((r) => r.msgId === sent.msgId);
    expect(record).toMatchObject({ type: 33, to: 'wxid_alice' });
    const weapp = xmlChild(xmlChild(parseXml(record?.content ?? ''), 'appmsg'), 'weappinfo');
    expect(['username', 'appid', 'pagepath'].map((n) => xmlText(weapp, n))).toEqual([
      'gh_0123456789ab@app',
      'wxe638e634ed8b3907',
      'pages/index/index.html?room=3',
    ]);
  });
});

describe('webwxsearchcontact (client ↔ emulator)', () => {
  it('finds contacts by nickname, remark, alias or id, as the directory entries', async () => {
    const { client } = pair;
    expect((await client.contacts.searchServer('carol')).map((c) => c.nickName)).toEqual(['Carol Chen']);
    expect((await client.contacts.searchServer('cc')).map((c) => c.userName)).toEqual([
      userNameOf('Carol Chen'),
    ]);
    expect((await client.contacts.searchServer('bob_wx'))[0]).toBe(client.contacts.get(userNameOf('Bob')));
    expect(await client.contacts.searchServer('nobody-like-this')).toEqual([]);
    await expect(client.contacts.searchServer(' ')).rejects.toThrow(InvalidArgumentError);
  });
});

describe('the emulator checks shares sent over raw HTTP', () => {
  it('answers Ret 1 to an appmsg whose <type> is not its Type, and to a search without KeyWord', async () => {
    const emulator = await startEmulator({ port: 0, world: WORLD });
    try {
      const li = await rawLogin(emulator);
      const self = ((await init(li)).User as { UserName: string }).UserName;
      const post = async (endpoint: string, fields: Record<string, unknown>) => {
        const r = await li.browser.post(`${API}/${endpoint}?fun=async&f=json&${q(li)}`, {
          BaseRequest: li.baseRequest,
          ...fields,
        });
        return (JSON.parse(r.text) as { BaseResponse: { Ret: number } }).BaseResponse.Ret;
      };
      const msg = (type: number, content: string) => ({
        Msg: {
          Type: type,
          Content: content,
          FromUserName: self,
          ToUserName: self,
          LocalID: '1',
          ClientMsgId: `${type}`,
        },
        Scene: 0,
      });
      expect(await post('webwxsendappmsg', msg(3, '<appmsg><title>x</title><type>5</type></appmsg>'))).toBe(
        1,
      );
      expect(await post('webwxsendappmsg', msg(5, 'not xml'))).toBe(1);
      expect(await post('webwxsendappmsg', msg(5, '<appmsg><title>x</title><type>5</type></appmsg>'))).toBe(
        0,
      );
      expect(await post('webwxsendmsg', msg(42, '<msg username="nobody" />'))).toBe(1);
      expect(await post('webwxsendmsg', msg(42, '<msg username="wxid_bob" nickname="Bob" />'))).toBe(0);
      expect(await post('webwxsearchcontact', {})).toBe(1);
      expect(emulator.phone.sent().map((r) => r.type)).toEqual([5, 42]);
    } finally {
      await emulator.close();
    }
  });
});
