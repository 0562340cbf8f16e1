import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QueueFullError } from '../../src/bot/bot-errors.js';
import { ChatScheduler } from '../../src/bot/chat-scheduler.js';
import { InvalidArgumentError } from '../../src/errors.js';

describe('ChatScheduler (property)', () => {
  it('keeps each chat in order and never exceeds the concurrency bound', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.record({ chat: fc.integer({ min: 0, max: 5 }), ticks: fc.integer({ min: 0, max: 3 }) }), {
          maxLength: 40,
        }),
        async (concurrency, tasks) => {
          const scheduler = new ChatScheduler({ concurrency });
          const started: number[][] = Array.from({ length: 6 }, () => []);
          const running = new Set<number>();
          let most = 0;
          let overlapInChat = false;
          await Promise.all(
            tasks.map((task, index) =>
              scheduler.schedule(`c${task.chat}`, async () => {
                if (running.has(task.chat)) overlapInChat = true;
                running.add(task.chat);
                most = Math.max(most, running.size);
                started[task.chat]?.push(index);
                for (let i = 0; i < task.ticks; i++) await Promise.resolve();
                running.delete(task.chat);
              }),
            ),
          );
          expect(overlapInChat).toBe(false);
          expect(most).toBeLessThanOrEqual(concurrency);
          for (const list of started) expect(list).toEqual([...list].sort((a, b) => a - b));
          expect(scheduler.pending).toBe(0);
          await scheduler.idle();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a failing task rejects its own promise only; the chat goes on', async () => {
    const scheduler = new ChatScheduler({ concurrency: 1 });
    const log: string[] = [];
    const first = scheduler.schedule('a', async () => {
      throw new Error('first failed');
    });
    const second = scheduler.schedule('a', async () => {
      log.push('second ran');
    });
    await expect(first).rejects.toThrow('first failed');
    await second;
    expect(log).toEqual(['second ran']);
    const refused = new ChatScheduler({ maxPending: 0 }).schedule('a', async () => {});
    await expect(refused).rejects.toThrow('too many');
    await expect(refused).rejects.toBeInstanceOf(QueueFullError);
    expect(() => new ChatScheduler({ concurrency: 0 })).toThrow(InvalidArgumentError);
  });
});
