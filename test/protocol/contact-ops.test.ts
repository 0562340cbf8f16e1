import { describe, expect, it } from 'vitest';
import { ParseError, ProtocolError } from '../../src/errors.js';
import {
  buildOplogRequest,
  buildSearchContactRequest,
  buildVerifyUserRequest,
  parseBaseReply,
  parseSearchContactReply,
  VERIFY_OPCODE,
} from '../../src/protocol/contact-ops.js';
import { CAPTURE_CTX, catchError } from './helpers.js';

const body = (spec: { body?: unknown }) =>
  (spec.body as { kind: 'json'; value: Record<string, unknown> }).value;
const d = 'e123456789012345';

describe('webwxoplog', () => {
  it('CmdId 2 sets the remark', () => {
    const spec = buildOplogRequest(CAPTURE_CTX, {
      deviceId: d,
      userName: '@a',
      cmd: 'remark',
      remarkName: '老张',
    });
    expect(spec.endpoint).toBe('webwxoplog');
    expect(new URL(spec.url).pathname).toBe('/cgi-bin/mmwebwx-bin/webwxoplog');
    expect(body(spec)).toEqual({
      BaseRequest: expect.any(Object),
      UserName: '@a',
      CmdId: 2,
      RemarkName: '老张',
    });
  });

  it('CmdId 3 pins (OP 1) and unpins (OP 0), sending the current remark along', () => {
    const pin = buildOplogRequest(CAPTURE_CTX, {
      deviceId: d,
      userName: '@a',
      cmd: 'pin',
      pinned: true,
      remarkName: 'R',
    });
    expect(body(pin)).toEqual({
      BaseRequest: expect.any(Object),
      UserName: '@a',
      CmdId: 3,
      OP: 1,
      RemarkName: 'R',
    });
    const unpin = buildOplogRequest(CAPTURE_CTX, {
      deviceId: d,
      userName: '@a',
      cmd: 'pin',
      pinned: false,
      remarkName: '',
    });
    expect(body(unpin)).toMatchObject({ CmdId: 3, OP: 0, RemarkName: '' });
  });
});

describe('webwxverifyuser', () => {
  it('builds the accept of the capture shape (Opcode 3, scene 33, ticket)', () => {
    const spec = buildVerifyUserRequest(CAPTURE_CTX, {
      deviceId: d,
      opcode: VERIFY_OPCODE.accept,
      userName: '@stranger',
      ticket: 'v2_abc@stranger',
      content: '',
      nowMs: 1546211540630,
    });
    const url = new URL(spec.url);
    expect(url.pathname).toBe('/cgi-bin/mmwebwx-bin/webwxverifyuser');
    expect(url.searchParams.get('r')).not.toBeNull();
    expect(body(spec)).toEqual({
      BaseRequest: expect.any(Object),
      Opcode: 3,
      VerifyUserListSize: 1,
      VerifyUserList: [{ Value: '@stranger', VerifyUserTicket: 'v2_abc@stranger' }],
      VerifyContent: '',
      SceneListCount: 1,
      SceneList: [33],
      skey: CAPTURE_CTX.credentials.skey,
    });
  });

  it('sends a request with a greeting (Opcode 2)', () => {
    const spec = buildVerifyUserRequest(CAPTURE_CTX, {
      deviceId: d,
      opcode: VERIFY_OPCODE.sendRequest,
      userName: '@x',
      ticket: '',
      content: '我是Me',
      nowMs: 1,
    });
    expect(body(spec)).toMatchObject({
      Opcode: 2,
      VerifyContent: '我是Me',
      VerifyUserList: [{ Value: '@x', VerifyUserTicket: '' }],
    });
  });
});

describe('replies', () => {
  it('parseBaseReply: ok, Ret ≠ 0, not JSON', () => {
    expect(parseBaseReply('webwxoplog', '{"BaseResponse":{"Ret":0,"ErrMsg":""}}').BaseResponse.Ret).toBe(0);
    const e = catchError(() =>
      parseBaseReply('webwxverifyuser', '{"BaseResponse":{"Ret":-14,"ErrMsg":"ticket"}}'),
    );
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e).toMatchObject({ ret: -14, endpoint: 'webwxverifyuser' });
    expect(catchError(() => parseBaseReply('webwxoplog', 'window.x=1'))).toBeInstanceOf(ParseError);
  });

  it('webwxsearchcontact', () => {
    const spec = buildSearchContactRequest(CAPTURE_CTX, { deviceId: d, keyword: 'ab' });
    expect(body(spec)).toEqual({ BaseRequest: expect.any(Object), KeyWord: 'ab' });
    expect(
      parseSearchContactReply('{"BaseResponse":{"Ret":0},"List":[{"UserName":"@a"}]}').List[0]?.UserName,
    ).toBe('@a');
    expect(parseSearchContactReply('{"BaseResponse":{"Ret":0}}').List).toEqual([]);
  });

  it('webwxsearchcontact entries named by EncryUserName only (as the official page reads them)', () => {
    const reply = parseSearchContactReply(
      '{"BaseResponse":{"Ret":0},"List":[{"EncryUserName":"@b","NickName":"Bob"},{"UserName":"@c","EncryUserName":"@x"}]}',
    );
    expect(reply.List.map((c) => [c.UserName, c.NickName])).toEqual([
      ['@b', 'Bob'],
      ['@c', ''],
    ]);
    expect(() => parseSearchContactReply('{"BaseResponse":{"Ret":1},"List":[]}')).toThrow(ProtocolError);
  });
});
