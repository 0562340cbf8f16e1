/** The one Ret-code policy of sends (send-policy.ts): its table, row by row, and the attempt limit. */
import { describe, expect, it } from 'vitest';
import { MediaError } from '../../../src/client/media/media-errors.js';
import {
  actionFor,
  decideSendFailure,
  SEND_POLICY,
  sendRetryDelay,
} from '../../../src/client/send/send-policy.js';
import {
  ClientStoppedError,
  LoggedOutError,
  ParseError,
  ProtocolError,
  RecipientGoneError,
  TransportError,
} from '../../../src/errors.js';
import { DEFAULT_RETRY_POLICY } from '../../../src/transport/index.js';

const options = {
  rateLimit: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 30_000 },
  retry: DEFAULT_RETRY_POLICY,
};
const ret = (code: number) => new ProtocolError('webwxsendmsg', code);

describe('send policy', () => {
  it('decides by failure as its table says', () => {
    const cases: [unknown, string][] = [
      [ret(1205), 'pause-all'],
      [ret(-1), 'retry-chat'],
      [ret(1100), 'session-ended'],
      [ret(1101), 'session-ended'],
      [ret(1102), 'session-ended'],
      [new LoggedOutError('session-expired', 1102), 'session-ended'],
      [new TransportError('reset', { url: 'u' }), 'retry-chat'],
      [new TransportError('bad gateway', { url: 'u', status: 502 }), 'retry-chat'],
      [new TransportError('too many', { url: 'u', status: 429 }), 'retry-chat'],
      [new ParseError('webwxsendmsg', 'cut', 'x'), 'retry-chat'],
      [ret(1204), 'fail'],
      [ret(1), 'fail'],
      [new TransportError('not found', { url: 'u', status: 404 }), 'fail'],
      [new MediaError('too-large', 'big'), 'fail'],
      [new RecipientGoneError('@old', 'p:x'), 'fail'],
      [new ClientStoppedError(), 'fail'],
      [new TypeError('bug'), 'fail'],
    ];
    for (const [error, action] of cases)
      expect([String(error), actionFor(error)]).toEqual([String(error), action]);
    // Every action of the table is one actionFor gives.
    expect(new Set(SEND_POLICY.map((r) => r.action))).toEqual(new Set(cases.map(([, a]) => a)));
  });

  it('gives up after rateLimit.maxAttempts; the session end carries its reason', () => {
    expect(decideSendFailure(ret(1205), 2, options, () => 0.5).action).toBe('pause-all');
    expect(decideSendFailure(ret(1205), 3, options, () => 0.5).action).toBe('fail');
    expect(decideSendFailure(new TransportError('reset', { url: 'u' }), 3, options, () => 0.5).action).toBe(
      'fail',
    );
    const ended = decideSendFailure(ret(1101), 99, options, () => 0.5);
    expect(ended.action).toBe('session-ended');
    expect(ended.loggedOut).toMatchObject({ reason: 'logged-in-elsewhere', ret: 1101 });
  });

  it('1205 waits half to all of the doubling step (equal jitter), capped', () => {
    expect(sendRetryDelay(1, ret(1205), options, () => 0)).toBe(500);
    expect(sendRetryDelay(1, ret(1205), options, () => 0.999999)).toBeCloseTo(1000, 0);
    expect(sendRetryDelay(3, ret(1205), options, () => 0)).toBe(2000);
    expect(sendRetryDelay(40, ret(1205), options, () => 1)).toBe(30_000);
    expect(sendRetryDelay(2, new TransportError('reset', { url: 'u' }), options, () => 0)).toBe(0);
  });
});
