/** Classification (§10.2) and search on the real captured contact lists. */
import { describe, expect, it } from 'vitest';
import { MutableContactDirectory } from '../../../src/client/contacts/contact-directory.js';
import { searchContacts } from '../../../src/client/contacts/contact-search.js';
import { classifyUserName, selfToContact, strangerFromMember, toContact } from '../../../src/model/index.js';
import {
  parseBatchGetContactReply,
  parseGetContactReply,
  parseInitReply,
} from '../../../src/protocol/index.js';
import { readFixtureJson } from '../../fixtures.js';

const text = (name: string): string => JSON.stringify(readFixtureJson('responses', name));

function directoryOf(...names: string[]): MutableContactDirectory {
  const init = parseInitReply(text('webwxinit.json'));
  const d = new MutableContactDirectory();
  d.setSelf(init.User.UserName);
  d.upsert(init.ContactList);
  for (const name of names) {
    const reply = name.includes('batch')
      ? parseBatchGetContactReply(text(name)).ContactList
      : parseGetContactReply(text(name)).MemberList;
    d.upsert(reply);
  }
  return d;
}

function search(d: MutableContactDirectory, q: string, options?: Parameters<typeof searchContacts>[2]) {
  return searchContacts(
    {
      contacts: d.list(),
      rooms: d.rooms(),
      isKnown: (u) => d.has(u),
      strangerOf: (m) => strangerFromMember(m),
    },
    q,
    options,
  );
}

describe('classification of the captured contact lists', () => {
  it('webwxgetcontact.json: official accounts by VerifyFlag & 8, rooms, and the account itself', () => {
    const d = directoryOf('webwxgetcontact.json');
    const kinds = Object.fromEntries(d.list().map((c) => [c.nickName, c.kind]));
    expect(Object.values(kinds)).not.toContain('room');
    expect(kinds).toMatchObject({
      微信红包: 'official',
      成电食堂: 'official',
      顺丰速运: 'official',
      微信卡券: 'official',
      微信运动: 'official',
      SToneX: 'self', // the capturing account lists itself
    });
    expect(d.rooms().map((r) => r.topic)).toEqual(['家庭']);
  });

  it('QJesus-webwxgetcontact.json: a pinned friend (ContactFlag 34819)', () => {
    const d = directoryOf('QJesus-webwxgetcontact.json');
    const c = d.list().find((x) => x.nickName === '杨爽');
    expect(c).toMatchObject({ kind: 'friend', pinned: true });
  });

  it('batchgetcontact: room members who are not contacts are strangers; self is self', () => {
    const d = directoryOf('QJesus-webwxbatchgetcontact.json');
    const room = d.rooms().find((r) => r.topic === '相亲相爱的一家人');
    expect(room?.memberCount).toBe(14);
    const outsider = room?.members.find((m) => !d.has(m.userName));
    expect(outsider).toBeDefined();
    expect(strangerFromMember(outsider as never).kind).toBe('stranger');
    const init = parseInitReply(text('webwxinit.json'));
    expect(selfToContact(init.User).kind).toBe('self');
    expect(toContact({ ...init.User, ContactFlag: 0 } as never, init.User.UserName).kind).toBe('self');
  });

  it('the rules of §10.2 by UserName', () => {
    expect(classifyUserName('filehelper', 0, '@me')).toBe('special');
    expect(classifyUserName('foo@qqim', 0, '@me')).toBe('special');
    expect(classifyUserName('@@abc', 0, '@me')).toBe('room');
    expect(classifyUserName('123@chatroom', 0, '@me')).toBe('room');
    expect(classifyUserName('@abc', 24, '@me')).toBe('official');
    expect(classifyUserName('@abc', 0, '@me')).toBe('friend');
    expect(classifyUserName('@me', 0, '@me')).toBe('self');
    expect(toContact({ UserName: '@x', ContactFlag: 0 } as never, '@me').kind).toBe('stranger');
  });
});

describe('search on the captures', () => {
  it('matches nicknames, aliases and pinyin; ranks exact, prefix, partial', () => {
    const d = directoryOf('webwxgetcontact.json', 'QJesus-webwxbatchgetcontact.json');
    expect(search(d, 'stonexer').map((c) => c.userName)).toEqual([
      d.list().find((c) => c.alias === 'stonexer')?.userName,
    ]);
    expect(search(d, '微信').map((c) => ('topic' in c ? c.topic : c.nickName))).toEqual([
      '微信红包',
      '微信卡券',
      '微信运动',
    ]);
    expect(search(d, '微信', { limit: 2 })).toHaveLength(2);
    expect(search(d, '家庭', { kinds: ['room'] })).toHaveLength(1);
    expect(search(d, '家庭', { kinds: ['friend'] })).toHaveLength(0);
    const py = d.list().find((c) => c.pinyin.nick);
    if (py) expect(search(d, py.pinyin.nick)).toContain(py);
  });

  it('group display names find members who are strangers', () => {
    const d = directoryOf('QJesus-webwxbatchgetcontact.json');
    const member = d
      .rooms()
      .find((r) => r.members.length > 0)
      ?.members.find((m) => m.nickName);
    expect(member?.nickName).toBe('亲爱的大宝贝');
    const found = search(d, member?.nickName ?? '');
    expect(found[0]).toMatchObject({ userName: member?.userName, kind: 'stranger' });
  });

  it('folds width and case', () => {
    const d = new MutableContactDirectory();
    d.upsert([{ UserName: '@a', NickName: 'ＡＢＣ', ContactFlag: 3 } as never]);
    expect(search(d, 'abc')).toHaveLength(1);
    expect(search(d, 'AB')).toHaveLength(1);
  });
});
