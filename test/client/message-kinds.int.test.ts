/**
 * Round trip of every kind the phone can send (phone.sendMessage) through the real client: each
 * arrives as a 'message' of the right kind with the right fields, and the typed events follow
 * ('friend-request', 'room-join', 'room-leave', 'room-topic', 'revoke' with the original message).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientEvents } from '../../src/client/index.js';
import type { PhoneMessageInput, WorldSpec } from '../../src/emulator/index.js';
import type { Message, MessageKind, MessageOf } from '../../src/model/index.js';
import { login, type Pair, startPair, waitForMessage } from './harness.js';

const WORLD: WorldSpec = {
  self: { id: 'wxid_me', nickName: '小明' },
  contacts: [
    { id: 'wxid_alice', nickName: 'Alice 🌸', province: '北京', city: '海淀', sex: 2 },
    { id: 'wxid_bob', nickName: 'Bob "the builder"' },
    { id: 'gh_news', nickName: '每日新闻', kind: 'official' },
    { id: 'wxid_carol', nickName: 'Carol', kind: 'stranger' },
    { id: 'wxid_dave', nickName: 'Dave', kind: 'stranger' },
  ],
  rooms: [
    {
      id: '3001@chatroom',
      topic: '周末爬山',
      owner: 'wxid_alice',
      members: ['wxid_alice', { id: 'wxid_carol', displayName: '卡罗' }, 'wxid_bob'],
    },
  ],
};

let pair: Pair;
beforeAll(async () => {
  pair = await startPair({ world: WORLD });
  await login(pair);
}, 30_000);
afterAll(async () => {
  await pair?.close();
});

const userName = (nickName: string): string => {
  const found = pair.client.contacts.find(nickName)[0];
  if (!found) throw new Error(`no contact ${nickName}`);
  return found.userName;
};
const roomUserName = (): string => {
  const room = pair.client.contacts.rooms().find((r) => r.topic === '周末爬山');
  if (!room) throw new Error('no room');
  return room.userName;
};

/** Sends as the phone and waits for the decoded message with that MsgId. */
async function roundTrip<K extends MessageKind>(input: PhoneMessageInput, kind: K): Promise<MessageOf<K>> {
  const sent = pair.emulator.phone.sendMessage(input);
  expect(sent.deliveredTo).toBe(1);
  const m: Message = await waitForMessage(pair, (x) => x.id === sent.msgId);
  expect(m.kind).toBe(kind);
  return m as MessageOf<K>;
}

/** The first recorded payload of `event` matching predicate, waiting for it if needed. */
function typedEvent<K extends keyof ClientEvents>(
  event: K,
  predicate: (p: ClientEvents[K]) => boolean,
): Promise<ClientEvents[K]> {
  const found = (pair.events[event] as ClientEvents[K][]).find(predicate);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for '${event}'`));
    }, 10_000);
    const off = pair.client.on(event, (p) => {
      if (!predicate(p)) return;
      clearTimeout(timer);
      off();
      resolve(p);
    });
  });
}

describe('every phone message kind through the real client', () => {
  it('card (of an official account), in a direct chat', async () => {
    const m = await roundTrip({ kind: 'card', from: 'wxid_alice', card: 'gh_news' }, 'card');
    expect(m.chat).toEqual({ userName: userName('Alice 🌸'), isRoom: false });
    expect(m.sender.displayName).toBe('Alice 🌸');
    expect(m.card).toMatchObject({
      userName: userName('每日新闻'),
      id: 'gh_news',
      nickName: '每日新闻',
      isOfficial: true,
      scene: 17,
    });
    expect(m.text).toBe('每日新闻');
  });

  it('location in both forms, in a group from a stranger', async () => {
    for (const form of ['link', 'xml'] as const) {
      const m = await roundTrip(
        {
          kind: 'location',
          from: 'wxid_carol',
          room: '周末爬山',
          label: '香山公园 "东门"',
          latitude: 39.99,
          longitude: 116.19,
          form,
        },
        'location',
      );
      expect(m.chat).toEqual({ userName: roomUserName(), isRoom: true });
      expect(m.sender.displayName).toBe('卡罗');
      expect(m.location).toMatchObject({
        label: '香山公园 "东门"',
        latitude: 39.99,
        longitude: 116.19,
        poiName: '[位置]',
      });
      expect(m.location.mapUrl).toBe('http://apis.map.qq.com/uri/v1/geocoder?coord=39.990000,116.190000');
      expect(m.raw.MsgType).toBe(form === 'link' ? 1 : 48);
    }
  });

  it('link, music, mini-program and a generic app message', async () => {
    const link = await roundTrip(
      {
        kind: 'link',
        from: 'wxid_bob',
        title: '爬山攻略 & 装备',
        url: 'https://example.com/a?x=1&y=2',
        description: '<必看>',
      },
      'link',
    );
    expect(link).toMatchObject({
      title: '爬山攻略 & 装备',
      url: 'https://example.com/a?x=1&y=2',
      description: '<必看>',
    });
    const music = await roundTrip(
      {
        kind: 'music',
        from: 'wxid_bob',
        title: '晴天',
        description: '周杰伦',
        url: 'https://y.qq.com/s',
        dataUrl: 'https://y.qq.com/s.m4a',
      },
      'music',
    );
    expect(music).toMatchObject({ title: '晴天', description: '周杰伦', dataUrl: 'https://y.qq.com/s.m4a' });
    const mini = await roundTrip(
      {
        kind: 'mini-program',
        from: 'wxid_alice',
        room: '3001@chatroom',
        title: '拼车小程序',
        appId: 'wx1234567890abcdef',
        pagePath: 'pages/a?b=1',
      },
      'mini-program',
    );
    expect(mini).toMatchObject({
      appMsgType: 33,
      title: '拼车小程序',
      weappAppId: 'wx1234567890abcdef',
      pagePath: 'pages/a?b=1',
    });
    expect(mini.chat.isRoom).toBe(true);
    const app = await roundTrip({ kind: 'app', from: 'wxid_bob', appMsgType: 19, title: '聊天记录' }, 'app');
    expect(app).toMatchObject({ appMsgType: 19, title: '聊天记录' });
  });

  it('red packet notices and app form, transfer', async () => {
    const notice = await roundTrip({ kind: 'red-packet', from: 'wxid_alice' }, 'system');
    expect(notice.event).toEqual({ type: 'red-packet', direction: 'received' });
    expect(notice.text).toBe('收到红包，请在手机上查看');
    const packet = await roundTrip({ kind: 'red-packet', from: 'wxid_alice', form: 'app' }, 'red-packet');
    expect(packet.title).toBe('恭喜发财，大吉大利');
    const transfer = await roundTrip(
      { kind: 'transfer', from: 'wxid_alice', amount: 88.8, memo: '车费' },
      'transfer',
    );
    expect(transfer).toMatchObject({ amount: 88.8, amountText: '￥88.80', memo: '车费', paySubType: 1 });
  });

  it('friend request: a message and a friend-request event with the ticket', async () => {
    const sent = pair.emulator.phone.sendMessage({
      kind: 'friend-request',
      from: 'wxid_carol',
      room: '周末爬山',
      greeting: '我是群里的"卡罗"',
    });
    const event = await typedEvent('friend-request', (r) => r.id === sent.msgId);
    expect(event).toMatchObject({
      kind: 'friend-request',
      greeting: '我是群里的"卡罗"',
      ticket: sent.ticket,
      opCode: 2,
      roomId: '3001@chatroom',
      contact: { id: 'wxid_carol', nickName: 'Carol', scene: 14 },
    });
    expect(event.contact.userName).toMatch(/^@[0-9a-f]{64}$/);
    expect(pair.events.message.some((m) => m.id === sent.msgId)).toBe(true);
    // The request can be accepted with the decoded message (webwxverifyuser checks the ticket).
    await pair.client.contacts.acceptFriendRequest(event);
    const confirmed = await waitForMessage(
      pair,
      (m) => m.kind === 'system' && m.event.type === 'friend-confirmed' && m.event.name === 'Carol',
    );
    expect(confirmed).toMatchObject({ event: { type: 'friend-confirmed', by: 'you' } });
    // A requester that is not in the world at all.
    const fresh = pair.emulator.phone.sendMessage({
      kind: 'friend-request',
      from: 'wxid_newbie',
      nickName: 'Newbie 🐣',
    });
    const req = await typedEvent('friend-request', (r) => r.id === fresh.msgId);
    expect(req).toMatchObject({
      greeting: '我是Newbie 🐣',
      contact: { id: 'wxid_newbie', nickName: 'Newbie 🐣', scene: 6 },
    });
  });

  it('revoke: the revoke event carries the original message', async () => {
    const text = pair.emulator.phone.sendText({ from: 'wxid_carol', room: '周末爬山', text: '说错了' });
    await waitForMessage(pair, (m) => m.id === text.msgId);
    const revoke = pair.emulator.phone.sendMessage({
      kind: 'revoke',
      from: 'wxid_carol',
      room: '周末爬山',
      msgId: text.msgId,
    });
    const event = await typedEvent('revoke', (e) => e.message.id === revoke.msgId);
    expect(event.revokedId).toBe(text.msgId);
    expect(event.original).toMatchObject({ kind: 'text', text: '说错了', id: text.msgId });
    expect(event.message).toMatchObject({
      kind: 'revoke',
      session: '3001@chatroom',
      replaceText: '"卡罗" 撤回了一条消息',
    });
    // Revoking what the phone never sent is refused.
    expect(() =>
      pair.emulator.phone.sendMessage({ kind: 'revoke', from: 'wxid_alice', msgId: '1234567890123456789' }),
    ).toThrow(/no earlier phone message/);
    // Revoking another sender's message is refused.
    expect(() =>
      pair.emulator.phone.sendMessage({
        kind: 'revoke',
        from: 'wxid_bob',
        room: '周末爬山',
        msgId: text.msgId,
      }),
    ).toThrow(/not sent by/);
  });

  it('system notices become room-join / room-leave / room-topic events', async () => {
    const room = roomUserName();
    const join = pair.emulator.phone.sendMessage({
      kind: 'system',
      from: 'wxid_alice',
      room: '周末爬山',
      text: '"Alice 🌸"邀请"卡罗、Bob "the builder""加入了群聊',
    });
    const joined = await typedEvent('room-join', (e) => e.message.id === join.msgId);
    expect(joined).toMatchObject({
      room,
      inviter: 'Alice 🌸',
      inviterIsSelf: false,
      members: ['卡罗', 'Bob "the builder"'],
      memberUserNames: [expect.stringMatching(/^@/), userName('Bob "the builder"')],
      selfJoined: false,
      via: 'invite',
    });
    const leave = pair.emulator.phone.sendMessage({
      kind: 'system',
      from: 'wxid_alice',
      room: '周末爬山',
      text: '你被"Alice 🌸"移出群聊',
    });
    expect(await typedEvent('room-leave', (e) => e.message.id === leave.msgId)).toMatchObject({
      room,
      by: 'you-were-removed',
      remover: 'Alice 🌸',
    });
    const topic = pair.emulator.phone.sendMessage({
      kind: 'system',
      from: 'wxid_alice',
      room: '周末爬山',
      text: 'You changed the group name to "周末爬山🏔"',
    });
    expect(await typedEvent('room-topic', (e) => e.message.id === topic.msgId)).toMatchObject({
      room,
      topic: '周末爬山🏔',
      byIsSelf: true,
    });
    // A free-text notice in a direct chat is a system message with event 'other' and no room event.
    const other = await roundTrip(
      { kind: 'system', from: 'wxid_bob', text: '如果陌生人主动添加你为朋友，请谨慎核实对方身份。' },
      'system',
    );
    expect(other.event).toEqual({ type: 'other' });
    expect(other.raw.Status).toBe(4);
  });

  it('world changes on the phone (emulator/world-changes.ts) reach the client as room events', async () => {
    const phone = pair.emulator.phone;
    phone.addToRoom('周末爬山', ['wxid_dave'], { by: 'wxid_alice' });
    const joined = await typedEvent('room-join', (e) => e.members.includes('Dave'));
    expect(joined).toMatchObject({ inviter: 'Alice 🌸', via: 'invite', selfJoined: false });
    phone.removeFromRoom('周末爬山', ['wxid_dave'], { by: 'wxid_alice' });
    phone.renameRoom('周末爬山', '周末徒步 "🏔"', { by: 'wxid_alice' });
    const renamed = await typedEvent('room-topic', (e) => e.topic === '周末徒步 "🏔"');
    expect(renamed).toMatchObject({ by: 'Alice 🌸', byIsSelf: false });
    phone.renameRoom('周末徒步 "🏔"', '周末爬山', { by: 'wxid_alice' });
    await typedEvent('room-topic', (e) => e.topic === '周末爬山');
  });

  it('voip', async () => {
    const call = await roundTrip({ kind: 'voip', from: 'wxid_alice', media: 'audio' }, 'voip');
    expect(call).toMatchObject({ msgType: 50, callType: 'audio' });
    const ended = await roundTrip(
      { kind: 'voip', from: 'wxid_alice', form: 'notify', durationSeconds: 5 },
      'voip',
    );
    expect(ended).toMatchObject({ msgType: 52, callType: 'video', text: '通话时长 00:05' });
  });

  it('the phone refuses impossible inputs with clear errors (and over HTTP with 400)', async () => {
    const phone = pair.emulator.phone;
    expect(() => phone.sendMessage({ kind: 'card', from: 'wxid_nobody', card: 'gh_news' })).toThrow(
      /unknown sender/,
    );
    expect(() => phone.sendMessage({ kind: 'card', from: 'wxid_alice', card: 'nobody' })).toThrow(
      /unknown card/,
    );
    expect(() => phone.sendMessage({ kind: 'link', from: 'wxid_dave', title: 't', url: 'u' })).toThrow(
      /strangers/,
    );
    expect(() => phone.sendMessage({ kind: 'friend-request', from: 'wxid_alice' })).toThrow(
      /already a contact/,
    );
    expect(() => phone.sendMessage({ kind: 'transfer', from: 'wxid_alice', amount: -1 })).toThrow(/amount/);
    const bad = await fetch(`${pair.emulator.baseUrl}/__phone/message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'location', from: 'wxid_alice', label: 'x' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: 'emulator phone: "latitude" must be a number for kind "location"',
    });
    const ok = await fetch(`${pair.emulator.baseUrl}/__phone/message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'link',
        from: 'Alice 🌸',
        title: 'over HTTP',
        url: 'https://example.com',
      }),
    });
    expect(ok.status).toBe(200);
    const result = (await ok.json()) as { msgId: string; msgType: number; kind: string };
    expect(result).toMatchObject({ kind: 'link', msgType: 49, deliveredTo: 1 });
    const m = await waitForMessage(pair, (x) => x.id === result.msgId);
    expect(m).toMatchObject({ kind: 'link', title: 'over HTTP' });
  });

  it('no message was left undecoded', () => {
    expect(pair.events.message.filter((m) => m.kind === 'unknown')).toEqual([]);
    expect(pair.events.error).toEqual([]);
  });
});
