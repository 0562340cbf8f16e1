/**
 * The reply readers (wire-readers.ts, record-template.ts), each as a copy and in place, held to their
 * contract (reply-contract.ts: checked on what they return, not recomputed by a second normaliser) on
 * the real captured replies and on fast-check's hostile ones. The copying reader leaves its input
 * alone; the in-place one agrees with it and returns its input. The templates are the protocol's,
 * never copied here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBatchGetContactReply, parseGetContactReply } from '../../src/protocol/contact-list.js';
import { isJsonObject, type JsonObject } from '../../src/protocol/json-reply.js';
import { normaliseRecord, normaliseRecordInPlace } from '../../src/protocol/record-template.js';
import { parseSyncReply } from '../../src/protocol/sync.js';
import {
  readContactInPlace,
  readContactList,
  readContactListInPlace,
  readMember,
  readMessage,
  readMessageInPlace,
  readMessageListInPlace,
  readProfile,
  readProfileInPlace,
  readUser,
} from '../../src/protocol/wire-readers.js';
import { messageFixtureNames, readFixtureJson, readFixtureText } from '../fixtures.js';
import {
  CONTACT,
  contactListReaders,
  contactReaders,
  expectReaders,
  type Kind,
  MEMBER,
  MESSAGE,
  MESSAGE_KIND,
  MESSAGE_REQUIRED,
  messageReaders,
  missing,
  offences,
  outcome,
  PROFILE,
  PROFILE_KIND,
} from './reply-contract.js';

describe('the readers keep the contract on real replies', () => {
  it("the templates are the protocol's, complete", () => {
    expect(Object.keys(CONTACT)).toContain('MemberList');
    expect(Object.keys(MEMBER)).toEqual(expect.arrayContaining(['UserName', 'NickName', 'DisplayName']));
    expect(Object.keys(MESSAGE)).toEqual(
      expect.arrayContaining([...MESSAGE_REQUIRED, 'RecommendInfo', 'AppInfo']),
    );
    expect(isJsonObject(MESSAGE.RecommendInfo) && isJsonObject(PROFILE.UserName)).toBe(true);
  });

  it('every contact and member of the real getcontact, batchgetcontact, init and sync replies', () => {
    let contacts = 0;
    for (const name of [
      'QJesus-webwxbatchgetcontact.json',
      'QJesus-webwxgetcontact.json',
      'QJesus-webwxinit.json',
      'QJesus-webwxsync.json',
      'webwxbatchgetcontact.json',
      'webwxgetcontact.json',
      'webwxinit.json',
      'webwxsync.json',
    ]) {
      const reply = readFixtureJson<Record<string, unknown>>('responses', name);
      for (const field of ['ContactList', 'MemberList', 'ModContactList']) {
        if (!Array.isArray(reply[field])) continue;
        contacts += (reply[field] as unknown[]).length;
        expectReaders(reply[field], ...contactListReaders(field));
        for (const [i, c] of (reply[field] as unknown[]).entries()) {
          expectReaders(c, ...contactReaders(`${field}[${i}]`));
        }
      }
      if (reply.User !== undefined) {
        expect(readUser('x', reply.User, 'User')).toMatchObject({ UserName: expect.any(String) });
      }
      if (reply.Profile !== undefined) {
        expectReaders(
          reply.Profile,
          { kind: PROFILE_KIND, field: 'Profile' },
          (v) => readProfile('x', v, 'Profile'),
          (v) => readProfileInPlace('x', v, 'Profile'),
        );
      }
    }
    expect(contacts).toBeGreaterThanOrEqual(20);
  });

  it('every real AddMsgList sample, complete or not', () => {
    const names = messageFixtureNames();
    let refused = 0;
    for (const name of names) {
      const raw = readFixtureJson('messages', name);
      if (offences(raw, MESSAGE_KIND, 'AddMsgList[0]').length > 0) refused++;
      expectReaders(raw, ...messageReaders('AddMsgList[0]'));
    }
    expect(refused).toBeLessThan(names.length);
    const list = names.map((n) => readFixtureJson<Record<string, unknown>>('messages', n));
    const complete = list.filter((m) => m.MsgId != null && m.FromUserName != null);
    expectReaders(
      complete,
      { kind: MESSAGE_KIND, list: true, field: 'AddMsgList' },
      (v) => (v as unknown[]).map((m, i) => readMessage('x', m, `AddMsgList[${i}]`)),
      (v) => readMessageListInPlace('x', v, 'AddMsgList'),
    );
  });

  it('whole replies read in place give what the copying readers give', () => {
    const batch = readFixtureText('responses', 'QJesus-webwxbatchgetcontact.json');
    expect(parseBatchGetContactReply(batch).ContactList).toEqual(
      readContactList('webwxbatchgetcontact', JSON.parse(batch).ContactList, 'ContactList'),
    );
    const page = readFixtureText('responses', 'QJesus-webwxgetcontact.json');
    expect(parseGetContactReply(page).MemberList).toEqual(
      readContactList('webwxgetcontact', JSON.parse(page).MemberList, 'MemberList'),
    );
    for (const name of ['QJesus-webwxsync.json', 'webwxsync.json']) {
      const text = readFixtureText('responses', name);
      const raw = JSON.parse(text);
      const reply = parseSyncReply(text);
      expect(reply.AddMsgList).toEqual(
        ((raw.AddMsgList ?? []) as unknown[]).map((m, i) => readMessage('webwxsync', m, `AddMsgList[${i}]`)),
      );
      expect(reply.ModContactList).toEqual(
        readContactList('webwxsync', raw.ModContactList, 'ModContactList'),
      );
      expect(reply.Profile).toEqual(readProfile('webwxsync', raw.Profile, 'Profile'));
    }
  });
});

describe('the in-place normaliser on bad and hostile input', () => {
  it('names the field of every error, down to members and nested objects', () => {
    const message = (fn: () => unknown): string => {
      const r = outcome(fn);
      if (r.ok) throw new Error('expected a ParseError');
      return r.error;
    };
    expect(
      message(() => readContactListInPlace('x', [{ UserName: 'a' }, { NickName: 'b' }], 'ContactList')),
    ).toContain('ContactList[1].UserName is missing');
    expect(
      message(() =>
        readContactListInPlace(
          'x',
          [{ UserName: '@@r', MemberList: [{ UserName: 'a' }, { UserName: 'b', AttrStatus: 'many' }] }],
          'ContactList',
        ),
      ),
    ).toContain('ContactList[0].MemberList[1].AttrStatus is not a number');
    expect(message(() => readContactInPlace('x', { UserName: 'u', MemberList: 'x' }, 'C'))).toContain(
      'C.MemberList is not an array',
    );
    expect(message(() => readContactListInPlace('x', [{ UserName: 'a' }, 7], 'ContactList'))).toContain(
      'ContactList[1] is not an object',
    );
    expect(
      message(() =>
        readMessageListInPlace(
          'x',
          [{ MsgId: '1', FromUserName: 'a', ToUserName: 'b', MsgType: 1, RecommendInfo: { Scene: [] } }],
          'AddMsgList',
        ),
      ),
    ).toContain('AddMsgList[0].RecommendInfo.Scene is not a number');
    expect(message(() => readMessageListInPlace('x', [{ MsgId: '1' }], 'AddMsgList'))).toContain(
      'AddMsgList[0].FromUserName is missing',
    );
    expect(message(() => readProfileInPlace('x', { UserName: { Buff: {} } }, 'Profile'))).toContain(
      'Profile.UserName.Buff is not a string',
    );
    expect(message(() => normaliseRecordInPlace('x', { A: 'seven' }, 'R', { A: 0 }))).toContain('R.A');
  });

  it('fills in place: coerced values, defaults, fresh default objects, extra keys kept', () => {
    const raw: Record<string, unknown> = {
      MsgId: 12,
      FromUserName: 'a',
      ToUserName: 'b',
      MsgType: '49',
      X: 1,
    };
    const msg = readMessageInPlace('x', raw, 'm');
    expect(msg).toBe(raw);
    expect(raw).toMatchObject({
      MsgId: '12',
      MsgType: 49,
      Content: '',
      X: 1,
      AppInfo: { AppID: '', Type: 0 },
    });
    const other = readMessageInPlace(
      'x',
      { MsgId: '2', FromUserName: 'a', ToUserName: 'b', MsgType: 1 },
      'm',
    );
    expect(other.RecommendInfo).not.toBe(msg.RecommendInfo);
    expect(other.AppInfo).not.toBe(msg.AppInfo);
    msg.RecommendInfo.Ticket = 'changed';
    const fresh = readMessageInPlace(
      'x',
      { MsgId: '3', FromUserName: 'a', ToUserName: 'b', MsgType: 1 },
      'm',
    );
    expect(fresh.RecommendInfo.Ticket).toBe('');
    expect(readProfileInPlace('x', undefined, 'Profile').UserName).toEqual({ Buff: '' });
    expect(readMember('x', { UserName: 'u' }, 'm')).toMatchObject({ DisplayName: '', MemberStatus: 0 });
    const contact = { UserName: '@@r', MemberList: [{ UserName: 'u', Uin: '5' }] };
    const list = [contact];
    expect(readContactListInPlace('x', list, 'ContactList')).toBe(list);
    expect(contact.MemberList[0]).toMatchObject({ Uin: 5, NickName: '', KeyWord: '' });
  });

  const scalar = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 6 }),
    fc.constantFrom('0', '12', ' 7 ', '-3.5', '1e3', 'x', '', '__proto__'),
  );
  const value = fc.oneof(
    { weight: 6, arbitrary: scalar },
    { weight: 1, arbitrary: fc.array(scalar, { maxLength: 2 }) },
    {
      weight: 1,
      arbitrary: fc.dictionary(fc.constantFrom('Buff', 'AppID', 'Type', 'Scene', 'Ticket'), scalar),
    },
  );
  const record = (keys: readonly string[]) =>
    fc.dictionary(fc.constantFrom(...keys, 'Extra', 'constructor', 'toString'), value, { maxKeys: 10 });
  const contact = fc
    .tuple(
      record(Object.keys(CONTACT)),
      fc.option(fc.array(fc.oneof(record(Object.keys(MEMBER)), scalar), { maxLength: 3 })),
    )
    .map(([c, members]) => (members === null ? c : { ...c, MemberList: members }));

  it('hostile contacts and members keep the contract (fast-check)', () => {
    fc.assert(
      fc.property(fc.oneof(contact, scalar), (c) => expectReaders(c, ...contactReaders('C'))),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(fc.oneof({ weight: 4, arbitrary: contact }, { weight: 1, arbitrary: scalar })),
          scalar,
        ),
        (list) => expectReaders(list, ...contactListReaders('ContactList')),
      ),
      { numRuns: 200 },
    );
  });

  it('hostile messages and profiles keep the contract (fast-check)', () => {
    fc.assert(
      fc.property(record(Object.keys(MESSAGE)), (m) => expectReaders(m, ...messageReaders('M'))),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.oneof(record(Object.keys(PROFILE)), scalar), (p) => {
        const profile = { kind: PROFILE_KIND, field: 'P' };
        if (missing(p)) {
          // A missing Profile reads as the empty one, a fresh copy each time.
          expect(readProfile('x', p, 'P')).toEqual(PROFILE);
          expect(readProfileInPlace('x', p, 'P')).not.toBe(readProfileInPlace('x', p, 'P'));
        } else
          expectReaders(
            p,
            profile,
            (v) => readProfile('x', v, 'P'),
            (v) => readProfileInPlace('x', v, 'P'),
          );
      }),
      { numRuns: 300 },
    );
  });

  it('normaliseRecord (a copy) and normaliseRecordInPlace keep it for any template', () => {
    const template = { A: 0, B: '', C: [] as unknown[], D: { Buff: '' } };
    const kind: Kind = { template: template as unknown as JsonObject, required: ['B'] };
    fc.assert(
      fc.property(record(['A', 'B', 'C', 'D']), (r) => {
        expectReaders(
          r,
          { kind, field: 'R' },
          (v) => normaliseRecord('x', v, 'R', template, ['B']),
          (v) => normaliseRecordInPlace('x', v, 'R', template, ['B']),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('room members checked in place', () => {
  const full = () => readMember('x', { UserName: '@m', NickName: 'M' }, 'm') as unknown as JsonObject;

  it('fill every member field the template has, whichever one is missing or off-type', () => {
    const keys = Object.keys(full());
    expect(keys.length).toBeGreaterThan(5);
    for (const key of keys) {
      if (key === 'UserName') continue;
      const missing = full();
      delete missing[key];
      const offType = full();
      offType[key] = typeof offType[key] === 'number' ? '7' : 7;
      for (const member of [missing, offType]) {
        const room = { UserName: '@@r', MemberList: [full(), member] };
        const expected = readContactList('x', [structuredClone(room)], 'ContactList');
        expect(readContactListInPlace('x', [room], 'ContactList')).toEqual(expected);
        expect(Object.keys(room.MemberList[1] as object).sort()).toEqual([...keys].sort());
      }
    }
  });

  it('leave complete members as they are, and still name a member without UserName', () => {
    const room = { UserName: '@@r', MemberList: [full(), full()] };
    const before = structuredClone(room.MemberList);
    const [entry] = readContactListInPlace('x', [room], 'ContactList');
    expect(entry!.MemberList).toEqual(before);
    expect(entry!.MemberList[0]).toBe(room.MemberList[0]);
    const bad = { UserName: '@@r', MemberList: [full(), { ...full(), UserName: null }] };
    expect(() => readContactListInPlace('x', [bad], 'ContactList')).toThrow(/MemberList\[1\]\.UserName/);
  });
});
