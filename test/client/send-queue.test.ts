import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeenSet } from '../../src/client/seen-set.js';
import {
  isRateLimited,
  isSendRetryable,
  MAX_PARALLEL_SENDS,
  SendQueue,
  sendRetryDelay,
} from '../../src/client/send-queue.js';
import { Session } from '../../src/client/session.js';
import { DEFAULT_RATE_LIMIT, resolveRateLimit, storeStableIds } from '../../src/client/store-options.js';
import { ParseError, ProtocolError, TransportError } from '../../src/errors.js';
import type { HttpReply } from '../../src/protocol/http-request.js';
import { MemoryStore, SqliteStore } from '../../src/store/index.js';
import { DEFAULT_RETRY_POLICY } from '../../src/transport/index.js';
import { fakeRuntime, reply } from './fake-runtime.js';

const policies = { rateLimit: { baseDelayMs: 100, maxDelayMs: 1000 }, retry: DEFAULT_RETRY_POLICY };
const limited = new ProtocolError('webwxsendmsg', 1205);

describe('send retries', () => {
  it('retries rate limits, transient failures and unreadable replies, nothing else', () => {
    expect(isRateLimited(limited)).toBe(true);
    expect(isSendRetryable(limited)).toBe(true);
    expect(isSendRetryable(new ParseError('webwxsendmsg', 'cut', 'x'))).toBe(true);
    expect(isSendRetryable(new TransportError('reset', { url: 'u' }))).toBe(true);
    expect(isSendRetryable(new ProtocolError('webwxsendmsg', 1204))).toBe(false);
    expect(isSendRetryable(new TypeError('bug'))).toBe(false);
  });

  it('a 1205 delay is within [step/2, step], the step doubling up to maxDelayMs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempt, r) => {
          const step = Math.min(1000, 100 * 2 ** (attempt - 1));
          const d = sendRetryDelay(attempt, limited, policies, () => r);
          return d >= step / 2 && d <= step;
        },
      ),
    );
    // Never shorter than the previous attempt's longest wait: a rate limit always slows down.
    expect(sendRetryDelay(2, limited, policies, () => 0)).toBeGreaterThanOrEqual(
      sendRetryDelay(1, limited, policies, () => 0.999),
    );
  });

  it('other failures use the retry policy', () => {
    const d = sendRetryDelay(3, new TransportError('reset', { url: 'u' }), policies, () => 0.5);
    expect(d).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxDelayMs);
  });
});

describe('session options', () => {
  it('resolves rateLimit with defaults and refuses nonsense', () => {
    expect(resolveRateLimit(undefined)).toEqual({ ...DEFAULT_RATE_LIMIT });
    expect(resolveRateLimit({ maxAttempts: 3.7, baseDelayMs: 0 })).toMatchObject({
      maxAttempts: 3,
      baseDelayMs: 0,
    });
    expect(() => resolveRateLimit({ maxAttempts: 0 })).toThrow(TypeError);
    expect(() => resolveRateLimit({ maxDelayMs: Number.NaN })).toThrow(TypeError);
  });

  it('takes the stable-id store of a SqliteStore, none of other stores', () => {
    expect(storeStableIds(new MemoryStore())).toBeUndefined();
    expect(storeStableIds(undefined)).toBeUndefined();
    const sqlite = new SqliteStore(':memory:');
    const ids = storeStableIds(sqlite)!;
    void ids.save([{ id: 'p:x' } as never]);
    expect(ids.load()).toEqual([{ id: 'p:x' }]);
    sqlite.close();
  });
});

describe('SendQueue ordering and parallelism', () => {
  /** A queue whose webwxsendmsg replies the test releases one by one. */
  function queueWithHeldReplies() {
    const held: { to: string; content: string; release: () => void }[] = [];
    const fake = fakeRuntime(
      (spec) =>
        new Promise<HttpReply>((resolve) => {
          const msg = (
            spec.body as { value: { Msg: { ToUserName: string; Content: string; LocalID: string } } }
          ).value.Msg;
          held.push({
            to: msg.ToUserName,
            content: msg.Content,
            release: () =>
              resolve(
                reply(
                  JSON.stringify({
                    BaseResponse: { Ret: 0, ErrMsg: '' },
                    MsgID: `9${held.length}`.padEnd(19, '0'),
                    LocalID: msg.LocalID,
                  }),
                ),
              ),
          });
        }),
    );
    const session = new Session({
      hosts: fake.rt.options.hosts,
      credentials: { skey: '@crypt_00000000_1', sid: 'sid', uin: '1', passTicket: 'pt' },
      deviceId: 'e123456789012345',
      lang: 'zh_CN',
      desktop: true,
    });
    session.selfUser = { UserName: '@self', NickName: 'me' } as never;
    const queue = new SendQueue({
      rt: fake.rt,
      session,
      seen: new SeenSet(),
      store: undefined,
      endSession: () => {},
    });
    return { queue, held };
  }

  const settle = () => new Promise((r) => setTimeout(r, 0));

  it('sends to one chat one at a time, in order, and to different chats in parallel up to the bound', async () => {
    const { queue, held } = queueWithHeldReplies();
    const results = [
      queue.sendText('@a', 'a1'),
      queue.sendText('@a', 'a2'),
      queue.sendText('@b', 'b1'),
      queue.sendText('@c', 'c1'),
      queue.sendText('@d', 'd1'),
      queue.sendText('@e', 'e1'),
    ];
    await settle();
    // a1, b1, c1, d1 are in flight (the bound is MAX_PARALLEL_SENDS); a2 waits for a1, e1 for a slot.
    expect(MAX_PARALLEL_SENDS).toBe(4);
    expect(held.map((h) => h.content)).toEqual(['a1', 'b1', 'c1', 'd1']);
    held[0]!.release();
    await settle();
    // a1's slot goes to e1, which was waiting for one; a2 now waits for a slot.
    expect(held.map((h) => h.content)).toEqual(['a1', 'b1', 'c1', 'd1', 'e1']);
    held[1]!.release();
    await settle();
    expect(held.map((h) => h.content)).toEqual(['a1', 'b1', 'c1', 'd1', 'e1', 'a2']);
    for (const h of held.slice(2)) h.release();
    const sent = await Promise.all(results);
    expect(sent.map((s) => s.toUserName)).toEqual(['@a', '@a', '@b', '@c', '@d', '@e']);
  });
});
