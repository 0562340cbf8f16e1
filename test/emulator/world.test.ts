import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BIG_WORLD,
  buildWorld,
  demoWorldSpec,
  generateWorld,
  loadWorldFile,
  type WorldSpec,
  WorldValidationError,
} from '../../src/emulator/index.js';
import { InvalidArgumentError } from '../../src/errors.js';

function validSpec(): WorldSpec {
  return {
    self: { id: 'wxid_me', nickName: 'Me' },
    contacts: [
      { id: 'wxid_a', nickName: 'A' },
      { id: 'wxid_s', nickName: 'S', kind: 'stranger' },
    ],
    rooms: [
      {
        id: '123@chatroom',
        topic: 'T',
        owner: 'wxid_a',
        members: ['wxid_a', { id: 'wxid_s', displayName: 'ess' }],
      },
    ],
  };
}

function fieldOf(spec: unknown): string {
  try {
    buildWorld(spec);
  } catch (err) {
    expect(err).toBeInstanceOf(WorldValidationError);
    return (err as WorldValidationError).field;
  }
  throw new Error('expected a validation error');
}

describe('world validation', () => {
  it('accepts a valid spec, adds the self to rooms and filehelper to contacts', () => {
    const w = buildWorld(validSpec());
    expect(w.room('123@chatroom')!.memberIds).toEqual(['wxid_me', 'wxid_a', 'wxid_s']);
    expect(w.room('123@chatroom')!.displayNames.get('wxid_s')).toBe('ess');
    expect(w.person('filehelper')?.kind).toBe('special');
    expect(w.listedContacts().map((c) => c.id)).toEqual(['wxid_a', 'filehelper']);
    expect(w.findPerson('A')?.id).toBe('wxid_a');
    expect(w.findRoom('T')?.id).toBe('123@chatroom');
    expect(w.self.uin).toBeGreaterThan(99_999_999);
  });

  it('names the bad field', () => {
    const cases: [(s: WorldSpec) => unknown, string][] = [
      [(s) => ({ ...s, self: undefined }), 'self'],
      [(s) => ({ ...s, self: { id: 'wxid_me' } }), 'self.nickName'],
      [(s) => ({ ...s, contacts: 'x' }), 'contacts'],
      [(s) => ({ ...s, contacts: [...s.contacts, { id: 'wxid_b', nickName: 3 }] }), 'contacts[2].nickName'],
      [(s) => ({ ...s, contacts: [...s.contacts, { id: 'wxid_a', nickName: 'dup' }] }), 'contacts[2].id'],
      [(s) => ({ ...s, contacts: [{ id: 'bad id!', nickName: 'x' }] }), 'contacts[0].id'],
      [(s) => ({ ...s, contacts: [{ id: 'news', nickName: 'x', kind: 'official' }] }), 'contacts[0].id'],
      [(s) => ({ ...s, contacts: [{ id: 'wxid_x', nickName: 'x', kind: 'pal' }] }), 'contacts[0].kind'],
      [(s) => ({ ...s, contacts: [{ id: 'wxid_x', nickName: 'x', sex: 3 }] }), 'contacts[0].sex'],
      [(s) => ({ ...s, rooms: [{ ...s.rooms![0]!, id: 'room1' }] }), 'rooms[0].id'],
      [
        (s) => ({ ...s, rooms: [{ ...s.rooms![0]!, members: ['wxid_a', 'wxid_zz'] }] }),
        'rooms[0].members[1]',
      ],
      [
        (s) => ({ ...s, rooms: [{ ...s.rooms![0]!, owner: 'wxid_s', members: ['wxid_a'] }] }),
        'rooms[0].owner',
      ],
      [
        (s) => ({ ...s, rooms: [{ ...s.rooms![0]!, members: [{ displayName: 'x' }] }] }),
        'rooms[0].members[0].id',
      ],
      [(s) => ({ ...s, recent: ['wxid_nobody'] }), 'recent[0]'],
    ];
    for (const [mutate, field] of cases) expect(fieldOf(mutate(validSpec()))).toBe(field);
    expect(() => buildWorld({ ...validSpec(), contacts: [{ id: 'wxid_b', nickName: 3 }] })).toThrow(
      /contacts\[0\]\.nickName: expected a string, got number/,
    );
  });

  it('loadWorldFile reads and validates JSON files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'webwx-world-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(validSpec()));
    expect((loadWorldFile(good) as WorldSpec).self.id).toBe('wxid_me');
    const notJson = join(dir, 'bad.json');
    writeFileSync(notJson, '{ nope');
    expect(() => loadWorldFile(notJson)).toThrow(/not valid JSON/);
    expect(() => loadWorldFile(join(dir, 'missing.json'))).toThrow(/cannot read/);
    const invalid = join(dir, 'invalid.json');
    writeFileSync(
      invalid,
      JSON.stringify({ ...validSpec(), rooms: [{ id: '1@chatroom', topic: 't', owner: 'wxid_a' }] }),
    );
    expect(() => loadWorldFile(invalid)).toThrow(/rooms\[0\]\.members: expected an array/);
  });

  it('the demo world has what the brief promises', () => {
    const w = buildWorld(demoWorldSpec());
    const friends = w.contacts.filter((c) => c.kind === 'friend');
    expect(friends.length).toBe(12);
    expect(friends.some((c) => /\p{Extended_Pictographic}/u.test(c.nickName))).toBe(true);
    expect(friends.filter((c) => c.remarkName).length).toBeGreaterThanOrEqual(3);
    expect(w.rooms).toHaveLength(3);
    for (const r of w.rooms) {
      expect(r.memberIds.length).toBeGreaterThanOrEqual(4);
      expect(r.memberIds.length).toBeLessThanOrEqual(8);
      const strangers = r.memberIds.filter((id) => w.person(id)?.kind === 'stranger');
      expect(strangers.length).toBeGreaterThanOrEqual(2);
      expect(strangers.every((id) => r.displayNames.has(id))).toBe(true);
    }
    const official = w.contacts.filter((c) => c.kind === 'official');
    expect(official).toHaveLength(1);
    expect(official[0]!.id).toMatch(/^gh_/);
    expect(official[0]!.verifyFlag).toBe(24);
  });
});

describe('world generator', () => {
  it('is deterministic for a seed and different across seeds', () => {
    const a = generateWorld({ contacts: 50, rooms: 5, membersPerRoom: 10, seed: 3 });
    const b = generateWorld({ contacts: 50, rooms: 5, membersPerRoom: 10, seed: 3 });
    const c = generateWorld({ contacts: 50, rooms: 5, membersPerRoom: 10, seed: 4 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it('builds the big world with the right sizes and about half strangers per room', () => {
    // How fast is the bench's business (npm run bench: login of the big account), not a test's.
    const w = buildWorld(generateWorld(BIG_WORLD));
    expect(w.listedContacts().length).toBe(5001);
    expect(w.rooms).toHaveLength(200);
    for (const r of w.rooms) {
      expect(r.memberIds).toHaveLength(500);
      expect(new Set(r.memberIds).size).toBe(500);
    }
    const r0 = w.rooms[0]!;
    const strangers = r0.memberIds.filter((id) => w.person(id)?.kind === 'stranger').length;
    expect(strangers).toBeGreaterThanOrEqual(240);
    expect(strangers).toBeLessThanOrEqual(260);
    expect(w.contacts.filter((c) => c.kind === 'official').length).toBe(100);
  });

  it('handles tiny and empty worlds', () => {
    const w = buildWorld(generateWorld({ contacts: 0, rooms: 2, membersPerRoom: 1 }));
    expect(w.rooms.every((r) => r.memberIds.length === 1)).toBe(true);
    const few = buildWorld(generateWorld({ contacts: 3, rooms: 1, membersPerRoom: 20 }));
    expect(few.rooms[0]!.memberIds).toHaveLength(20);
    expect(() => generateWorld({ contacts: -1 })).toThrow(InvalidArgumentError);
  });
});
