/**
 * sendText with `mentions` and sendLink against the emulator: the phone's side gets the U+2005 form,
 * and a type 5 appmsg by webwxsendappmsg.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorldSpec } from '../../src/emulator/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { parseXml, xmlChild, xmlText } from '../../src/model/message-xml.js';
import { login, type Pair, startPair } from './harness.js';

const WORLD: WorldSpec = {
  self: { id: 'wxid_me', nickName: 'Me' },
  contacts: [
    { id: 'wxid_alice', nickName: 'Alice' },
    { id: 'wxid_bob', nickName: 'Bob', remarkName: 'Bobby' },
  ],
  rooms: [
    {
      id: '2001@chatroom',
      topic: 'Team',
      owner: 'wxid_alice',
      members: [{ id: 'wxid_alice', displayName: '小爱' }, 'wxid_bob', 'wxid_me'],
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

describe('sendText with mentions (client ↔ emulator)', () => {
  it('sends @DisplayName + U+2005 for each member, by UserName or stable id', async () => {
    const { client, emulator } = pair;
    const room = client.contacts.rooms().find((r) => r.topic === 'Team');
    if (!room) throw new Error('no room');
    const alice = client.contacts.members(room.userName).find((m) => m.nickName === 'Alice');
    const bob = client.contacts.members(room.userName).find((m) => m.nickName === 'Bob');
    const bobId = bob && client.contacts.stableIdOf(bob.userName);
    if (!alice || !bobId) throw new Error('no alice or bob');
    const sent = await client.sendText(room.userName, '开会了', { mentions: [alice.userName, bobId] });
    const record = emulator.phone.sent().find((r) => r.msgId === sent.msgId);
    expect(record?.to).toBe('2001@chatroom');
    expect(record?.content).toBe('@小爱\u2005@Bobby\u2005开会了');
  });

  it('refuses a mention outside the room before sending', async () => {
    const { client } = pair;
    const room = client.contacts.rooms()[0]!;
    await expect(client.sendText(room.userName, 'x', { mentions: ['@nobody'] })).rejects.toThrow(
      InvalidArgumentError,
    );
  });
});

describe('sendLink (client ↔ emulator)', () => {
  it('sends a link card the phone receives with its title, description, URL and picture', async () => {
    const { client, emulator } = pair;
    const alice = client.contacts.find('Alice')[0];
    if (!alice) throw new Error('no alice');
    const link = {
      title: 'WeChat & <friends>',
      description: '一条链接',
      url: 'https://example.com/post?id=1&x=2',
      thumbUrl: 'https://example.com/thumb.jpg',
    };
    const sent = await client.sendLink(alice.userName, link, { key: 'link-1' });
    expect(sent.kind).toBe('app');
    const record = emulator.phone.sent().find((r) => r.msgId === sent.msgId);
    expect(record).toMatchObject({ type: 5, to: 'wxid_alice' });
    const appmsg = xmlChild(parseXml(record?.content ?? ''), 'appmsg');
    expect(appmsg).toBeDefined();
    const text = (name: string) => xmlText(appmsg, name);
    expect([text('title'), text('des'), text('url'), text('thumburl'), text('type')]).toEqual([
      link.title,
      link.description,
      link.url,
      link.thumbUrl,
      '5',
    ]);
    // The same key is not sent twice.
    const again = await client.sendLink(alice.userName, link, { key: 'link-1' });
    expect(again.msgId).toBe(sent.msgId);
    expect(emulator.phone.sent().filter((r) => r.type === 5)).toHaveLength(1);
  });

  it('sends to a room, and refuses a bad URL before sending', async () => {
    const { client, emulator } = pair;
    const room = client.contacts.rooms().find((r) => r.topic === 'Team');
    if (!room) throw new Error('no room');
    const sent = await client.sendLink(room.userName, { title: 'Docs', url: 'https://example.com/docs' });
    expect(emulator.phone.sent().find((r) => r.msgId === sent.msgId)?.to).toBe('2001@chatroom');
    await expect(client.sendLink(room.userName, { title: 'x', url: 'ftp://example.com' })).rejects.toThrow(
      InvalidArgumentError,
    );
  });
});
