/** A generated world of 5,000 contacts and 200 rooms × 500 members loads completely. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type Pair, startPair } from './harness.js';

const WORLD = { contacts: 5000, rooms: 200, membersPerRoom: 500, seed: 7 };

let pair: Pair;
let loadMs = 0;
beforeAll(async () => {
  pair = await startPair({ world: { generate: WORLD } });
  const t0 = performance.now();
  await login(pair);
  loadMs = performance.now() - t0;
}, 60_000);
afterAll(async () => {
  await pair?.close();
});

const sorted = (values: string[]): string[] => [...values].sort();

describe('a big world (5,000 contacts, 200 rooms × 500 members)', () => {
  it('loads every contact', () => {
    const { client, emulator } = pair;
    const listed = emulator.world.listedContacts();
    expect(client.contacts.list()).toHaveLength(listed.length);
    expect(sorted(client.contacts.list().map((c) => c.nickName))).toEqual(
      sorted(listed.map((p) => p.nickName)),
    );
    expect(listed.length).toBeGreaterThanOrEqual(5000);
    // eslint-style sanity: the load is not pathological
    expect(loadMs).toBeLessThan(30_000);
  });

  it('loads every room and every member, with group display names', () => {
    const { client, emulator } = pair;
    const world = emulator.world;
    expect(client.contacts.rooms()).toHaveLength(world.rooms.length);
    expect(world.rooms).toHaveLength(200);
    let members = 0;
    for (const worldRoom of world.rooms) {
      const rooms = client.contacts.rooms().filter((r) => r.topic === worldRoom.topic);
      expect(rooms).toHaveLength(1);
      const room = rooms[0]!;
      expect(room.members).toHaveLength(worldRoom.memberIds.length);
      expect(room.memberCount).toBe(worldRoom.memberIds.length);
      const expected = worldRoom.memberIds.map((id) => {
        const nick = id === world.self.id ? world.self.nickName : (world.person(id)?.nickName ?? '?');
        return `${nick}|${worldRoom.displayNames.get(id) ?? ''}`;
      });
      expect(sorted(room.members.map((m) => `${m.nickName}|${m.displayName}`))).toEqual(sorted(expected));
      members += room.members.length;
    }
    expect(members).toBe(200 * 500);
    expect(pair.events.contacts).toEqual([
      { contacts: client.contacts.list().length, rooms: 200, members: 200 * 500 },
    ]);
  });
});
