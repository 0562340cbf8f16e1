import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError, ProtocolError } from '../../src/errors.js';
import {
  arrayOrEmpty,
  assertOk,
  MAX_JSON_REPLY_LENGTH,
  numberOr,
  numberOrString,
  parseJsonReply,
  requireObject,
  stringOr,
} from '../../src/protocol/json-reply.js';
import { normaliseRecord } from '../../src/protocol/record-template.js';
import {
  isUsableSyncKey,
  readContact,
  readMessage,
  readProfile,
  readSyncKey,
} from '../../src/protocol/wire-readers.js';
import { messageFixtureNames, readFixtureJson } from '../fixtures.js';

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('parseJsonReply', () => {
  it('parses a JSON object whatever its whitespace, with or without a BOM', () => {
    expect(
      parseJsonReply(
        'webwxstatusnotify',
        '{"BaseResponse": {"Ret": 0,"ErrMsg": ""},"MsgID": "8032721323945545465"}',
      ),
    ).toEqual({
      BaseResponse: { Ret: 0, ErrMsg: '' },
      MsgID: '8032721323945545465',
    });
    expect(parseJsonReply('x', '\uFEFF {"a":1}\n')).toEqual({ a: 1 });
  });

  for (const text of [
    '',
    'not json',
    '{"a":',
    '{"a":1',
    '[1,2]',
    '"str"',
    '42',
    'null',
    'true',
    '<html></html>',
    '{"a":1}}',
  ]) {
    it(`rejects ${JSON.stringify(text)} with ParseError`, () => {
      const e = catchError(() => parseJsonReply('webwxinit', text));
      expect(e).toBeInstanceOf(ParseError);
      expect((e as ParseError).endpoint).toBe('webwxinit');
    });
  }

  it('rejects oversized replies without parsing them', () => {
    const text = `{"a":"${'x'.repeat(MAX_JSON_REPLY_LENGTH)}"}`;
    expect((catchError(() => parseJsonReply('webwxsync', text)) as ParseError).message).toMatch(/too large/);
  });

  it('survives deeply nested JSON with a ParseError or a value, never a crash', () => {
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    try {
      parseJsonReply('x', deep);
    } catch (e) {
      expect(e).toBeInstanceOf(ParseError);
    }
  });

  it('does not let "__proto__" keys touch prototypes', () => {
    const obj = parseJsonReply('x', '{"__proto__":{"polluted":1}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
  });

  it('never throws anything but ParseError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.json()), (text) => {
        try {
          parseJsonReply('x', text);
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('assertOk', () => {
  it('returns the normalised BaseResponse on Ret 0 (number or string)', () => {
    expect(assertOk('x', { Ret: 0, ErrMsg: '' })).toEqual({ Ret: 0, ErrMsg: '' });
    expect(assertOk('x', { Ret: '0' })).toEqual({ Ret: 0, ErrMsg: '' });
  });

  it('throws ProtocolError(endpoint, Ret, ErrMsg) on a non-zero Ret', () => {
    const e = catchError(() =>
      assertOk('webwxsendmsg', { Ret: 1204, ErrMsg: 'not friend' }),
    ) as ProtocolError;
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e.endpoint).toBe('webwxsendmsg');
    expect(e.ret).toBe(1204);
    expect(e.errMsg).toBe('not friend');
    const s = catchError(() => assertOk('webwxinit', { Ret: '1101', ErrMsg: 7 })) as ProtocolError;
    expect(s.ret).toBe(1101);
    expect(s.errMsg).toBe('');
    expect((catchError(() => assertOk('x', { Ret: -1 })) as ProtocolError).ret).toBe(-1);
  });

  it('throws ParseError when BaseResponse or Ret is missing or malformed', () => {
    for (const br of [
      undefined,
      null,
      'ok',
      [],
      {},
      { Ret: 'zero' },
      { Ret: null },
      { Ret: true },
      { Ret: {} },
    ]) {
      expect(catchError(() => assertOk('x', br))).toBeInstanceOf(ParseError);
    }
    expect((catchError(() => assertOk('x', undefined)) as ParseError).message).toMatch(/BaseResponse/);
    expect((catchError(() => assertOk('x', { Ret: 'zero' })) as ParseError).message).toMatch(
      /BaseResponse\.Ret/,
    );
  });
});

describe('shape helpers', () => {
  it('numberOrString accepts numbers and numeric strings only', () => {
    expect(numberOrString('x', 5, 'f')).toBe(5);
    expect(numberOrString('x', ' -12 ', 'f')).toBe(-12);
    expect(numberOrString('x', '1.5', 'f')).toBe(1.5);
    for (const v of ['', 'abc', '1e5', Number.NaN, Number.POSITIVE_INFINITY, null, undefined, {}, [], true]) {
      const e = catchError(() => numberOrString('x', v, 'Seq'));
      expect(e).toBeInstanceOf(ParseError);
      expect((e as ParseError).message).toContain('Seq');
    }
  });

  it('numberOr and stringOr default missing values', () => {
    expect(numberOr('x', undefined, 'f', 40)).toBe(40);
    expect(numberOr('x', null, 'f', 40)).toBe(40);
    expect(numberOr('x', '41', 'f', 40)).toBe(41);
    expect(stringOr('x', undefined, 'f', 'd')).toBe('d');
    expect(stringOr('x', 12, 'f', 'd')).toBe('12');
    expect(catchError(() => stringOr('x', {}, 'SKey', ''))).toBeInstanceOf(ParseError);
  });

  it('arrayOrEmpty turns a missing array into [] and rejects other types', () => {
    expect(arrayOrEmpty('x', undefined, 'f')).toEqual([]);
    expect(arrayOrEmpty('x', null, 'f')).toEqual([]);
    expect(arrayOrEmpty('x', [1], 'f')).toEqual([1]);
    const e = catchError(() => arrayOrEmpty('x', 'nope', 'AddMsgList')) as ParseError;
    expect(e).toBeInstanceOf(ParseError);
    expect(e.message).toContain('AddMsgList is not an array');
  });

  it('requireObject names the missing field', () => {
    expect((catchError(() => requireObject('x', undefined, 'User')) as ParseError).message).toContain(
      'User is missing',
    );
    expect((catchError(() => requireObject('x', [], 'User')) as ParseError).message).toContain(
      'User is not an object',
    );
  });

  it('normaliseRecord fills defaults, coerces harmless variations, keeps extra keys and names bad fields', () => {
    const template = { A: 0, B: '', C: [] as unknown[], D: { Buff: '' } };
    expect(normaliseRecord('x', { A: '7', B: 3, Extra: true }, 'R', template)).toEqual({
      A: 7,
      B: '3',
      C: [],
      D: { Buff: '' },
      Extra: true,
    });
    expect(
      (catchError(() => normaliseRecord('x', { A: 'seven' }, 'R', template)) as ParseError).message,
    ).toContain('R.A');
    expect(
      (catchError(() => normaliseRecord('x', { D: { Buff: [] } }, 'R', template)) as ParseError).message,
    ).toContain('R.D.Buff');
    expect(
      (catchError(() => normaliseRecord('x', {}, 'R', template, ['B'])) as ParseError).message,
    ).toContain('R.B is missing');
  });

  it('does not share default objects between results', () => {
    const a = readProfile('x', undefined, 'Profile');
    a.UserName.Buff = 'changed';
    expect(readProfile('x', undefined, 'Profile').UserName.Buff).toBe('');
  });
});

describe('wire shape readers on real data', () => {
  it('readSyncKey reads the capture key, accepting numeric strings', () => {
    const init = readFixtureJson<{ SyncKey: unknown }>('responses', 'QJesus-webwxinit.json');
    expect(readSyncKey('x', init.SyncKey, 'SyncKey')).toEqual({
      Count: 4,
      List: [
        { Key: 1, Val: 698325105 },
        { Key: 2, Val: 698325109 },
        { Key: 3, Val: 698325051 },
        { Key: 1000, Val: 1546210682 },
      ],
    });
    expect(readSyncKey('x', { List: [{ Key: '1', Val: '2' }] }, 'SyncKey')).toEqual({
      Count: 1,
      List: [{ Key: 1, Val: 2 }],
    });
    expect(
      (catchError(() => readSyncKey('x', { Count: 1, List: [{ Key: 1 }] }, 'SyncKey')) as ParseError).message,
    ).toContain('SyncKey.List[0].Val');
    expect(catchError(() => readSyncKey('x', { Count: 1 }, 'SyncKey'))).toBeInstanceOf(ParseError);
  });

  it('isUsableSyncKey rejects Count 0 and empty lists', () => {
    expect(isUsableSyncKey({ Count: 1, List: [{ Key: 1, Val: 1 }] })).toBe(true);
    expect(isUsableSyncKey({ Count: 0, List: [{ Key: 1, Val: 1 }] })).toBe(false);
    expect(isUsableSyncKey({ Count: 1, List: [] })).toBe(false);
    expect(isUsableSyncKey(undefined)).toBe(false);
  });

  it('readContact keeps a real group with its members, and requires UserName', () => {
    const batch = readFixtureJson<{ ContactList: unknown[] }>(
      'responses',
      'QJesus-webwxbatchgetcontact.json',
    );
    const group = readContact('x', batch.ContactList[0], 'ContactList[0]');
    expect(group.UserName).toBe('@@35c78783e0906eb43b070ef4425a965cf06933f67cc45a436d89d7e31267348e');
    expect(group.NickName).toBe('相亲相爱的一家人');
    expect(group.MemberCount).toBe(14);
    expect(group.MemberList.length).toBeGreaterThan(0);
    expect(group.MemberList[0]!.UserName).toBe(
      '@a53c1fbfce2d6ece47a39329ca2e95071e05cddbd94f0ec3973ffe39a06ccbe6',
    );
    expect(catchError(() => readContact('x', { NickName: 'n' }, 'MemberList[2]'))).toBeInstanceOf(ParseError);
    expect(
      (catchError(() => readContact('x', { UserName: 'u', MemberList: [{}] }, 'C')) as ParseError).message,
    ).toContain('C.MemberList[0].UserName');
  });

  it('readMessage accepts every real AddMsgList sample that has the four identifying fields', () => {
    let read = 0;
    for (const name of messageFixtureNames()) {
      const raw = readFixtureJson<Record<string, unknown>>('messages', name);
      const complete = ['MsgId', 'FromUserName', 'ToUserName', 'MsgType'].every(
        (k) => raw[k] !== undefined && raw[k] !== null,
      );
      if (!complete) {
        expect(catchError(() => readMessage('webwxsync', raw, 'AddMsgList[0]'))).toBeInstanceOf(ParseError);
        continue;
      }
      const msg = readMessage('webwxsync', raw, 'AddMsgList[0]');
      expect(typeof msg.MsgId).toBe('string');
      expect(typeof msg.Content).toBe('string');
      expect(typeof msg.FileSize).toBe('string');
      expect(typeof msg.RecommendInfo.Ticket).toBe('string');
      read++;
    }
    expect(read).toBeGreaterThan(40);
  });
});
