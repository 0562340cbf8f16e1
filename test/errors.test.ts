import { describe, expect, it } from 'vitest';
import {
  LoggedOutError,
  LoginRefusedError,
  logoutReasonFor,
  ParseError,
  ProtocolError,
  sessionEndOf,
  TransportError,
  WebWxError,
} from '../src/errors.js';

describe('errors', () => {
  it('share one base class and carry their details', () => {
    const errors = [
      new TransportError('connect ECONNREFUSED', { url: 'https://wx.qq.com/x?skey=@crypt_1234abcd_ff' }),
      new ProtocolError('webwxsendmsg', 1204, 'not a friend'),
      new LoggedOutError('logged-in-elsewhere', 1101),
      new LoginRefusedError(1203, '为了你的帐号安全，此微信号不能登录网页微信。'),
      new ParseError('synccheck', 'not a window.synccheck reply', 'garbage'),
    ];
    for (const e of errors) {
      expect(e).toBeInstanceOf(WebWxError);
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe(e.constructor.name);
    }
    expect((errors[1] as ProtocolError).ret).toBe(1204);
    expect((errors[1] as ProtocolError).endpoint).toBe('webwxsendmsg');
    expect((errors[2] as LoggedOutError).reason).toBe('logged-in-elsewhere');
    expect(errors[3]?.message).toContain('此微信号不能登录网页微信');
  });

  it('redacts secrets in messages and URLs', () => {
    const e = new TransportError('GET https://wx.qq.com/?sid=SECRETSID failed', {
      url: 'https://wx.qq.com/?sid=SECRETSID',
    });
    expect(e.message).not.toContain('SECRETSID');
    expect(e.url).not.toContain('SECRETSID');
  });

  it('classifies transport errors as retryable by status', () => {
    expect(new TransportError('reset', { url: 'u' }).retryable).toBe(true);
    expect(new TransportError('503', { url: 'u', status: 503 }).retryable).toBe(true);
    expect(new TransportError('404', { url: 'u', status: 404 }).retryable).toBe(false);
  });

  it('maps session-ending codes to reasons', () => {
    expect(logoutReasonFor(1100)).toBe('logged-out-on-phone');
    expect(logoutReasonFor(1101)).toBe('logged-in-elsewhere');
    expect(logoutReasonFor(1102)).toBe('session-expired');
    expect(logoutReasonFor(0)).toBeUndefined();
    expect(logoutReasonFor(1205)).toBeUndefined();
  });

  it("maps an error to the session's end (one place for every caller)", () => {
    const expired = sessionEndOf(new ProtocolError('webwxsync', 1102, ''));
    expect(expired).toBeInstanceOf(LoggedOutError);
    expect(expired).toMatchObject({ reason: 'session-expired', ret: 1102 });
    const already = new LoggedOutError('logout-called');
    expect(sessionEndOf(already)).toBe(already);
    expect(sessionEndOf(new ProtocolError('webwxsendmsg', 1205, ''))).toBeUndefined();
    expect(
      sessionEndOf(new TransportError('connect ECONNREFUSED', { url: 'https://wx.qq.com/' })),
    ).toBeUndefined();
    expect(sessionEndOf(new Error('plain'))).toBeUndefined();
  });
});
