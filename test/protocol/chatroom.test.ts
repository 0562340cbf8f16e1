import { describe, expect, it } from 'vitest';
import { ParseError, ProtocolError } from '../../src/errors.js';
import {
  addMemberFun,
  buildCreateChatroomRequest,
  buildUpdateChatroomRequest,
  DEFAULT_INVITE_START_COUNT,
  parseCreateChatroomReply,
  parseUpdateChatroomReply,
} from '../../src/protocol/chatroom.js';
import { CAPTURE_CTX, catchError } from './helpers.js';

const BASE_REQUEST = {
  Uin: 176666155,
  Sid: '5YpLHmVgWwH5LxN1',
  Skey: '@crypt_63d18dea_a7de6934c67e2f89ac399fa35b689a50',
  DeviceID: 'e123456789012345',
};

const body = (spec: { body?: unknown }) =>
  (spec.body as { kind: 'json'; value: Record<string, unknown> }).value;

describe('webwxcreatechatroom', () => {
  it('builds the POST with the member objects and the topic', () => {
    const spec = buildCreateChatroomRequest(CAPTURE_CTX, {
      deviceId: 'e123456789012345',
      members: ['@a', '@b'],
      topic: 'Hi',
      nowMs: 1546211540630,
    });
    expect(spec.method).toBe('POST');
    const url = new URL(spec.url);
    expect(url.pathname).toBe('/cgi-bin/mmwebwx-bin/webwxcreatechatroom');
    expect(url.searchParams.get('pass_ticket')).toBe('kbmy5Jt9nj+JzBaJZYNpUBQyBwRTejeXq1sM/YH7iOI=');
    expect(url.searchParams.get('lang')).toBe('zh_CN');
    expect(body(spec)).toEqual({
      BaseRequest: expect.objectContaining({ Sid: BASE_REQUEST.Sid, DeviceID: BASE_REQUEST.DeviceID }),
      MemberCount: 2,
      MemberList: [{ UserName: '@a' }, { UserName: '@b' }],
      Topic: 'Hi',
    });
    expect(
      body(buildCreateChatroomRequest(CAPTURE_CTX, { deviceId: 'e1', members: ['@a'], nowMs: 1 })).Topic,
    ).toBe('');
  });

  it("parses wwdk's reply shape", () => {
    const reply = parseCreateChatroomReply(
      JSON.stringify({
        BaseResponse: { Ret: 0, ErrMsg: 'Everything is OK' },
        Topic: '',
        PYInitial: '',
        QuanPin: '',
        MemberCount: 3,
        MemberList: [{ UserName: '@a', NickName: 'A' }, { UserName: '@b' }, { UserName: '@me' }],
        ChatRoomName: '@@abc',
        BlackList: '',
      }),
    );
    expect(reply.ChatRoomName).toBe('@@abc');
    expect(reply.MemberCount).toBe(3);
    expect(reply.MemberList[0]).toMatchObject({ UserName: '@a', NickName: 'A', DisplayName: '' });
  });

  it('answers a typed error for a refusal, a missing room name and garbage', () => {
    const refused = catchError(() =>
      parseCreateChatroomReply(
        JSON.stringify({ BaseResponse: { Ret: -2, ErrMsg: 'nope' }, ChatRoomName: '' }),
      ),
    );
    expect(refused).toBeInstanceOf(ProtocolError);
    expect((refused as ProtocolError).ret).toBe(-2);
    expect(
      catchError(() => parseCreateChatroomReply(JSON.stringify({ BaseResponse: { Ret: 0 } }))),
    ).toBeInstanceOf(ParseError);
    expect(catchError(() => parseCreateChatroomReply('<html>'))).toBeInstanceOf(ParseError);
    expect(
      catchError(() =>
        parseCreateChatroomReply(
          JSON.stringify({ BaseResponse: { Ret: 0 }, ChatRoomName: '@@x', MemberList: [1] }),
        ),
      ),
    ).toBeInstanceOf(ParseError);
  });
});

describe('webwxupdatechatroom', () => {
  const ctx = CAPTURE_CTX;
  const d = 'e123456789012345';
  it.each([
    ['addmember', 'AddMemberList'],
    ['invitemember', 'InviteMemberList'],
    ['delmember', 'DelMemberList'],
  ] as const)('%s lists the members comma-separated in %s', (fun, field) => {
    const spec = buildUpdateChatroomRequest(ctx, { deviceId: d, room: '@@r', fun, members: ['@a', '@b'] });
    expect(new URL(spec.url).searchParams.get('fun')).toBe(fun);
    expect(body(spec)).toEqual({ BaseRequest: expect.any(Object), ChatRoomName: '@@r', [field]: '@a,@b' });
  });

  it('modtopic sends NewTopic; quitchatroom only the room', () => {
    expect(
      body(buildUpdateChatroomRequest(ctx, { deviceId: d, room: '@@r', fun: 'modtopic', topic: '新' })),
    ).toEqual({
      BaseRequest: expect.any(Object),
      ChatRoomName: '@@r',
      NewTopic: '新',
    });
    expect(
      Object.keys(body(buildUpdateChatroomRequest(ctx, { deviceId: d, room: '@@r', fun: 'quitchatroom' }))),
    ).toEqual(['BaseRequest', 'ChatRoomName']);
  });

  it('parses replies with and without member lists; Ret 1 (wwdk delmember sample) is a ProtocolError', () => {
    expect(parseUpdateChatroomReply(JSON.stringify({ BaseResponse: { Ret: 0 } }))).toMatchObject({
      MemberCount: 0,
      MemberList: [],
    });
    const full = parseUpdateChatroomReply(
      JSON.stringify({
        BaseResponse: { Ret: 0 },
        MemberCount: '2',
        MemberList: [{ UserName: '@a' }, { UserName: '@b' }],
      }),
    );
    expect(full.MemberCount).toBe(2);
    const error = catchError(() =>
      parseUpdateChatroomReply(
        JSON.stringify({ BaseResponse: { Ret: 1, ErrMsg: '' }, MemberCount: 0, MemberList: [] }),
      ),
    );
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).endpoint).toBe('webwxupdatechatroom');
  });

  it('switches to invitemember once the room is larger than InviteStartCount', () => {
    expect(DEFAULT_INVITE_START_COUNT).toBe(40);
    expect(addMemberFun(3, 40)).toBe('addmember');
    expect(addMemberFun(40, 40)).toBe('addmember');
    expect(addMemberFun(41, 40)).toBe('invitemember');
  });
});
