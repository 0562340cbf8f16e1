import { describe, expect, it } from 'vitest';
import { QueueFullError } from '../../src/bot/bot-errors.js';
import { backoffDelay, isRateLimited, SendQueue } from '../../src/bot/send-queue.js';
import { InvalidStateError, ProtocolError } from '../../src/errors.js';

/** A virtual clock: sleep() advances it at once and records the pause. */
function virtualTime() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('SendQueue', () => {
  it('runs sends one at a time, in order, with the least interval between them', async () => {
    const time = virtualTime();
    const queue = new SendQueue({ minIntervalMs: 100, now: time.now, sleep: time.sleep });
    const starts: number[] = [];
    const results = await Promise.all(
      [1, 2, 3].map((n) =>
        queue.enqueue(async () => {
          starts.push(time.now());
          return n;
        }),
      ),
    );
    expect(results).toEqual([1, 2, 3]);
    expect(starts).toEqual([0, 100, 200]);
  });

  it('backs off on Ret 1205 and retries, then succeeds', async () => {
    const time = virtualTime();
    const queue = new SendQueue({
      minIntervalMs: 0,
      backoffBaseMs: 1000,
      random: () => 0.5,
      now: time.now,
      sleep: time.sleep,
    });
    let attempts = 0;
    const result = await queue.enqueue(async () => {
      attempts++;
      if (attempts <= 2) throw new ProtocolError('webwxsendmsg', 1205);
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(attempts).toBe(3);
    expect(time.sleeps).toEqual([750, 1500]);
    expect(queue.stats).toMatchObject({ sent: 1, rateLimited: 2, failed: 0 });
  });

  it('gives up after maxRetries, and never repeats other failures', async () => {
    const time = virtualTime();
    const queue = new SendQueue({ minIntervalMs: 0, maxRetries: 2, now: time.now, sleep: time.sleep });
    let attempts = 0;
    await expect(
      queue.enqueue(async () => {
        attempts++;
        throw new ProtocolError('webwxsendmsg', 1205);
      }),
    ).rejects.toMatchObject({ ret: 1205 });
    expect(attempts).toBe(3);
    attempts = 0;
    await expect(
      queue.enqueue(async () => {
        attempts++;
        throw new ProtocolError('webwxsendmsg', 1204);
      }),
    ).rejects.toMatchObject({ ret: 1204 });
    expect(attempts).toBe(1);
    // The queue still works after failures.
    await expect(queue.enqueue(async () => 'fine')).resolves.toBe('fine');
  });

  it('rejects when full or closed', async () => {
    const queue = new SendQueue({ minIntervalMs: 0, maxPending: 1 });
    let release!: () => void;
    const first = queue.enqueue(() => new Promise<void>((r) => (release = r)));
    const second = queue.enqueue(async () => 'queued');
    const third = queue.enqueue(async () => 'third');
    await expect(third).rejects.toThrow('full');
    await expect(third).rejects.toBeInstanceOf(QueueFullError);
    queue.close();
    await expect(second).rejects.toThrow('closed');
    release();
    await first;
    const late = queue.enqueue(async () => 1);
    await expect(late).rejects.toThrow('closed');
    await expect(late).rejects.toBeInstanceOf(InvalidStateError);
  });

  it('backoff grows, is capped, and stays in [ceiling/2, ceiling]', () => {
    expect(backoffDelay(0, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelay(3, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffDelay(20, 1000, 60_000, () => 1)).toBe(60_000);
    expect(isRateLimited(new ProtocolError('webwxsendmsg', 1205))).toBe(true);
    expect(isRateLimited(new Error('1205'))).toBe(false);
  });
});

describe('SendQueue pass-through (a Bot’s default)', () => {
  it('starts every send at once, side by side, and only counts them', async () => {
    const queue = new SendQueue({ passThrough: true });
    const started: number[] = [];
    const finish: (() => void)[] = [];
    const sends = [1, 2, 3].map((n) =>
      queue.enqueue(() => {
        started.push(n);
        return new Promise<number>((resolve) => finish.push(() => resolve(n)));
      }),
    );
    // Synchronously, before any of them settled: nothing waits for another.
    expect(started).toEqual([1, 2, 3]);
    expect(queue.stats.pending).toBe(3);
    const failed = queue.enqueue(() => Promise.reject(new ProtocolError('webwxsendmsg', 1205, '')));
    await expect(failed).rejects.toThrow();
    for (const f of finish) f();
    expect(await Promise.all(sends)).toEqual([1, 2, 3]);
    await queue.idle();
    expect(queue.stats).toEqual({ sent: 3, failed: 1, rateLimited: 1, pending: 0 });
  });
});
