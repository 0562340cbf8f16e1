import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  LoggedOutError,
  LoginRefusedError,
  ParseError,
  ProtocolError,
  TransportError,
} from '../../src/errors.js';
import {
  backoffDelay,
  createHttpTransport,
  DEFAULT_RETRY_POLICY,
  isRetryable,
  type RetryInfo,
  type RetryPolicy,
  sleep,
  withRetry,
} from '../../src/transport/index.js';
import { startServer } from './test-server.js';

const fast: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 };
const noSleep = (): Promise<void> => Promise.resolve();

describe('backoffDelay', () => {
  const policy: RetryPolicy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };

  it('grows exponentially and is capped', () => {
    const almostOne = (): number => 0.999999;
    expect(backoffDelay(1, policy, almostOne)).toBe(99);
    expect(backoffDelay(2, policy, almostOne)).toBe(199);
    expect(backoffDelay(3, policy, almostOne)).toBe(399);
    expect(backoffDelay(4, policy, almostOne)).toBe(799);
    expect(backoffDelay(5, policy, almostOne)).toBe(999);
    expect(backoffDelay(500, policy, almostOne)).toBe(999);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(200);
  });

  it('stays within [0, cap) for any attempt and any random value', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 10_000 }), fc.double(), (attempt, r) => {
        const d = backoffDelay(attempt, policy, () => r);
        return Number.isInteger(d) && d >= 0 && d < policy.maxDelayMs;
      }),
    );
  });
});

describe('isRetryable', () => {
  it('decides by error class', () => {
    expect(isRetryable(new TransportError('x', { url: 'http://a' }))).toBe(true);
    expect(isRetryable(new TransportError('x', { url: 'http://a', timedOut: true }))).toBe(true);
    expect(isRetryable(new TransportError('x', { url: 'http://a', status: 503 }))).toBe(true);
    expect(isRetryable(new TransportError('x', { url: 'http://a', status: 429 }))).toBe(true);
    expect(isRetryable(new TransportError('x', { url: 'http://a', status: 404 }))).toBe(false);
    expect(isRetryable(new ProtocolError('webwxsync', -1))).toBe(true);
    expect(isRetryable(new ProtocolError('webwxsendmsg', 1205))).toBe(true);
    expect(isRetryable(new ProtocolError('webwxsendmsg', 1))).toBe(false);
    expect(isRetryable(new ProtocolError('webwxsync', 1101))).toBe(false);
    expect(isRetryable(new ParseError('webwxinit', 'not JSON'))).toBe(false);
    expect(isRetryable(new LoggedOutError('session-expired', 1102))).toBe(false);
    expect(isRetryable(new LoginRefusedError(1203, 'no'))).toBe(false);
    expect(isRetryable(new Error('bug'))).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
  });
});

describe('withRetry', () => {
  it('retries a transient error, then succeeds', async () => {
    const retries: RetryInfo[] = [];
    const fn = vi.fn(async (attempt: number) => {
      if (attempt < 3) throw new TransportError('reset', { url: 'http://a' });
      return `ok on ${attempt}`;
    });
    const result = await withRetry(fn, {
      policy: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 },
      random: () => 0.5,
      sleep: noSleep,
      onRetry: (info) => retries.push(info),
    });
    expect(result).toBe('ok on 3');
    expect(fn).toHaveBeenCalledTimes(3);
    expect(retries.map((r) => [r.attempt, r.delayMs])).toEqual([
      [1, 50],
      [2, 100],
    ]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    let n = 0;
    const err = await withRetry(
      async () => {
        n++;
        throw new ProtocolError('webwxsendmsg', 1205, `try ${n}`);
      },
      { policy: fast, sleep: noSleep },
    ).catch((e: unknown) => e);
    expect(n).toBe(3);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).errMsg).toBe('try 3');
  });

  it('never retries a ParseError, LoggedOutError or plain Error', async () => {
    for (const error of [
      new ParseError('x', 'bad'),
      new LoggedOutError('logged-in-elsewhere', 1101),
      new Error('x'),
    ]) {
      const fn = vi.fn(async () => {
        throw error;
      });
      await expect(withRetry(fn, { policy: fast, sleep: noSleep })).rejects.toBe(error);
      expect(fn).toHaveBeenCalledTimes(1);
    }
  });

  it('honours a custom shouldRetry and survives a throwing onRetry', async () => {
    const fn = vi.fn(async (attempt: number) => {
      if (attempt === 1) throw new Error('custom transient');
      return attempt;
    });
    const result = await withRetry(fn, {
      policy: fast,
      sleep: noSleep,
      shouldRetry: (e) => e instanceof Error && e.message === 'custom transient',
      onRetry: () => {
        throw new Error('observer bug');
      },
    });
    expect(result).toBe(2);
  });

  it('aborts during the backoff sleep with the signal reason and leaves no timer', async () => {
    vi.useFakeTimers();
    try {
      const controller = new AbortController();
      const fn = vi.fn(async () => {
        throw new TransportError('down', { url: 'http://a' });
      });
      const pending = withRetry(fn, {
        policy: { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 },
        random: () => 0.99,
        signal: controller.signal,
      }).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(10);
      expect(fn).toHaveBeenCalledTimes(1);
      expect(vi.getTimerCount()).toBe(1);
      controller.abort();
      const err = await pending;
      expect((err as Error).name).toBe('AbortError');
      expect(vi.getTimerCount()).toBe(0);
      expect(fn).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not start when the signal is already aborted', async () => {
    const fn = vi.fn(async () => 1);
    const reason = new Error('already');
    await expect(withRetry(fn, { policy: fast, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(fn).not.toHaveBeenCalled();
  });

  it('retries a real HTTP 503 through the transport, then succeeds', async () => {
    let hits = 0;
    const srv = await startServer((_req, res) => {
      hits++;
      res.statusCode = hits < 3 ? 503 : 200;
      res.end(hits < 3 ? 'busy' : 'fine');
    });
    const http = createHttpTransport();
    try {
      const reply = await withRetry(
        () => http.send({ endpoint: 't', method: 'GET', url: `${srv.origin}/` }),
        {
          policy: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 5, maxDelayMs: 10 },
        },
      );
      expect(reply.text).toBe('fine');
      expect(hits).toBe(3);
    } finally {
      await http.close();
      await srv.close();
    }
  });
});

describe('sleep', () => {
  it('resolves after the delay and rejects at once on abort', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
    const c = new AbortController();
    const p = sleep(60_000, c.signal);
    c.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });
});
