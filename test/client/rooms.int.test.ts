/** Group operations end to end: the real client against the real emulator, both sides checked. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientEvents } from '../../src/client/client-types.js';
import type { WorldSpec } from '../../src/emulator/index.js';
import { InvalidArgumentError, ProtocolError } from '../../src/errors.js';
import type { Room } from '../../src/model/index.js';
import { login, type Pair, startPair, waitForMessage } from './harness.js';

const friends = Array.from({ length: 45 }, (_, i) => ({ id: `wxid_f${i}`, nickName: `Friend ${i}` }));

const WORLD: WorldSpec = {
  self: { id: 'wxid_me', nickName: 'Me' },
  contacts: [
    { id: 'wxid_alice', nickName: 'Alice' },
    { id: 'wxid_bob', nickName: 'Bob', remarkName: 'Bobby' },
    { id: 'wxid_carol', nickName: 'Carol' },
    { id: 'wxid_eve', nickName: 'Eve', kind: 'stranger' },
    ...friends,
  ],
  rooms: [
    { id: '2001@chatroom', topic: 'Owned', owner: 'wxid_me', members: ['wxid_alice', 'wxid_bob'] },
    {
      id: '2002@chatroom',
      topic: 'Theirs',
      owner: 'wxid_alice',
      members: ['wxid_alice', 'wxid_bob', 'wxid_eve'],
    },
    {
      id: '2003@chatroom',
      topic: 'Big',
      owner: 'wxid_me',
      members: friends.slice(0, 41).map((f) => f.id),
    },
  ],
};

function waitFor<K extends keyof ClientEvents>(
  pair: Pair,
  event: K,
  predicate: (p: ClientEvents[K]) => boolean,
  timeoutMs = 10_000,
): Promise<ClientEvents[K]> {
  const past = (pair.events[event] as ClientEvents[K][]).find(predicate);
  if (past) return Promise.resolve(past);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for '${String(event)}'`));
    }, timeoutMs);
    const off = pair.client.on(event, (p) => {
      if (!predicate(p)) return;
      clearTimeout(timer);
      off();
      resolve(p);
    });
  });
}

describe('rooms', () => {
  let pair: Pair;
  const userNameOf = (nick: string): string => {
    const c = pair.client.contacts.list().find((x) => x.nickName === nick);
    if (!c) throw new Error(`no contact ${nick}`);
    return c.userName;
  };
  const roomNamed = (topic: string): Room => {
    const r = pair.client.contacts.rooms().find((x) => x.topic === topic);
    if (!r) throw new Error(`no room ${topic}`);
    return r;
  };
  const systemTexts = (roomUserName: string) =>
    pair.events.message.filter((m) => m.chat.userName === roomUserName).map((m) => m.text);

  beforeAll(async () => {
    pair = await startPair({ world: WORLD });
    await login(pair);
  });
  afterAll(async () => {
    await pair?.close();
  });

  it('creates a room with a topic: the phone sees it, the client has it with its members', async () => {
    const room = await pair.client.rooms.create([userNameOf('Alice'), userNameOf('Carol')], 'Fresh');
    expect(room.userName.startsWith('@@')).toBe(true);
    expect(room.topic).toBe('Fresh');
    expect(
      pair.client.contacts
        .room(room.userName)
        ?.members.map((m) => m.nickName)
        .sort(),
    ).toEqual(['Alice', 'Carol', 'Me']);
    const worldRoom = pair.emulator.world.findRoom('Fresh');
    expect(worldRoom?.owner).toBe('wxid_me');
    expect([...(worldRoom?.memberIds ?? [])].sort()).toEqual(['wxid_alice', 'wxid_carol', 'wxid_me']);
    const notice = await waitForMessage(pair, (m) => m.chat.userName === room.userName);
    expect(notice.text).toBe('你邀请"Alice、Carol"加入了群聊  ');
    expect(pair.client.contacts.stableIdOf(room.userName)).toBeDefined();
  });

  it('adds a member with addmember; the room-updated event names them', async () => {
    const owned = roomNamed('Owned');
    const updated = waitFor(
      pair,
      'room-updated',
      (c) => c.room.userName === owned.userName && c.joined.length > 0,
    );
    const result = await pair.client.rooms.add(owned.userName, [userNameOf('Carol')]);
    expect(result.method).toBe('addmember');
    expect((await updated).joined.map((m) => m.nickName)).toEqual(['Carol']);
    expect(pair.emulator.world.room('2001@chatroom')?.memberIds).toContain('wxid_carol');
    await waitForMessage(pair, (m) => m.chat.userName === owned.userName && m.text.includes('Carol'));
    expect(systemTexts(owned.userName)).toContain('你邀请"Carol"加入了群聊  ');
  });

  it('switches to invitemember above InviteStartCount; the invited member joins when they accept', async () => {
    const big = roomNamed('Big');
    expect(big.memberCount).toBe(42);
    const result = await pair.client.rooms.add(big.userName, [userNameOf('Friend 44')]);
    expect(result.method).toBe('invitemember');
    expect(pair.emulator.world.room('2003@chatroom')?.memberIds).not.toContain('wxid_f44');
    expect(pair.emulator.phone.roomInvitations()).toEqual([
      { room: '2003@chatroom', inviter: 'wxid_me', member: 'wxid_f44', state: 'pending' },
    ]);
    pair.emulator.phone.acceptRoomInvitation('2003@chatroom', 'wxid_f44');
    const joined = await waitFor(
      pair,
      'room-updated',
      (c) => c.room.userName === big.userName && c.joined.some((m) => m.nickName === 'Friend 44'),
    );
    expect(joined.room.members).toHaveLength(43);
  });

  it('the emulator refuses addmember above the threshold', async () => {
    // Force the wrong method through a client that believes the threshold is higher.
    const big = roomNamed('Big');
    const rooms = pair.client.rooms as unknown as { inviteStartCount: number };
    rooms.inviteStartCount = 1000;
    try {
      await expect(pair.client.rooms.add(big.userName, [userNameOf('Friend 43')])).rejects.toMatchObject({
        name: 'ProtocolError',
        ret: -2,
      });
    } finally {
      rooms.inviteStartCount = 40;
    }
  });

  it('removes a member of an owned room; each removal is its own notice', async () => {
    const owned = roomNamed('Owned');
    const left = waitFor(
      pair,
      'room-updated',
      (c) => c.room.userName === owned.userName && c.left.length === 2,
    );
    await pair.client.rooms.remove(owned.userName, [userNameOf('Alice'), userNameOf('Carol')]);
    expect((await left).left.map((m) => m.nickName).sort()).toEqual(['Alice', 'Carol']);
    expect(pair.emulator.world.room('2001@chatroom')?.memberIds).toEqual(['wxid_me', 'wxid_bob']);
    await waitForMessage(
      pair,
      (m) => m.chat.userName === owned.userName && m.text === '你将"Carol"移出了群聊',
    );
    expect(systemTexts(owned.userName)).toContain('你将"Alice"移出了群聊');
  });

  it('refuses to remove from a room the self does not own (ProtocolError), and the session goes on', async () => {
    const theirs = roomNamed('Theirs');
    const error = await pair.client.rooms
      .remove(theirs.userName, [userNameOf('Bob')])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(pair.emulator.world.room('2002@chatroom')?.memberIds).toContain('wxid_bob');
    expect(pair.client.state).toBe('ready');
  });

  it('renames a room: local view, event, phone side and system text', async () => {
    const theirs = roomNamed('Theirs');
    const renamed = waitFor(pair, 'room-updated', (c) => c.room.userName === theirs.userName && c.renamed);
    await pair.client.rooms.rename(theirs.userName, '新名字');
    expect((await renamed).room.topic).toBe('新名字');
    expect(pair.client.contacts.room(theirs.userName)?.topic).toBe('新名字');
    expect(pair.emulator.world.room('2002@chatroom')?.topic).toBe('新名字');
    await waitForMessage(
      pair,
      (m) => m.chat.userName === theirs.userName && m.text === '你修改群名为“新名字”',
    );
  });

  it('sees the phone rename, add and remove as live updates with the system texts', async () => {
    const theirs = roomNamed('新名字');
    pair.emulator.phone.renameRoom('2002@chatroom', 'Phone Topic');
    await waitFor(
      pair,
      'room-updated',
      (c) => c.room.userName === theirs.userName && c.room.topic === 'Phone Topic',
    );
    await waitForMessage(pair, (m) => m.text === '"Alice"修改群名为“Phone Topic”');

    pair.emulator.phone.addToRoom('2002@chatroom', ['wxid_carol']);
    await waitFor(pair, 'room-updated', (c) => c.room.userName === theirs.userName && c.joined.length === 1);
    await waitForMessage(pair, (m) => m.text === '"Alice"邀请"Carol"加入了群聊');

    expect(() =>
      pair.emulator.phone.removeFromRoom('2002@chatroom', ['wxid_carol'], { by: 'wxid_bob' }),
    ).toThrow(/owner/);
    pair.emulator.phone.removeFromRoom('2002@chatroom', ['wxid_me']);
    await waitFor(pair, 'contact-removed', (c) => c.userName === theirs.userName);
    expect(pair.client.contacts.room(theirs.userName)).toBeUndefined();
    await waitForMessage(
      pair,
      (m) => m.chat.userName === theirs.userName && m.text === '你被"Alice"移出群聊',
    );
  });

  it('is added to a new room from the phone and lists its members with display names', async () => {
    pair.emulator.phone.createRoom({ members: ['wxid_alice', 'wxid_bob'], topic: 'Invited' });
    const change = await waitFor(pair, 'room-updated', (c) => c.room.topic === 'Invited');
    const members = pair.client.rooms.members(change.room.userName);
    expect(members.map((m) => m.name).sort()).toEqual(['Alice', 'Bobby', 'Me']);
    expect(members.find((m) => m.isSelf)?.nickName).toBe('Me');
    await waitForMessage(pair, (m) => m.text === '"Alice"邀请你加入了群聊，群聊参与人还有：Bobby');
  });

  it('quits a room', async () => {
    const owned = roomNamed('Owned');
    await pair.client.rooms.quit(owned.userName);
    expect(pair.client.contacts.room(owned.userName)).toBeUndefined();
    expect(pair.emulator.world.room('2001@chatroom')?.memberIds).not.toContain('wxid_me');
  });

  it('rejects bad input with InvalidArgumentErrors before any request', async () => {
    await expect(pair.client.rooms.add('', ['x'])).rejects.toThrow(InvalidArgumentError);
    await expect(pair.client.rooms.create([])).rejects.toThrow(InvalidArgumentError);
    await expect(pair.client.rooms.remove(roomNamed('Fresh').userName, ['a,b'])).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(pair.client.rooms.rename(roomNamed('Fresh').userName, '  ')).rejects.toThrow(
      InvalidArgumentError,
    );
  });
});
