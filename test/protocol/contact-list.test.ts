import { describe, expect, it } from 'vitest';
import { ParseError, ProtocolError } from '../../src/errors.js';
import {
  BATCH_LIMIT,
  buildBatchGetContactRequests,
  buildGetContactRequest,
  parseBatchGetContactReply,
  parseGetContactReply,
} from '../../src/protocol/contact-list.js';
import { readFixtureJson } from '../fixtures.js';
import { CAPTURE_CTX, catchError } from './helpers.js';

type Json = Record<string, unknown>;
const fixtureText = (name: string): string => JSON.stringify(readFixtureJson<Json>('responses', name));

describe('webwxgetcontact', () => {
  it('builds the GET of the capture', () => {
    expect(buildGetContactRequest(CAPTURE_CTX, { seq: 0, nowMs: 1546211540630 })).toEqual({
      endpoint: 'webwxgetcontact',
      method: 'GET',
      url: 'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxgetcontact?lang=zh_CN&pass_ticket=kbmy5Jt9nj%2BJzBaJZYNpUBQyBwRTejeXq1sM%2FYH7iOI%3D&r=1546211540630&seq=0&skey=%40crypt_63d18dea_a7de6934c67e2f89ac399fa35b689a50',
    });
    expect(
      new URL(buildGetContactRequest(CAPTURE_CTX, { seq: 698325105, nowMs: 1 }).url).searchParams.get('seq'),
    ).toBe('698325105');
  });

  it('parses the 2018 capture', () => {
    const reply = parseGetContactReply(fixtureText('QJesus-webwxgetcontact.json'));
    expect(reply.Seq).toBe(0);
    expect(reply.MemberCount).toBe(64);
    expect(reply.MemberList).toHaveLength(1);
    expect(reply.MemberList[0]!.UserName).toBe(
      '@a53c1fbfce2d6ece47a39329ca2e95071e05cddbd94f0ec3973ffe39a06ccbe6',
    );
    expect(reply.MemberList[0]!.RemarkName).toBe('亲爱的大宝贝');
    expect(reply.MemberList[0]!.ContactFlag).toBe(34819);
  });

  it('parses the 2016 capture, groups with MemberCount 0', () => {
    const raw = readFixtureJson<Json>('responses', 'webwxgetcontact.json');
    const reply = parseGetContactReply(JSON.stringify(raw));
    expect(reply.MemberCount).toBe(149);
    expect(reply.Seq).toBe(0);
    expect(reply.MemberList.map((c) => c.UserName.slice(0, 10))).toEqual([
      '@7f504ff04',
      '@2035c3436',
      '@1b7659d7c',
      '@7bb52d4e8',
      '@@180fa413',
      '@cb02debe0',
      '@2ea0ad63b',
    ]);
    expect(reply.MemberList[4]!.MemberCount).toBe(0);
    expect(reply.MemberList[0]!.NickName).toBe('微信红包');
    // every field received survives; the 2016 reply lacks IsOwner, which is filled in
    expect(reply.MemberList).toMatchObject(raw.MemberList as object[]);
    expect(reply.MemberList.every((c) => c.IsOwner === 0)).toBe(true);
  });

  it('accepts Seq as a string and a missing Seq as the last page', () => {
    expect(parseGetContactReply('{"BaseResponse":{"Ret":0},"MemberList":[],"Seq":"12"}').Seq).toBe(12);
    const last = parseGetContactReply('{"BaseResponse":{"Ret":0},"MemberList":[{"UserName":"@a"}]}');
    expect(last.Seq).toBe(0);
    expect(last.MemberCount).toBe(1);
  });

  it('requires MemberList to be an array and Seq a number', () => {
    for (const [text, message] of [
      ['{"BaseResponse":{"Ret":0},"Seq":0}', /MemberList is missing/],
      ['{"BaseResponse":{"Ret":0},"MemberList":{},"Seq":0}', /MemberList is not an array/],
      ['{"BaseResponse":{"Ret":0},"MemberList":[],"Seq":"next"}', /Seq/],
      ['{"BaseResponse":{"Ret":0},"MemberList":[null],"Seq":0}', /MemberList\[0\]/],
      [
        '{"BaseResponse":{"Ret":0},"MemberList":[{"UserName":"@a","NickName":{}}],"Seq":0}',
        /MemberList\[0\]\.NickName/,
      ],
    ] as const) {
      const e = catchError(() => parseGetContactReply(text));
      expect(e).toBeInstanceOf(ParseError);
      expect((e as ParseError).message).toMatch(message);
    }
  });

  it('throws ProtocolError on a non-zero Ret, ParseError on garbage', () => {
    const e = catchError(() =>
      parseGetContactReply('{"BaseResponse":{"Ret":1102,"ErrMsg":""}}'),
    ) as ProtocolError;
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e.endpoint).toBe('webwxgetcontact');
    expect(e.ret).toBe(1102);
    const text = fixtureText('webwxgetcontact.json');
    for (const bad of ['', 'undefined', text.slice(0, 500), '{"BaseResponse":"ok"}']) {
      expect(catchError(() => parseGetContactReply(bad))).toBeInstanceOf(ParseError);
    }
  });
});

describe('webwxbatchgetcontact', () => {
  it('builds one request for the capture groups', () => {
    const specs = buildBatchGetContactRequests(CAPTURE_CTX, {
      deviceId: 'e052188541765358',
      nowMs: 1546211540656,
      items: [
        { UserName: '@@35c78783e0906eb43b070ef4425a965cf06933f67cc45a436d89d7e31267348e' },
        {
          UserName: '@member',
          EncryChatRoomId: '@@35c78783e0906eb43b070ef4425a965cf06933f67cc45a436d89d7e31267348e',
        },
      ],
    });
    expect(specs).toHaveLength(1);
    expect(specs[0]).toEqual({
      endpoint: 'webwxbatchgetcontact',
      method: 'POST',
      url: 'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxbatchgetcontact?type=ex&r=1546211540656&lang=zh_CN&pass_ticket=kbmy5Jt9nj%2BJzBaJZYNpUBQyBwRTejeXq1sM%2FYH7iOI%3D',
      body: {
        kind: 'json',
        value: {
          BaseRequest: {
            Uin: 176666155,
            Sid: '5YpLHmVgWwH5LxN1',
            Skey: '@crypt_63d18dea_a7de6934c67e2f89ac399fa35b689a50',
            DeviceID: 'e052188541765358',
          },
          Count: 2,
          List: [
            {
              UserName: '@@35c78783e0906eb43b070ef4425a965cf06933f67cc45a436d89d7e31267348e',
              EncryChatRoomId: '',
            },
            {
              UserName: '@member',
              EncryChatRoomId: '@@35c78783e0906eb43b070ef4425a965cf06933f67cc45a436d89d7e31267348e',
            },
          ],
        },
      },
    });
  });

  it('splits into batches of 50', () => {
    expect(BATCH_LIMIT).toBe(50);
    const items = Array.from({ length: 121 }, (_, i) => ({ UserName: `@u${i}` }));
    const specs = buildBatchGetContactRequests(CAPTURE_CTX, { deviceId: 'e1', items, nowMs: 1 });
    const bodies = specs.map(
      (s) => (s.body as { value: { Count: number; List: { UserName: string }[] } }).value,
    );
    expect(bodies.map((b) => b.Count)).toEqual([50, 50, 21]);
    expect(bodies.map((b) => b.List.length)).toEqual([50, 50, 21]);
    expect(bodies.flatMap((b) => b.List.map((x) => x.UserName))).toEqual(items.map((i) => i.UserName));
    expect(buildBatchGetContactRequests(CAPTURE_CTX, { deviceId: 'e1', items: [], nowMs: 1 })).toEqual([]);
    expect(
      buildBatchGetContactRequests(CAPTURE_CTX, { deviceId: 'e1', items: items.slice(0, 50), nowMs: 1 }),
    ).toHaveLength(1);
  });

  it('parses the 2018 capture: a group with its members', () => {
    const reply = parseBatchGetContactReply(fixtureText('QJesus-webwxbatchgetcontact.json'));
    expect(reply.Count).toBe(2);
    const group = reply.ContactList[0]!;
    expect(group.UserName).toBe('@@35c78783e0906eb43b070ef4425a965cf06933f67cc45a436d89d7e31267348e');
    expect(group.NickName).toBe('相亲相爱的一家人');
    expect(group.MemberCount).toBe(14);
    expect(group.MemberList[0]!.NickName).toBe('亲爱的大宝贝');
    expect(group.MemberList[0]!.AttrStatus).toBe(135461);
  });

  it('parses the 2016 capture', () => {
    const raw = readFixtureJson<{ ContactList: unknown[] }>('responses', 'webwxbatchgetcontact.json');
    const reply = parseBatchGetContactReply(JSON.stringify(raw));
    expect(reply.Count).toBe(1);
    expect(reply.ContactList[0]!.UserName).toBe(
      '@@180fa413a597f0f313529f756a974f021ba02ff8f8388c1588c76b844fa71935',
    );
    expect(reply.ContactList[0]!.NickName).toBe('家庭');
    expect(reply.ContactList[0]!.MemberList[0]!.UserName).toBe(
      '@2ea0ad63b5550c8842c95cb987adea2491fc9e3db0899696f696149cd30688e8',
    );
  });

  it('parses the puppet-wechat room payload as a batch contact, keeping extra fields', () => {
    const room = readFixtureJson<Json>('responses', 'puppet-wechat-room-raw-payload.json');
    const reply = parseBatchGetContactReply(
      JSON.stringify({ BaseResponse: { Ret: 0 }, ContactList: [room] }),
    );
    expect(reply.Count).toBe(1);
    expect(reply.ContactList[0]!.MemberCount).toBe(146);
    expect(reply.ContactList[0]!.MemberList).toHaveLength(10);
    expect(reply.ContactList[0]!.EncryChatRoomId).toBe('@4b8baa99bdfc354443711412126d2aaf');
    expect((reply.ContactList[0] as unknown as Json).MMFromBatchGet).toBe(true);
  });

  it('defaults a missing ContactList, rejects wrong shapes', () => {
    expect(parseBatchGetContactReply('{"BaseResponse":{"Ret":0}}')).toMatchObject({
      Count: 0,
      ContactList: [],
    });
    for (const bad of [
      '{"BaseResponse":{"Ret":0},"ContactList":"x"}',
      '{"BaseResponse":{"Ret":0},"ContactList":[{"UserName":"@@g","MemberList":[{"Uin":0}]}]}',
      '{"BaseResponse":{"Ret":0},"ContactList":[],"Count":"many"}',
      '{"BaseResponse":{"Ret":0}',
    ]) {
      expect(catchError(() => parseBatchGetContactReply(bad))).toBeInstanceOf(ParseError);
    }
    expect(
      (catchError(() => parseBatchGetContactReply('{"BaseResponse":{"Ret":"1"}}')) as ProtocolError).ret,
    ).toBe(1);
  });
});
