import { describe, expect, it } from 'vitest';
import { MutableContactDirectory } from '../../../src/client/contacts/contact-directory.js';
import { emptyWireContact } from '../../../src/protocol/wire-defaults.js';
import { readMember } from '../../../src/protocol/wire-readers.js';
import type { WireContact, WireMember } from '../../../src/protocol/wire-types.js';

/** A full wire contact from the protocol's empty one (wire-defaults.ts): a friend, unmuted. */
function contact(userName: string, nick: string, extra: Partial<WireContact> = {}): WireContact {
  return { ...emptyWireContact(), UserName: userName, NickName: nick, ContactFlag: 1, Statues: 1, ...extra };
}

/** A room member with the protocol's defaults for every field not given (the reply reader's template). */
function member(userName: string, nick: string, displayName = ''): WireMember {
  return readMember('test', { UserName: userName, NickName: nick, DisplayName: displayName }, 'member');
}

function directory(): MutableContactDirectory {
  const d = new MutableContactDirectory();
  d.setSelf('@self');
  d.upsert([
    contact('@alice', 'Alice', { RemarkName: 'Ali' }),
    contact('@bob', 'Bob Smith', { Alias: 'bobby' }),
    contact('@carol', 'alice-fan'),
    contact('@@room1', 'Alice Club', {
      MemberCount: 2,
      MemberList: [member('@alice', 'Alice', 'Queen A'), member('@zed', 'Zed')],
    }),
    contact('@@room2', '周末爬山'),
  ]);
  return d;
}

describe('MutableContactDirectory', () => {
  it('keeps people and rooms apart', () => {
    const d = directory();
    expect(d.get('@alice')?.nickName).toBe('Alice');
    expect(d.get('@@room1')).toBeUndefined();
    expect(d.room('@@room1')?.topic).toBe('Alice Club');
    expect(d.room('@alice')).toBeUndefined();
    expect(d.list().map((c) => c.userName)).toEqual(['@alice', '@bob', '@carol']);
    expect(d.rooms().map((r) => r.userName)).toEqual(['@@room1', '@@room2']);
    expect(d.has('@@room2')).toBe(true);
    expect(d.has('@nobody')).toBe(false);
    expect(d.counts()).toEqual({ contacts: 3, rooms: 2, members: 2 });
    expect(d.roomsWithoutMembers()).toEqual(['@@room2']);
  });

  it('find(): exact matches (remark, nickname, alias, topic) first, then partial, case-insensitive', () => {
    const d = directory();
    expect(d.find('ali').map((e) => e.userName)).toEqual(['@alice', '@carol', '@@room1']);
    expect(d.find('ALICE').map((e) => e.userName)).toEqual(['@alice', '@carol', '@@room1']);
    expect(d.find('alice club').map((e) => e.userName)).toEqual(['@@room1']);
    expect(d.find('BOBBY').map((e) => e.userName)).toEqual(['@bob']);
    expect(d.find('smith').map((e) => e.userName)).toEqual(['@bob']);
    expect(d.find('爬山').map((e) => e.userName)).toEqual(['@@room2']);
    expect(d.find('  ')).toEqual([]);
    expect(d.find('nobody')).toEqual([]);
  });

  it('room members and display names', () => {
    const d = directory();
    expect(d.member('@@room1', '@zed')?.nickName).toBe('Zed');
    expect(d.member('@@room1', '@bob')).toBeUndefined();
    expect(d.displayNameOf('@alice', '@@room1')).toBe('Queen A');
    expect(d.displayNameOf('@alice')).toBe('Ali');
    expect(d.displayNameOf('@zed', '@@room1')).toBe('Zed');
    expect(d.displayNameOf('@bob')).toBe('Bob Smith');
    expect(d.displayNameOf('@@room2')).toBe('周末爬山');
    expect(d.displayNameOf('@nobody')).toBeUndefined();
  });

  it('a room update without members keeps the known members; with members replaces them', () => {
    const d = directory();
    d.upsert([contact('@@room1', 'Renamed Club')]);
    expect(d.room('@@room1')?.topic).toBe('Renamed Club');
    expect(d.room('@@room1')?.members.map((m) => m.userName)).toEqual(['@alice', '@zed']);
    d.upsert([contact('@@room1', 'Renamed Club', { MemberCount: 1, MemberList: [member('@new', 'New')] })]);
    expect(d.room('@@room1')?.members.map((m) => m.userName)).toEqual(['@new']);
    expect(d.member('@@room1', '@zed')).toBeUndefined();
    expect(d.member('@@room1', '@new')?.nickName).toBe('New');
  });

  it('remove() deletes contacts and rooms; entries without UserName are ignored', () => {
    const d = directory();
    d.remove(['@bob', '@@room1']);
    expect(d.get('@bob')).toBeUndefined();
    expect(d.room('@@room1')).toBeUndefined();
    expect(d.member('@@room1', '@zed')).toBeUndefined();
    d.upsert([contact('', 'ghost')]);
    expect(d.list()).toHaveLength(2);
  });

  it('member lookups follow every change of a room (the index is built on the first lookup)', () => {
    const d = directory();
    // Looked up before and after each change, so a stale index would show.
    expect(d.member('@@room1', '@zed')?.nickName).toBe('Zed');
    d.patchRoom('@@room1', { members: [{ userName: '@yan', nickName: 'Yan', displayName: '' }] });
    expect(d.member('@@room1', '@zed')).toBeUndefined();
    expect(d.member('@@room1', '@yan')?.nickName).toBe('Yan');
    d.applyMemberLists([{ UserName: '@@room1', MemberList: [member('@xu', 'Xu', 'X')] }]);
    expect(d.member('@@room1', '@yan')).toBeUndefined();
    expect(d.member('@@room1', '@xu')?.displayName).toBe('X');
    d.patchRoom('@@room1', { topic: 'Only renamed' });
    expect(d.member('@@room1', '@xu')?.nickName).toBe('Xu');
    d.upsert([contact('@@room1', 'Back', { MemberCount: 1, MemberList: [member('@wu', 'Wu')] })]);
    expect(d.member('@@room1', '@xu')).toBeUndefined();
    expect(d.member('@@room1', '@wu')?.nickName).toBe('Wu');
    d.remove(['@@room1']);
    expect(d.member('@@room1', '@wu')).toBeUndefined();
    d.upsert([contact('@@room1', 'Again', { MemberCount: 1, MemberList: [member('@vi', 'Vi')] })]);
    expect(d.member('@@room1', '@wu')).toBeUndefined();
    expect(d.member('@@room1', '@vi')?.nickName).toBe('Vi');
  });

  it('a member in several rooms shares one UserName string; the rooms stay separate', () => {
    const d = new MutableContactDirectory();
    // Distinct string instances, as JSON.parse makes them.
    const name = () => ['@', 'shared'].join('');
    d.upsert([
      contact('@@a', 'A', { MemberCount: 1, MemberList: [member(name(), 'Sam', 'Sam in A')] }),
      contact('@@b', 'B', { MemberCount: 2, MemberList: [member(name(), 'Sam'), member('@other', 'O')] }),
    ]);
    const [inA] = d.room('@@a')!.members;
    const [inB] = d.room('@@b')!.members;
    expect(inA).toEqual({ userName: '@shared', nickName: 'Sam', displayName: 'Sam in A' });
    expect(inB).toEqual({ userName: '@shared', nickName: 'Sam', displayName: '' });
    expect(inA).not.toBe(inB);
    expect(d.member('@@b', '@shared')).toBe(inB);
    expect(d.counts()).toEqual({ contacts: 0, rooms: 2, members: 3 });
  });

  it('reports a room only when something of it changed (members compared one by one)', () => {
    const d = directory();
    const seen: string[] = [];
    d.onChange((changes) => {
      for (const c of changes)
        if (c.type === 'room-updated') seen.push(`${c.room.userName}:${c.joined.length}/${c.left.length}`);
    });
    const room = (members: WireMember[], extra: Partial<WireContact> = {}) =>
      contact('@@room1', 'Alice Club', { MemberCount: members.length, MemberList: members, ...extra });
    d.upsert([room([member('@alice', 'Alice', 'Queen A'), member('@zed', 'Zed')])]);
    expect(seen).toEqual([]);
    d.upsert([room([member('@alice', 'Alice', 'Queen B'), member('@zed', 'Zed')])]);
    expect(seen).toEqual(['@@room1:0/0']);
    expect(d.member('@@room1', '@alice')?.displayName).toBe('Queen B');
    d.upsert([room([member('@alice', 'Alice', 'Queen B'), member('@zed', 'Zed')], { Statues: 0 })]);
    expect(seen).toEqual(['@@room1:0/0', '@@room1:0/0']);
    d.upsert([room([member('@alice', 'Alice', 'Queen B'), member('@zed', 'Zed')], { Statues: 0 })]);
    expect(seen).toHaveLength(2);
    d.upsert([room([member('@alice', 'Alice', 'Queen B'), member('@yan', 'Yan')], { Statues: 0 })]);
    expect(seen.at(-1)).toBe('@@room1:1/1');
  });

  it('shares one member object across rooms while nickname and (empty) display name agree', () => {
    const d = new MutableContactDirectory();
    d.upsert([
      contact('@@a', 'A', {
        MemberList: [member('@zed', 'Zed'), member('@amy', '<span class="emoji emoji1f600"></span>Amy')],
      }),
      contact('@@b', 'B', {
        MemberList: [
          member('@zed', 'Zed'),
          member('@amy', '<span class="emoji emoji1f600"></span>Amy', 'Boss'),
        ],
      }),
      contact('@@c', 'C', {
        MemberList: [member('@zed', 'Zed II'), member('@amy', '<span class="emoji emoji1f600"></span>Amy')],
      }),
    ]);
    const [a, b, c] = ['@@a', '@@b', '@@c'].map((r) => d.room(r)!.members);
    expect(b![0]).toBe(a![0]);
    expect(a![0]).toEqual({ userName: '@zed', nickName: 'Zed', displayName: '' });
    // A group display name: an object of its own, same nickname and UserName string.
    expect(b![1]).toEqual({ userName: '@amy', nickName: '😀Amy', displayName: 'Boss' });
    expect(b![1]).not.toBe(a![1]);
    expect(c![1]).toBe(a![1]);
    // A new nickname: a new object, which later rooms then share.
    expect(c![0]).toEqual({ userName: '@zed', nickName: 'Zed II', displayName: '' });
    expect(c![0]).not.toBe(a![0]);
    d.upsert([contact('@@d', 'D', { MemberList: [member('@zed', 'Zed II')] })]);
    expect(d.room('@@d')!.members[0]).toBe(c![0]);
    expect(Object.keys(b![1]!)).toEqual(['userName', 'nickName', 'displayName']);
  });
});
