import { describe, expect, it } from 'vitest';
import {
  classifyUserName,
  contactDisplayName,
  isRoomUserName,
  memberDisplayName,
  SPECIAL_USERNAMES,
  selfToContact,
  toContact,
  toRoom,
} from '../../src/model/index.js';
import { emptyWireContact } from '../../src/protocol/wire-defaults.js';
import { readMember } from '../../src/protocol/wire-readers.js';
import type { GetContactReply, InitReply, SyncReply, WireContact } from '../../src/protocol/wire-types.js';
import { readFixtureJson } from '../fixtures.js';

const SELF = '@2ea0ad63b5550c8842c95cb987adea2491fc9e3db0899696f696149cd30688e8';

/** A full wire contact: the protocol's empty one (wire-defaults.ts), a friend's flag and a UserName, then `fields`. */
function wireContact(fields: Partial<WireContact>): WireContact {
  return { ...emptyWireContact(), UserName: '@0123456789abcdef0123456789abcdef', ContactFlag: 3, ...fields };
}

describe('classifyUserName', () => {
  it('follows §10.2', () => {
    expect(classifyUserName(SELF, 0, SELF)).toBe('self');
    expect(classifyUserName('@@abc', 0, SELF)).toBe('room');
    expect(classifyUserName('12345@chatroom', 0, SELF)).toBe('room');
    expect(classifyUserName('filehelper', 0, SELF)).toBe('special');
    expect(classifyUserName('gh_22b87fa7cb3c', 0, SELF)).toBe('special');
    expect(classifyUserName('wxid_novlwrv3lqwv11', 0, SELF)).toBe('special');
    expect(classifyUserName('12345@qqim', 0, SELF)).toBe('special');
    expect(classifyUserName('@abc', 8, SELF)).toBe('official');
    expect(classifyUserName('@abc', 24, SELF)).toBe('official');
    expect(classifyUserName('@abc', 56, SELF)).toBe('official');
    expect(classifyUserName('@abc', 0, SELF)).toBe('friend');
    expect(classifyUserName('v1_abc@stranger', 0, SELF)).toBe('stranger');
    expect(classifyUserName('', 0, '')).toBe('stranger');
  });

  it('has the seed list and wechat4u additions', () => {
    expect(SPECIAL_USERNAMES).toContain('userexperience_alarm');
    expect(SPECIAL_USERNAMES).toContain('notification_messages');
    expect(SPECIAL_USERNAMES).toHaveLength(30);
  });

  it('isRoomUserName', () => {
    expect(isRoomUserName('@@x')).toBe(true);
    expect(isRoomUserName('1@chatroom')).toBe(true);
    expect(isRoomUserName('@x')).toBe(false);
  });
});

describe('toContact', () => {
  it('maps the real getcontact reply', () => {
    const reply = readFixtureJson<GetContactReply>('responses', 'webwxgetcontact.json');
    const contacts = reply.MemberList.map((c) => toContact(c, SELF));
    const kinds = contacts.map((c) => c.kind).sort();
    // five official accounts, one group and the user themself (getcontact lists self too)
    expect(kinds).toEqual(['official', 'official', 'official', 'official', 'official', 'room', 'self']);
    for (const c of contacts) {
      expect(typeof c.nickName).toBe('string');
      expect(c.nickName).not.toContain('<span');
      expect([0, 1, 2]).toContain(c.sex);
    }
  });

  it('maps the 2018 capture: pinned friend with flags 34819', () => {
    const reply = readFixtureJson<GetContactReply>('responses', 'QJesus-webwxgetcontact.json');
    const wire = reply.MemberList[0];
    if (!wire) throw new Error('fixture changed');
    const c = toContact(wire, '@f0c04abe389590b02d91684d99584439');
    expect(c.kind).toBe('friend');
    expect(c.contactFlag).toBe(34819);
    expect(c.pinned).toBe(true);
    expect(c.muted).toBe(false);
    expect(c.userName).toBe(wire.UserName);
    expect(c.pinyin.nick).toBe(wire.PYQuanPin);
  });

  it('decodes emoji and entities in names, flags starred/muted/pinned', () => {
    const c = toContact(
      wireContact({
        NickName: 'Tom<span class="emoji emoji1f604"></span> &amp; Jerry',
        RemarkName: '&lt;boss&gt;<span class="emoji emoji1f1e81f1f3"></span>',
        Signature: 'hi<span class="emoji emoji1f639"></span>',
        ContactFlag: 3 | 64 | 512 | 2048,
        Sex: 2,
        PYInitial: 'TJ',
        PYQuanPin: 'tomjerry',
        RemarkPYInitial: 'B',
        RemarkPYQuanPin: 'boss',
        Alias: 'tom_j',
      }),
      SELF,
    );
    expect(c.nickName).toBe('Tom😄 & Jerry');
    expect(c.remarkName).toBe('<boss>🇨🇳');
    expect(c.signature).toBe('hi😂');
    expect(c).toMatchObject({
      starred: true,
      muted: true,
      pinned: true,
      sex: 2,
      alias: 'tom_j',
      kind: 'friend',
    });
    expect(c.pinyin).toEqual({ nick: 'tomjerry', nickInitials: 'TJ', remark: 'boss', remarkInitials: 'B' });
    expect(contactDisplayName(c)).toBe('<boss>🇨🇳');
  });

  it('treats a person outside the address book as a stranger', () => {
    expect(toContact(wireContact({ ContactFlag: 0 }), SELF).kind).toBe('stranger');
    expect(toContact(wireContact({ StarFriend: 1 }), SELF).starred).toBe(true);
  });

  it('mutes a group by Statues 0', () => {
    expect(toContact(wireContact({ UserName: '@@r', Statues: 0 }), SELF).muted).toBe(true);
    expect(toContact(wireContact({ UserName: '@@r', Statues: 1 }), SELF).muted).toBe(false);
  });

  it('survives hostile fields', () => {
    const hostile = {
      UserName: 5,
      NickName: null,
      Sex: 'x',
      ContactFlag: 'NaN',
      MemberList: 'no',
    } as unknown;
    const c = toContact(hostile as WireContact, SELF);
    expect(c).toMatchObject({ userName: '5', nickName: '', sex: 0, contactFlag: 0 });
    expect(() => toContact(undefined as unknown as WireContact, SELF)).not.toThrow();
  });
});

describe('selfToContact', () => {
  it('maps webwxinit User', () => {
    const init = readFixtureJson<InitReply>('responses', 'webwxinit.json');
    const me = selfToContact(init.User);
    expect(me.kind).toBe('self');
    expect(me.userName).toBe(SELF);
    expect(me.nickName).toBe('SToneX');
  });
});

describe('toRoom', () => {
  it('maps a room with an emoji member nickname (webwxsync ModContactList)', () => {
    const sync = readFixtureJson<SyncReply>('responses', 'webwxsync.json');
    const wire = sync.ModContactList[0];
    if (!wire) throw new Error('fixture changed');
    const room = toRoom(wire);
    expect(room.topic).toBe('Vue.js Podcast 群二');
    expect(room.memberCount).toBe(462);
    expect(room.muted).toBe(true);
    expect(room.members).toEqual([
      { userName: '@e0ec8ddd68b83d04a51839008fdaa78e', nickName: '吃圡死月不會碼代碼🌛', displayName: '' },
    ]);
    expect(memberDisplayName(room.members[0] ?? { displayName: '', nickName: '' })).toBe(
      '吃圡死月不會碼代碼🌛',
    );
  });

  it('maps the puppet-wechat room payload, display names over nicknames', () => {
    const wire = readFixtureJson<WireContact>('responses', 'puppet-wechat-room-raw-payload.json');
    const room = toRoom(wire);
    expect(room.userName).toBe('@@e2355db381dc46a77c0b95516d05e7486135cb6370d8a6af66925d89d50ec278');
    expect(room.topic).toBe('（通知）中国青年天使会官方家');
    expect(room.memberCount).toBe(146);
    expect(room.members.length).toBeGreaterThan(3);
    const maggie = room.members.find((m) => m.userName === '@ad85207730aa94e006ddce28f74e6878');
    expect(maggie && memberDisplayName(maggie)).toBe('田美坤');
    const tong = room.members.find((m) => m.userName === '@ecff4a7a86f23455dc42317269aa36ab');
    expect(tong && memberDisplayName(tong)).toBe('童玮亮');
  });

  it('falls back to the member list length, reads owner flags, survives junk', () => {
    const room = toRoom(
      wireContact({
        UserName: '@@r',
        MemberCount: 0,
        IsOwner: 1,
        Statues: 1,
        OwnerUin: 42,
        EncryChatRoomId: '@abc',
        MemberList: [
          readMember('test', { UserName: '@m', NickName: 'n', DisplayName: 'd' }, 'member'),
          null as never,
        ],
      }),
    );
    expect(room).toMatchObject({
      memberCount: 1,
      isOwner: true,
      muted: false,
      ownerUin: 42,
      encryChatRoomId: '@abc',
    });
    expect(() => toRoom(null as unknown as WireContact)).not.toThrow();
  });
});
