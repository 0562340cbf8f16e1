/** Messages both ways, group messages, unknown rooms, and the loop surviving malformed replies. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorldSpec } from '../../src/emulator/index.js';
import { ParseError } from '../../src/errors.js';
import { recordingLogger } from '../recording-logger.js';
import { delay, login, type Pair, startPair, waitForEvent, waitForMessage } from './harness.js';

const WORLD: WorldSpec = {
  self: { id: 'wxid_me', nickName: 'Me Myself' },
  contacts: [
    { id: 'wxid_alice', nickName: 'Alice 爱丽丝' },
    { id: 'wxid_bob', nickName: 'Bob', remarkName: 'Bobby' },
    { id: 'wxid_carol', nickName: 'Carol', kind: 'stranger' },
    { id: 'wxid_dave', nickName: 'Dave', kind: 'stranger' },
  ],
  rooms: [
    {
      id: '1001@chatroom',
      topic: '周末爬山',
      owner: 'wxid_alice',
      members: ['wxid_alice', { id: 'wxid_carol', displayName: '卡罗' }, 'wxid_bob'],
    },
    { id: '1002@chatroom', topic: 'Hidden Room', owner: 'wxid_dave', members: ['wxid_dave'], saved: false },
  ],
  recent: ['wxid_alice'],
};

/** Every log line; the HTTP requests per endpoint counted from the transport's debug records. */
const requests = recordingLogger();
const requestCount = (endpoint: string): number =>
  requests.lines.filter((l) => {
    const obj = l.obj as { endpoint?: unknown; status?: unknown } | null;
    return typeof obj === 'object' && obj !== null && obj.endpoint === endpoint && 'status' in obj;
  }).length;

let pair: Pair;
beforeAll(async () => {
  pair = await startPair({ world: WORLD }, { logger: requests.logger });
  await login(pair);
}, 30_000);
afterAll(async () => {
  await pair?.close();
});

function userNameOf(nickName: string): string {
  const found = pair.client.contacts.find(nickName);
  if (!found[0]) throw new Error(`no contact ${nickName}`);
  return found[0].userName;
}

describe('messaging (client ↔ emulator)', () => {
  it('loads the small world: contacts, the saved room and its members', () => {
    const { client } = pair;
    expect(
      client.contacts
        .list()
        .map((c) => c.nickName)
        .sort(),
    ).toEqual(
      pair.emulator.world
        .listedContacts()
        .map((p) => p.nickName)
        .sort(),
    );
    const rooms = client.contacts.rooms();
    expect(rooms.map((r) => r.topic)).toEqual(['周末爬山']);
    expect(rooms[0]?.members.map((m) => m.nickName).sort()).toEqual([
      'Alice 爱丽丝',
      'Bob',
      'Carol',
      'Me Myself',
    ]);
  });

  it('a message injected at the phone arrives exactly once, also after more sync rounds', async () => {
    const { emulator } = pair;
    const injected = emulator.phone.sendText({ from: 'wxid_alice', text: 'hello, once' });
    const message = await waitForMessage(pair, (m) => m.id === injected.msgId);
    expect(message).toMatchObject({
      kind: 'text',
      text: 'hello, once',
      isSelf: false,
      chat: { userName: userNameOf('Alice 爱丽丝'), isRoom: false },
      sender: { userName: userNameOf('Alice 爱丽丝') },
    });
    // More rounds: two more messages, then a few idle synccheck cycles.
    const second = emulator.phone.sendText({ from: 'wxid_bob', text: 'second' });
    await waitForMessage(pair, (m) => m.id === second.msgId);
    const third = emulator.phone.sendText({ from: 'wxid_alice', text: 'third' });
    await waitForMessage(pair, (m) => m.id === third.msgId);
    await delay(3500);
    for (const id of [injected.msgId, second.msgId, third.msgId]) {
      expect(pair.events.message.filter((m) => m.id === id)).toHaveLength(1);
    }
  });

  it('a burst larger than one webwxsync batch arrives completely and in order (ContinueFlag)', async () => {
    const { emulator } = pair;
    const burst = Array.from({ length: 120 }, (_, i) =>
      emulator.phone.sendText({ from: 'wxid_bob', text: `burst ${i}` }),
    );
    await waitForMessage(pair, (m) => m.id === burst.at(-1)?.msgId);
    const ids = new Set(burst.map((b) => b.msgId));
    const received = pair.events.message.filter((m) => ids.has(m.id));
    expect(received.map((m) => m.text)).toEqual(burst.map((_, i) => `burst ${i}`));
  });

  it('a text sent by the client reaches the phone byte for byte', async () => {
    const { client, emulator } = pair;
    const text = '你好，世界 👋🏽 "quotes" <tag> & amp';
    const result = await client.sendText(userNameOf('Bobby'), text);
    expect(result.msgId).toMatch(/^\d+$/);
    expect(result.localId).toMatch(/^\d{13,}$/);
    const record = await emulator.phone.waitForSent((r) => r.msgId === result.msgId, { timeoutMs: 5000 });
    expect(record.content).toBe(text);
    expect(Buffer.from(record.content, 'utf8').equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(record.to).toBe('wxid_bob');
    expect(record.localId).toBe(result.localId);
    expect(record.clientMsgId).toBe(result.localId);
    expect(record.fromUserName).toBe(client.self?.userName);
  });

  it('300 quick sends to one chat reach the phone in the order they were made', async () => {
    const { client, emulator } = pair;
    const to = userNameOf('Alice 爱丽丝');
    const texts = Array.from({ length: 300 }, (_, i) => `quick ${i}`);
    const results = await Promise.all(texts.map((t) => client.sendText(to, t)));
    const sent = emulator.phone.sent().filter((r) => r.content.startsWith('quick '));
    expect(sent.map((r) => r.content)).toEqual(texts);
    expect(sent.map((r) => r.msgId)).toEqual(results.map((r) => r.msgId));
    expect(new Set(results.map((r) => r.localId)).size).toBe(300);
  });

  it('a group message from a member arrives with the room and the sender', async () => {
    const { client, emulator } = pair;
    const injected = emulator.phone.sendText({
      from: 'wxid_carol',
      room: '1001@chatroom',
      text: 'group hello',
    });
    const message = await waitForMessage(pair, (m) => m.id === injected.msgId);
    expect(message.chat.isRoom).toBe(true);
    expect(client.contacts.room(message.chat.userName)?.topic).toBe('周末爬山');
    expect(message.text).toBe('group hello');
    expect(message.sender.displayName).toBe('卡罗');
    const member = client.contacts
      .room(message.chat.userName)
      ?.members.find((m) => m.userName === message.sender.userName);
    expect(member?.nickName).toBe('Carol');
  });

  it('messages from an unknown room look the room up once, not per message', async () => {
    const { client, emulator } = pair;
    expect(client.contacts.find('Hidden Room')).toEqual([]);
    const before = requestCount('webwxbatchgetcontact');
    const sent = [1, 2, 3].map((n) =>
      emulator.phone.sendText({ from: 'wxid_dave', room: '1002@chatroom', text: `hidden ${n}` }),
    );
    const messages = await Promise.all(sent.map((s) => waitForMessage(pair, (m) => m.id === s.msgId)));
    expect(requestCount('webwxbatchgetcontact')).toBe(before + 1);
    const room = client.contacts.room(messages[0]!.chat.userName);
    expect(room?.topic).toBe('Hidden Room');
    for (const m of messages) {
      expect(m.chat.userName).toBe(room?.userName);
      expect(m.sender.displayName).toBe('Dave');
    }
    const later = emulator.phone.sendText({ from: 'wxid_dave', room: '1002@chatroom', text: 'hidden 4' });
    await waitForMessage(pair, (m) => m.id === later.msgId);
    expect(requestCount('webwxbatchgetcontact')).toBe(before + 1);
  });

  it('a malformed synccheck and a malformed webwxsync each yield a ParseError event; the loop goes on', async () => {
    const { emulator } = pair;
    emulator.faults.inject('synccheck', { kind: 'malformed' }, { times: 1 });
    const first = await waitForEvent(pair, 'error', 10_000);
    expect(first).toBeInstanceOf(ParseError);
    expect((first as ParseError).endpoint).toBe('synccheck');

    emulator.faults.inject('webwxsync', { kind: 'malformed' }, { times: 1 });
    const errorNext = waitForEvent(pair, 'error', 10_000);
    const injected = emulator.phone.sendText({ from: 'wxid_alice', text: 'after a bad sync' });
    const second = await errorNext;
    expect(second).toBeInstanceOf(ParseError);
    expect((second as ParseError).endpoint).toBe('webwxsync');
    await waitForMessage(pair, (m) => m.id === injected.msgId);

    const later = emulator.phone.sendText({ from: 'wxid_bob', text: 'still alive' });
    await waitForMessage(pair, (m) => m.id === later.msgId);
    expect(pair.client.state).toBe('ready');
    expect(pair.events.message.filter((m) => m.id === injected.msgId)).toHaveLength(1);
  });

  it('logs no secret (skey, sid, uin, pass_ticket) anywhere', () => {
    expect(requests.lines.length).toBeGreaterThan(50);
    const all = requests.text();
    expect(all).not.toMatch(/@crypt_[0-9a-f]{8}_/);
    expect(all).not.toMatch(/(?:skey|sid|uin|pass_ticket|deviceid)=(?!\[redacted\])[^&"\s]/i);
    expect(all).toContain('[redacted]');
  });
});
