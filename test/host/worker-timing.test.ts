/** A worker's lease timing: the defaults bring a killed worker's accounts back within 10 s (docs/scale.md). */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { DEFAULT_LEASE_TTL_MS, workerTiming } from '../../src/host/worker.js';

describe('workerTiming', () => {
  it('defaults to a 5 s lease renewed every 1.25 s: the TTL plus a tick leave room for the resume in 10 s', () => {
    const { leaseTtlMs, tickMs } = workerTiming({});
    expect(leaseTtlMs).toBe(DEFAULT_LEASE_TTL_MS);
    expect(leaseTtlMs).toBe(5_000);
    expect(tickMs).toBe(1_250);
    // The worst case before a taker starts the resume: the dead worker's last renewal lasts a TTL,
    // then the taker's next tick. At least 3 s of the 10 s are left for the resume itself.
    expect(leaseTtlMs + tickMs).toBeLessThanOrEqual(7_000);
    // A holder renews at least three times before it gives up at 80 % of the TTL.
    expect(Math.floor((leaseTtlMs * 0.8) / tickMs)).toBeGreaterThanOrEqual(3);
  });

  it('takes what it is given, and refuses a TTL too short to renew', () => {
    expect(workerTiming({ leaseTtlMs: 3_000 })).toEqual({ leaseTtlMs: 3_000, tickMs: 750 });
    expect(workerTiming({ leaseTtlMs: 3_000, tickMs: 100 })).toEqual({ leaseTtlMs: 3_000, tickMs: 100 });
    expect(() => workerTiming({ leaseTtlMs: 10 })).toThrow(InvalidArgumentError);
    expect(() => workerTiming({ leaseTtlMs: Number.NaN })).toThrow(InvalidArgumentError);
  });
});
