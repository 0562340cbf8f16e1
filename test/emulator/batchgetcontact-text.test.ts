/**
 * webwxbatchgetcontact writes room member lists straight as text (contact-routes.ts#roomJson): the reply
 * must be byte for byte what serialising the wire objects (wireRoom with every member, stringifyWire)
 * gives, for awkward names, generated worlds and rooms changed at run time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import type { SessionNames } from '../../src/emulator/session-names.js';
import { baseResponse, stringifyWire, wireRoom } from '../../src/emulator/wire-objects.js';
import type { WorldSpec } from '../../src/emulator/world-types.js';
import { API, type LoggedIn, login, q } from './helpers.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

interface WireEntry {
  UserName: string;
  EncryChatRoomId: string;
  MemberList: { UserName: string }[];
}

async function roomUserNames(li: LoggedIn): Promise<string[]> {
  const names: string[] = [];
  let seq = 0;
  do {
    const r = JSON.parse(
      (await li.browser.get(`${API}/webwxgetcontact?${q(li)}&r=1&seq=${seq}&skey=${li.skey}`)).text,
    );
    for (const c of r.MemberList as { UserName: string }[])
      if (c.UserName.startsWith('@@')) names.push(c.UserName);
    seq = r.Seq;
  } while (seq !== 0);
  return names;
}

async function batch(li: LoggedIn, userNames: string[]): Promise<string> {
  const r = await li.browser.post(`${API}/webwxbatchgetcontact?type=ex&r=1&${q(li)}`, {
    BaseRequest: li.baseRequest,
    Count: userNames.length,
    List: userNames.map((u) => ({ UserName: u, EncryChatRoomId: '' })),
  });
  return r.text;
}

/**
 * The reply the wire objects give for the rooms of `text`, in the same order. The session's names are
 * read back from the reply (members are listed in the world's order), and must be consistent.
 */
function expectedFromWireObjects(e: Emulator, text: string): string {
  const reply = JSON.parse(text) as { ContactList: WireEntry[] };
  const userNameOf = new Map<string, string>();
  const encryOf = new Map<string, string>();
  const rooms = reply.ContactList.map((entry, i) => {
    const room = e.world.rooms.find(
      (r) =>
        r.memberIds.length === entry.MemberList.length &&
        !encryOf.has(r.id) &&
        r.memberIds.every((id, k) => {
          const known = userNameOf.get(id);
          return known === undefined || known === entry.MemberList[k]!.UserName;
        }),
    );
    if (room === undefined) throw new Error(`no world room for ContactList[${i}]`);
    for (const [k, id] of room.memberIds.entries()) userNameOf.set(id, entry.MemberList[k]!.UserName);
    userNameOf.set(room.id, entry.UserName);
    encryOf.set(room.id, entry.EncryChatRoomId);
    return room;
  });
  const names = {
    userName: (id: string) => userNameOf.get(id) ?? '',
    encryChatRoomId: (id: string) => encryOf.get(id) ?? '',
  } as unknown as SessionNames;
  return stringifyWire({
    BaseResponse: baseResponse(),
    Count: rooms.length,
    ContactList: rooms.map((room) => wireRoom(e.world, room, names, 'unused', { members: 'full' })),
  });
}

const AWKWARD: WorldSpec = {
  self: { id: 'wxid_self', nickName: 'Me "quoted" \\ back 🌸' },
  contacts: [
    { id: 'wxid_a', nickName: 'Ann <b>&amp; co</b>', kind: 'friend' },
    { id: 'wxid_b', nickName: 'Bob 👨‍👩‍👧 family', kind: 'friend' },
    { id: 'wxid_c', nickName: '老张\u2028\u0001', kind: 'stranger' },
    { id: 'wxid_d', nickName: '"', kind: 'stranger' },
  ],
  rooms: [
    {
      id: '1001@chatroom',
      topic: 'Room "one" 🌟',
      owner: 'wxid_a',
      members: [
        'wxid_a',
        { id: 'wxid_b', displayName: 'B\\B 😀 <i>' },
        { id: 'wxid_c', displayName: '群友"' },
      ],
    },
    { id: '1002@chatroom', topic: '', owner: 'wxid_self', members: ['wxid_self', 'wxid_d', 'wxid_b'] },
  ],
} as WorldSpec;

describe('batchgetcontact room replies written as text', () => {
  it('equal the wire objects serialised, for names with quotes, backslashes, markup, emoji and controls', async () => {
    emu = await startEmulator({ world: AWKWARD });
    const li = await login(emu);
    const rooms = await roomUserNames(li);
    expect(rooms).toHaveLength(2);
    const text = await batch(li, rooms);
    expect(text).toBe(expectedFromWireObjects(emu, text));
    expect(text).toContain('<span class=\\"emoji');
  });

  it('equal the wire objects serialised for a generated world, and after rooms change', async () => {
    emu = await startEmulator({
      world: { generate: { contacts: 300, rooms: 6, membersPerRoom: 30, seed: 3 } },
    });
    const li = await login(emu);
    const rooms = await roomUserNames(li);
    const first = await batch(li, rooms);
    expect(first).toBe(expectedFromWireObjects(emu, first));
    expect(JSON.parse(first).Count).toBe(6);

    const [a, b] = emu.world.rooms;
    emu.phone.renameRoom(a!.id, 'Renamed "room" 🌟');
    const outsider = emu.world.contacts.find((p) => p.kind === 'friend' && !a!.memberIds.includes(p.id))!;
    emu.phone.addToRoom(a!.id, [outsider.id], { by: a!.owner });
    emu.phone.removeFromRoom(b!.id, [
      b!.memberIds.find((id) => id !== b!.owner && id !== emu!.world.self.id)!,
    ]);
    // A member renamed (the emulator keeps each member's bytes per session until the nickname changes).
    const renamed = emu.world.person(b!.memberIds.find((id) => emu!.world.person(id) !== undefined)!)!;
    (renamed as { nickName: string }).nickName = 'Nick "changed" 🌟';
    const second = await batch(li, rooms);
    expect(second).not.toBe(first);
    expect(second).toContain('Nick \\"changed\\"');
    expect(second).toBe(expectedFromWireObjects(emu, second));
    expect(second).toContain('Renamed \\"room\\"');
  });

  it('a mixed batch: people and unknown names keep their wire-object form', async () => {
    emu = await startEmulator({ world: AWKWARD });
    const li = await login(emu);
    const rooms = await roomUserNames(li);
    const text = await batch(li, [rooms[0]!, '@nobody', rooms[1]!]);
    const reply = JSON.parse(text);
    expect(reply.Count).toBe(2);
    const members = (reply.ContactList as WireEntry[])[0]!.MemberList;
    const person = JSON.parse(await batch(li, [members[1]!.UserName]));
    expect(person.ContactList[0].NickName).toBe('Ann <b>&amp; co</b>');
  });
});
