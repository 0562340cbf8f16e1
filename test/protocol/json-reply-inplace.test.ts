/**
 * The in-place reply normaliser (readContactInPlace and friends) against the copying one it replaced:
 * the previous normaliseRecord is kept below verbatim as the reference, and both must give the same
 * records, and the same ParseErrors, for the real captured replies and for hostile input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.js';
import { parseBatchGetContactReply, parseGetContactReply } from '../../src/protocol/contact-list.js';
import {
  arrayOrEmpty,
  isJsonObject,
  type JsonObject,
  mapArray,
  numberOr,
  requireObject,
  stringOr,
} from '../../src/protocol/json-reply.js';
import { normaliseRecord, normaliseRecordInPlace } from '../../src/protocol/record-template.js';
import { parseSyncReply } from '../../src/protocol/sync.js';
import { emptyRecommendInfo, emptyWireContact } from '../../src/protocol/wire-defaults.js';
import {
  readContact,
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

// ------------------------------------------------------------------------------------------------
// The reference: normaliseRecord and its templates as they were before the in-place rewrite.
// ------------------------------------------------------------------------------------------------

function legacyNormalise<T extends object>(
  endpoint: string,
  value: unknown,
  field: string,
  template: T,
  required: readonly string[] = [],
): T {
  const obj = requireObject(endpoint, value, field);
  for (const key of required) {
    if (obj[key] === undefined || obj[key] === null)
      throw new ParseError(endpoint, `${field}.${key} is missing`);
  }
  const out: JsonObject = { ...obj };
  for (const [key, fallback] of Object.entries(template)) {
    const v = obj[key];
    const name = `${field}.${key}`;
    if (typeof fallback === 'string') out[key] = stringOr(endpoint, v, name, fallback);
    else if (typeof fallback === 'number') out[key] = numberOr(endpoint, v, name, fallback);
    else if (Array.isArray(fallback)) out[key] = arrayOrEmpty(endpoint, v, name);
    else if (isJsonObject(fallback)) {
      out[key] =
        v === undefined || v === null
          ? structuredClone(fallback)
          : legacyNormalise(endpoint, v, name, fallback);
    } else out[key] = v ?? fallback;
  }
  return out as T;
}

const MEMBER = {
  Uin: 0,
  UserName: '',
  NickName: '',
  AttrStatus: 0,
  PYInitial: '',
  PYQuanPin: '',
  RemarkPYInitial: '',
  RemarkPYQuanPin: '',
  MemberStatus: 0,
  DisplayName: '',
  KeyWord: '',
};
const MESSAGE = {
  MsgId: '',
  FromUserName: '',
  ToUserName: '',
  MsgType: 0,
  Content: '',
  Status: 0,
  ImgStatus: 0,
  CreateTime: 0,
  VoiceLength: 0,
  PlayLength: 0,
  FileName: '',
  FileSize: '',
  MediaId: '',
  Url: '',
  AppMsgType: 0,
  StatusNotifyCode: 0,
  StatusNotifyUserName: '',
  RecommendInfo: emptyRecommendInfo(),
  ForwardFlag: 0,
  AppInfo: { AppID: '', Type: 0 },
  HasProductId: 0,
  Ticket: '',
  ImgHeight: 0,
  ImgWidth: 0,
  SubMsgType: 0,
  NewMsgId: 0,
  OriContent: '',
  EncryFileName: '',
};
const PROFILE = {
  BitFlag: 0,
  UserName: { Buff: '' },
  NickName: { Buff: '' },
  BindUin: 0,
  BindEmail: { Buff: '' },
  BindMobile: { Buff: '' },
  Status: 0,
  Sex: 0,
  PersonalCard: 0,
  Alias: '',
  HeadImgUpdateFlag: 0,
  HeadImgUrl: '',
  Signature: '',
};

function legacyContact(endpoint: string, value: unknown, field: string): JsonObject {
  const contact = legacyNormalise(endpoint, value, field, emptyWireContact() as unknown as JsonObject, [
    'UserName',
  ]);
  contact.MemberList = mapArray(contact.MemberList as unknown[], `${field}.MemberList`, (m, name) =>
    legacyNormalise(endpoint, m, name, MEMBER, ['UserName']),
  );
  return contact;
}
const legacyContactList = (endpoint: string, value: unknown, field: string): JsonObject[] =>
  mapArray(arrayOrEmpty(endpoint, value, field), field, (c, name) => legacyContact(endpoint, c, name));
const legacyMessage = (endpoint: string, value: unknown, field: string): JsonObject =>
  legacyNormalise(endpoint, value, field, MESSAGE, ['MsgId', 'FromUserName', 'ToUserName', 'MsgType']);

// ------------------------------------------------------------------------------------------------

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

function outcome(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    return { ok: false, error: `${error.message} | ${error.excerpt}` };
  }
}

/** The reference, the copying reader and the in-place reader agree; the copy leaves its input alone. */
function expectSameAsLegacy(
  value: unknown,
  legacy: (v: unknown) => unknown,
  copying: (v: unknown) => unknown,
  inPlace: (v: unknown) => unknown,
): void {
  const before = structuredClone(value);
  const reference = outcome(() => legacy(structuredClone(value)));
  const copied = outcome(() => copying(value));
  expect(copied).toEqual(reference);
  expect(value).toEqual(before);
  const own = structuredClone(value);
  const filled = outcome(() => inPlace(own));
  expect(filled).toEqual(reference);
  if (filled.ok && isJsonObject(own)) expect(filled.value).toBe(own);
}

describe('the in-place normaliser gives what the copying one gave', () => {
  it('for every contact and member of the real getcontact, batchgetcontact, init and sync replies', () => {
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
        expectSameAsLegacy(
          reply[field],
          (v) => legacyContactList('x', v, field),
          (v) => readContactList('x', v, field),
          (v) => readContactListInPlace('x', v, field),
        );
        for (const [i, c] of (reply[field] as unknown[]).entries()) {
          expectSameAsLegacy(
            c,
            (v) => legacyContact('x', v, `${field}[${i}]`),
            (v) => readContact('x', v, `${field}[${i}]`),
            (v) => readContactInPlace('x', v, `${field}[${i}]`),
          );
        }
      }
      if (reply.User !== undefined) {
        expect(readUser('x', reply.User, 'User')).toMatchObject({ UserName: expect.any(String) });
      }
      if (reply.Profile !== undefined) {
        expectSameAsLegacy(
          reply.Profile,
          (v) => legacyNormalise('x', v, 'Profile', PROFILE),
          (v) => readProfile('x', v, 'Profile'),
          (v) => readProfileInPlace('x', v, 'Profile'),
        );
      }
    }
    expect(contacts).toBeGreaterThanOrEqual(20);
  });

  it('for every real AddMsgList sample, complete or not', () => {
    const names = messageFixtureNames();
    for (const name of names) {
      const raw = readFixtureJson('messages', name);
      expectSameAsLegacy(
        raw,
        (v) => legacyMessage('webwxsync', v, 'AddMsgList[0]'),
        (v) => readMessage('webwxsync', v, 'AddMsgList[0]'),
        (v) => readMessageInPlace('webwxsync', v, 'AddMsgList[0]'),
      );
    }
    const list = names.map((n) => readFixtureJson<Record<string, unknown>>('messages', n));
    const complete = list.filter((m) => m.MsgId != null && m.FromUserName != null);
    expectSameAsLegacy(
      complete,
      (v) => mapArray(arrayOrEmpty('x', v, 'AddMsgList'), 'AddMsgList', (m, n) => legacyMessage('x', m, n)),
      (v) => mapArray(arrayOrEmpty('x', v, 'AddMsgList'), 'AddMsgList', (m, n) => readMessage('x', m, n)),
      (v) => readMessageListInPlace('x', v, 'AddMsgList'),
    );
  });

  it('whole replies: parseBatchGetContactReply, parseGetContactReply and parseSyncReply', () => {
    const batch = readFixtureText('responses', 'QJesus-webwxbatchgetcontact.json');
    expect(parseBatchGetContactReply(batch).ContactList).toEqual(
      legacyContactList('webwxbatchgetcontact', JSON.parse(batch).ContactList, 'ContactList'),
    );
    const page = readFixtureText('responses', 'QJesus-webwxgetcontact.json');
    expect(parseGetContactReply(page).MemberList).toEqual(
      legacyContactList('webwxgetcontact', JSON.parse(page).MemberList, 'MemberList'),
    );
    for (const name of ['QJesus-webwxsync.json', 'webwxsync.json']) {
      const text = readFixtureText('responses', name);
      const raw = JSON.parse(text);
      const reply = parseSyncReply(text);
      expect(reply.AddMsgList).toEqual(
        mapArray(arrayOrEmpty('x', raw.AddMsgList, 'AddMsgList'), 'AddMsgList', (m, n) =>
          legacyMessage('webwxsync', m, n),
        ),
      );
      expect(reply.ModContactList).toEqual(
        legacyContactList('webwxsync', raw.ModContactList, 'ModContactList'),
      );
      expect(reply.Profile).toEqual(
        raw.Profile == null
          ? structuredClone(PROFILE)
          : legacyNormalise('webwxsync', raw.Profile, 'Profile', PROFILE),
      );
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
  const memberKeys = Object.keys(MEMBER);
  const contactKeys = Object.keys(emptyWireContact());
  const contact = fc
    .tuple(record(contactKeys), fc.option(fc.array(fc.oneof(record(memberKeys), scalar), { maxLength: 3 })))
    .map(([c, members]) => (members === null ? c : { ...c, MemberList: members }));

  it('hostile contacts and members: same records or the same ParseError (fast-check)', () => {
    fc.assert(
      fc.property(fc.oneof(contact, scalar), (c) => {
        expectSameAsLegacy(
          c,
          (v) => legacyContact('x', v, 'C'),
          (v) => readContact('x', v, 'C'),
          (v) => readContactInPlace('x', v, 'C'),
        );
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 4, arbitrary: contact }, { weight: 1, arbitrary: scalar })),
        (list) => {
          expectSameAsLegacy(
            list,
            (v) => legacyContactList('x', v, 'ContactList'),
            (v) => readContactList('x', v, 'ContactList'),
            (v) => readContactListInPlace('x', v, 'ContactList'),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('hostile messages and profiles: same records or the same ParseError (fast-check)', () => {
    fc.assert(
      fc.property(record(Object.keys(MESSAGE)), (m) => {
        expectSameAsLegacy(
          m,
          (v) => legacyMessage('x', v, 'M'),
          (v) => readMessage('x', v, 'M'),
          (v) => readMessageInPlace('x', v, 'M'),
        );
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.oneof(record(Object.keys(PROFILE)), scalar), (p) => {
        const legacy = (v: unknown) =>
          v == null ? structuredClone(PROFILE) : legacyNormalise('x', v, 'P', PROFILE);
        expectSameAsLegacy(
          p,
          legacy,
          (v) => readProfile('x', v, 'P'),
          (v) => readProfileInPlace('x', v, 'P'),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('normaliseRecord still copies and normaliseRecordInPlace agrees with it', () => {
    const template = { A: 0, B: '', C: [] as unknown[], D: { Buff: '' } };
    fc.assert(
      fc.property(record(['A', 'B', 'C', 'D']), (r) => {
        expectSameAsLegacy(
          r,
          (v) => legacyNormalise('x', v, 'R', template, ['B']),
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
