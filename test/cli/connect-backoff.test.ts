/** connectWithBackoff: a server that is not up yet is retried with a growing pause, each attempt logged. */
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cli-io.js';
import { connectWithBackoff, isPermanent } from '../../src/cli/connect-backoff.js';
import { StoreError } from '../../src/store/index.js';
import { recordingLogger } from '../recording-logger.js';

describe('connectWithBackoff', () => {
  it('retries until the server answers, logging each failed attempt with a doubling pause', async () => {
    const log = recordingLogger();
    let calls = 0;
    const result = await connectWithBackoff(
      'Redis',
      async () => {
        calls++;
        if (calls < 4) throw new Error('cannot reach redis://:hunter2@127.0.0.1:1');
        return 'connected';
      },
      {
        logger: log.logger,
        signal: new AbortController().signal,
        backoff: { firstMs: 5, maxMs: 12 },
      },
    );
    expect(result).toBe('connected');
    expect(calls).toBe(4);
    const warnings = log.at('warn').map((l) => l as { msg?: string; obj: Record<string, unknown> });
    expect(warnings.map((l) => [l.msg, l.obj.attempt, l.obj.retryInMs])).toEqual([
      ['cannot connect to Redis: retrying', 1, 5],
      ['cannot connect to Redis: retrying', 2, 10],
      ['cannot connect to Redis: retrying', 3, 12],
    ]);
    expect(log.text()).not.toContain('hunter2');
  });

  it('gives up at once on what no retry cures, and when its signal aborts', async () => {
    const log = recordingLogger();
    const missing = new StoreError(
      'io',
      'PostgresStore needs the optional dependency pg: run `npm install pg`',
    );
    expect(isPermanent(missing)).toBe(true);
    expect(isPermanent(new StoreError('incompatible', 'newer schema'))).toBe(true);
    await expect(
      connectWithBackoff('PostgreSQL', () => Promise.reject(missing), {
        logger: log.logger,
        signal: new AbortController().signal,
      }),
    ).rejects.toBe(missing);
    expect(log.at('warn')).toEqual([]);

    const controller = new AbortController();
    const pending = connectWithBackoff('PostgreSQL', () => Promise.reject(new Error('ECONNREFUSED')), {
      logger: log.logger,
      signal: controller.signal,
      backoff: { firstMs: 60_000, maxMs: 60_000 },
    });
    setTimeout(() => controller.abort(), 20);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(130);
    expect(log.at('warn')).toHaveLength(1);
  });
});
