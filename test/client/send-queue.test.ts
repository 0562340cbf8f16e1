import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRateLimited, isSendRetryable, sendRetryDelay } from '../../src/client/send-queue.js';
import { DEFAULT_RATE_LIMIT, resolveRateLimit, storeStableIds } from '../../src/client/store-options.js';
import { ParseError, ProtocolError, TransportError } from '../../src/errors.js';
import { MemoryStore, SqliteStore } from '../../src/store/index.js';
import { DEFAULT_RETRY_POLICY } from '../../src/transport/index.js';

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
